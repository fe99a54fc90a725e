package stats

import (
	"cmp"
	"math"
	"slices"
)

// z975 is the 97.5% quantile of the standard normal distribution, R's
// qnorm(0.975), used for 95% confidence limits.
const z975 = 1.959963984540054

// levelTolerance lets a curve that is at a level up to rounding count as
// having reached it: a product of fractions meant to be exactly 0.5 may come
// out as 0.5000000000000001. R's quantile.survfit uses the same tolerance,
// sqrt(machine epsilon).
const levelTolerance = 1.4901161193847656e-08

// Observation is one case for the estimator: its time in days and whether
// that time is an event (decided) or a censoring (still pending).
type Observation struct {
	Days  int
	Event bool
}

// Point is the Kaplan-Meier curve at one distinct event time.
type Point struct {
	// T is the event time in days.
	T int
	// S is the estimated share still undecided just after T.
	S float64
	// AtRisk is the number of cases with a time >= T.
	AtRisk int
	// Events is the number of decisions at T.
	Events int
	// Greenwood is Greenwood's sum Σ d/(n(n-d)) over event times up to T,
	// the variance of log S; +Inf once S = 0.
	Greenwood float64
}

// StdErr is Greenwood's standard error of S, S·sqrt(Greenwood); NaN where
// S = 0, as R reports it.
func (pt Point) StdErr() float64 {
	if pt.S == 0 {
		return math.NaN()
	}
	return pt.S * math.Sqrt(pt.Greenwood)
}

// CI returns the pointwise 95% confidence limits of S on the log scale (R's
// conf.type = "log"): exp(log S ± z·sqrt(Greenwood)), the upper limit capped
// at 1. Both are NaN where S = 0, where R reports NA. They are computed on
// demand because a query needs them at a handful of points only.
func (pt Point) CI() (lower, upper float64) {
	if pt.S == 0 {
		return math.NaN(), math.NaN()
	}
	ls, w := math.Log(pt.S), z975*math.Sqrt(pt.Greenwood)
	return math.Exp(ls - w), min(1, math.Exp(ls+w))
}

// Curve is a Kaplan-Meier estimate.
type Curve struct {
	// N is the number of cases, Events the number of decided ones.
	N, Events int
	// Points has one entry per distinct event time, in time order.
	Points []Point
}

// KaplanMeier estimates the curve from observations in any order. The index
// does not use it (it keeps its rows sorted and feeds tallies directly); it
// is the plain entry point for other callers and for tests.
func KaplanMeier(obs []Observation) Curve {
	t := tallyOf(obs)
	return t.curve()
}

// NaiveMedian is the plain median of the event times, ignoring censored
// cases: the biased figure shown beside the Kaplan-Meier median so people
// can see the difference. For an even number of events it is the midpoint
// of the two middle times, rounded half up to a whole day. ok is false when
// there are no events.
func NaiveMedian(obs []Observation) (days int, ok bool) {
	t := tallyOf(obs)
	return t.naiveMedian()
}

// Quantile returns the smallest event time by which a share p of cases is
// estimated to be decided, that is the smallest t with S(t) <= 1-p. ok is
// false when the curve never gets there.
func (c Curve) Quantile(p float64) (days int, ok bool) {
	for _, pt := range c.Points {
		if pt.S <= 1-p+levelTolerance {
			return pt.T, true
		}
	}
	return 0, false
}

// Median is Quantile(0.5).
func (c Curve) Median() (days int, ok bool) { return c.Quantile(0.5) }

// MedianCI returns the 95% confidence interval of the median as R's
// survfit/quantile.survfit compute it by default: lo is the first time the
// lower confidence limit falls to <= 0.5, hi the first time the upper limit
// does. Points where the limits are undefined (S = 0) are skipped, as R
// skips NA. Either end may be missing (ok false) when that limit never gets
// there.
func (c Curve) MedianCI() (lo int, loOK bool, hi int, hiOK bool) {
	for _, pt := range c.Points {
		if pt.S == 0 {
			break // the limits are undefined here and nothing follows
		}
		lower, upper := limitsAtOrBelowHalf(pt.S, pt.Greenwood)
		if !loOK && lower {
			lo, loOK = pt.T, true
		}
		if upper {
			return lo, loOK, pt.T, true // the lower limit is below the upper one
		}
	}
	return lo, loOK, 0, false
}

// limitsAtOrBelowHalf reports whether the lower and the upper 95% limit of
// S (see Point.CI) are <= 0.5 at a point with 0 < S, comparing on the log
// scale, where the limits are log S ± z·sqrt(G), to spare two exponentials
// per point.
func limitsAtOrBelowHalf(s, greenwood float64) (lower, upper bool) {
	logHalf := math.Log(0.5 + levelTolerance)
	ls, w := math.Log(s), z975*math.Sqrt(greenwood)
	return ls-w <= logHalf, ls+w <= logHalf
}

