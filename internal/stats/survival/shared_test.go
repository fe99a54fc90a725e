package survival

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestFitConditionalReducesToProductLimit: with no case shared decided,
// the conditional estimate is the product-limit estimate with delayed
// entry (Turnbull's algorithm converges to it), on random samples.
func TestFitConditionalReducesToProductLimit(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for iter := range 50 {
		n, maxDay := 20+rng.IntN(80), 200
		a := NewArrivals(maxDay)
		c := NewCounts(maxDay, 1)
		for range n {
			e := 0
			if rng.IntN(2) == 0 {
				e = rng.IntN(60)
			}
			stop := e + 1 + rng.IntN(120)
			event := rng.IntN(3) > 0
			a.AddPending(e, stop, event, 1)
			start, kind := e, -1
			if e == 0 {
				start = -1
			}
			if event {
				kind = 0
			}
			c.Add(start, stop, kind, 1)
		}
		fit := a.FitConditional(20000, 1e-13)
		want := c.Curve().ByDay(maxDay + 1)
		got := a.Curve(fit).ByDay(maxDay + 1)
		for d := range want {
			if math.Abs(got[d]-want[d]) > 1e-6 {
				t.Fatalf("iter %d day %d: conditional %v, product-limit %v", iter, d, got[d], want[d])
			}
		}
	}
}

// TestFitConditionalKeepsPlainWhenUnidentified: when every case, decided
// or not, was shared on the same day, the data cannot tell the share
// decided by then, and the fit stays at the plain reading.
func TestFitConditionalKeepsPlainWhenUnidentified(t *testing.T) {
	a := NewArrivals(400)
	c := NewCounts(400, 1)
	for _, d := range []int{20, 50, 80, 90} { // decided before day 100
		a.AddDecided(d, 100, 1)
		c.Add(-1, d, 0, 1)
	}
	for _, d := range []int{150, 200, 260, 300, 350} { // waiting on day 100
		a.AddPending(100, d, true, 1)
		c.Add(-1, d, 0, 1)
	}
	a.AddPending(100, 380, false, 1)
	c.Add(-1, 380, -1, 1)
	got, want := a.Curve(a.FitConditional(5000, 1e-12)).ByDay(401), c.Curve().ByDay(401)
	for d := range want {
		if math.Abs(got[d]-want[d]) > 1e-9 {
			t.Fatalf("day %d: conditional %v, plain %v", d, got[d], want[d])
		}
	}
}

// TestByDay reads a step function day by day.
func TestByDay(t *testing.T) {
	cv := Curve{Points: []Point{{T: 2, S: 0.5}, {T: 4, S: 0.25}}}
	got := cv.ByDay(6)
	want := []float64{1, 1, 0.5, 0.5, 0.25, 0.25}
	for d := range want {
		if got[d] != want[d] || cv.At(d) != want[d] {
			t.Fatalf("day %d: ByDay %v, At %v, want %v", d, got[d], cv.At(d), want[d])
		}
	}
}

// TestCountsWeights: a weight is a number of identical cases, and
// weights below one split a case, as the silence rule does.
func TestCountsWeights(t *testing.T) {
	a, b := NewCounts(10, 1), NewCounts(10, 1)
	a.Add(-1, 5, 0, 2)
	a.Add(-1, 8, -1, 0.5)
	a.Add(-1, 8, -1, 0.5)
	b.Add(-1, 5, 0, 1)
	b.Add(-1, 5, 0, 1)
	b.Add(-1, 8, -1, 1)
	ca, cb := a.Curve(), b.Curve()
	if len(ca.Points) != 1 || ca.Points[0] != cb.Points[0] || ca.N != cb.N {
		t.Fatalf("weighted %+v, repeated %+v", ca, cb)
	}
}
