// Package i18n is how CaseTrack speaks the reader's language: a message
// catalog per language (go-i18n, TOML files per language under locales/,
// editable without reading Go), CLDR plural rules, numbers and
// country names (golang.org/x/text), and the choice of language for a
// request (negotiate.go).
//
// Adding a language is adding locales/<code>.toml (and <area>/<code>.toml
// for each area) and one line in the registry below. A language is offered only when its catalog is
// complete: every message of the English catalog, with the same
// placeholders (Check reports what is missing; a test fails on it).
package i18n

import (
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
	"golang.org/x/text/message"
	"golang.org/x/text/number"

	"github.com/casetrack/casetrack/internal/units"
)

// Language is one language of the registry.
type Language struct {
	// Code is the BCP 47 tag used in URLs, cookies, lang="" and file
	// names ("es", "zh-Hans", "pt-BR").
	Code string
	// Name is the language's name in itself, for the language switch.
	Name string
	// RTL is set for languages written right to left (Arabic, Persian).
	RTL bool
}

// registry lists every language the site can speak, English (the source
// and the fallback) first. One line per language; its messages are in
// locales/<Code>.toml.
var registry = []Language{
	{Code: "en", Name: "English"},
	{Code: "es", Name: "Español"},
	{Code: "zh-Hans", Name: "简体中文"},
	{Code: "hi", Name: "हिन्दी"},
	{Code: "pt-BR", Name: "Português (Brasil)"},
	{Code: "vi", Name: "Tiếng Việt"},
	{Code: "ar", Name: "العربية", RTL: true},
	{Code: "fa", Name: "فارسی", RTL: true},
}

// Source is the code of the source language: its catalog defines the
// message ids, every other catalog translates them.
const Source = "en"

//go:embed locales/*.toml locales/*/*.toml
var localeFS embed.FS

// catalogFiles lists a language's catalog files: <dir>/<code>.toml and
// <dir>/*/<code>.toml, those that exist, in a stable order.
func catalogFiles(fsys fs.FS, dir, code string) ([]string, error) {
	var files []string
	for _, pattern := range []string{path.Join(dir, code+".toml"), path.Join(dir, "*", code+".toml")} {
		m, err := fs.Glob(fsys, pattern)
		if err != nil {
			return nil, fmt.Errorf("i18n: list catalog files: %w", err)
		}
		sort.Strings(m)
		files = append(files, m...)
	}
	return files, nil
}

// Catalog holds the messages of every language and the locales built on
// them. It is safe for concurrent use once built.
type Catalog struct {
	bundle   *goi18n.Bundle
	messages map[string]map[string]*goi18n.Message // code -> id -> message
	locales  map[string]*Locale
	offered  []*Locale
	matcher  language.Matcher
	problems map[string][]string // code -> what keeps it from being offered
}

// Load builds the catalog from the embedded locale files and the registry.
func Load() (*Catalog, error) { return LoadFS(localeFS, "locales", registry) }

