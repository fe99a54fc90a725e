package survival

import (
	"math"
	"slices"
)

// Interval is one case for the estimators that need each case on its own
// rather than tallied by day: at risk on days Start+1 .. Stop, ending with
// event Kind (0, 1, ...) on day Stop, or with no event when Kind < 0.
type Interval struct {
	Start, Stop, Kind int
	// W is the case weight; 0 counts as 1.
	W float64
}

func (iv Interval) weight() float64 {
	if iv.W == 0 {
		return 1
	}
	return iv.W
}

// Intervals gathers cases for AalenJohansen, merging identical ones (the
// same start, stop and kind): their influence on the estimate is the same,
// so the standard errors need only the sum of their squared weights. Most
// cases are followed from filing, and those merge into a tally by day.
type Intervals struct {
	// fromFiling[kind+1][stop] holds the weight and squared weight of the
	// cases followed from filing; other those of the rest, by (start,
	// stop, kind+1).
	fromFiling [][][2]float64
	other      map[[3]int]*[2]float64
	n          int
}

// NewIntervals returns an empty set.
func NewIntervals() *Intervals {
	return &Intervals{other: map[[3]int]*[2]float64{}}
}

// Add adds a case (see Interval); w <= 0 counts as 1.
func (s *Intervals) Add(start, stop, kind int, w float64) {
	if w <= 0 {
		w = 1
	}
	kind = max(kind, -1)
	var acc *[2]float64
	if start <= -1 {
		for len(s.fromFiling) <= kind+1 {
			s.fromFiling = append(s.fromFiling, nil)
		}
		days := s.fromFiling[kind+1]
		if len(days) <= stop {
			days = append(days, make([][2]float64, stop+1-len(days))...)
			s.fromFiling[kind+1] = days
		}
		acc = &days[stop]
	} else {
		k := [3]int{start, stop, kind + 1}
		if acc = s.other[k]; acc == nil {
			acc = new([2]float64)
			s.other[k] = acc
		}
	}
	acc[0] += w
	acc[1] += w * w
	s.n++
}

// group is a set of identical intervals: W the sum of their weights, W2
// of their squared weights.
type group struct {
	start, stop, kind int
	w, w2             float64
}

func (s *Intervals) groups() []group {
	out := make([]group, 0, len(s.other))
	for kind, days := range s.fromFiling {
		for stop, v := range days {
			if v[0] != 0 {
				out = append(out, group{-1, stop, kind - 1, v[0], v[1]})
			}
		}
	}
	for k, v := range s.other {
		out = append(out, group{k[0], k[1], k[2] - 1, v[0], v[1]})
	}
	return out
}

// Incidence is the Aalen-Johansen estimate for competing events: from the
// starting state ("no event yet") a case moves to one of several kinds of
// event, each of which ends its chance of the others (a decision ends the
// chance of a request for evidence). CIF[k] is the cumulative incidence of
// kind k: the share of cases that had event k by each day, which the
// Kaplan-Meier curve of kind k censored at the other kinds overstates.
type Incidence struct {
	// Days are the days with at least one event, in order.
	Days []int
	// S[i] is the share still without any event just after Days[i].
	S []float64
	// CIF[k][i] is the share that had event k by Days[i].
	CIF [][]float64
	// AtRisk[i] is the weight at risk on Days[i].
	AtRisk []float64
	// N is the weight of all cases.
	N float64
	// LastDay is the last day any case was at risk.
	LastDay int

	// The running sums of the standard errors, by day (see StdErr).
	ivs          []group
	kinds        int
	surv, g, H   []float64
	y            []float64
	Q, C, CH     [][]float64
	maxDay, last int
}

// AalenJohansen estimates the cumulative incidence of kinds 0..kinds-1
// with delayed entry, matching R's survfit(Surv(start, stop, state) ~ 1,
// id = ...) for a single starting state. Kinds above kinds-1 count as the
// last one.
func AalenJohansen(ivs []Interval, kinds int) Incidence {
	s := NewIntervals()
	for _, iv := range ivs {
		s.Add(iv.Start, iv.Stop, iv.Kind, iv.weight())
	}
	return s.AalenJohansen(kinds)
}

