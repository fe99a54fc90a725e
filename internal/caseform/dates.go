package caseform

import (
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
func ReadDate(text string) Read {
	in, r, failed, ok := parse(text)
	if !ok {
		return failed
	}
	out := Read{Value: r.Date.String(), Shown: r.Date.String()}
	switch {
	case r.Ambiguous:
		out.Confirm = fmt.Sprintf("We read %s as %s — confirm or correct. Written day first it would be %s.",
			in, dateinput.Describe(r.Date), dateinput.Describe(r.Other))
	case !r.Canonical:
		out.Note = "Read as " + dateinput.Describe(r.Date) + "."
	}
	return out
}

// ReadFiled reads the filing month. Only the month is stored (DESIGN.md,
// "Dates"): a date with a day is accepted, and the day dropped with a note
// saying so.
func ReadFiled(text string) Read {
	in, r, failed, ok := parse(text)
	if !ok {
		return failed
	}
	month := r.Date.MonthOf()
	out := Read{Value: month.String(), Shown: month.String()}
	switch {
	case r.Ambiguous:
		out.Confirm = fmt.Sprintf("We read %s as %s — confirm or correct. Written day first it would be %s.",
			in, monthOnly(r.Date), monthOnly(r.Other))
	case !r.Date.MonthOnly():
		out.Note = fmt.Sprintf("Read as %s: only the month is kept, never the day.", monthOnly(r.Date))
	case !r.Canonical:
		out.Note = "Read as " + monthOnly(r.Date) + "."
	}
	return out
}

// parse reads a field's text. When it is empty or cannot be read, ok is
// false and failed is what the field reads as: nothing, or the text kept
// as typed with the reason.
func parse(text string) (in string, r dateinput.Reading, failed Read, ok bool) {
	in = strings.TrimSpace(text)
	if in == "" {
		return in, r, Read{}, false
	}
	r, err := dateinput.Parse(in)
	if err != nil {
		return in, r, Read{Value: in, Shown: in, Error: err.Error()}, false
	}
	return in, r, Read{}, true
}

// monthOnly writes the month of d for people ("May 2024").
func monthOnly(d timeline.ApproxDate) string {
	return dateinput.Describe(timeline.ApproxDate{Year: d.Year, Month: d.Month})
}