// LoadFS builds a catalog from the files of fsys for the given languages,
// the first being the source. A language's messages are in <dir>/<code>.toml
// (the pages) and <dir>/<area>/<code>.toml (one file per area of the site
// whose sentences are built in Go: explore, outlook, ...), so a translator
// edits one area at a time. A message id belongs to one file only. A
// language whose files are missing or incomplete is loaded but not offered.
func LoadFS(fsys fs.FS, dir string, langs []Language) (*Catalog, error) {
	if len(langs) == 0 {
		return nil, errors.New("i18n: no languages")
	}
	src, err := language.Parse(langs[0].Code)
	if err != nil {
		return nil, fmt.Errorf("i18n: source language %q: %w", langs[0].Code, err)
	}
	c := &Catalog{
		bundle:   goi18n.NewBundle(src),
		messages: map[string]map[string]*goi18n.Message{},
		locales:  map[string]*Locale{},
		problems: map[string][]string{},
	}
	c.bundle.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	for _, l := range langs {
		tag, err := language.Parse(l.Code)
		if err != nil {
			return nil, fmt.Errorf("i18n: language %q: %w", l.Code, err)
		}
		files, err := catalogFiles(fsys, dir, l.Code)
		if err != nil {
			return nil, err
		}
		if len(files) == 0 {
			if l.Code == langs[0].Code {
				return nil, fmt.Errorf("i18n: source catalog: no file %s", path.Join(dir, l.Code+".toml"))
			}
			c.problems[l.Code] = []string{"no catalog file " + path.Join(dir, l.Code+".toml")}
			continue
		}
		msgs := map[string]*goi18n.Message{}
		from := map[string]string{}
		for _, file := range files {
			buf, err := fs.ReadFile(fsys, file)
			if err != nil {
				return nil, fmt.Errorf("i18n: %w", err)
			}
			mf, err := c.bundle.ParseMessageFileBytes(buf, file)
			if err != nil {
				return nil, fmt.Errorf("i18n: %s: %w", file, err)
			}
			for _, m := range mf.Messages {
				if prev, ok := from[m.ID]; ok {
					return nil, fmt.Errorf("i18n: message %q is in both %s and %s", m.ID, prev, file)
				}
				from[m.ID] = file
				msgs[m.ID] = m
			}
		}
		c.messages[l.Code] = msgs
		c.locales[l.Code] = newLocale(c, l, tag)
	}
	source := c.messages[langs[0].Code]
	var tags []language.Tag
	for _, l := range langs {
		if _, ok := c.locales[l.Code]; !ok {
			continue
		}
		if l.Code != langs[0].Code {
			c.problems[l.Code] = compare(source, c.messages[l.Code], c.locales[l.Code])
		}
		if len(c.problems[l.Code]) == 0 {
			c.offered = append(c.offered, c.locales[l.Code])
			tags = append(tags, c.locales[l.Code].tag)
		}
	}
	c.matcher = language.NewMatcher(tags)
	return c, nil
}

// placeholder finds the template fields of a message ("{{.Count}}").
var placeholder = regexp.MustCompile(`\{\{\s*\.([A-Za-z0-9_]+)\s*\}\}`)

// placeholders lists the distinct fields a text uses, sorted.
func placeholders(s string) []string {
	var out []string
	for _, m := range placeholder.FindAllStringSubmatch(s, -1) {
		if !slices.Contains(out, m[1]) {
			out = append(out, m[1])
		}
	}
	sort.Strings(out)
	return out
}

// forms lists the plural forms of a message that have text.
func forms(m *goi18n.Message) map[string]string {
	out := map[string]string{}
	for name, s := range map[string]string{"zero": m.Zero, "one": m.One, "two": m.Two, "few": m.Few, "many": m.Many, "other": m.Other} {
		if s != "" {
			out[name] = s
		}
	}
	return out
}

// pluralProbes are counts that together reach every CLDR plural form of
// the languages CaseTrack speaks (0, 1, 2, few, many, the millions).
var pluralProbes = []any{0, 1, 2, 3, 5, 11, 21, 22, 100, 101, 1000000, "1.5"}

// compare lists what keeps a translation from being complete: messages
// missing or empty, placeholders that differ from the source, plural
// forms the language's rules need but the translation lacks.
func compare(source, tr map[string]*goi18n.Message, loc *Locale) []string {
	var problems []string
	ids := make([]string, 0, len(source))
	for id := range source {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		sm, tm := source[id], tr[id]
		if tm == nil || len(forms(tm)) == 0 {
			problems = append(problems, fmt.Sprintf("%s: not translated", id))
			continue
		}
		want := placeholders(strings.Join(slices.Collect(mapValues(forms(sm))), " "))
		for form, text := range forms(tm) {
			if strings.TrimSpace(text) == "" {
				problems = append(problems, fmt.Sprintf("%s (%s): empty", id, form))
				continue
			}
			got := placeholders(text)
			// A plural form may leave out the count ("un caso" for one),
			// nothing else.
			if plural(sm) {
				got = withCount(got)
				want = withCount(want)
			}
			if !slices.Equal(got, want) {
				problems = append(problems, fmt.Sprintf("%s (%s): placeholders %v, want %v", id, form, got, want))
			}
		}
		if plural(sm) {
			for _, n := range pluralProbes {
				if _, err := loc.localizer.Localize(&goi18n.LocalizeConfig{MessageID: id, PluralCount: n, TemplateData: map[string]any{}}); err != nil {
					problems = append(problems, fmt.Sprintf("%s: count %v: %v", id, n, err))
					break
				}
			}
		}
	}
	for id := range tr {
		if source[id] == nil {
			problems = append(problems, fmt.Sprintf("%s: not in the source catalog", id))
		}
	}
	return problems
}

