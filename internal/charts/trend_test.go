package charts

import (
	"errors"
	"math"
	"slices"
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
	for _, want := range []string{"Median by filing month", "Filing date", "Median months to decision", "Jan 2024"} {
		if !strings.Contains(text, want) {
			t.Errorf("missing %q", want)
		}
	}
	writeArtifact(t, "trend.svg", b)
}

func TestTrendGaps(t *testing.T) {
	// Three runs: Jan–Feb, Apr (alone, so a dot in a box of its range
	// without a line), Jun–Jul.
	pts := []TrendPoint{
		{Year: 2024, Month: 1, Median: 5, HasValue: true},
		{Year: 2024, Month: 2, Median: 6, HasValue: true},
		{Year: 2024, Month: 3},
		{Year: 2024, Month: 4, Median: 7, HasValue: true},
		{Year: 2024, Month: 6, Median: 8, HasValue: true},
		{Year: 2024, Month: 7, Median: 9, HasValue: true},
	}
	runs := trendRuns(pts, 1)
	if len(runs) != 3 || len(runs[0]) != 2 || len(runs[1]) != 1 || len(runs[2]) != 2 {
		t.Errorf("runs = %v, want Jan–Feb, Apr and Jun–Jul", runs)
	}
	if _, err := (TrendChart{Points: pts}).SVG(); err != nil {
		t.Fatal(err)
	}
}

// TestTrendQuarterBand checks the filing-quarter trend of the explore
// page: consecutive quarters form one run placed at each quarter's middle
// month, and the band runs along the lower ends and back along the upper
// ones, an unknown upper end reaching the top of the chart and a far one
// cut at it.
func TestTrendQuarterBand(t *testing.T) {
	pts := []TrendPoint{
		{Year: 2024, Month: 1, Median: 10, HasValue: true, Lower: 8, Upper: 12, HasLower: true, HasUpper: true},
		{Year: 2024, Month: 4, Median: 12, HasValue: true, Lower: 9, HasLower: true},
		{Year: 2024, Month: 7, Median: 11, HasValue: true, Lower: 10, Upper: 90, HasLower: true, HasUpper: true},
		{Year: 2024, Month: 10},
	}
	runs := trendRuns(pts, 3)
	if len(runs) != 1 || len(runs[0]) != 3 {
		t.Fatalf("runs = %v, want one run of three quarters", runs)
	}
	mid := float64(2024*12 + 1)
	if got := runs[0][0].x; got != mid {
		t.Errorf("first quarter at x %v, want its middle month %v", got, mid)
	}
	top := trendTop(runs)
	if want := 2 * 12 * 1.1; math.Abs(top-want) > 1e-9 {
		t.Errorf("top = %v, want twice the highest median with room, %v", top, want)
	}
	band := runs[0].band(3, top)
	var ys []float64
	for _, p := range band {
		ys = append(ys, p.Y)
	}
	if want := []float64{8, 9, 10, top, top, 12}; !slices.Equal(ys, want) {
		t.Errorf("band ys = %v, want %v", ys, want)
	}
	c := TrendChart{Title: "Median by filing quarter", Step: 3, Points: pts}
	b, err := c.SVG()
	if err != nil {
		t.Fatal(err)
	}
	parseSVG(t, b)
	if !strings.Contains(string(b), "var(--band)") {
		t.Error("the trend draws no band")
	}
	writeArtifact(t, "trend-quarters.svg", b)

	bad := []TrendPoint{{Year: 2024, Month: 1, Median: 10, HasValue: true, Lower: 11, HasLower: true}}
	if _, err := (TrendChart{Step: 3, Points: bad}).SVG(); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("a lower end above the median: err = %v, want ErrInvalidInput", err)
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
