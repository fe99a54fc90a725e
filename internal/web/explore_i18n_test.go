package web

import (
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/i18n"
	"github.com/casetrack/casetrack/internal/seed"
	"github.com/casetrack/casetrack/internal/stats"
	"github.com/casetrack/casetrack/internal/store/storetest"
	"github.com/casetrack/casetrack/internal/timeline"
)

// loadedLanguages is the catalog, loaded once for the tests that need a
// Locale without a Server.
var loadedLanguages = sync.OnceValues(i18n.Load)

// testLocale is the Locale of a language code.
func testLocale(t testing.TB, code string) *i18n.Locale {
	t.Helper()
	c, err := loadedLanguages()
	if err != nil {
		t.Fatal(err)
	}
	l := c.Locale(code)
	if l == nil || l.Code() != code {
		t.Fatalf("no complete locale %q", code)
	}
	return l
}

// seededServer is a server reading a few thousand synthetic cases, enough
// that every part of the Explore view has numbers, cautions and readings.
var seededServer = sync.OnceValue(func() *Server {
	s := filterServer()
	ix := stats.NewIndex(s.cat)
	err := seed.Generate(s.cat, 6000, time.Now(), 7, func(c *timeline.Case) error {
		ix.Upsert(c)
		return nil
	})
	if err != nil {
		panic(err)
	}
	s.index = ix
	return s
})

// exploreViewCases are the groups the language tests render: the period
// estimate, a country, filing months (the cohort headline), the detail
// tables, and the small fixture whose answers are mostly "not yet known".
var exploreViewCases = []struct {
	name   string
	filter stats.Filter
	small  bool
}{
	{"pace", stats.Filter{Category: "i485-employment"}, false},
	{"country", stats.Filter{Category: "i485-employment", Country: "IN"}, false},
	{"cohort", stats.Filter{Category: "eb2-niw", FiledFrom: timeline.Month{Year: 2023, Month: time.January}, FiledTo: timeline.Month{Year: 2023, Month: time.December}}, false},
	{"details", stats.Filter{Category: "h1b"}, false},
	{"fixture", stats.Filter{Category: "eb1a"}, true},
}

// exploreViewIn renders one case of exploreViewCases in a language, every
// breakdown listed in full.
func exploreViewIn(t *testing.T, l *i18n.Locale, f stats.Filter, small bool) (*exploreView, *catalog.Catalog) {
	t.Helper()
	s := seededServer()
	if small {
		s = withIndex(filterServer(), fixtureIndex(t, filterServer()))
	}
	ref, err := l.Reference(s.cat)
	if err != nil {
		t.Fatal(err)
	}
	d, err := s.gatherExplore(f)
	if err != nil {
		t.Fatal(err)
	}
	if d.Result.Suppressed {
		t.Fatalf("%v: suppressed", f)
	}
	all := showAll{stats.ByQuarter: true}
	for _, dim := range slices.Concat(exploreDimensions, detailDimensionsOf(s.cat, f.Category)) {
		all[dim] = true
	}
	return newExploreView(l, ref, d, s.minCases, all), ref
}

// linkFields hold addresses and anchors, not text for people.
var linkFields = map[string]bool{"URL": true, "CSV": true, "Link": true, "AllLink": true, "FewerLink": true,
	"TrendCSV": true, "HistogramCSV": true, "ID": true, "By": true}

// viewTexts lists every string a view shows, links left out.
func viewTexts(v any) []string {
	var out []string
	var walk func(reflect.Value, string)
	walk = func(rv reflect.Value, field string) {
		switch rv.Kind() {
		case reflect.Pointer:
			if !rv.IsNil() {
				walk(rv.Elem(), field)
			}
		case reflect.String:
			if !linkFields[field] && rv.String() != "" {
				out = append(out, rv.String())
			}
		case reflect.Slice:
			for i := range rv.Len() {
				walk(rv.Index(i), field)
			}
		case reflect.Struct:
			for i := range rv.NumField() {
				if rv.Type().Field(i).IsExported() {
					walk(rv.Field(i), rv.Type().Field(i).Name)
				}
			}
		}
	}
	walk(reflect.ValueOf(v), "")
	return out
}

// englishFragments are the longer literal pieces of the area's English
// messages that another language translates differently: if one shows
// in that language, a sentence was left in English.
func englishFragments(t *testing.T, l *i18n.Locale) []string {
	t.Helper()
	c, err := loadedLanguages()
	if err != nil {
		t.Fatal(err)
	}
	en := testLocale(t, "en")
	var out []string
	for _, id := range c.IDs() {
		if !strings.HasPrefix(id, "exview.") {
			continue
		}
		source := en.T(id, "Count", 2)
		if source == l.T(id, "Count", 2) {
			continue
		}
		for _, piece := range regexp.MustCompile(`<no value>|2`).Split(source, -1) {
			if piece = strings.TrimSpace(piece); len(piece) >= 12 && strings.Contains(piece, " ") {
				out = append(out, piece)
			}
		}
	}
	if len(out) < 50 {
		t.Fatalf("only %d English fragments: the check would prove little", len(out))
	}
	return out
}

// latinDigit finds the digits Arabic and Persian pages must not mix in.
var latinDigit = regexp.MustCompile(`[0-9]`)

