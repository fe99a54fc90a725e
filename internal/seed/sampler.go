package seed

import (
	"math"
	"math/rand/v2"
	"sort"
	"time"
)

// weighted picks an index with probability proportional to its weight. A
// cumulative table with binary search is enough here: the largest table (the
// countries) has about 250 entries, so a pick costs eight comparisons.
type weighted struct {
	cum []float64
}

// newWeighted builds a table from non-negative weights; it reports false when
// no weight is positive, since nothing could be picked then.
func newWeighted(w []float64) (weighted, bool) {
	cum := make([]float64, len(w))
	var total float64
	for i, x := range w {
		if x > 0 && !math.IsInf(x, 0) {
			total += x
		}
		cum[i] = total
	}
	if total <= 0 {
		return weighted{}, false
	}
	for i := range cum {
		cum[i] /= total
	}
	return weighted{cum: cum}, true
}

// pick draws one index.
func (w weighted) pick(r *rand.Rand) int {
	u := r.Float64()
	i := sort.SearchFloat64s(w.cum, u)
	// SearchFloat64s finds the first cum >= u; an entry equal to u belongs to
	// the next bucket because buckets are half-open [cum[i-1], cum[i]).
	for i < len(w.cum)-1 && w.cum[i] <= u {
		i++
	}
	return i
}

// logNormal draws a log-normal value with the given median and shape sigma:
// processing times are skewed to the right (a long tail of slow cases), and
// their logarithms are close to normal.
func logNormal(r *rand.Rand, median, sigma float64) float64 {
	return median * math.Exp(sigma*r.NormFloat64())
}

// uniform draws from [lo, hi).
func uniform(r *rand.Rand, lo, hi float64) float64 {
	return lo + (hi-lo)*r.Float64()
}

// clampDays rounds x to whole days and keeps it within [lo, hi].
func clampDays(x float64, lo, hi int) int {
	d := int(math.Round(x))
	return min(max(d, lo), hi)
}

// base32 is the alphabet of crypto/rand.Text, which timeline.NewCaseID uses,
// so seeded ids look exactly like real ones.
const base32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

// caseID returns "c_" and 26 base-32 characters drawn from r. Ids drawn from
// the seeded generator (rather than crypto/rand) keep runs reproducible.
func caseID(r *rand.Rand) string {
	var b [28]byte
	b[0], b[1] = 'c', '_'
	var bits uint64
	left := 0
	for i := 2; i < len(b); i++ {
		if left < 5 {
			bits, left = r.Uint64(), 64
		}
		b[i] = base32[bits&31]
		bits >>= 5
		left -= 5
	}
	return string(b[:])
}

// Dates are handled as day numbers (days since 1970-01-01 UTC) while a case
// is built: adding and comparing integers is much cheaper than time.Time
// arithmetic, which matters at a million cases.

const secondsPerDay = 24 * 60 * 60

// dayOf returns the day number of a UTC calendar date.
func dayOf(y int, m time.Month, d int) int {
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / secondsPerDay)
}

// dayTime returns the UTC midnight of a day number.
func dayTime(day int) time.Time {
	return time.Unix(int64(day)*secondsPerDay, 0).UTC()
}
