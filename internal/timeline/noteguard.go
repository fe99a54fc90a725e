package timeline

import (
	"strconv"
	"strings"

	"github.com/casetrack/casetrack/internal/noteguard"
)

// The note guard keeps personal identifiers out of the free-text note
// (DESIGN.md, "Note guard"). The recognisers live in package noteguard;
// this file turns what they find into the message a person reads.

// Kinds of identifier the note guard reports, in words a person knows.
const (
	KindReceipt  = noteguard.KindReceipt
	KindANumber  = noteguard.KindANumber
	KindUSCIS    = noteguard.KindUSCIS
	KindEmail    = noteguard.KindEmail
	KindPhone    = noteguard.KindPhone
	KindPassport = noteguard.KindPassport
	KindSSN      = noteguard.KindSSN
)

// NoteFinding is one identifier-like piece of text in a note: its kind, an
// excerpt too short to give it away, and its offset in runes.
type NoteFinding = noteguard.Finding

// NoteError is returned by CheckNote when a note contains identifiers.
type NoteError struct{ Findings []NoteFinding }

// Error names everything found and where, so the person can remove it.
// Positions are counted from 1, as a person counts characters.
func (e *NoteError) Error() string {
	var b strings.Builder
	b.WriteString("The note contains what looks like ")
	for i, f := range e.Findings {
		switch {
		case i == 0:
		case i == len(e.Findings)-1:
			b.WriteString(" and ")
		default:
			b.WriteString(", ")
		}
		b.WriteString(article(f.Kind))
		b.WriteString(" " + f.Kind + " (\"" + f.Excerpt + "\") at character ")
		b.WriteString(strconv.Itoa(f.Offset + 1))
	}
	if len(e.Findings) == 1 {
		b.WriteString(" — please remove it.")
	} else {
		b.WriteString(" — please remove them.")
	}
	return b.String()
}

// kindIDs name each kind of identifier in the message catalog, with its
// article ("a USCIS receipt number").
var kindIDs = map[string]string{
	KindReceipt:  "note.kind.receipt",
	KindANumber:  "note.kind.a_number",
	KindUSCIS:    "note.kind.uscis",
	KindEmail:    "note.kind.email",
	KindPhone:    "note.kind.phone",
	KindPassport: "note.kind.passport",
	KindSSN:      "note.kind.ssn",
}

// Localize is Error in the reader's language, through the catalog.
func (e *NoteError) Localize(tr Translate) string {
	var b strings.Builder
	for i, f := range e.Findings {
		switch {
		case i == 0:
		case i == len(e.Findings)-1:
			b.WriteString(tr("note.list_last"))
		default:
			b.WriteString(tr("note.list_sep"))
		}
		kind := f.Kind
		if id, ok := kindIDs[f.Kind]; ok {
			kind = tr(id)
		}
		b.WriteString(tr("note.finding", "Kind", kind, "Excerpt", f.Excerpt, "Position", strconv.Itoa(f.Offset+1)))
	}
	return tr("note.contains", "Count", len(e.Findings), "Findings", b.String())
}

func article(kind string) string {
	if kind == KindANumber || kind == KindEmail {
		return "an"
	}
	return "a"
}

// CheckNote is the note guard: it returns nil when the note is clean, or
// a NoteError listing every identifier-like piece of text it found.
func CheckNote(note string) *NoteError {
	fs := noteguard.Check(note)
	if len(fs) == 0 {
		return nil
	}
	return &NoteError{Findings: fs}
}
