package stats

import (
	"math"
	"slices"
)

// Drift is how processing times move from one filing cohort to the next
// in a category: the logarithm of the factor by which they grow per day
// of filing (0: steady). In a growing backlog each month's filers wait
// longer than the month before, and an outlook read from the recent pace
// of older cases alone would promise too short a wait.
//
// It is measured from the filing quarters of the category a year apart,
// each read through the default policy: for every pair whose curves both
// reach a level (a tenth, a quarter, half, three quarters decided) well
// before they end, the ratio of the days they took to get there. Under a
// time scale that grows steadily with the filing date every level and
// pair gives the same ratio; the median of them is the yearly factor.
// The drift is 0 with fewer than minDriftRatios ratios, and never more
// than maxDriftYear per year either way.
func (ix *Index) Drift(category string) float64 {
	version, today := ix.Version(), ix.Today()
	c := &ix.paces
	c.mu.Lock()
	c.reset(version, today)
	d, ok := c.drifts[category]
	c.mu.Unlock()
	if ok {
		return d
	}
	d = ix.measureDrift(category)
	c.mu.Lock()
	if c.version == version && c.day.Equal(today) {
		c.drifts[category] = d
	}
	c.mu.Unlock()
	return d
}

// driftLevels are the shares decided whose days the drift compares.
var driftLevels = []float64{0.05, 0.1, 0.25, 0.5, 0.75}

const (
	// driftMargin is how many days before a quarter's curve ends a level
	// must be reached to count: a recent quarter reaches a level early
	// only by chance, and would otherwise make the drift look smaller.
	driftMargin = 90
	// minDriftRatios is the least number of ratios the drift is measured
	// from.
	minDriftRatios = 6
	// driftQuarters is how many of the latest filing quarters are
	// compared with the quarter a year before: the drift is that of
	// recent filers.
	driftQuarters = 12
	// daysPerYear converts a yearly factor to a daily one.
	daysPerYear = 365.25
)

// maxDriftYear bounds the drift: at most a factor of 1.5 a year.
var maxDriftYear = math.Log(1.5)

func (ix *Index) measureDrift(category string) float64 {
	pol := ix.resolve(category, DefaultPolicy)
	today := ix.Today()
	ix.mu.RLock()
	p := ix.partition(category)
	if p == nil || p.n == 0 {
		ix.mu.RUnlock()
		return 0
	}
	ag := newAges(p, today)
	curves, lastDay := quarterCurves(p, &ag, pol, tallyDays(p, &ag, pol))
	ix.mu.RUnlock()
	var ratios []float64
	reach := func(q int, level float64) (int, bool) {
		for d, s := range curves[q] {
			if int32(d)+driftMargin > lastDay[q] {
				break
			}
			if s <= 1-level+1e-12 {
				return d, true
			}
		}
		return 0, false
	}
	for older := max(len(curves)-4-driftQuarters, 0); older+4 < len(curves); older++ {
		for _, level := range driftLevels {
			d0, ok0 := reach(older, level)
			d1, ok1 := reach(older+4, level)
			if ok0 && ok1 {
				ratios = append(ratios, math.Log(float64(d1+1)/float64(d0+1)))
			}
		}
	}
	if len(ratios) < minDriftRatios {
		return 0
	}
	slices.Sort(ratios)
	year := ratios[len(ratios)/2]
	if len(ratios)%2 == 0 {
		year = (ratios[len(ratios)/2-1] + year) / 2
	}
	return max(-maxDriftYear, min(maxDriftYear, year)) / daysPerYear
}