// AalenJohansen is the estimate of a set of intervals (see the function).
func (set *Intervals) AalenJohansen(kinds int) Incidence {
	kinds = max(kinds, 1)
	gs := set.groups()
	inc := Incidence{LastDay: -1, ivs: gs, kinds: kinds, CIF: make([][]float64, kinds)}
	if len(gs) == 0 {
		return inc
	}
	maxDay := 0
	for _, g := range gs {
		maxDay = max(maxDay, g.stop)
	}
	c := NewCounts(maxDay, kinds)
	for _, g := range gs {
		c.Add(g.start, g.stop, min(g.kind, kinds-1), g.w)
	}
	inc.N = c.n
	inc.maxDay = maxDay

	// Per day t: λ(t) = d/Y, λk = dk/Y; S after t; c_k(t) = S(t−1)·λk(t),
	// the increment of CIF_k. Running sums, by day:
	//   H(t)   = Σ λ/(Y(1−λ))            (the derivative of log S)
	//   Q_k(t) = Σ S(u−1)·λk/Y
	//   C_k(t) = Σ c_k = CIF_k(t)
	//   CH_k(t)= Σ c_k(u)·H(u−1)
	n := maxDay + 1
	inc.y, inc.surv, inc.g, inc.H = make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	inc.Q, inc.C, inc.CH = make([][]float64, kinds), make([][]float64, kinds), make([][]float64, kinds)
	for k := range kinds {
		inc.Q[k], inc.C[k], inc.CH[k] = make([]float64, n), make([]float64, n), make([]float64, n)
	}
	atRisk, s := 0.0, 1.0
	for t := range n {
		atRisk += c.Enter[t]
		inc.y[t] = atRisk
		d := 0.0
		for k := range kinds {
			d += c.Events[k][t]
		}
		if atRisk > 0 && (d > 0 || c.Exit[t] > 0) {
			inc.LastDay = t
		}
		prevS, prevH := s, 0.0
		if t > 0 {
			prevH = inc.H[t-1]
		}
		inc.H[t] = prevH
		event := d > 0 && atRisk > 0
		if event {
			lam := d / atRisk
			if lam < 1-1e-12 {
				inc.g[t] = 1 / (atRisk * (1 - lam))
				inc.H[t] += lam * inc.g[t]
				s *= 1 - lam
			} else {
				s = 0
			}
		}
		inc.surv[t] = s
		for k := range kinds {
			var q, cc, ch float64
			if t > 0 {
				q, cc, ch = inc.Q[k][t-1], inc.C[k][t-1], inc.CH[k][t-1]
			}
			if event {
				lk := c.Events[k][t] / atRisk
				q += prevS * lk / atRisk
				step := prevS * lk
				cc += step
				ch += step * prevH
			}
			inc.Q[k][t], inc.C[k][t], inc.CH[k][t] = q, cc, ch
		}
		if event {
			inc.Days = append(inc.Days, t)
			inc.S = append(inc.S, s)
			inc.AtRisk = append(inc.AtRisk, atRisk)
		}
		atRisk -= d + c.Exit[t]
		if atRisk < 1e-9 {
			atRisk = 0
		}
	}
	for k := range kinds {
		inc.CIF[k] = make([]float64, len(inc.Days))
		for i, t := range inc.Days {
			inc.CIF[k][i] = inc.C[k][t]
		}
	}
	return inc
}

// At returns the cumulative incidence of kind k just after day t.
func (inc *Incidence) At(k, t int) float64 {
	i, found := slices.BinarySearch(inc.Days, t)
	if !found {
		i--
	}
	if i < 0 || k >= len(inc.CIF) {
		return 0
	}
	return inc.CIF[k][i]
}

