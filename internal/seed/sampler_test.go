package seed

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestWeighted(t *testing.T) {
	tests := []struct {
		name    string
		weights []float64
		ok      bool
	}{
		{"single", []float64{3}, true},
		{"zeros around", []float64{0, 1, 0, 3, 0}, true},
		{"uneven", []float64{0.5, 0.25, 0.25}, true},
		{"all zero", []float64{0, 0}, false},
		{"empty", nil, false},
		{"negative ignored", []float64{-1, 2}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, ok := newWeighted(tt.weights)
			if ok != tt.ok {
				t.Fatalf("ok = %v, want %v", ok, tt.ok)
			}
			if !ok {
				return
			}
			var total float64
			for _, x := range tt.weights {
				total += max(x, 0)
			}
			r := rand.New(rand.NewPCG(1, 2))
			const draws = 100000
			counts := make([]int, len(tt.weights))
			for range draws {
				counts[w.pick(r)]++
			}
			for i, x := range tt.weights {
				want := max(x, 0) / total
				got := float64(counts[i]) / draws
				if want == 0 && counts[i] > 0 || math.Abs(got-want) > 0.01 {
					t.Errorf("index %d drawn %.4f of the time, want %.4f", i, got, want)
				}
			}
		})
	}
}

func TestCaseID(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	seen := map[string]bool{}
	for range 10000 {
		id := caseID(r)
		if !validID(id) {
			t.Fatalf("id %q has the wrong shape", id)
		}
		if seen[id] {
			t.Fatalf("id %q repeated", id)
		}
		seen[id] = true
	}
}

func TestDenialRates(t *testing.T) {
	tests := []struct{ deny, rfe float64 }{
		{0.10, 0.30}, {0.30, 0.35}, {0.05, 0}, {0.40, 0.9}, {0.5, 1},
	}
	for _, tt := range tests {
		no, with := denialRates(tt.deny, tt.rfe)
		if no < 0 || with > 0.9 || (tt.rfe < 1 && with < no) {
			t.Errorf("denialRates(%v, %v) = %v, %v", tt.deny, tt.rfe, no, with)
		}
		if tt.rfe < 1 {
			if overall := tt.rfe*with + (1-tt.rfe)*no; math.Abs(overall-tt.deny) > 1e-9 {
				t.Errorf("denialRates(%v, %v): overall denial %v", tt.deny, tt.rfe, overall)
			}
		}
	}
}

func TestDays(t *testing.T) {
	for _, d := range []int{0, 1, 19000, 20254, 20500} {
		tm := dayTime(d)
		if got := dayOf(tm.Year(), tm.Month(), tm.Day()); got != d {
			t.Errorf("dayOf(dayTime(%d)) = %d", d, got)
		}
	}
	if got := clampDays(3.6, 5, 10); got != 5 {
		t.Errorf("clampDays(3.6, 5, 10) = %d", got)
	}
	if got := clampDays(7.4, 5, 10); got != 7 {
		t.Errorf("clampDays(7.4, 5, 10) = %d", got)
	}
}
