package web

import (
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/casetrack/casetrack/internal/store/storetest"
)

// chartWords are the words of a chart's <text> elements, the labels a
// reader sees (not its <title> or style sheet).
func chartWords(t *testing.T, svg string) []string {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(svg))
	var words []string
	in := false
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return words
		}
		if err != nil {
			t.Fatalf("invalid SVG: %v", err)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			if el.Name.Local == "text" {
				in = true
				words = append(words, "")
			}
		case xml.EndElement:
			in = in && el.Name.Local != "text"
		case xml.CharData:
			if in {
				words[len(words)-1] += string(el)
			}
		}
	}
}

// TestExploreChartsSpeakTheLanguage draws every chart, with numbers and
// "Not enough data" with its wider group, in Spanish, Chinese and
// Arabic, and fails on the English of the charts catalog in its labels
// or title, and on Latin digits in Arabic labels. English is drawn
// between the others, so a cache that ignored the language would serve
// one language's chart in another.
func TestExploreChartsSpeakTheLanguage(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	submitFixture(e)
	paths := []string{
		"/explore/chart/survival.svg?category=eb1a&filed_from=2024-01",
		"/explore/chart/histogram.svg?category=eb1a",
		"/explore/chart/trend.svg?category=eb1a",
		"/explore/chart/survival.svg?category=eb1a&country=CN",
		"/explore/chart/trend.svg?category=eb1a&country=IN&service_center=NSC",
	}
	english := []string{"Not enough data", "Months since filing", "Still waiting", "Filing date", "Median months to decision",
		"Months from filing to decision", "Decided cases", "Median ", "Fewer than", "Any country", "Any service center", " cases",
		"Share of", "still waiting", "filing quarter"}
	latinDigit := regexp.MustCompile(`[0-9]`)
	for _, lang := range []string{"es", "en", "zh-Hans", "en", "ar"} {
		for _, path := range paths {
			res := e.get(path + "&lang=" + lang)
			mustStatus(t, res, http.StatusOK)
			words := chartWords(t, res.body)
			title := regexp.MustCompile(`<title>([^<]*)</title>`).FindStringSubmatch(res.body)
			if len(words) == 0 || title == nil {
				t.Fatalf("%s in %s: no labels or title:\n%s", path, lang, res.body)
			}
			all := strings.Join(append(words, title[1]), "\n")
			if lang == "en" {
				if !strings.Contains(strings.ToLower(all), "months") && !strings.Contains(all, "Not enough data") {
					t.Errorf("%s in English: %q", path, all)
				}
				continue
			}
			if !strings.Contains(res.body, `lang="`+lang+`"`) {
				t.Errorf("%s in %s: the SVG does not name its language", path, lang)
			}
			for _, w := range english {
				if strings.Contains(all, w) {
					t.Errorf("%s in %s: English %q in %q", path, lang, w, all)
				}
			}
			if lang != "ar" {
				continue
			}
			for _, w := range words {
				if latinDigit.MatchString(w) {
					t.Errorf("%s in Arabic: Latin digits in label %q", path, w)
				}
			}
		}
	}
}
