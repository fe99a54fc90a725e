package charts

import (
	"bytes"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

func sampleSurvival() SurvivalChart {
	return SurvivalChart{
		Title: "EB-2 NIW: share still waiting",
		Steps: []SurvivalStep{
			{Months: 3.2, Share: 0.9, Lower: 0.75, Upper: 0.97},
			{Months: 6.1, Share: 0.7, Lower: 0.52, Upper: 0.84},
			{Months: 9.8, Share: 0.45, Lower: 0.28, Upper: 0.63},
			{Months: 14.0, Share: 0.2, Lower: 0.08, Upper: 0.39},
		},
		HasBand:       true,
		FollowUp:      18.5,
		Median:        9.8,
		MedianReached: true,
	}
}

func TestSurvivalSVG(t *testing.T) {
	b, err := sampleSurvival().SVG()
	if err != nil {
		t.Fatal(err)
	}
	text := parseSVG(t, b)
	checkFonts(t, b)
	for _, want := range []string{"EB-2 NIW: share still waiting", "Months since filing", "Still waiting", "Median 9.8 months", "50%", "100%"} {
		if !strings.Contains(text, want) {
			t.Errorf("missing %q", want)
		}
	}
	if !bytes.Contains(b, []byte("fill-opacity")) {
		t.Error("no translucent confidence band drawn")
	}
	if len(b) > 64<<10 {
		t.Errorf("SVG is %d bytes; expected a few kilobytes", len(b))
	}
	writeArtifact(t, "survival.svg", b)
}

func TestSurvivalNotReached(t *testing.T) {
	c := SurvivalChart{Steps: []SurvivalStep{{Months: 2, Share: 0.8}}, FollowUp: 5}
	b, err := c.SVG()
	if err != nil {
		t.Fatal(err)
	}
	text := parseSVG(t, b)
	if !strings.Contains(text, "Median not reached yet") {
		t.Errorf("chart does not say the median is not reached: %q", text)
	}
	if bytes.Contains(b, []byte("fill-opacity")) {
		t.Error("band drawn although HasBand is false")
	}
}

func TestSurvivalAllPending(t *testing.T) {
	// Nobody decided yet, but cases were followed for 4 months: a flat
	// curve at 100%, not "not enough data".
	b, err := SurvivalChart{FollowUp: 4}.SVG()
	if err != nil {
		t.Fatal(err)
	}
	if text := parseSVG(t, b); strings.Contains(text, "Not enough data") {
		t.Error("flat curve drawn as empty")
	}
}

func TestSurvivalEmpty(t *testing.T) {
	b, err := SurvivalChart{Title: "t", EmptyNote: "No cases yet."}.SVG()
	if err != nil {
		t.Fatal(err)
	}
	text := parseSVG(t, b)
	if !strings.Contains(text, "Not enough data") || !strings.Contains(text, "No cases yet.") {
		t.Errorf("empty chart text = %q", text)
	}
}

func TestSurvivalInvalid(t *testing.T) {
	tests := map[string]SurvivalChart{
		"NaN share":       {Steps: []SurvivalStep{{Months: 1, Share: math.NaN()}}},
		"share above 1":   {Steps: []SurvivalStep{{Months: 1, Share: 1.2}}},
		"negative time":   {Steps: []SurvivalStep{{Months: -1, Share: 0.5}}},
		"unsorted":        {Steps: []SurvivalStep{{Months: 3, Share: 0.5}, {Months: 2, Share: 0.4}}},
		"band inverted":   {Steps: []SurvivalStep{{Months: 1, Share: 0.5, Lower: 0.6, Upper: 0.4}}, HasBand: true},
		"inf follow-up":   {FollowUp: math.Inf(1)},
		"negative median": {Median: -2, MedianReached: true, FollowUp: 3},
	}
	for name, c := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := c.SVG(); !errors.Is(err, ErrInvalidInput) {
				t.Errorf("err = %v, want ErrInvalidInput", err)
			}
		})
	}
}

func TestSurvivalHuge(t *testing.T) {
	c := SurvivalChart{HasBand: true, FollowUp: 60}
	s := 1.0
	for i := range 1000 {
		s *= 0.997
		c.Steps = append(c.Steps, SurvivalStep{Months: float64(i) * 0.05, Share: s, Lower: s * 0.9, Upper: math.Min(1, s*1.1)})
	}
	start := time.Now()
	b, err := c.SVG()
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("1000 steps took %v", d)
	}
	parseSVG(t, b)
}

func TestBandOutline(t *testing.T) {
	steps := []SurvivalStep{{Months: 1, Share: 0.5, Lower: 0.3, Upper: 0.7}, {Months: 2, Share: 0.25, Lower: 0.1, Upper: 0.4}}
	got := bandOutline(steps, 3)
	want := [][2]float64{
		{0, 100}, {1, 100}, {1, 70}, {2, 70}, {2, 40}, {3, 40},
		{3, 10}, {2, 10}, {2, 30}, {1, 30}, {1, 100},
	}
	if len(got) != len(want) {
		t.Fatalf("outline has %d points, want %d: %v", len(got), len(want), got)
	}
	for i, w := range want {
		if math.Abs(got[i].X-w[0]) > 1e-9 || math.Abs(got[i].Y-w[1]) > 1e-9 {
			t.Errorf("point %d = %v, want %v", i, got[i], w)
		}
	}
}

// shareAt is the step curve's value at months t (post-step).
func shareAt(steps []SurvivalStep, t float64) float64 {
	v := 1.0
	for _, s := range steps {
		if s.Months > t {
			break
		}
		v = s.Share
	}
	return v
}

// TestThinSteps checks the thinned curve of many small drops: at most one
// step per column, only steps of the full curve, and at every column's
// end the same value as the full curve.
func TestThinSteps(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 10, 360, 361, 5000} {
		var steps []SurvivalStep
		share, months := 1.0, 0.0
		for range n {
			months += rng.Float64() * 0.05
			share *= 1 - rng.Float64()*0.002
			steps = append(steps, SurvivalStep{Months: months, Share: share, Lower: share * 0.9, Upper: math.Min(1, share*1.1)})
		}
		end := months + 1
		const columns = 360
		thin := thinSteps(steps, end, columns)
		if len(thin) > columns {
			t.Fatalf("n=%d: %d steps kept, want at most %d", n, len(thin), columns)
		}
		if n <= columns && len(thin) != n {
			t.Fatalf("n=%d: %d steps kept, want all", n, len(thin))
		}
		orig := map[SurvivalStep]bool{}
		for _, s := range steps {
			orig[s] = true
		}
		for _, s := range thin {
			if !orig[s] {
				t.Fatalf("n=%d: kept step %+v is not one of the curve's", n, s)
			}
		}
		for c := 1; c <= columns; c++ {
			at := end * float64(c) / columns
			at = math.Nextafter(at, 0) // the end of column c-1
			if got, want := shareAt(thin, at), shareAt(steps, at); got != want {
				t.Fatalf("n=%d: at the end of column %d the thinned curve is %v, the full one %v", n, c-1, got, want)
			}
		}
	}
	big := SurvivalChart{Title: "Many drops", HasBand: true, FollowUp: 40}
	share := 1.0
	for i := range 20000 {
		share *= 0.9998
		big.Steps = append(big.Steps, SurvivalStep{Months: float64(i) * 0.002, Share: share, Lower: share * 0.95, Upper: share})
	}
	svg, err := big.SVG()
	if err != nil {
		t.Fatal(err)
	}
	if len(svg) > 60_000 {
		t.Errorf("a curve of 20,000 drops drew %d bytes of SVG, want under 60 KB", len(svg))
	}
}
