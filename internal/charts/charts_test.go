package charts

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// parseSVG checks that b is well-formed XML with an <svg> root carrying a
// viewBox, and returns all character data, for assertions on labels.
func parseSVG(t *testing.T, b []byte) string {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(b))
	var (
		root  string
		text  strings.Builder
		depth int
	)
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("invalid SVG: %v\n%s", err, b)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				root = el.Name.Local
				if el.Name.Space != "http://www.w3.org/2000/svg" {
					t.Errorf("root namespace = %q", el.Name.Space)
				}
				var hasViewBox bool
				for _, a := range el.Attr {
					hasViewBox = hasViewBox || a.Name.Local == "viewBox"
				}
				if !hasViewBox {
					t.Error("root <svg> has no viewBox, so it cannot scale")
				}
			}
			depth++
		case xml.EndElement:
			depth--
		case xml.CharData:
			text.Write(el)
			text.WriteByte('\n')
		}
	}
	if root != "svg" {
		t.Fatalf("root element = %q, want svg", root)
	}
	if depth != 0 {
		t.Fatalf("unbalanced elements, depth %d", depth)
	}
	return text.String()
}

// checkFonts makes sure no font data is embedded and text falls back to a
// generic family.
func checkFonts(t *testing.T, b []byte) {
	t.Helper()
	if bytes.Contains(b, []byte("@font-face")) || bytes.Contains(b, []byte("base64")) {
		t.Error("SVG embeds font or image data")
	}
	if bytes.Contains(b, []byte(svgFamily)) {
		t.Error("SVG names a single font family without fallback")
	}
	if bytes.Contains(b, []byte("<text")) && !bytes.Contains(b, []byte(svgFamilyStack)) {
		t.Error("SVG text does not use the sans-serif font stack")
	}
}

