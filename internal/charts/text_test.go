package charts

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"

	"gonum.org/v1/plot/font"

	"github.com/casetrack/casetrack/internal/charts/chartstest"
	"github.com/casetrack/casetrack/internal/i18n"
)

// catalog is loaded once for the tests that draw in several languages.
var catalog = func() func(t *testing.T) *i18n.Catalog {
	var c *i18n.Catalog
	return func(t *testing.T) *i18n.Catalog {
		t.Helper()
		if c == nil {
			var err error
			if c, err = i18n.Load(); err != nil {
				t.Fatal(err)
			}
		}
		return c
	}
}()

// localeFor is an offered language by code.
func localeFor(t *testing.T, code string) *i18n.Locale {
	t.Helper()
	l := catalog(t).Locale(code)
	if l == nil {
		t.Fatalf("language %s is not offered: %v", code, catalog(t).Problems()[code])
	}
	return l
}

// english is the source language.
func english(t *testing.T) *i18n.Locale { return localeFor(t, i18n.Source) }

// textElements lists the <text> elements of an SVG, the words a reader
// sees.
func textElements(t *testing.T, b []byte) []chartstest.Text {
	t.Helper()
	texts, err := chartstest.Texts(b)
	if err != nil {
		t.Fatal(err)
	}
	return texts
}

// everyChart draws each chart of the package, with a reached and an
// unreached median, in l.
func everyChart(t *testing.T, l *i18n.Locale) map[string][]byte {
	t.Helper()
	steps := []SurvivalStep{{Months: 1, Share: 0.8, Lower: 0.7, Upper: 0.9}, {Months: 5, Share: 0.4, Lower: 0.3, Upper: 0.5}}
	charts := map[string]svgChart{
		"survival":     SurvivalChart{Locale: l, Title: "s", HasBand: true, FollowUp: 7, Median: 4, MedianReached: true, Steps: steps},
		"not reached":  SurvivalChart{Locale: l, Title: "s", FollowUp: 7, Steps: steps[:1]},
		"histogram":    HistogramChart{Locale: l, Title: "h", Bins: []HistogramBin{{From: 0, To: 1, Count: 1200}, {From: 1, To: 2, Count: 3500}}},
		"trend months": TrendChart{Locale: l, Title: "t", Step: 3, Points: []TrendPoint{{Year: 2024, Month: time.January, Median: 3, HasValue: true}, {Year: 2024, Month: time.April, Median: 4, HasValue: true}}},
		"trend years": TrendChart{Locale: l, Title: "t", Step: 3, Points: []TrendPoint{{Year: 2021, Month: time.January, Median: 3, HasValue: true},
			{Year: 2023, Month: time.October, Median: 14, HasValue: true}}},
		"empty survival": SurvivalChart{Locale: l, Title: "e"},
	}
	out := map[string][]byte{}
	for name, c := range charts {
		b, err := c.SVG()
		if err != nil {
			t.Fatalf("%s in %s: %v", name, l.Code(), err)
		}
		out[name] = b
	}
	return out
}

// svgChart is any chart of the package.
type svgChart interface{ SVG() ([]byte, error) }

// englishWords are the English texts of the charts catalog whose
// translation in l differs, the placeholders cut out ("Median ").
func englishWords(t *testing.T, l *i18n.Locale) []string {
	t.Helper()
	en := english(t)
	cut := regexp.MustCompile(`\{\{\.[A-Za-z]+\}\}`)
	var words []string
	for _, id := range catalog(t).IDs() {
		if !strings.HasPrefix(id, "charts.") {
			continue
		}
		src, tr := en.T(id, "Count", 7), l.T(id, "Count", 7)
		if src == tr {
			continue
		}
		for _, part := range cut.Split(src, -1) {
			// Short month names are checked as whole labels (below).
			if part = strings.TrimSpace(part); len(part) > 3 {
				words = append(words, part)
			}
		}
	}
	return words
}

