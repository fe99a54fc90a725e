package survival

import "math"

// Arrivals is a sample in which each case was seen only because its
// person found the site and shared it: some while still waiting, some
// already decided. Index t of every slice is day t; weights may be
// fractional.
//
// Read conditionally on how each was seen (FitConditional), a case shared
// while waiting tells only of the days after it was shared (left
// truncation), and a case shared already decided only that its decision
// came before the day it was shared (right truncation). That is Turnbull's
// nonparametric estimate for truncated data, the textbook remedy; the
// engine publishes the product-limit estimate with delayed entry instead
// (see package stats), and the truth lab keeps this one to show why.
type Arrivals struct {
	// Pending[e] is the weight of cases first shared on day e while
	// pending (e = 0 also stands for cases shared on or before filing).
	Pending []float64
	// Events[t] and Exits[t] are the weights of those cases decided on
	// day t, and last known waiting on day t.
	Events, Exits []float64
	// Decided[t] is the weight of cases shared already decided, decided
	// on day t; DecidedShared[u] the weight of those shared on day u.
	Decided, DecidedShared []float64
}

// NewArrivals returns an empty sample for days 0..maxDay.
func NewArrivals(maxDay int) *Arrivals {
	n := maxDay + 1
	return &Arrivals{Pending: make([]float64, n), Events: make([]float64, n), Exits: make([]float64, n),
		Decided: make([]float64, n), DecidedShared: make([]float64, n)}
}

// AddPending records a case shared on day shared while waiting, at risk
// until stop and decided then when event is set.
func (a *Arrivals) AddPending(shared, stop int, event bool, w float64) {
	last := len(a.Pending) - 1
	shared, stop = min(max(shared, 0), last), min(stop, last)
	if stop < shared {
		return
	}
	a.Pending[shared] += w
	if event {
		a.Events[stop] += w
	} else {
		a.Exits[stop] += w
	}
}

// AddDecided records a case decided on day decision and shared on day
// shared (>= decision).
func (a *Arrivals) AddDecided(decision, shared int, w float64) {
	last := len(a.Pending) - 1
	decision, shared = min(max(decision, 0), last), min(max(shared, decision), last)
	a.Decided[decision] += w
	a.DecidedShared[shared] += w
}

// Fit is a nonparametric estimate of the decision-day distribution.
type Fit struct {
	// Mass[t] is the estimated share decided on day t; Beyond the share
	// decided after the last day (or never seen).
	Mass   []float64
	Beyond float64
	// Iterations the EM algorithm took.
	Iterations int
}

// FitConditional is the maximum likelihood estimate conditional on how
// each case was seen (see Arrivals), by Turnbull's self-consistency (EM)
// algorithm, in which the people who would have been seen had their
// decision come at another time are the missing data. Where the data
// cannot tell the share decided by the day people shared (everyone shared
// on the same day), the fit keeps the plain reading it starts from.
//
// Why by hand: no Go library has it, and it runs on the day tallies the
// engine builds, in O(days) per iteration.
func (a *Arrivals) FitConditional(maxIter int, tol float64) Fit {
	fit := a.plainStart()
	w := newEM(len(a.Pending))
	for it := 1; it <= maxIter; it++ {
		fit.Iterations = it
		if w.step(a, &fit) < tol {
			break
		}
	}
	return fit
}

// plainStart is the EM's starting point: the plain reading, every case
// from filing, the mass of censored cases beyond their exit spread as the
// product-limit estimate does.
func (a *Arrivals) plainStart() Fit {
	n := len(a.Pending)
	fit := Fit{Mass: make([]float64, n)}
	c := NewCounts(n-1, 1)
	for t := range n {
		c.Enter[0] += a.Pending[t] + a.Decided[t]
		c.Events[0][t] += a.Events[t] + a.Decided[t]
		c.Exit[t] += a.Exits[t]
		c.n += a.Pending[t] + a.Decided[t]
	}
	prev := 1.0
	for _, p := range c.Curve().Points {
		fit.Mass[p.T] = prev - p.S
		prev = p.S
	}
	fit.Beyond = prev
	return fit
}