// TestExploreViewSpeaksTheLanguage renders the Explore view in languages
// other than English and fails on any sentence of the area left in
// English, and, in Arabic and Persian, on any Latin digit outside the
// names of forms and categories ("I-485", "EB-2").
func TestExploreViewSpeaksTheLanguage(t *testing.T) {
	for _, code := range []string{"es", "zh-Hans", "hi", "pt-BR", "vi", "ar", "fa"} {
		l := testLocale(t, code)
		fragments := englishFragments(t, l)
		for _, tc := range exploreViewCases {
			t.Run(code+"/"+tc.name, func(t *testing.T) {
				v, ref := exploreViewIn(t, l, tc.filter, tc.small)
				group := groupName(l, ref, tc.filter)
				for _, s := range viewTexts(v) {
					for _, frag := range fragments {
						if strings.Contains(s, frag) {
							t.Errorf("English %q in %q", frag, s)
						}
					}
					if !l.RTL() {
						continue
					}
					rest := strings.ReplaceAll(s, group, "")
					if latinDigit.MatchString(rest) {
						t.Errorf("Latin digits in %q", s)
					}
				}
			})
		}
	}
}

// TestExploreViewEnglish keeps the English view as it was: a few of its
// sentences, built from the catalog now.
func TestExploreViewEnglish(t *testing.T) {
	v, _ := exploreViewIn(t, testLocale(t, "en"), exploreViewCases[1].filter, false)
	texts := strings.Join(viewTexts(v), "\n")
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^the median wait for people filing now, at the pace of the last six months$`),
		regexp.MustCompile(`(?m)^of the [\d,]+ cases shared are decided; [\d,]+ are still waiting\.$`),
		regexp.MustCompile(`(?m)^Probably between \d+\.\d and \d+\.\d months \(the 95% range\)\.$`),
		regexp.MustCompile(`(?m)^Filing now: at the pace of the last six months, half of I-485 .* cases from India would be decided within \d+\.\d months \(95% range \d+\.\d to \d+\.\d months\)\.$`),
		regexp.MustCompile(`(?m)^\d+ filing quarters with numbers$`),
		regexp.MustCompile(`(?m)^\d{4} Q[1-4]$`),
		regexp.MustCompile(`(?m)^\d+\.\d% \(\d+\.\d–\d+\.\d%\) by \d+\.\d months$`),
		regexp.MustCompile(`(?m)^I-485 .* cases from India, every filing month together$`),
	} {
		if !want.MatchString(texts) {
			t.Errorf("no line matches %s in\n%s", want, texts)
		}
	}
}

// TestParseFilterSpeaksTheLanguage: the filters' field errors are in the
// reader's language, the English ones unchanged.
func TestParseFilterSpeaksTheLanguage(t *testing.T) {
	s := filterServer()
	bad := filterForm{Category: "zz", Country: "QQ", ServiceCenter: "XYZ", FiledFrom: "2024-06", FiledTo: "2024-01"}
	_, english := s.parseFilter(bad)
	if got, want := english[paramFiledTo], "Filed to (2024-01) is before filed from (2024-06)."; got != want {
		t.Errorf("English: %q, want %q", got, want)
	}
	for _, code := range []string{"es", "zh-Hans", "ar"} {
		_, fe := s.parseFilterIn(testLocale(t, code), bad)
		for _, field := range []string{paramCategory, paramCountry, paramServiceCenter, paramFiledTo} {
			if fe[field] == "" || fe[field] == english[field] {
				t.Errorf("%s: %s error %q, want it translated", code, field, fe[field])
			}
		}
	}
}

// TestExplorePageCachedPerLanguage: the rendered Explore page is kept per
// language, so a reader never gets a page rendered for another, and the
// page's numbers from the template are in the language's digits.
func TestExplorePageCachedPerLanguage(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	submitFixture(e)
	const path = "/explore?category=eb1a"
	english := e.server.lang.Default().T("exview.range_note")
	if page := e.get(path); !strings.Contains(text(page.body), english) {
		t.Fatalf("English page lacks %q", english)
	}
	for _, code := range []string{"es", "ar"} {
		l := testLocale(t, code)
		page := text(e.get(path + "&lang=" + code).body)
		if strings.Contains(page, english) || !strings.Contains(page, l.T("exview.range_note")) {
			t.Errorf("%s: the page is not in the language", code)
		}
		if want := l.T("explore.few_recent", "Min", l.Count(5)); !strings.Contains(page, want) {
			t.Errorf("%s: page lacks %q", code, want)
		}
	}
}

// TestRowLabelsEnglish: in English every breakdown row keeps the name the
// index gives it, countries, centers, quarters and details alike.
func TestRowLabelsEnglish(t *testing.T) {
	s := seededServer()
	en := testLocale(t, "en")
	ref, err := en.Reference(s.cat)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []stats.Filter{{Category: "i485-employment"}, {Category: "h1b"}} {
		d, err := s.gatherExplore(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range append(d.Breakdowns, d.Cohorts) {
			for i, r := range localLabels(en, ref, b) {
				if r.Label != b.Rows[i].Label {
					t.Errorf("%s %s: %q, was %q", f.Category, b.By, r.Label, b.Rows[i].Label)
				}
			}
		}
	}
}
