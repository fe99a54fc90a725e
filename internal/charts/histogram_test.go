package charts

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestHistogramSVG(t *testing.T) {
	c := HistogramChart{Title: "Decision times", Bins: []HistogramBin{
		{From: 0, To: 2, Count: 3}, {From: 2, To: 4, Count: 11}, {From: 4, To: 6, Count: 25},
		{From: 6, To: 8, Count: 9}, {From: 8, To: 10, Count: 0}, {From: 10, To: 12, Count: 2},
	}}
	b, err := c.SVG()
	if err != nil {
		t.Fatal(err)
	}
	text := parseSVG(t, b)
	checkFonts(t, b)
	for _, want := range []string{"Decision times", "Months from filing to decision", "Decided cases", "20"} {
		if !strings.Contains(text, want) {
			t.Errorf("missing %q", want)
		}
	}
	writeArtifact(t, "histogram.svg", b)
}

func TestHistogramEmpty(t *testing.T) {
	for name, c := range map[string]HistogramChart{
		"no bins":    {},
		"all zeroes": {Bins: []HistogramBin{{From: 0, To: 1}, {From: 1, To: 2}}},
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

func TestHistogramInvalid(t *testing.T) {
	for name, bins := range map[string][]HistogramBin{
		"negative count": {{From: 0, To: 1, Count: -1}},
		"empty width":    {{From: 1, To: 1, Count: 1}},
		"overlap":        {{From: 0, To: 2, Count: 1}, {From: 1, To: 3, Count: 1}},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := (HistogramChart{Bins: bins}).SVG(); !errors.Is(err, ErrInvalidInput) {
				t.Errorf("err = %v", err)
			}
		})
	}
}

func TestHistogramHuge(t *testing.T) {
	var c HistogramChart
	for i := range 1000 {
		c.Bins = append(c.Bins, HistogramBin{From: float64(i) * 0.1, To: float64(i+1) * 0.1, Count: i % 37})
	}
	start := time.Now()
	b, err := c.SVG()
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("1000 bins took %v", d)
	}
	parseSVG(t, b)
}
