package stats

import (
	"github.com/casetrack/casetrack/internal/stats/survival"
	"math"
	"math/rand/v2"
	"sort"
	"testing"
)

// parseWeeks turns R-style survival data ("13+" = censored at 13) into
// observations.
func parseWeeks(t *testing.T, data []string) []Observation {
	t.Helper()
	obs := make([]Observation, 0, len(data))
	for _, s := range data {
		ev := true
		if s[len(s)-1] == '+' {
			ev = false
			s = s[:len(s)-1]
		}
		var n int
		for _, r := range s {
			if r < '0' || r > '9' {
				t.Fatalf("bad datum %q", s)
			}
			n = n*10 + int(r-'0')
		}
		obs = append(obs, Observation{Days: n, Event: ev})
	}
	return obs
}

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

// TestKaplanMeierAML checks the estimator against R's survival package on
// its aml data set: summary(survfit(Surv(time, status) ~ x, data = aml)) and
// print() of the same fit (median and its 95% CI, conf.type = "log").
//
// The standard errors below were recomputed from Greenwood's formula,
// se(S) = S·sqrt(Σ d/(n(n-d))); e.g. Nonmaintained at 5 weeks:
// 0.8333·sqrt(2/(12·10)) = 0.1076, and Maintained at 48 weeks:
// 0.1841·sqrt(1/110+1/90+1/56+1/42+1/20+1/12+1/2) = 0.1535.
func TestKaplanMeierAML(t *testing.T) {
	type row struct {
		t, n, d    int
		s, se      float64
		lower, upp float64 // NaN = NA
	}
	nan := math.NaN()
	tests := []struct {
		name           string
		data           []string
		rows           []row
		median         int
		ciLo           int
		ciLoOK, ciHiOK bool
		ciHi           int
	}{
		{
			name: "Maintained",
			data: []string{"9", "13", "13+", "18", "23", "28+", "31", "34", "45+", "48", "161+"},
			rows: []row{
				{9, 11, 1, 0.9091, 0.0867, 0.7541, 1},
				{13, 10, 1, 0.8182, 0.1163, 0.6192, 1},
				{18, 8, 1, 0.7159, 0.1397, 0.4884, 1},
				{23, 7, 1, 0.6136, 0.1526, 0.3769, 0.9992},
				{31, 5, 1, 0.4909, 0.1642, 0.2549, 0.9456},
				{34, 4, 1, 0.3682, 0.1627, 0.1549, 0.8753},
				{48, 2, 1, 0.1841, 0.1535, 0.0359, 0.9435},
			},
			median: 31, ciLo: 18, ciLoOK: true, ciHiOK: false,
		},
		{
			name: "Nonmaintained",
			data: []string{"5", "5", "8", "8", "12", "16+", "23", "27", "30", "33", "43", "45"},
			rows: []row{
				{5, 12, 2, 0.8333, 0.1076, 0.6470, 1},
				{8, 10, 2, 0.6667, 0.1361, 0.4468, 0.9946},
				{12, 8, 1, 0.5833, 0.1423, 0.3616, 0.9410},
				{23, 6, 1, 0.4861, 0.1481, 0.2675, 0.8833},
				{27, 5, 1, 0.3889, 0.1470, 0.1854, 0.8157},
				{30, 4, 1, 0.2917, 0.1387, 0.1148, 0.7408},
				{33, 3, 1, 0.1944, 0.1219, 0.0569, 0.6642},
				{43, 2, 1, 0.0972, 0.0919, 0.0153, 0.6195},
				{45, 1, 1, 0, nan, nan, nan},
			},
			median: 23, ciLo: 8, ciLoOK: true, ciHiOK: false,
		},
	}
	same := func(got, want, tol float64) bool {
		if math.IsNaN(want) {
			return math.IsNaN(got)
		}
		return near(got, want, tol)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cv := KaplanMeier(parseWeeks(t, tc.data))
			if len(cv.Points) != len(tc.rows) {
				t.Fatalf("got %d points, want %d: %+v", len(cv.Points), len(tc.rows), cv.Points)
			}
			for i, w := range tc.rows {
				g := cv.Points[i]
				if g.T != w.t || g.AtRisk != float64(w.n) || g.Events != float64(w.d) {
					t.Errorf("point %d: t/n/d = %d/%v/%v, want %d/%d/%d", i, g.T, g.AtRisk, g.Events, w.t, w.n, w.d)
				}
				if !same(g.S, w.s, 5e-5) {
					t.Errorf("t=%d: S = %.5f, want %.4f", w.t, g.S, w.s)
				}
				if !same(g.StdErr(), w.se, 5e-5) {
					t.Errorf("t=%d: std.err = %.5f, want %.4f", w.t, g.StdErr(), w.se)
				}
				if lower, upper := g.CI(); !same(lower, w.lower, 5e-5) || !same(upper, w.upp, 5e-5) {
					t.Errorf("t=%d: CI = (%.4f, %.4f), want (%.4f, %.4f)", w.t, lower, upper, w.lower, w.upp)
				}
			}
			if m, ok := cv.Quantile(0.5); !ok || m != tc.median {
				t.Errorf("median = %d (%v), want %d", m, ok, tc.median)
			}
			lo, loOK, hi, hiOK := cv.QuantileCI(0.5)
			if loOK != tc.ciLoOK || (loOK && lo != tc.ciLo) || hiOK != tc.ciHiOK || (hiOK && hi != tc.ciHi) {
				t.Errorf("median CI = (%d %v, %d %v), want (%d %v, %d %v)", lo, loOK, hi, hiOK, tc.ciLo, tc.ciLoOK, tc.ciHi, tc.ciHiOK)
			}
		})
	}
}

