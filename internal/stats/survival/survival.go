// Package survival holds the estimators behind CaseTrack's numbers, on
// samples tallied by whole day: the product-limit (Kaplan-Meier) estimate
// with delayed entry (left truncation) and case weights, its Greenwood
// variance, quantiles and their confidence limits, and the Aalen-Johansen
// estimate of cumulative incidence for competing events.
//
// Times are whole days since filing. A case is at risk on the days
// start+1 .. stop: start is the last day before it could be seen (-1 for a
// case followed from filing, the day it was first shared for a case that
// arrived while pending), stop the day it was decided or last known to be
// waiting. This is R's counting-process convention, Surv(start, stop,
// event): at risk at t when start < t <= stop, and at equal times events
// come before exits. Every estimate here is checked against R's survival
// package (survfit) in the tests, with the script that made the fixtures
// in testdata.
//
// Why by hand: no maintained Go library offers delayed entry, case weights
// or Aalen-Johansen, and the engine needs these estimators on tallies it
// builds in one pass over an in-memory index, not on row lists.
package survival

import "math"

// Z975 is the 97.5% quantile of the standard normal distribution, R's
// qnorm(0.975), used for 95% confidence limits.
const Z975 = 1.959963984540054

// LevelTolerance lets a curve that is at a level up to rounding count as
// having reached it: a product of fractions meant to be exactly 0.5 may
// come out as 0.5000000000000001. R's quantile.survfit uses the same
// tolerance, sqrt(machine epsilon).
const LevelTolerance = 1.4901161193847656e-08

// Counts is a sample tallied by day. Index t of every slice is day t.
// Weights may be fractional (a case followed for part of a window with a
// weight below one); unweighted samples add 1 per case.
type Counts struct {
	// Enter[t] is the weight of cases at risk from day t on.
	Enter []float64
	// Events[k][t] is the weight of cases that had event k on day t (k =
	// 0 for a single kind of event; competing events use 0, 1, ...).
	Events [][]float64
	// Exit[t] is the weight of cases that leave the risk set after day t
	// without an event.
	Exit []float64
	// n is the total weight added, for Curve.N.
	n float64
}

// NewCounts returns an empty tally for days 0..maxDay with the given
// number of kinds of events (at least 1).
func NewCounts(maxDay, kinds int) *Counts {
	c := &Counts{Enter: make([]float64, maxDay+1), Exit: make([]float64, maxDay+1)}
	c.Events = make([][]float64, max(kinds, 1))
	for k := range c.Events {
		c.Events[k] = make([]float64, maxDay+1)
	}
	return c
}

// MaxDay is the last day the tally covers.
func (c *Counts) MaxDay() int { return len(c.Enter) - 1 }

// Reset empties the tally for reuse, keeping its size.
func (c *Counts) Reset() {
	clear(c.Enter)
	clear(c.Exit)
	for _, e := range c.Events {
		clear(e)
	}
	c.n = 0
}

// Add records one case at risk on days start+1 .. stop that ended with
// event kind (or, when kind < 0, left without one), with weight w. start
// below -1 counts as -1, and days beyond MaxDay as MaxDay. A case with
// stop <= start is never at risk and is not counted.
func (c *Counts) Add(start, stop, kind int, w float64) {
	start = max(start, -1)
	last := c.MaxDay()
	stop = min(stop, last)
	if stop <= start || w == 0 {
		return
	}
	c.Enter[start+1] += w
	if kind >= 0 {
		c.Events[kind][stop] += w
	} else {
		c.Exit[stop] += w
	}
	c.n += w
}

// Point is the product-limit estimate at one day with events.
type Point struct {
	// T is the day.
	T int
	// S is the estimated share without an event just after T.
	S float64
	// AtRisk is the weight of cases at risk on T, Events the weight of
	// events on it (of any kind).
	AtRisk, Events float64
	// Greenwood is Greenwood's sum Σ d/(n(n-d)) over event days up to T,
	// the variance of log S; +Inf once S = 0.
	Greenwood float64
}