// tally is the compact input of the estimator: for each distinct time in
// increasing order, the number of events and of censorings at it. Building
// it from rows already in time order is a single append-only pass, which is
// what lets the index answer a query without sorting.
type tally struct {
	t      []int32
	d      []int32
	c      []int32
	n      int
	events int
}

// add records one observation. Times must arrive in nondecreasing order.
func (tl *tally) add(t int32, event bool) { tl.addRun(t, event, 1) }

// addRun records n observations at time t, all events or all censorings.
// Times must arrive in nondecreasing order. Callers that count runs of
// equal times in a local variable and record each run once avoid
// incrementing the same memory cell row after row, which dominated the cost
// of a query.
func (tl *tally) addRun(t int32, event bool, n int32) {
	k := len(tl.t) - 1
	if k < 0 || tl.t[k] != t {
		tl.t = append(tl.t, t)
		tl.d = append(tl.d, 0)
		tl.c = append(tl.c, 0)
		k++
	}
	if event {
		tl.d[k] += n
		tl.events += int(n)
	} else {
		tl.c[k] += n
	}
	tl.n += int(n)
}

// addCounts records d events and c censorings at time t, for callers that
// count by day first. Times must arrive in increasing order.
func (tl *tally) addCounts(t, d, c int32) {
	if d == 0 && c == 0 {
		return
	}
	tl.t = append(tl.t, t)
	tl.d = append(tl.d, d)
	tl.c = append(tl.c, c)
	tl.n += int(d + c)
	tl.events += int(d)
}

// tallyOf sorts a copy of the observations (events before censorings at the
// same time) and tallies them.
func tallyOf(obs []Observation) *tally {
	s := slices.Clone(obs)
	slices.SortFunc(s, func(a, b Observation) int {
		if c := cmp.Compare(a.Days, b.Days); c != 0 {
			return c
		}
		switch {
		case a.Event == b.Event:
			return 0
		case a.Event:
			return -1
		default:
			return 1
		}
	})
	var tl tally
	for _, o := range s {
		tl.add(int32(o.Days), o.Event)
	}
	return &tl
}

// curve computes the product-limit estimate with Greenwood's sums.
func (tl *tally) curve() Curve {
	cv := Curve{N: tl.n, Events: tl.events, Points: make([]Point, 0, len(tl.t))}
	atRisk := tl.n
	s := 1.0
	greenwood := 0.0
	for i, t := range tl.t {
		d, c := int(tl.d[i]), int(tl.c[i])
		if d > 0 {
			n := float64(atRisk)
			s *= (n - float64(d)) / n
			if d == atRisk {
				s = 0
				greenwood = math.Inf(1)
			} else {
				greenwood += float64(d) / (n * (n - float64(d)))
			}
			cv.Points = append(cv.Points, Point{T: int(t), S: s, AtRisk: atRisk, Events: d, Greenwood: greenwood})
		}
		atRisk -= d + c
	}
	return cv
}

// medianSummary returns the median and its confidence interval (see
// Curve.Median and Curve.MedianCI) without building the curve: breakdowns
// need only these for each of their many rows.
func (tl *tally) medianSummary() (median, lo, hi *int) {
	atRisk := tl.n
	s, greenwood := 1.0, 0.0
	for i, t := range tl.t {
		d, c := int(tl.d[i]), int(tl.c[i])
		atRisk0 := atRisk
		atRisk -= d + c
		if d == 0 {
			continue
		}
		n := float64(atRisk0)
		s *= (n - float64(d)) / n
		if d == atRisk0 {
			s = 0
			greenwood = math.Inf(1)
		} else {
			greenwood += float64(d) / (n * (n - float64(d)))
		}
		if median == nil && s <= 0.5+levelTolerance {
			median = intPtr(int(t))
		}
		if s == 0 {
			break
		}
		lower, upper := limitsAtOrBelowHalf(s, greenwood)
		if lo == nil && lower {
			lo = intPtr(int(t))
		}
		if upper {
			hi = intPtr(int(t))
			break // the median and the lower end came no later
		}
	}
	return median, lo, hi
}

// naiveMedian is the median of the event times alone (see NaiveMedian).
func (tl *tally) naiveMedian() (int, bool) {
	e := tl.events
	if e == 0 {
		return 0, false
	}
	// 0-based ranks of the two middle events (equal when e is odd).
	lo, hi := (e-1)/2, e/2
	var tlo, thi int
	seen := 0
	for i, t := range tl.t {
		d := int(tl.d[i])
		if d == 0 {
			continue
		}
		if seen <= lo && lo < seen+d {
			tlo = int(t)
		}
		if seen <= hi && hi < seen+d {
			thi = int(t)
			break
		}
		seen += d
	}
	return int(math.Floor(float64(tlo+thi)/2 + 0.5)), true
}