func mapValues(m map[string]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if !yield(m[k]) {
				return
			}
		}
	}
}

func withCount(s []string) []string {
	if slices.Contains(s, "Count") {
		return s
	}
	s = append(slices.Clone(s), "Count")
	sort.Strings(s)
	return s
}

// plural reports whether a message has plural forms beyond "other".
func plural(m *goi18n.Message) bool {
	return m.Zero != "" || m.One != "" || m.Two != "" || m.Few != "" || m.Many != ""
}

// Problems lists, per language of the registry, what keeps it from being
// offered; empty when every language is complete.
func (c *Catalog) Problems() map[string][]string {
	out := map[string][]string{}
	for code, p := range c.problems {
		if len(p) > 0 {
			out[code] = p
		}
	}
	return out
}

// IDs lists the message ids of the source catalog, sorted.
func (c *Catalog) IDs() []string {
	var ids []string
	for id := range c.messages[c.offered[0].lang.Code] {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// Has reports whether the source catalog defines id.
func (c *Catalog) Has(id string) bool {
	_, ok := c.messages[c.offered[0].lang.Code][id]
	return ok
}

// Offered lists the languages people can choose, the source first.
func (c *Catalog) Offered() []*Locale { return c.offered }

// Default is the source language, spoken when nothing else matches.
func (c *Catalog) Default() *Locale { return c.offered[0] }

// Locale is one offered language by code, nil when it is not offered.
func (c *Catalog) Locale(code string) *Locale {
	for _, l := range c.offered {
		if l.lang.Code == code {
			return l
		}
	}
	return nil
}

// Locale writes messages, numbers, dates and country names in one
// language.
type Locale struct {
	lang      Language
	tag       language.Tag
	localizer *goi18n.Localizer
	printer   *message.Printer
	regions   display.Namer
	catalog   *Catalog
}

func newLocale(c *Catalog, l Language, tag language.Tag) *Locale {
	return &Locale{
		lang:      l,
		tag:       tag,
		localizer: goi18n.NewLocalizer(c.bundle, l.Code),
		printer:   message.NewPrinter(tag),
		regions:   display.Regions(tag),
		catalog:   c,
	}
}

// Code is the language's BCP 47 tag ("es").
func (l *Locale) Code() string { return l.lang.Code }

// Name is the language's name in itself ("Español").
func (l *Locale) Name() string { return l.lang.Name }

// Dir is the writing direction for dir="": "rtl" or "ltr".
func (l *Locale) Dir() string {
	if l.lang.RTL {
		return "rtl"
	}
	return "ltr"
}

// RTL reports whether the language is written right to left.
func (l *Locale) RTL() bool { return l.lang.RTL }

// T writes message id with its placeholders filled from args, given as
// name, value pairs: T("home.count", "Count", 3). A "Count" argument that
// is a number also chooses the plural form and is written with the
// language's digit grouping; any other int is written in the language's
// digits without grouping (Digits). An id the catalog lacks comes back as the id
// itself, so the slip shows (and the template tests fail on it).
func (l *Locale) T(id string, args ...any) string {
	return l.localize(id, args, false)
}

// HTML is T for messages that carry markup (a link inside a sentence).
// The message text is trusted (it is part of the build); every argument
// is escaped unless it is already template.HTML.
func (l *Locale) HTML(id string, args ...any) template.HTML {
	return template.HTML(l.localize(id, args, true))
}

func (l *Locale) localize(id string, args []any, escape bool) string {
	data := map[string]any{}
	var count any
	for i := 0; i+1 < len(args); i += 2 {
		name, _ := args[i].(string)
		v := args[i+1]
		if name == "Count" {
			count = v
			switch n := v.(type) {
			case int:
				v = l.Count(n)
			case float64:
				// One decimal, as every duration in months is shown;
				// the plural rules read the same digits.
				count = strconv.FormatFloat(n, 'f', 1, 64)
				v = l.Decimal(n)
			}
		} else if n, ok := v.(int); ok {
			// Any other whole number (a year, a day, a limit) in the
			// language's digits, ungrouped, so that no sentence mixes
			// two kinds of digits.
			v = l.Digits(n)
		}
		if escape {
			if h, ok := v.(template.HTML); ok {
				v = string(h)
			} else {
				v = template.HTMLEscapeString(fmt.Sprint(v))
			}
		}
		data[name] = v
	}
	s, err := l.localizer.Localize(&goi18n.LocalizeConfig{MessageID: id, TemplateData: data, PluralCount: count})
	if s == "" && err != nil {
		return id
	}
	return s
}

// Count writes a whole number with the language's digit grouping
// ("30,003" in English, "30.003" in Spanish).
func (l *Locale) Count(n int) string {
	return l.printer.Sprint(number.Decimal(n))
}

// Digits writes a number without grouping in the language's digits, for
// years and days of the month ("2026", "۲۰۲۶" in Persian), so that a date
// never mixes two kinds of digits.
func (l *Locale) Digits(n int) string {
	return l.printer.Sprint(number.Decimal(n, number.NoSeparator()))
}

// Decimal writes a number with one decimal ("8.3", "8,3").
func (l *Locale) Decimal(f float64) string {
	return l.printer.Sprint(number.Decimal(f, number.MinFractionDigits(1), number.MaxFractionDigits(1)))
}

// Country is the CLDR name of a country or region (ISO 3166 code) in the
// language, or fallback when CLDR has none.
func (l *Locale) Country(code, fallback string) string {
	r, err := language.ParseRegion(code)
	if err != nil {
		return fallback
	}
	if n := l.regions.Name(r); n != "" {
		return n
	}
	return fallback
}

// Month is the name of a month, standing alone ("March", "marzo"). CLDR
// month names are not in golang.org/x/text, so they are catalog messages
// (date.month_1 … date.month_12) like any other word.
func (l *Locale) Month(m time.Month) string {
	return l.T(fmt.Sprintf("date.month_%d", int(m)))
}

// MonthYear writes a month of a year ("March 2024", "marzo de 2024")
// with the catalog's pattern date.month_year.
func (l *Locale) MonthYear(t time.Time) string {
	return l.T("date.month_year", "Month", l.Month(t.Month()), "Year", l.Digits(t.Year()))
}

// Date writes a day ("March 5, 2024", "5 de marzo de 2024") with the
// catalog's pattern date.day.
func (l *Locale) Date(t time.Time) string {
	return l.T("date.day", "Month", l.Month(t.Month()), "Day", l.Digits(t.Day()), "Year", l.Digits(t.Year()))
}

// Duration writes a number of days in the site's one unit scheme (package
// units): whole days up to two months ("45 days", "45 días"), months with
// one decimal beyond ("8.3 months", "8,3 meses").
func (l *Locale) Duration(days int) string {
	if units.InDays(days) {
		return l.T("units.days", "Count", days)
	}
	return l.T("units.months", "Count", units.Months(days))
}

// AfterFiling places a duration relative to the filing date: "45 days
// after filing", or "14 days before filing" for a negative one.
func (l *Locale) AfterFiling(days int) string {
	if days < 0 {
		return l.T("units.before_filing", "Duration", l.Duration(-days))
	}
	return l.T("units.after_filing", "Duration", l.Duration(days))
}
