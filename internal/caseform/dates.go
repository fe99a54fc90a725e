package caseform

import (
	"errors"
	"fmt"
	"strings"

	"github.com/casetrack/casetrack/internal/dateinput"
	"github.com/casetrack/casetrack/internal/timeline"
)

// Read is a date field of the form as read for saving.
type Read struct {
	// Value is what goes into the submission: the canonical date when the
	// text could be read, the text itself otherwise (validation then
	// refuses it) and "" for an empty field.
	Value string
	// Shown is what the field shows when the form comes back: the
	// canonical date once read, so that saving again saves exactly what
	// was confirmed.
	Shown string
	// Error says why the text is not a date.
	Error string
	// Confirm asks the person to confirm an ambiguous reading; a form with
	// one is not saved.
	Confirm string
	// Note tells how the text was read when it was not already canonical.
	Note string
}

// ReadDate reads a milestone date: known to the day or only to the month.
func ReadDate(text string) Read { return ReadDateIn(timeline.English, text) }

// ReadDateIn is ReadDate with its messages in the reader's language w.
func ReadDateIn(w timeline.Writer, text string) Read {
	in, r, failed, ok := parse(w, text)
	if !ok {
		return failed
	}
	out := Read{Value: r.Date.String(), Shown: r.Date.String()}
	switch {
	case r.Ambiguous:
		out.Confirm = confirm(w, in, dateinput.DescribeIn(w, r.Date), dateinput.DescribeIn(w, r.Other))
	case !r.Canonical:
		out.Note = readAs(w, dateinput.DescribeIn(w, r.Date))
	}
	return out
}

// ReadFiled reads the filing month. Only the month is stored (DESIGN.md,
// "Dates"): a date with a day is accepted, and the day dropped with a note
// saying so.
func ReadFiled(text string) Read { return ReadFiledIn(timeline.English, text) }

// ReadFiledIn is ReadFiled with its messages in the reader's language w.
func ReadFiledIn(w timeline.Writer, text string) Read {
	in, r, failed, ok := parse(w, text)
	if !ok {
		return failed
	}
	month := r.Date.MonthOf()
	out := Read{Value: month.String(), Shown: month.String()}
	switch {
	case r.Ambiguous:
		out.Confirm = confirm(w, in, monthOnly(w, r.Date), monthOnly(w, r.Other))
	case !r.Date.MonthOnly() && english(w):
		out.Note = fmt.Sprintf("Read as %s: only the month is kept, never the day.", monthOnly(w, r.Date))
	case !r.Date.MonthOnly():
		out.Note = w.T("forms.read.month_only", "Month", monthOnly(w, r.Date))
	case !r.Canonical:
		out.Note = readAs(w, monthOnly(w, r.Date))
	}
	return out
}

// english reports whether w writes English, whose sentences are here
// rather than in the catalog (locales/forms/en.toml has the same text).
func english(w timeline.Writer) bool { return w.Code() == timeline.English.Code() }

// confirm asks to confirm an ambiguous reading of the text in.
func confirm(w timeline.Writer, in, read, other string) string {
	if english(w) {
		return fmt.Sprintf("We read %s as %s — confirm or correct. Written day first it would be %s.", in, read, other)
	}
	return w.T("forms.read.confirm", "Input", in, "Date", read, "Other", other)
}

// readAs says how a text was read.
func readAs(w timeline.Writer, read string) string {
	if english(w) {
		return "Read as " + read + "."
	}
	return w.T("forms.read.as", "Date", read)
}

// parse reads a field's text. When it is empty or cannot be read, ok is
// false and failed is what the field reads as: nothing, or the text kept
// as typed with the reason.
func parse(w timeline.Writer, text string) (in string, r dateinput.Reading, failed Read, ok bool) {
	in = strings.TrimSpace(text)
	if in == "" {
		return in, r, Read{}, false
	}
	r, err := dateinput.Parse(in)
	if err != nil {
		msg := err.Error()
		var de *dateinput.Error
		if errors.As(err, &de) {
			msg = de.In(w)
		}
		return in, r, Read{Value: in, Shown: in, Error: msg}, false
	}
	return in, r, Read{}, true
}

// monthOnly writes the month of d for people ("May 2024").
func monthOnly(w timeline.Writer, d timeline.ApproxDate) string {
	return dateinput.DescribeIn(w, timeline.ApproxDate{Year: d.Year, Month: d.Month})
}
