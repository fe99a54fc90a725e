// Package phrase names groups of cases and months in the words the
// pages use, so Explore, the outlook and the charts call a group the same
// way, in the reader's language.
//
// The functions ending in In take the reader's Locale and the reference
// data named in that language (i18n.Locale.Reference); the others write
// English, for callers that do not speak the reader's language yet (the
// alert mails, ...).
package phrase

import (
	"strings"
	"sync"
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/i18n"
	"github.com/casetrack/casetrack/internal/stats"
	"github.com/casetrack/casetrack/internal/timeline"
)

// English is the source language, for callers that write English (mail
// subjects, the English functions below).
func English() *i18n.Locale { return english() }

// english is the source language, loaded once.
var english = sync.OnceValue(func() *i18n.Locale {
	c, err := i18n.Load()
	if err != nil {
		// The catalogs are embedded: a broken one fails every test.
		panic("phrase: " + err.Error())
	}
	return c.Default()
})

// Month formats a month for sentences ("March 2024").
func Month(m timeline.Month) string { return MonthIn(english(), m) }

// MonthIn formats a month for sentences in the reader's language
// ("marzo de 2024").
func MonthIn(l *i18n.Locale, m timeline.Month) string {
	return l.MonthYear(time.Date(m.Year, m.Month, 1, 0, 0, 0, 0, time.UTC))
}

// Group names the group a filter selects, for sentences: "EB-2
// National Interest Waiver cases from India (service center: Texas
// Service Center) filed in 2024".
func Group(cat *catalog.Catalog, f stats.Filter) string { return GroupIn(english(), cat, f) }

// GroupIn names the group a filter selects in the reader's language. ref
// is the reference data named in that language, so categories, centers
// and countries read as the rest of the page. The sentence is one
// message with a slot per part, since languages order them differently.
func GroupIn(l *i18n.Locale, ref *catalog.Catalog, f stats.Filter) string {
	id := "phrase.group"
	if f.Category == "" {
		id = "phrase.group_every_category"
	}
	// A language may space a part from the next only when the part is
	// there, so an empty first part can leave a space at the start.
	return strings.TrimSpace(l.T(id, "Category", categoryName(ref, f.Category), "Country", countryPart(l, ref, f.Country),
		"Center", centerPart(l, ref, f.ServiceCenter), "Filed", filedPart(l, f), "Details", detailsPart(l, ref, f)))
}

// categoryName is a category's name, its code when the catalog lacks it.
func categoryName(ref *catalog.Catalog, code string) string {
	if c, ok := ref.Category(code); ok {
		return c.Name
	}
	return code
}

// countryName is a country's name, its code when the catalog lacks it.
func countryName(ref *catalog.Catalog, code string) string {
	if c, ok := ref.Country(code); ok {
		return c.Name
	}
	return code
}

// countryPart is the group's country as its sentence says it (" from
// India"), "" for every country.
func countryPart(l *i18n.Locale, ref *catalog.Catalog, code string) string {
	if code == "" {
		return ""
	}
	return l.T("phrase.from_country", "Country", countryName(ref, code))
}

// centerPart is the group's service center as its sentence says it,
// "" for every center.
func centerPart(l *i18n.Locale, ref *catalog.Catalog, code string) string {
	switch code {
	case "":
		return ""
	case stats.NoServiceCenter:
		return l.T("phrase.no_center")
	}
	name := code
	if c, ok := ref.ServiceCenter(code); ok {
		name = c.Name
	}
	return l.T("phrase.center", "Center", name)
}

// filedPart is the group's filing months as its sentence says them, ""
// when open.
func filedPart(l *i18n.Locale, f stats.Filter) string {
	r := FiledIn(l, f)
	if r == "" {
		return ""
	}
	return l.T("phrase.filed_part", "Filed", r)
}

// detailsPart is the group's details in brackets, "" when it has none.
func detailsPart(l *i18n.Locale, ref *catalog.Catalog, f stats.Filter) string {
	d := DetailsIn(l, ref, f)
	if d == "" {
		return ""
	}
	return l.T("phrase.details_part", "Details", d)
}

// CaseFiled names one case in the reader's language: "N-400
// Naturalization case filed in March 2024". ref names the category in
// that language.
func CaseFiled(l *i18n.Locale, ref *catalog.Catalog, category string, filed timeline.Month) string {
	return l.T("phrase.case_filed", "Category", categoryName(ref, category), "Month", MonthIn(l, filed))
}

// Filed describes the filing-month range: "filed in March 2024",
// "filed in 2024", "filed between March 2023 and June 2024", "filed in or
// after March 2023", "filed in or before June 2024", or "" when open.
func Filed(f stats.Filter) string { return FiledIn(english(), f) }

// FiledIn describes the filing-month range in the reader's language.
func FiledIn(l *i18n.Locale, f stats.Filter) string {
	from, to := f.FiledFrom, f.FiledTo
	switch {
	case from.IsZero() && to.IsZero():
		return ""
	case to.IsZero():
		return l.T("phrase.filed_from", "Month", MonthIn(l, from))
	case from.IsZero():
		return l.T("phrase.filed_to", "Month", MonthIn(l, to))
	case from == to:
		return l.T("phrase.filed_in_month", "Month", MonthIn(l, from))
	case from.Year == to.Year && from.Month == 1 && to.Month == 12:
		return l.T("phrase.filed_in_year", "Year", l.Digits(from.Year))
	}
	return l.T("phrase.filed_between", "From", MonthIn(l, from), "To", MonthIn(l, to))
}