// StdErr returns the standard errors of the cumulative incidence of each
// kind, and of the share still without an event, just after day t, by the
// infinitesimal jackknife as R's survfit computes them for multi-state
// curves: the variance is the sum over cases of the squared derivative of
// the estimate by the case's weight. Each derivative is a closed form in
// the running sums AalenJohansen keeps, so a day costs O(cases).
func (inc *Incidence) StdErr(t int) (cif []float64, none float64) {
	cifs, nones := inc.StdErrs([]int{t})
	return cifs[0], nones[0]
}

// StdErrs is StdErr for several days at once, in one pass over the cases.
func (inc *Incidence) StdErrs(days []int) (cif [][]float64, none []float64) {
	kinds := inc.kinds
	cif, none = make([][]float64, len(days)), make([]float64, len(days))
	vars := make([][]float64, len(days))
	for i := range days {
		cif[i], vars[i] = make([]float64, kinds), make([]float64, kinds)
	}
	if len(inc.ivs) == 0 {
		return cif, none
	}
	at := func(a []float64, x int) float64 {
		if x < 0 {
			return 0
		}
		return a[min(x, inc.maxDay)]
	}
	sPrev := func(b int) float64 {
		if b <= 0 {
			return 1
		}
		return inc.surv[b-1]
	}
	// The influence of case i (start a, stop b, kind e) at day t, where
	// D(x) = ∂S(x)/S(x) = H(min(b,x)) − H(min(a,x)) − [b <= x, event]·g(b):
	//   ∂S(t)     = S(t)·D(t)
	//   ∂CIF_k(t) = Σ_{u<=t} c_k(u)·D(u−1)
	//             + [b <= t, e = k]·S(b−1)/Y(b) − (Q_k(min(b,t)) − Q_k(min(a,t)))
	// and the first sum, split where D(u−1) changes form (u−1 <= a: 0;
	// a < u−1 < b: H(u−1) − H(a); u−1 >= b: H(b) − H(a) − event·g(b)), is
	// made of running sums of c_k and c_k·H(u−1).
	ts := make([]int, len(days))
	for i, t := range days {
		ts[i] = min(max(t, 0), inc.maxDay)
	}
	for _, g := range inc.ivs {
		a, b := max(g.start, -1), min(g.stop, inc.maxDay)
		if b <= a {
			continue
		}
		ev := g.kind >= 0
		kind := min(g.kind, kinds-1)
		ha, hb := at(inc.H, a), at(inc.H, b)
		tail0 := hb - ha
		if ev {
			tail0 -= inc.g[b]
		}
		for i, t := range ts {
			if days[i] < 0 {
				continue
			}
			gb := 0.0
			if ev && b <= t {
				gb = inc.g[b]
			}
			D := at(inc.H, min(b, t)) - at(inc.H, min(a, t)) - gb
			dS := inc.surv[t] * D
			none[i] += g.w2 * dS * dS
			for k := range kinds {
				first := 0.0
				// Σ over u in [a+2, min(t, b)] of c_k(u)(H(u−1) − H(a)).
				if lo, hi := a+2, min(t, b); hi >= lo {
					first += at(inc.CH[k], hi) - at(inc.CH[k], lo-1) - ha*(at(inc.C[k], hi)-at(inc.C[k], lo-1))
				}
				// Σ over u in [b+1, t] of c_k(u)(H(b) − H(a) − event·g(b)).
				if t >= b+1 {
					first += (at(inc.C[k], t) - at(inc.C[k], b)) * tail0
				}
				second := -(at(inc.Q[k], min(b, t)) - at(inc.Q[k], min(a, t)))
				if ev && kind == k && b <= t && inc.y[b] > 0 {
					second += sPrev(b) / inc.y[b]
				}
				dk := first + second
				vars[i][k] += g.w2 * dk * dk
			}
		}
	}
	for i := range days {
		none[i] = math.Sqrt(none[i])
		for k := range kinds {
			cif[i][k] = math.Sqrt(vars[i][k])
		}
	}
	return cif, none
}