// writeArtifact keeps the SVG for a person to look at when
// CHARTS_OUT names a directory.
func writeArtifact(t *testing.T, name string, b []byte) {
	if dir := os.Getenv("CHARTS_OUT"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestNotEnoughData(t *testing.T) {
	b, err := NotEnoughData(nil, "Share still waiting", "Fewer than 5 cases match these filters.")
	if err != nil {
		t.Fatal(err)
	}
	text := parseSVG(t, b)
	checkFonts(t, b)
	for _, want := range []string{"Share still waiting", "Not enough data", "Fewer than 5 cases match these filters."} {
		if !strings.Contains(text, want) {
			t.Errorf("missing %q in %q", want, text)
		}
	}
	writeArtifact(t, "empty.svg", b)

	// A note of two lines shows both.
	b, err = NotEnoughData(nil, "Share still waiting", "Fewer than 5 cases match these filters.\nAny country: 42 cases")
	if err != nil {
		t.Fatal(err)
	}
	if text := parseSVG(t, b); !strings.Contains(text, "Fewer than 5 cases match these filters.") || !strings.Contains(text, "Any country: 42 cases") {
		t.Errorf("two-line note: %q", text)
	}
}

func TestTitleEscaped(t *testing.T) {
	b, err := NotEnoughData(nil, `EB-2 <NIW> & "friends"`, "")
	if err != nil {
		t.Fatal(err)
	}
	text := parseSVG(t, b)
	if !strings.Contains(text, `EB-2 <NIW> & "friends"`) {
		t.Errorf("title not round-tripped: %q", text)
	}
	if !bytes.Contains(b, []byte("<svg")) || bytes.Index(b, []byte("<title>")) < bytes.Index(b, []byte("<svg")) {
		t.Error("<title> is not inside <svg>")
	}
}

func TestNiceStep(t *testing.T) {
	tests := []struct {
		span    float64
		max     int
		integer bool
		want    float64
	}{
		{10, 5, true, 2},
		{24, 6, true, 5},
		{1, 5, true, 1},
		{1, 5, false, 0.2},
		{100, 4, true, 50},
		{37.2, 6, true, 10},
		{0, 5, true, 1},
	}
	for _, tt := range tests {
		if got := niceStep(tt.span, tt.max, tt.integer); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("niceStep(%v, %d, %v) = %v, want %v", tt.span, tt.max, tt.integer, got, tt.want)
		}
	}
}

// TestNumberTicks checks the count and month axes' labels: whole counts
// with thousands separators, as everywhere on the site, and months with
// the decimals their step needs.
func TestNumberTicks(t *testing.T) {
	for _, tt := range []struct {
		min, max float64
		n        int
		integer  bool
		want     string
	}{
		{0, 25, 6, true, "0,5,10,15,20,25"},
		{0, 4000, 4, true, "0,1,000,2,000,3,000,4,000"},
		{0, 2.5, 5, false, "0,0.5,1,1.5,2,2.5"},
	} {
		var labels []string
		for _, tk := range numberTicks(english(t), tt.n, tt.integer).Ticks(tt.min, tt.max) {
			labels = append(labels, tk.Label)
		}
		if got := strings.Join(labels, ","); got != tt.want {
			t.Errorf("numberTicks(%d, %v).Ticks(%v, %v) = %s, want %s", tt.n, tt.integer, tt.min, tt.max, got, tt.want)
		}
	}
}

func TestMonthTicks(t *testing.T) {
	ord := func(y int, m time.Month) float64 { return float64(y*12 + int(m) - 1) }
	tests := []struct {
		from, to float64
		want     string
	}{
		{ord(2024, 1), ord(2024, 4), "Jan 2024,Feb 2024,Mar 2024,Apr 2024"},
		{ord(2024, 1), ord(2024, 12), "Jan 2024,Apr 2024,Jul 2024,Oct 2024"},
		{ord(2021, 3), ord(2024, 12), "2022,2023,2024"},
		{ord(2023, 11) - 0.5, ord(2024, 2) + 0.5, "Nov 2023,Dec 2023,Jan 2024,Feb 2024"},
	}
	for _, tt := range tests {
		var labels []string
		for _, tk := range monthTicks(english(t), 4).Ticks(tt.from, tt.to) {
			labels = append(labels, tk.Label)
		}
		if got := strings.Join(labels, ","); got != tt.want {
			t.Errorf("monthTicks(%v, %v) = %s, want %s", tt.from, tt.to, got, tt.want)
		}
	}
}

// TestChartsFollowColorScheme checks that every chart, shown through <img>
// on a light or a dark page, draws only with the colours of its own two
// palettes: no colour is written into a style attribute, and the dark
// palette answers prefers-color-scheme.
func TestChartsFollowColorScheme(t *testing.T) {
	trend := TrendChart{Title: "t", Points: []TrendPoint{
		{Year: 2024, Month: 1, Median: 3, HasValue: true, Lower: 2, Upper: 4, HasLower: true, HasUpper: true},
		{Year: 2024, Month: 2, Median: 4, HasValue: true, Lower: 3, HasLower: true},
	}}
	survival := SurvivalChart{Title: "s", HasBand: true, FollowUp: 5, Median: 4, MedianReached: true,
		Steps: []SurvivalStep{{Months: 1, Share: 0.8, Lower: 0.7, Upper: 0.9}, {Months: 5, Share: 0.4, Lower: 0.3, Upper: 0.5}}}
	histogram := HistogramChart{Title: "h", Bins: []HistogramBin{{From: 0, To: 1, Count: 1200}, {From: 1, To: 2, Count: 3500}}}
	empty, err := NotEnoughData(nil, "n", "Fewer than 5 cases.")
	if err != nil {
		t.Fatal(err)
	}
	hex := regexp.MustCompile(`(fill|stroke):#[0-9A-Fa-f]{6}`)
	for name, draw := range map[string]func() ([]byte, error){
		"trend": trend.SVG, "survival": survival.SVG, "histogram": histogram.SVG,
		"not enough data": func() ([]byte, error) { return empty, nil },
	} {
		b, err := draw()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		parseSVG(t, b)
		if m := hex.FindAll(b, 3); m != nil {
			t.Errorf("%s: fixed colours %q instead of the palette's variables", name, m)
		}
		s := string(b)
		if !strings.Contains(s, "@media (prefers-color-scheme: dark){svg{--bg:#0d1117;--text:#e6edf3;") || !strings.Contains(s, "var(--text)") || !strings.Contains(s, "var(--bg)") {
			t.Errorf("%s: no dark palette for the text and background:\n%.600s", name, s)
		}
	}
}