// TestChartsSpeakTheLanguage draws every chart in each language and
// fails on the English of the charts catalog, on labels without an
// anchor, on Latin digits in Arabic and Persian, and on right-to-left
// text drawn left to right.
func TestChartsSpeakTheLanguage(t *testing.T) {
	latinDigit := regexp.MustCompile(`[0-9]`)
	englishMonth := regexp.MustCompile(`\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b`)
	for _, code := range []string{"es", "pt-BR", "zh-Hans", "hi", "vi", "ar", "fa"} {
		t.Run(code, func(t *testing.T) {
			l := localeFor(t, code)
			english := englishWords(t, l)
			if len(english) < 10 {
				t.Fatalf("only %d English texts to look for: %q", len(english), english)
			}
			for name, b := range everyChart(t, l) {
				texts := textElements(t, b)
				if len(texts) == 0 {
					t.Fatalf("%s: no text", name)
				}
				if !bytes.Contains(b, []byte(`lang="`+code+`"`)) {
					t.Errorf("%s: the <svg> does not name its language %s", name, code)
				}
				for _, txt := range texts {
					for _, w := range english {
						if strings.Contains(txt.Words, w) {
							t.Errorf("%s: English %q in label %q", name, w, txt.Words)
						}
					}
					if englishMonth.MatchString(txt.Words) {
						t.Errorf("%s: English month in label %q", name, txt.Words)
					}
					if l.RTL() && latinDigit.MatchString(txt.Words) {
						t.Errorf("%s: Latin digits in label %q", name, txt.Words)
					}
					if txt.Attrs["text-anchor"] == "" {
						t.Errorf("%s: label %q has no anchor", name, txt.Words)
					}
					if strings.ContainsAny(txt.Words, "\uE000\uE001\uE002") {
						t.Errorf("%s: anchor mark left in label %q", name, txt.Words)
					}
					if rtl := txt.Attrs["direction"] == "rtl"; rtl != l.RTL() {
						t.Errorf("%s: label %q direction %q in %s", name, txt.Words, txt.Attrs["direction"], code)
					}
				}
			}
		})
	}
}

// TestAnchors checks that each alignment becomes its SVG anchor, the
// sides swapped for right-to-left text, whose "start" is its right edge.
func TestAnchors(t *testing.T) {
	svg := []byte("<svg><text x=\"1\" y=\"2\">\uE000left</text><text x=\"1\">\uE001mid</text><text x=\"1\">\uE002right</text></svg>")
	for _, tt := range []struct {
		rtl  bool
		want string
	}{
		{false, `<svg><text text-anchor="start" x="1" y="2">left</text><text text-anchor="middle" x="1">mid</text><text text-anchor="end" x="1">right</text></svg>`},
		{true, `<svg><text text-anchor="end" direction="rtl" x="1" y="2">left</text><text text-anchor="middle" direction="rtl" x="1">mid</text><text text-anchor="start" direction="rtl" x="1">right</text></svg>`},
	} {
		if got := string(anchorText(svg, tt.rtl)); got != tt.want {
			t.Errorf("rtl %v:\n got %s\nwant %s", tt.rtl, got, tt.want)
		}
	}
}

// TestEstimateWidth checks that scripts the chart font lacks are given
// room: a Chinese label is as wide as its characters, an Arabic one is
// not measured as a row of missing-glyph boxes.
func TestEstimateWidth(t *testing.T) {
	face := font.DefaultCache.Lookup(font.From(sansFont, tickSize), tickSize)
	if got, want := estimateWidth(face, "递交日期"), 4*face.Font.Size; got != want {
		t.Errorf("Chinese width %v, want %v", got, want)
	}
	if got, latin := estimateWidth(face, "Filing date"), face.Width("Filing date"); got != latin {
		t.Errorf("Latin width %v, want the font's %v", got, latin)
	}
	arabic := "تاريخ التقديم"
	if got, boxes := estimateWidth(face, arabic), face.Width(arabic); got >= boxes {
		t.Errorf("Arabic width %v, not less than missing glyphs' %v", got, boxes)
	}
}
