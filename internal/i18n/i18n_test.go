package i18n

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
)

// TestCatalogsComplete fails when any language of the registry lacks a
// message of the source catalog, leaves one empty, drops or adds a
// placeholder, or lacks a plural form its rules need.
func TestCatalogsComplete(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for code, problems := range c.Problems() {
		for _, p := range problems {
			t.Errorf("%s: %s", code, p)
		}
	}
	if got, want := len(c.Offered()), len(registry); got != want {
		t.Errorf("%d languages offered, registry has %d", got, want)
	}
	for _, l := range registry {
		if l.Name == "" {
			t.Errorf("%s: no name for the language switch", l.Code)
		}
	}
}

// TestSourceDescribed checks that the source catalog is loaded and every
// message has text.
func TestSourceDescribed(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(c.IDs()) < 10 {
		t.Fatalf("only %d messages in the source catalog", len(c.IDs()))
	}
	en := c.Default()
	for _, id := range c.IDs() {
		if s := en.T(id); s == "" || s == id {
			t.Errorf("%s: no text", id)
		}
	}
}

func testFS(es string) fstest.MapFS {
	return fstest.MapFS{
		"l/en.toml": {Data: []byte(`
[a]
other = "Hello {{.Name}}"
[cases]
one = "{{.Count}} case"
other = "{{.Count}} cases"
`)},
		"l/es.toml": {Data: []byte(es)},
	}
}

var testLangs = []Language{{Code: "en", Name: "English"}, {Code: "es", Name: "Español"}}

// TestIncompleteNotOffered checks that each kind of gap is reported and
// keeps the language out of the offer.
func TestIncompleteNotOffered(t *testing.T) {
	for _, tc := range []struct {
		name, es, want string
	}{
		{"complete", "[a]\nother = \"Hola {{.Name}}\"\n[cases]\none = \"un caso\"\nmany = \"{{.Count}} de casos\"\nother = \"{{.Count}} casos\"\n", ""},
		{"missing", "[a]\nother = \"Hola {{.Name}}\"\n", "cases: not translated"},
		{"dropped placeholder", "[a]\nother = \"Hola\"\n[cases]\none = \"un caso\"\nmany = \"{{.Count}} de casos\"\nother = \"{{.Count}} casos\"\n", "a (other): placeholders"},
		{"renamed placeholder", "[a]\nother = \"Hola {{.Nombre}}\"\n[cases]\none = \"un caso\"\nmany = \"{{.Count}} de casos\"\nother = \"{{.Count}} casos\"\n", "a (other): placeholders"},
		{"empty", "[a]\nother = \" \"\n[cases]\none = \"un caso\"\nmany = \"{{.Count}} de casos\"\nother = \"{{.Count}} casos\"\n", "a (other): empty"},
		{"missing plural form", "[a]\nother = \"Hola {{.Name}}\"\n[cases]\none = \"un caso\"\nother = \"{{.Count}} casos\"\n", "cases: count 1000000"},
		{"extra id", "[a]\nother = \"Hola {{.Name}}\"\n[b]\nother = \"x\"\n[cases]\none = \"un caso\"\nmany = \"{{.Count}} de casos\"\nother = \"{{.Count}} casos\"\n", "b: not in the source catalog"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := LoadFS(testFS(tc.es), "l", testLangs)
			if err != nil {
				t.Fatal(err)
			}
			got := strings.Join(c.Problems()["es"], "\n")
			if tc.want == "" {
				if got != "" || c.Locale("es") == nil {
					t.Fatalf("problems %q, offered %v", got, c.Locale("es") != nil)
				}
				return
			}
			if !strings.Contains(got, tc.want) {
				t.Fatalf("problems %q, want %q", got, tc.want)
			}
			if c.Locale("es") != nil {
				t.Fatal("incomplete language offered")
			}
		})
	}
}

