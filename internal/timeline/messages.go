package timeline

import (
	"strconv"
	"strings"
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
)

// Writer writes validation messages in the reader's language. An
// *i18n.Locale is one; timeline cannot import package i18n (which
// depends on it through units and stats), so it names what it needs.
type Writer interface {
	T(id string, args ...any) string
	Code() string
	Count(n int) string
	Digits(n int) string
	MonthYear(t time.Time) string
	Date(t time.Time) string
}

// English writes the messages in English without loading the catalogs,
// for callers without a reader (imports, seeding). Its texts are the
// English catalog's (locales/forms/en.toml); a test keeps the two equal.
var English Writer = englishWriter{}

type englishWriter struct{}

func (englishWriter) Code() string        { return "en" }
func (englishWriter) Count(n int) string  { return strconv.Itoa(n) }
func (englishWriter) Digits(n int) string { return strconv.Itoa(n) }
func (englishWriter) MonthYear(t time.Time) string {
	return t.Month().String() + " " + strconv.Itoa(t.Year())
}
func (englishWriter) Date(t time.Time) string { return t.Format("January 2, 2006") }

// T fills an English message's placeholders; a Count of 1 picks the
// message's singular form when it has one.
func (englishWriter) T(id string, args ...any) string {
	text, ok := englishMessages[id]
	if !ok {
		return id
	}
	pairs := make([]string, 0, len(args))
	for i := 0; i+1 < len(args); i += 2 {
		name, _ := args[i].(string)
		if name == "Count" && args[i+1] == 1 {
			if one, ok := englishMessages[id+"#one"]; ok {
				text = one
			}
		}
		pairs = append(pairs, "{{."+name+"}}", toString(args[i+1]))
	}
	return strings.NewReplacer(pairs...).Replace(text)
}

func toString(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case int:
		return strconv.Itoa(v)
	}
	return ""
}

// EnglishMessages lists the English texts Validate writes, by catalog id
// (a singular form as id#one), so a test can hold them to the catalog.
func EnglishMessages() map[string]string {
	out := make(map[string]string, len(englishMessages))
	for k, v := range englishMessages {
		out[k] = v
	}
	return out
}

// monthText writes a month inside a message. English keeps the form the
// person typed ("2024-03", which messages and tests quote); other
// languages write it out in their own words and digits ("marzo de 2024").
func monthText(w Writer, m Month) string {
	if w.Code() == English.Code() {
		return m.String()
	}
	return w.MonthYear(m.Mid())
}

// dateText writes a milestone date inside a message, as monthText does.
func dateText(w Writer, d ApproxDate) string {
	switch {
	case w.Code() == English.Code():
		return d.String()
	case d.MonthOnly():
		return w.MonthYear(d.Time())
	}
	return w.Date(d.Time())
}

// localName is a reference name (category, milestone) in the reader's
// language, the English name when the catalog has none.
func localName(w Writer, id, english string) string {
	if w.Code() == English.Code() {
		return english
	}
	if s := w.T(id); s != id {
		return s
	}
	return english
}

// echoIn is echo with "This" in the reader's language.
func echoIn(w Writer, s string) string {
	if CheckNote(s) != nil {
		return w.T("forms.this")
	}
	return echo(s)
}

// categoryName is a category's name in the reader's language (the
// catalog's id catalog.category.<code>, as i18n.CategoryID names it).
func categoryName(w Writer, c catalog.Category) string {
	return localName(w, "catalog.category."+c.Code, c.Name)
}

// milestoneName is a step's name in the reader's language.
func milestoneName(w Writer, m catalog.Milestone) string {
	return localName(w, "catalog.milestone."+m.Code, m.Name)
}

// quoted puts a name in quotes, as %q did in the English messages.
func quoted(s string) string { return strconv.Quote(s) }

// numberArgs are the placeholders of the note messages that carry a
// number as decimal text.
var numberArgs = map[string]bool{"Length": true, "Max": true, "Position": true}

// withDigits is w.T for the note messages (NoteMessage), with the numbers
// they pass as text written in the reader's digits.
func withDigits(w Writer) Translate {
	return func(id string, args ...any) string {
		out := make([]any, len(args))
		copy(out, args)
		for i := 1; i < len(out); i += 2 {
			name, _ := out[i-1].(string)
			s, isText := out[i].(string)
			if !numberArgs[name] || !isText {
				continue
			}
			if n, err := strconv.Atoi(s); err == nil {
				out[i] = w.Digits(n)
			}
		}
		return w.T(id, out...)
	}
}
