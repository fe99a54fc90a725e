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
	// SE[k][i] is the standard error of CIF[k][i], and SES[i] that of
	// S[i], by the infinitesimal jackknife, as R's survfit computes them
	// for multi-state curves.
	SE  [][]float64
	SES []float64
	// AtRisk[i] is the weight at risk on Days[i].
	AtRisk []float64
	// N is the weight of all cases.
	N float64
	// LastDay is the last day any case was at risk.
	LastDay int
}

// AalenJohansen estimates the cumulative incidence of kinds 0..kinds-1
// with delayed entry, matching R's survfit(Surv(start, stop, state) ~ 1,
// id = ...) for a single starting state, standard errors included.
//
// The standard errors are the infinitesimal jackknife: the variance is the
// sum over cases of the squared derivative of the estimate by the case's
// weight. Each derivative is a closed form in a few running sums over the
// event days (derived in the comments below), so each point costs O(cases) after O(days) of running sums.
func AalenJohansen(ivs []Interval, kinds int) Incidence {
	inc := Incidence{LastDay: -1}
	if len(ivs) == 0 || kinds < 1 {
		inc.CIF = make([][]float64, max(kinds, 0))
		inc.SE = make([][]float64, max(kinds, 0))
		return inc
	}
	maxDay := 0
	for _, iv := range ivs {
		maxDay = max(maxDay, iv.Stop)
	}
	c := NewCounts(maxDay, kinds)
	for _, iv := range ivs {
		c.Add(iv.Start, iv.Stop, min(iv.Kind, kinds-1), iv.weight())
	}
	inc.N = c.n

	// Per day t (0..maxDay): λ(t) = d/Y, λk = dk/Y; S after t; c_k(t) =
	// S(t−1)·λk(t), the increment of CIF_k. Running sums, by day:
	//   H(t)   = Σ λ/(Y(1−λ))            (for the derivative of log S)
	//   Q_k(t) = Σ S(u−1)·λk/Y
	//   C_k(t) = Σ c_k = CIF_k(t)
	//   CH_k(t)= Σ c_k(u)·H(u−1)
	n := maxDay + 1
	lam := make([]float64, n)
	y := make([]float64, n)
	surv := make([]float64, n) // S just after day t
	g := make([]float64, n)    // 1/(Y(1−λ)), 0 where undefined
	H := make([]float64, n)
	Q := make([][]float64, kinds)
	C := make([][]float64, kinds)
	CH := make([][]float64, kinds)
	for k := range kinds {
		Q[k], C[k], CH[k] = make([]float64, n), make([]float64, n), make([]float64, n)
	}
	atRisk, s := 0.0, 1.0
	for t := range n {
		atRisk += c.Enter[t]
		y[t] = atRisk
		d := 0.0
		for k := range kinds {
			d += c.Events[k][t]
		}
		if atRisk > 0 && (d > 0 || c.Exit[t] > 0) {
			inc.LastDay = t
		}
		prevS := s
		prevH := 0.0
		if t > 0 {
			prevH = H[t-1]
		}
		H[t] = prevH
		if d > 0 && atRisk > 0 {
			lam[t] = d / atRisk
			if lam[t] < 1-1e-12 {
				g[t] = 1 / (atRisk * (1 - lam[t]))
				H[t] += lam[t] * g[t]
				s *= 1 - lam[t]
			} else {
				lam[t], s = 1, 0
			}
		}
		surv[t] = s
		for k := range kinds {
			var q, cc, ch float64
			if t > 0 {
				q, cc, ch = Q[k][t-1], C[k][t-1], CH[k][t-1]
			}
			if d > 0 && atRisk > 0 {
				lk := c.Events[k][t] / atRisk
				q += prevS * lk / atRisk
				step := prevS * lk
				cc += step
				ch += step * prevH
			}
			Q[k][t], C[k][t], CH[k][t] = q, cc, ch
		}
		if d > 0 && atRisk > 0 {
			inc.Days = append(inc.Days, t)
			inc.S = append(inc.S, s)
			inc.AtRisk = append(inc.AtRisk, atRisk)
		}
		atRisk -= d + c.Exit[t]
		if atRisk < 1e-9 {
			atRisk = 0
		}
	}
	inc.CIF = make([][]float64, kinds)
	inc.SE = make([][]float64, kinds)
	for k := range kinds {
		inc.CIF[k] = make([]float64, len(inc.Days))
		inc.SE[k] = make([]float64, len(inc.Days))
		for i, t := range inc.Days {
			inc.CIF[k][i] = C[k][t]
		}
	}
	inc.SES = make([]float64, len(inc.Days))

	// at returns a running sum at day x, 0 before day 0.
	at := func(a []float64, x int) float64 {
		if x < 0 {
			return 0
		}
		return a[min(x, n-1)]
	}
	// The influence of case i (start a, stop b, kind e) at day t, where
	// D(x) = ∂S(x)/S(x) = H(min(b,x)) − H(min(a,x)) − [b <= x, event]·g(b):
	//   ∂S(t)     = S(t)·D(t)
	//   ∂CIF_k(t) = Σ_{u<=t} c_k(u)·D(u−1)
	//             + [b <= t, e = k]·S(b−1)/Y(b) − (Q_k(min(b,t)) − Q_k(min(a,t)))
	// and the first sum, split where D(u−1) changes form (u−1 <= a: 0;
	// a < u−1 < b: H(u−1) − H(a); u−1 >= b: H(b) − H(a) − event·g(b)), is
	// made of running sums of c_k and c_k·H(u−1).
	sPrev := func(b int) float64 {
		if b <= 0 {
			return 1
		}
		return surv[b-1]
	}
	for i, t := range inc.Days {
		varS := 0.0
		vars := make([]float64, kinds)
		for _, iv := range ivs {
			w := iv.weight()
			a, b := max(iv.Start, -1), min(iv.Stop, maxDay)
			if b <= a {
				continue
			}
			ev := iv.Kind >= 0
			kind := min(iv.Kind, kinds-1)
			gb := 0.0
			if ev && b <= t {
				gb = g[b]
			}
			D := at(H, min(b, t)) - at(H, min(a, t)) - gb
			dS := surv[t] * D
			varS += w * w * dS * dS
			ha, hb := at(H, a), at(H, b)
			for k := range kinds {
				// Σ over u in [a+2, min(t, b)] of c_k(u)(H(u−1) − H(a)).
				lo, hi := a+2, min(t, b)
				first := 0.0
				if hi >= lo {
					first += at(CH[k], hi) - at(CH[k], lo-1) - ha*(at(C[k], hi)-at(C[k], lo-1))
				}
				// Σ over u in [b+1, t] of c_k(u)(H(b) − H(a) − event·g(b)).
				if t >= b+1 {
					tail := hb - ha
					if ev {
						tail -= g[b]
					}
					first += (at(C[k], t) - at(C[k], b)) * tail
				}
				second := -(at(Q[k], min(b, t)) - at(Q[k], min(a, t)))
				if ev && kind == k && b <= t && y[b] > 0 {
					second += sPrev(b) / y[b]
				}
				dk := first + second
				vars[k] += w * w * dk * dk
			}
		}
		inc.SES[i] = math.Sqrt(varS)
		for k := range kinds {
			inc.SE[k][i] = math.Sqrt(vars[k])
		}
	}
	return inc
}

// At returns the cumulative incidence of kind k just after day t.
func (inc Incidence) At(k, t int) float64 {
	i, found := slices.BinarySearch(inc.Days, t)
	if !found {
		i--
	}
	if i < 0 || k >= len(inc.CIF) {
		return 0
	}
	return inc.CIF[k][i]
}
