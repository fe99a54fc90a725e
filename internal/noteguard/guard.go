// Package noteguard finds personal identifiers in the free-text note of a
// case: USCIS receipt numbers, A-numbers, USCIS numbers, email addresses,
// phone numbers, passport and Social Security numbers (DESIGN.md, "Note
// guard").
//
// People do not type identifiers the way forms print them. They paste them
// from PDFs with zero-width spaces and soft hyphens, type them on phones set
// to full-width or Cyrillic keyboards, group the digits with whatever
// separator comes to hand and write their email address as "name (at)
// gmail (dot) com". So the guard first folds the note into one canonical
// form (NFKC, invisible characters removed, look-alikes mapped to ASCII),
// then reads numbers as runs of digit groups, whatever joins the groups,
// and decides what a run is from its length, its shape, the letters glued
// to it and the label words around it. Dates, times, fees and form numbers
// have shapes of their own and pass.
//
// No library recognises these identifiers, so the recognisers are written
// here. Everything runs in time linear in the note's length: one pass to
// fold, one to find digit groups, a bounded look around each long number
// and a regular expression (RE2, linear) only around the few places an
// email address could be.
package noteguard

import (
	"sort"
	"unicode/utf8"
)

// Kinds of identifier the guard reports, in words a person knows.
const (
	KindReceipt  = "USCIS receipt number"
	KindANumber  = "A-number"
	KindUSCIS    = "USCIS number"
	KindEmail    = "email address"
	KindPhone    = "phone number"
	KindPassport = "passport number"
	KindSSN      = "Social Security number"
)

// Finding is one identifier-like piece of text in a note.
type Finding struct {
	// Kind says what it looks like, e.g. "USCIS receipt number".
	Kind string
	// Excerpt is the first few characters followed by "...": enough for
	// the person to find it, never the whole identifier.
	Excerpt string
	// Offset is where it starts, in runes from the start of the note
	// (counting from 0).
	Offset int
}

// ExcerptRunes is the most characters of a finding that are echoed back.
const ExcerptRunes = 5

// span is a finding in the folded note: byte offsets and its kind.
type span struct {
	start, end int
	kind       string
}

// Check returns every identifier-like piece of text in note, in note
// order, or nil when the note is clean.
func Check(note string) []Finding {
	f := fold(note)
	spans := emails(f.s)
	spans = append(spans, numbers(f.s)...)
	spans = append(spans, passportCodes(f.s)...)
	return findings(note, f, spans)
}

// findings turns spans of the folded note into findings in the original
// note: in order, dropping any span that overlaps one already reported
// (at the same start, the one found first wins).
func findings(note string, f folded, spans []span) []Finding {
	if len(spans) == 0 {
		return nil
	}
	sort.SliceStable(spans, func(a, b int) bool { return spans[a].start < spans[b].start })
	var out []Finding
	end := 0
	// Rune offsets are turned into byte offsets incrementally, so long
	// notes with many findings stay linear.
	runeAt, byteAt := 0, 0
	for _, s := range spans {
		if s.start < end {
			continue
		}
		end = s.end
		first, last := int(f.origin[s.start]), int(f.origin[s.end-1])
		for runeAt < first {
			_, size := utf8.DecodeRuneInString(note[byteAt:])
			byteAt += size
			runeAt++
		}
		// Show at most ExcerptRunes characters, and always leave at least
		// one character of the identifier out.
		n := min(ExcerptRunes, last-first)
		i := byteAt
		for range n {
			_, size := utf8.DecodeRuneInString(note[i:])
			i += size
		}
		out = append(out, Finding{Kind: s.kind, Excerpt: note[byteAt:i] + "...", Offset: first})
	}
	return out
}