// TestQuantiles covers the quantile convention: the smallest event time
// with S(t) <= level, no midpoint rule, "not reached" when the curve stays
// above the level.
func TestQuantiles(t *testing.T) {
	ev := func(days ...int) []Observation {
		var o []Observation
		for _, d := range days {
			o = append(o, Observation{Days: d, Event: true})
		}
		return o
	}
	cens := func(days ...int) []Observation {
		var o []Observation
		for _, d := range days {
			o = append(o, Observation{Days: d})
		}
		return o
	}
	cat := func(parts ...[]Observation) []Observation {
		var o []Observation
		for _, p := range parts {
			o = append(o, p...)
		}
		return o
	}
	rep := func(n, d int, event bool) []Observation {
		o := make([]Observation, n)
		for i := range o {
			o[i] = Observation{Days: d, Event: event}
		}
		return o
	}
	const none = -1
	tests := []struct {
		name               string
		obs                []Observation
		p25, med, p75, p90 int
	}{
		{"empty", nil, none, none, none, none},
		{"all censored", cens(10, 20, 30), none, none, none, none},
		// S = .75, .5, .25, 0: the median is 20 where S first equals 0.5
		// (R's midpoint rule would give 25).
		{"flat at the level", ev(10, 20, 30, 40), 10, 20, 30, 40},
		// Three late censored cases keep S at 0.8, then 0.6.
		{"never reaches half", cat(ev(10, 20), cens(50, 60, 70)), 20, none, none, none},
		// 18 at risk, 7 events at 1: S = 11/18; 11 at risk, 2 events at 2:
		// S = 11/18·9/11, exactly 0.5 but 0.5000000000000001 in floating
		// point. The tolerance must still count it as reached.
		{"rounding at the level", cat(rep(7, 1, true), rep(2, 2, true), rep(9, 5, false)), 1, 2, none, none},
		// A censoring tied with an event counts as at risk for the event:
		// at t=10, n=4, d=1 -> S=.75; the censored case then leaves; at 20,
		// n=2, d=1 -> S=.375; at 30, n=1 -> S=0.
		{"tie event before censoring", cat(ev(10, 20, 30), cens(10)), 10, 20, 30, 30},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cv := KaplanMeier(tc.obs)
			for _, q := range []struct {
				p    float64
				want int
			}{{0.25, tc.p25}, {0.5, tc.med}, {0.75, tc.p75}, {0.9, tc.p90}} {
				got, ok := cv.Quantile(q.p)
				if !ok {
					got = none
				}
				if got != q.want {
					t.Errorf("quantile %.2f = %d, want %d (points %+v)", q.p, got, q.want, cv.Points)
				}
			}
		})
	}
}

