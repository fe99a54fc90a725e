package web

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/charts/chartstest"
	"github.com/casetrack/casetrack/internal/phrase"
	"github.com/casetrack/casetrack/internal/stats"
	"github.com/casetrack/casetrack/internal/store/storetest"
	"github.com/casetrack/casetrack/internal/timeline"
)

// chartWords are the words of a chart's <text> elements, the labels a
// reader sees (not its <title> or style sheet).
func chartWords(t *testing.T, svg string) []string {
	t.Helper()
	words, err := chartstest.Words([]byte(svg))
	if err != nil {
		t.Fatal(err)
	}
	return words
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
			// Category codes (EB-1A) are names and keep their digits.
			if latinDigit.MatchString(regexp.MustCompile(`EB-[0-9A-Z]+`).ReplaceAllString(title[1], "")) {
				t.Errorf("%s in Arabic: Latin digits in title %q", path, title[1])
			}
		}
	}
}

// TestChartGroupSpeaksTheLanguage names groups of every shape (country,
// service center or none given, each kind of filing range) in Spanish,
// Chinese and Arabic, and fails on the English words of phrase.Group or
// on Latin digits in an Arabic name; English keeps phrase.Group.
func TestChartGroupSpeaksTheLanguage(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	march := timeline.Month{Year: 2024, Month: time.March}
	june := timeline.Month{Year: 2024, Month: time.June}
	filters := []stats.Filter{
		{Category: "eb2-niw"},
		{Category: "eb2-niw", Country: "IN", ServiceCenter: "NSC", FiledFrom: march, FiledTo: march},
		{Category: "eb2-niw", ServiceCenter: stats.NoServiceCenter, FiledFrom: march},
		{Category: "eb2-niw", Country: "MX", FiledTo: june},
		{Category: "eb2-niw", FiledFrom: march, FiledTo: june},
		{Category: "eb2-niw", FiledFrom: timeline.Month{Year: 2024, Month: time.January}, FiledTo: timeline.Month{Year: 2024, Month: time.December}},
	}
	english := regexp.MustCompile(`\b(cases|from|filed|between|and|after|before|service center|given|March|June)\b`)
	latinDigit := regexp.MustCompile(`[0-9]`)
	for _, f := range filters {
		if got, want := phrase.GroupIn(e.server.lang.Default(), e.server.cat, f), phrase.Group(e.server.cat, f); got != want {
			t.Errorf("English %q, want phrase.Group's %q", got, want)
		}
		for _, code := range []string{"es", "zh-Hans", "ar"} {
			l := e.server.lang.Locale(code)
			got := phrase.GroupIn(l, e.server.referenceIn(l), f)
			if m := english.FindString(got); m != "" {
				t.Errorf("%s: %+v named %q, English %q", code, f, got, m)
			}
			// Category codes such as EB-2 are names and keep their digits.
			if code == "ar" && latinDigit.MatchString(strings.ReplaceAll(got, "EB-2", "")) {
				t.Errorf("ar: Latin digits in %q", got)
			}
		}
	}
}