// em holds the work arrays of the EM steps.
type em struct {
	surv, gt, le, next []float64
}

func newEM(n int) em {
	return em{surv: make([]float64, n), gt: make([]float64, n+1), le: make([]float64, n+1), next: make([]float64, n)}
}

// step is one EM step. It updates fit and returns the largest change of a
// mass.
func (w *em) step(a *Arrivals, fit *Fit) (change float64) {
	n := len(a.Pending)
	surv, gt, le, next := w.surv, w.gt, w.le, w.next
	s := 1.0
	for t := range n {
		s -= fit.Mass[t]
		surv[t] = max(s, 0)
	}
	// Exits on day c put their mass on days after c, in proportion to the
	// mass there: Exits[c]/S(c) per unit of mass. A case shared decided on
	// day e stands for S(e)/F(e) people who were still waiting on that day
	// (their mass goes after e), one shared waiting for F(e)/S(e) people
	// decided by then (their mass goes up to e). gt[t] sums, over days c <
	// t, what goes to each unit of mass on days after c; le[t] sums, over
	// days e >= t, what goes to each unit of mass on days up to e.
	gt[0] = 0
	for c := range n {
		S, F := surv[c], 1-surv[c]
		v := 0.0
		if a.Exits[c] > 0 && S > 0 {
			v += a.Exits[c] / S
		}
		if a.DecidedShared[c] > 0 && S > 0 && F > 0 {
			v += a.DecidedShared[c] / F
		}
		gt[c+1] = gt[c] + v
	}
	le[n] = 0
	for e := n - 1; e >= 0; e-- {
		S, F := surv[e], 1-surv[e]
		v := 0.0
		if a.Pending[e] > 0 && S > 0 && F > 0 {
			v += a.Pending[e] / S
		}
		le[e] = le[e+1] + v
	}
	sum := 0.0
	for t := range n {
		next[t] = a.Events[t] + a.Decided[t] + fit.Mass[t]*(gt[t]+le[t])
		sum += next[t]
	}
	beyond := fit.Beyond * gt[n]
	sum += beyond
	if sum <= 0 {
		return 0
	}
	for t := range n {
		v := next[t] / sum
		change = max(change, math.Abs(v-fit.Mass[t]))
		fit.Mass[t] = v
	}
	change = max(change, math.Abs(beyond/sum-fit.Beyond))
	fit.Beyond = beyond / sum
	return change
}

// Curve turns a fit into a product-limit curve. Its Greenwood sums use,
// on each day, the number at risk that the fitted daily decision rate and
// the decisions actually observed that day imply (decisions / rate): for
// cases all followed from filing or all shared while waiting, that is the
// usual risk set and the usual Greenwood variance.
func (a *Arrivals) Curve(fit Fit) Curve {
	cv := Curve{LastDay: -1}
	for t := range a.Pending {
		cv.N += a.Pending[t] + a.Decided[t]
		if a.Events[t]+a.Decided[t]+a.Exits[t] > 0 {
			cv.LastDay = t
		}
	}
	prev, gw := 1.0, 0.0
	for t, m := range fit.Mass {
		d := a.Events[t] + a.Decided[t]
		if m <= 0 || d <= 0 || prev <= 0 {
			continue
		}
		h := min(m/prev, 1)
		s := max(prev-m, 0)
		atRisk := d / h
		cv.Events += d
		if h >= 1-1e-12 || s == 0 {
			s, gw = 0, math.Inf(1)
		} else {
			gw += d / (atRisk * (atRisk - d))
		}
		cv.Points = append(cv.Points, Point{T: t, S: s, AtRisk: atRisk, Events: d, Greenwood: gw})
		prev = s
	}
	return cv
}
