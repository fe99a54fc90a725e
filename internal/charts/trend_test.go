package charts

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestTrendSVG(t *testing.T) {
	c := TrendChart{Title: "Median by filing month"}
	for m := time.January; m <= time.December; m++ {
		c.Points = append(c.Points, TrendPoint{Year: 2024, Month: m, Median: 10 + float64(m)/3, HasValue: m != time.May && m != time.June})
	}
	b, err := c.SVG()
	if err != nil {
		t.Fatal(err)
	}
	text := parseSVG(t, b)
	checkFonts(t, b)
	for _, want := range []string{"Median by filing month", "Filing month", "Median months to decision", "Jan 2024"} {
		if !strings.Contains(text, want) {
			t.Errorf("missing %q", want)
		}
	}
	writeArtifact(t, "trend.svg", b)
}

func TestTrendGaps(t *testing.T) {
	// Three runs: Jan–Feb, Apr (alone, so a dot without a line), Jun–Jul.
	pts := []TrendPoint{
		{Year: 2024, Month: 1, Median: 5, HasValue: true},
		{Year: 2024, Month: 2, Median: 6, HasValue: true},
		{Year: 2024, Month: 3},
		{Year: 2024, Month: 4, Median: 7, HasValue: true},
		{Year: 2024, Month: 6, Median: 8, HasValue: true},
		{Year: 2024, Month: 7, Median: 9, HasValue: true},
	}
	lines, dots := trendShapes(pts)
	if len(lines) != 2 || len(lines[0]) != 2 || len(lines[1]) != 2 {
		t.Errorf("lines = %v, want Jan–Feb and Jun–Jul", lines)
	}
	if len(dots) != 5 {
		t.Errorf("dots = %d, want 5", len(dots))
	}
	if _, err := (TrendChart{Points: pts}).SVG(); err != nil {
		t.Fatal(err)
	}
}

func TestTrendEmpty(t *testing.T) {
	for name, c := range map[string]TrendChart{
		"no points":      {},
		"all suppressed": {Points: []TrendPoint{{Year: 2024, Month: 1}, {Year: 2024, Month: 2}}},
	} {
		t.Run(name, func(t *testing.T) {
			b, err := c.SVG()
			if err != nil {
				t.Fatal(err)
			}
			if text := parseSVG(t, b); !strings.Contains(text, "Not enough data") {
				t.Errorf("text = %q", text)
			}
		})
	}
}

func TestTrendSinglePoint(t *testing.T) {
	b, err := TrendChart{Points: []TrendPoint{{Year: 2024, Month: 3, Median: 4, HasValue: true}}}.SVG()
	if err != nil {
		t.Fatal(err)
	}
	if text := parseSVG(t, b); !strings.Contains(text, "Mar 2024") {
		t.Errorf("single month not labelled: %q", text)
	}
}

func TestTrendInvalid(t *testing.T) {
	for name, pts := range map[string][]TrendPoint{
		"bad month": {{Year: 2024, Month: 13}},
		"unsorted":  {{Year: 2024, Month: 5}, {Year: 2024, Month: 4}},
		"duplicate": {{Year: 2024, Month: 5}, {Year: 2024, Month: 5}},
		"negative":  {{Year: 2024, Month: 5, Median: -1, HasValue: true}},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := (TrendChart{Points: pts}).SVG(); !errors.Is(err, ErrInvalidInput) {
				t.Errorf("err = %v", err)
			}
		})
	}
}

func TestTrendHuge(t *testing.T) {
	var c TrendChart
	for i := range 1000 {
		n := 2000*12 + i
		c.Points = append(c.Points, TrendPoint{Year: n / 12, Month: time.Month(n%12 + 1), Median: float64(i%50) / 3, HasValue: i%7 != 0})
	}
	start := time.Now()
	b, err := c.SVG()
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("1000 months took %v", d)
	}
	parseSVG(t, b)
}