// TestT checks placeholders, plural forms, digit grouping and escaping.
func TestT(t *testing.T) {
	c, err := LoadFS(testFS("[a]\nother = \"Hola <b>{{.Name}}</b>\"\n[cases]\none = \"un caso\"\nmany = \"{{.Count}} de casos\"\nother = \"{{.Count}} casos\"\n"), "l", testLangs)
	if err != nil {
		t.Fatal(err)
	}
	en, es := c.Locale("en"), c.Locale("es")
	for _, tc := range []struct{ got, want string }{
		{en.T("a", "Name", "Ana"), "Hello Ana"},
		{en.T("cases", "Count", 1), "1 case"},
		{en.T("cases", "Count", 30003), "30,003 cases"},
		{es.T("cases", "Count", 1), "un caso"},
		{es.T("cases", "Count", 2), "2 casos"},
		{es.T("cases", "Count", 30003), "30.003 casos"},
		{es.T("cases", "Count", 1000000), "1.000.000 de casos"},
		{string(es.HTML("a", "Name", "<i>")), "Hola <b>&lt;i&gt;</b>"},
		{es.T("nope"), "nope"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

// TestLocaleFormats checks dates, months and CLDR country names.
func TestLocaleFormats(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2024, time.March, 5, 0, 0, 0, 0, time.UTC)
	en, es := c.Locale("en"), c.Locale("es")
	for _, tc := range []struct{ got, want string }{
		{en.MonthYear(day), "March 2024"},
		{es.MonthYear(day), "marzo de 2024"},
		{en.Date(day), "March 5, 2024"},
		{es.Date(day), "5 de marzo de 2024"},
		{en.Country("DE", "x"), "Germany"},
		{es.Country("DE", "x"), "Alemania"},
		{es.Country("MX", "x"), "México"},
		{es.Country("not a code", "fallback"), "fallback"},
		{es.Decimal(8.25), "8,2"},
		{en.Decimal(8.25), "8.2"},
		{es.Dir(), "ltr"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

// TestReferenceNames checks that the English catalog's names of the
// reference data equal catalog.json (its source), that every code has a
// message, and that other languages translate them.
func TestReferenceNames(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	src := catalog.Default()
	en := c.Default()
	check := func(id, want string) {
		t.Helper()
		if !c.Has(id) {
			t.Errorf("%s: not in the catalog (English: %q)", id, want)
		} else if got := en.T(id); got != want {
			t.Errorf("%s = %q, catalog.json says %q", id, got, want)
		}
	}
	for _, cat := range src.Categories {
		check(CategoryID(cat.Code), cat.Name)
		check(GroupID(cat.Group), cat.Group)
		for _, m := range cat.Milestones {
			check(MilestoneID(m.Code), m.Name)
		}
	}
	for _, sc := range src.ServiceCenters {
		check(CenterID(sc.Code), sc.Name)
	}
	enRef, err := en.Reference(src)
	if err != nil {
		t.Fatal(err)
	}
	if enRef.Countries[0] != src.Countries[0] || enRef.Categories[0].Name != src.Categories[0].Name {
		t.Error("English reference data differs from catalog.json")
	}
	es := c.Locale("es")
	if es == nil {
		return
	}
	ref, err := es.Reference(src)
	if err != nil {
		t.Fatal(err)
	}
	cat, _ := ref.Category("n400")
	if cat.Name != es.T(CategoryID("n400")) || cat.Name == "N-400 Naturalization" {
		t.Errorf("Spanish N-400 is %q", cat.Name)
	}
	de, ok := ref.Country("DE")
	if !ok || de.Name != "Alemania" {
		t.Errorf("Spanish DE is %+v", de)
	}
	for i := 1; i < len(ref.Countries); i++ {
		if ref.Countries[i].Code == "" {
			t.Fatal("empty country")
		}
	}
	if len(ref.Countries) != len(src.Countries) {
		t.Errorf("%d countries, want %d", len(ref.Countries), len(src.Countries))
	}
}

// TestDurations checks the unit scheme in two languages.
func TestDurations(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	en, es := c.Locale("en"), c.Locale("es")
	for _, tc := range []struct{ got, want string }{
		{en.Duration(1), "1 day"},
		{en.Duration(45), "45 days"},
		{en.Duration(250), "8.2 months"},
		{es.Duration(1), "1 día"},
		{es.Duration(45), "45 días"},
		{es.Duration(250), "8,2 meses"},
		{en.AfterFiling(-14), "14 days before filing"},
		{es.AfterFiling(45), "45 días después de presentar"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

// TestAreaFiles checks that a language's messages may be spread over
// <dir>/<area>/<code>.toml files, that an area file missing in one
// language shows as untranslated messages, and that one id in two files
// is refused rather than one silently winning.
func TestAreaFiles(t *testing.T) {
	fsys := testFS("[a]\nother = \"Hola {{.Name}}\"\n[cases]\none = \"un caso\"\nmany = \"{{.Count}} de casos\"\nother = \"{{.Count}} casos\"\n")
	fsys["l/explore/en.toml"] = &fstest.MapFile{Data: []byte("[explore.title]\nother = \"Explore\"\n")}
	c, err := LoadFS(fsys, "l", testLangs)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Problems()["es"]; !slices.Equal(got, []string{"explore.title: not translated"}) {
		t.Fatalf("problems %q, want explore.title not translated", got)
	}
	fsys["l/explore/es.toml"] = &fstest.MapFile{Data: []byte("[explore.title]\nother = \"Explorar\"\n")}
	if c, err = LoadFS(fsys, "l", testLangs); err != nil {
		t.Fatal(err)
	}
	if got := c.Locale("es"); got == nil || got.T("explore.title") != "Explorar" {
		t.Fatalf("es not offered or explore.title not read from its area file (problems %q)", c.Problems())
	}
	fsys["l/feed/en.toml"] = &fstest.MapFile{Data: []byte("[explore.title]\nother = \"Again\"\n")}
	if _, err := LoadFS(fsys, "l", testLangs); err == nil || !strings.Contains(err.Error(), "explore.title") {
		t.Fatalf("an id in two files: err %v, want one naming the id", err)
	}
}

// TestDatesUseOneKindOfDigits checks that a date's day and year are
// written in the same digits as the counts next to them (Persian digits
// in Persian, Latin in English), never a mix.
func TestDatesUseOneKindOfDigits(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	d := time.Date(2026, time.March, 5, 0, 0, 0, 0, time.UTC)
	for _, l := range c.Offered() {
		date, count := l.Date(d), l.Count(2026)
		latinDate := strings.ContainsAny(date, "0123456789")
		latinCount := strings.ContainsAny(count, "0123456789")
		if latinDate != latinCount {
			t.Errorf("%s: date %q and count %q use different digits", l.Code(), date, count)
		}
		if got := l.Digits(2026); strings.ContainsAny(got, ",.٬ ") {
			t.Errorf("%s: Digits(2026) = %q, grouped", l.Code(), got)
		}
	}
}

// TestNumbersInPlaceholders checks that every whole number filled into a
// message is written in the language's digits: a Count grouped, any other
// (a limit, a year) ungrouped, so that a caller cannot leave Latin digits
// in a Persian sentence by passing a plain int.
func TestNumbersInPlaceholders(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		lang, id string
		args     []any
		want     string
	}{
		{"en", "forms.account.name_long", []any{"Max", 1200}, "1200"},
		{"fa", "forms.account.name_long", []any{"Max", 1200}, "۱۲۰۰"},
		{"ar", "forms.account.name_long", []any{"Max", 1200}, "١٢٠٠"},
		{"es", "home.count", []any{"Count", 12000}, "12.000"},
		{"en", "home.count", []any{"Count", 1200}, "1,200"},
		{"fa", "home.count", []any{"Count", 1200}, "۱٬۲۰۰"},
	}
	for _, tt := range tests {
		got := c.Locale(tt.lang).T(tt.id, tt.args...)
		if !strings.Contains(got, tt.want) {
			t.Errorf("%s %s %v: %q, want it to hold %q", tt.lang, tt.id, tt.args, got, tt.want)
		}
		if tt.lang == "fa" || tt.lang == "ar" {
			if strings.ContainsAny(got, "0123456789") {
				t.Errorf("%s %s: %q has Latin digits", tt.lang, tt.id, got)
			}
		}
	}
}

// TestArabicIndicDigitsOnly checks that the Arabic and Persian catalogs
// write their own numbers in their own digits, as the numbers filled in
// from Go are (Locale.Count, Digits, Decimal), so that no sentence mixes
// two kinds. Latin digits stay in form and category codes ("I-485",
// "EB-2", "eb2-niw") and in examples of what to type ("2024-05-02").
func TestArabicIndicDigitsOnly(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	allowed := regexp.MustCompile(strings.Join([]string{
		`\{\{[^}]*\}\}`, `<[^>]*>`, // placeholders and markup
		`[A-Za-z]+[0-9]*-[0-9A-Za-z]+`, `[A-Z]-?[0-9]+[A-Z]?`, `ISO 3166-1`, // codes: EB-2, eb2-niw, I-485, H-1B, the standard of country codes
		`[0-9]{4}-[0-9]{2}(-[0-9]{2})?`, `[0-9]{2}/[0-9]{2}/[0-9]{4}`, `[0-9]{2}/[0-9]{4}`, // typed dates
		`[A-Z][a-z]+ ([0-9]{1,2}, )?[0-9]{4}`, `[0-9]{1,2} [A-Z][a-z]+ [0-9]{4}`, // typed English dates: May 2, 2024
	}, "|"))
	// Examples of what to type in a field that reads Latin digits.
	typed := map[string]bool{"forms.detail.upgrade_day.form": true, "forms.detail.upgrade_day.negative": true}
	for _, code := range []string{"ar", "fa"} {
		for id, m := range c.messages[code] {
			if typed[id] {
				continue
			}
			for form, text := range forms(m) {
				if d := regexp.MustCompile(`[0-9]+`).FindString(allowed.ReplaceAllString(text, "")); d != "" {
					t.Errorf("%s %s (%s): Latin digits %q in %q", code, id, form, d, text)
				}
			}
		}
	}
}