// StdErr is Greenwood's standard error of S, S·sqrt(Greenwood); NaN where
// S = 0, as R reports it.
func (p Point) StdErr() float64 {
	if p.S == 0 {
		return math.NaN()
	}
	return p.S * math.Sqrt(p.Greenwood)
}

// CI returns the pointwise 95% confidence limits of S on the log scale
// (R's conf.type = "log"): exp(log S ± z·sqrt(Greenwood)), the upper limit
// capped at 1. Both are NaN where S = 0, where R reports NA.
func (p Point) CI() (lower, upper float64) {
	if p.S == 0 {
		return math.NaN(), math.NaN()
	}
	ls, w := math.Log(p.S), Z975*math.Sqrt(p.Greenwood)
	return math.Exp(ls - w), min(1, math.Exp(ls+w))
}

// Curve is a product-limit estimate.
type Curve struct {
	// N is the weight of all cases, Events the weight of those with an
	// event.
	N, Events float64
	// Points has one entry per day with events, in time order.
	Points []Point
	// LastDay is the last day any case was at risk: the curve says
	// nothing beyond it.
	LastDay int
}

// Curve computes the product-limit estimate of the time to any event,
// with Greenwood's sums.
func (c *Counts) Curve() Curve {
	cv := Curve{N: c.n, LastDay: -1}
	atRisk, s, gw := 0.0, 1.0, 0.0
	for t := range c.Enter {
		atRisk += c.Enter[t]
		d := 0.0
		for _, e := range c.Events {
			d += e[t]
		}
		if atRisk > 0 && (d > 0 || c.Exit[t] > 0) {
			cv.LastDay = t
		}
		if d > 0 && atRisk > 0 {
			cv.Events += d
			if d >= atRisk*(1-1e-12) {
				s, gw = 0, math.Inf(1)
			} else {
				s *= 1 - d/atRisk
				gw += d / (atRisk * (atRisk - d))
			}
			cv.Points = append(cv.Points, Point{T: t, S: s, AtRisk: atRisk, Events: d, Greenwood: gw})
		}
		atRisk -= d + c.Exit[t]
		if atRisk < 1e-9 {
			atRisk = 0 // rounding of fractional weights
		}
	}
	return cv
}

// At returns the estimate just after day t: 1 before the first event.
func (cv Curve) At(t int) float64 {
	s := 1.0
	for _, p := range cv.Points {
		if p.T > t {
			break
		}
		s = p.S
	}
	return s
}

// ByDay returns the estimate just after each day 0..n-1, for callers
// that look it up many times.
func (cv Curve) ByDay(n int) []float64 {
	out := make([]float64, n)
	s, i := 1.0, 0
	for t := range out {
		for i < len(cv.Points) && cv.Points[i].T <= t {
			s = cv.Points[i].S
			i++
		}
		out[t] = s
	}
	return out
}

// Quantile returns the smallest event day by which a share p of cases is
// estimated to have had the event, the smallest t with S(t) <= 1-p: the
// one quantile rule of every median CaseTrack shows. ok is false when the
// curve never gets there; it is never extrapolated.
func (cv Curve) Quantile(p float64) (day int, ok bool) {
	for _, pt := range cv.Points {
		if pt.S <= 1-p+LevelTolerance {
			return pt.T, true
		}
	}
	return 0, false
}

// QuantileCI returns the 95% confidence interval of the quantile p as R's
// quantile.survfit computes it by default (conf.type = "log"): lo is the
// first day the lower pointwise limit falls to <= 1-p, hi the first day
// the upper limit does. Days where the limits are undefined (S = 0) are
// skipped, as R skips NA. Either end may be missing (ok false).
func (cv Curve) QuantileCI(p float64) (lo int, loOK bool, hi int, hiOK bool) {
	logLevel := math.Log(1 - p + LevelTolerance)
	for _, pt := range cv.Points {
		if pt.S == 0 {
			break // the limits are undefined here and nothing follows
		}
		ls, w := math.Log(pt.S), Z975*math.Sqrt(pt.Greenwood)
		if !loOK && ls-w <= logLevel {
			lo, loOK = pt.T, true
		}
		if ls+w <= logLevel {
			return lo, loOK, pt.T, true // the lower limit got there no later
		}
	}
	return lo, loOK, 0, false
}
