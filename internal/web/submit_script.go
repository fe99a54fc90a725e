package web

import (
	"encoding/json"
	"fmt"

	"github.com/casetrack/casetrack/internal/dateinput"
	"github.com/casetrack/casetrack/internal/i18n"
)

// ScriptTexts are the sentences static/submit.js writes as people type
// dates and change the category, in the page's language, as JSON for the
// form's data-texts attribute. Placeholders the script fills are in
// braces ("{date}"); dates and numbers it writes with the browser's Intl
// in the page's language. English pages carry none: the script's own
// English is the same text.
func (p *submitPageData) ScriptTexts() (string, error) {
	l := p.Lang
	if l == nil || l.Code() == "en" {
		return "", nil
	}
	texts := map[string]string{
		"lang":            l.Code(),
		"nu":              numberingSystem(l),
		"read_as":         l.T("forms.read.as", "Date", "{date}"),
		"read_month_only": l.T("forms.read.month_only", "Month", "{date}"),
		"ambiguous":       l.T("forms.script.ambiguous", "Other", "{other}"),
		"not_read":        l.T("forms.script.not_read", "Reason", "{error}"),
		"year_range":      l.T("forms.script.year_range", "Min", "{min}", "Max", "{max}"),
		"no_month":        l.T("forms.script.no_month", "Month", "{month}"),
		"day_range":       l.T("forms.script.day_range", "MonthYear", "{monthyear}", "Days", "{days}"),
		"unreadable":      l.T("forms.script.unreadable"),
		"month_first":     l.T("forms.script.month_first", "Suggestion", "{suggestion}"),
		"not_month":       l.T("forms.script.not_month", "Word", "{word}"),
		"add_year":        l.T("forms.script.add_year"),
		"pick":            l.T("forms.script.pick", "Field", "{field}"),
		"date_of_step":    l.T("forms.script.date_of_step", "Step", "{step}"),
		"filing_month":    l.T("forms.script.filing_month"),
		"this_step":       l.T("forms.script.this_step"),
		"hint":            l.T("submit.steps_hint"),
		"date":            l.T("submit.date"),
		"date_of":         l.T("submit.date_of", "Step", "{step}"),
		"placeholder":     l.T("case.date_placeholder"),
		"add_another":     l.T("submit.add_another", "Step", "{step}"),
		"step_n":          l.T("forms.row.step", "Number", "{n}"),
		"repeat":          l.T("forms.row.repeat", "Step", "{step}", "Number", "{n}"),
	}
	b, err := json.Marshal(texts)
	if err != nil {
		return "", fmt.Errorf("texts of submit.js: %w", err)
	}
	return string(b), nil
}

// numberingSystem names the language's digits for Intl (Unicode "nu"),
// so that the script writes the digits the server writes.
func numberingSystem(l *i18n.Locale) string {
	switch l.Digits(0) {
	case "٠":
		return "arab"
	case "۰":
		return "arabext"
	}
	return "latn"
}

// DateWords are the month names and date words of every language for
// static/submit.js, as JSON for the form's data-date-words attribute, on
// every page whatever its language: the server reads a date typed in any
// of them (package dateinput), and the script says so as it is typed.
func (p *submitPageData) DateWords() (string, error) {
	b, err := json.Marshal(dateinput.ScriptWords())
	if err != nil {
		return "", fmt.Errorf("date words of submit.js: %w", err)
	}
	return string(b), nil
}