func TestNaiveMedian(t *testing.T) {
	tests := []struct {
		name string
		obs  []Observation
		want int
		ok   bool
	}{
		{"no events", []Observation{{Days: 5}}, 0, false},
		{"odd", []Observation{{30, true}, {10, true}, {20, true}, {1, false}}, 20, true},
		// An even count takes the lower middle time, as the estimate
		// takes the first time S <= 0.5: one rule for every median.
		{"even takes the lower middle", []Observation{{10, true}, {21, true}}, 10, true},
		{"even exact", []Observation{{10, true}, {20, true}, {30, true}, {40, true}}, 20, true},
		{"ties", []Observation{{7, true}, {7, true}, {7, true}, {9, true}}, 7, true},
		{"censored ignored", []Observation{{100, false}, {200, false}, {5, true}}, 5, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := NaiveMedian(tc.obs)
			if got != tc.want || ok != tc.ok {
				t.Errorf("NaiveMedian = %d, %v; want %d, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

// bruteSurvival computes S(t) straight from the definition: the product
// over distinct event times u <= t of 1 - d(u)/n(u), with n(u) the number of
// observations with time >= u (so censorings at u are at risk) and d(u) the
// events at u. It also returns Greenwood's sum for the same product.
func bruteSurvival(obs []Observation, t int) (s, greenwood float64) {
	times := map[int]bool{}
	for _, o := range obs {
		if o.Event && o.Days <= t {
			times[o.Days] = true
		}
	}
	s = 1
	for u := range times {
		n, d := 0, 0
		for _, o := range obs {
			if o.Days >= u {
				n++
			}
			if o.Days == u && o.Event {
				d++
			}
		}
		s *= 1 - float64(d)/float64(n)
		if n == d {
			greenwood = math.Inf(1)
		} else {
			greenwood += float64(d) / float64(n*(n-d))
		}
	}
	return s, greenwood
}

// TestKaplanMeierBruteForce compares the estimator with bruteSurvival on
// many small random data sets full of ties and censoring, at every day, and
// the quantiles with a day-by-day search for the first time S <= level.
func TestKaplanMeierBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for iter := range 2000 {
		n := rng.IntN(50)
		maxT := 1 + rng.IntN(15) // few distinct times: many ties
		obs := make([]Observation, n)
		for i := range obs {
			obs[i] = Observation{Days: rng.IntN(maxT), Event: rng.IntN(3) > 0}
		}
		cv := KaplanMeier(obs)
		if cv.N != float64(n) {
			t.Fatalf("iter %d: N = %v, want %d", iter, cv.N, n)
		}
		// S(t) at every day from the step function.
		k := 0
		cur, curSE := 1.0, 0.0
		for day := range maxT + 1 {
			for k < len(cv.Points) && cv.Points[k].T <= day {
				cur, curSE = cv.Points[k].S, cv.Points[k].StdErr()
				k++
			}
			want, g := bruteSurvival(obs, day)
			if !near(cur, want, 1e-12) {
				t.Fatalf("iter %d day %d: S = %v, brute force %v; obs %v", iter, day, cur, want, obs)
			}
			wantSE := want * math.Sqrt(g)
			if want == 0 {
				wantSE = math.NaN()
			}
			if !(math.IsNaN(wantSE) && math.IsNaN(curSE)) && !near(curSE, wantSE, 1e-12) {
				t.Fatalf("iter %d day %d: se = %v, brute force %v; obs %v", iter, day, curSE, wantSE, obs)
			}
		}
		for _, p := range []float64{0.25, 0.5, 0.75, 0.9} {
			got, ok := cv.Quantile(p)
			want, wantOK := -1, false
			for day := range maxT + 1 {
				if s, _ := bruteSurvival(obs, day); s <= 1-p+1e-9 {
					want, wantOK = day, true
					break
				}
			}
			if ok != wantOK || (ok && got != want) {
				t.Fatalf("iter %d: quantile %.2f = %d %v, brute force %d %v; obs %v", iter, p, got, ok, want, wantOK, obs)
			}
		}
		// The median CI: first day each brute-force limit is <= 0.5.
		lo, loOK, hi, hiOK := cv.QuantileCI(0.5)
		wantLo, wantHi := -1, -1
		for day := range maxT + 1 {
			s, g := bruteSurvival(obs, day)
			if s == 0 {
				break
			}
			w := survival.Z975 * math.Sqrt(g)
			if wantLo < 0 && math.Exp(math.Log(s)-w) <= 0.5+1e-9 {
				wantLo = day
			}
			if wantHi < 0 && math.Min(1, math.Exp(math.Log(s)+w)) <= 0.5+1e-9 {
				wantHi = day
			}
		}
		if loOK != (wantLo >= 0) || (loOK && lo != wantLo) || hiOK != (wantHi >= 0) || (hiOK && hi != wantHi) {
			t.Fatalf("iter %d: median CI (%d %v, %d %v), brute force (%d, %d); obs %v", iter, lo, loOK, hi, hiOK, wantLo, wantHi, obs)
		}
		// The naive median against a plain sort of the event times.
		var evs []int
		for _, o := range obs {
			if o.Event {
				evs = append(evs, o.Days)
			}
		}
		sort.Ints(evs)
		got, ok := NaiveMedian(obs)
		if len(evs) == 0 {
			if ok {
				t.Fatalf("iter %d: naive median of no events = %d", iter, got)
			}
			continue
		}
		// The lower middle time: the smallest with at least half at or
		// before it, the one quantile rule of the site.
		want := evs[(len(evs)-1)/2]
		if !ok || got != want {
			t.Fatalf("iter %d: naive median = %d, want %d; events %v", iter, got, want, evs)
		}
	}
}

// TestKaplanMeierUncensored checks a second characterisation: without
// censoring the estimate is the empirical share of cases with T > t.
func TestKaplanMeierUncensored(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for iter := range 500 {
		n := 1 + rng.IntN(40)
		obs := make([]Observation, n)
		for i := range obs {
			obs[i] = Observation{Days: rng.IntN(20), Event: true}
		}
		for _, pt := range KaplanMeier(obs).Points {
			later := 0
			for _, o := range obs {
				if o.Days > pt.T {
					later++
				}
			}
			if want := float64(later) / float64(n); !near(pt.S, want, 1e-12) {
				t.Fatalf("iter %d t=%d: S = %v, empirical %v", iter, pt.T, pt.S, want)
			}
		}
	}
}
