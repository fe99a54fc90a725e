package timeline

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The note guard keeps personal identifiers out of the free-text note
// (DESIGN.md, "Note guard"). No library recognises USCIS receipt numbers or
// A-numbers, so the patterns are written here; they use the standard
// library's RE2 engine, which runs in time linear in the note's length.
//
// Each pattern errs towards refusing an identifier, but is shaped so that
// ordinary timeline talk passes: dates (2024-05-17, 03/14/2024), form
// numbers (I-485, I-765 (c)(9)), durations, fees and office codes (NSC).

// Kinds of identifier the note guard reports, in words a person knows.
const (
	KindReceipt  = "USCIS receipt number"
	KindANumber  = "A-number"
	KindEmail    = "email address"
	KindPhone    = "phone number"
	KindPassport = "passport number"
	KindSSN      = "Social Security number"
)

// NoteFinding is one identifier-like piece of text in a note.
type NoteFinding struct {
	// Kind says what it looks like, e.g. "USCIS receipt number".
	Kind string
	// Excerpt is the first few characters followed by "...": enough for
	// the person to find it, never the whole identifier.
	Excerpt string
	// Offset is where it starts, in runes from the start of the note
	// (counting from 0).
	Offset int
}

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

func article(kind string) string {
	if kind == KindANumber || kind == KindEmail {
		return "an"
	}
	return "a"
}

// excerptRunes is how many characters of a finding are echoed back.
const excerptRunes = 5

// contextBytes is how far around a bare number CheckNote looks for a word
// such as "passport" or "SSN" that says what the number is.
const contextBytes = 40

// Building blocks of the patterns. sep is one separator people put inside
// numbers: space, no-break space, dot or any kind of dash.
const (
	sep     = `[ \t\x{00A0}.\-\x{2010}-\x{2015}]`
	prefSep = `[ \t\x{00A0}.:#\-\x{2010}-\x{2015}]{0,3}`
	// receiptDigits are the ten digits of a receipt number, together or
	// grouped as printed (21 901 23456) or typed (21 90123456).
	receiptDigits = `(?:\d{10}|\d{2}` + sep + `\d{3}` + sep + `\d{5}|\d{2}` + sep + `\d{8})`
	// maxSep and maxPrefSep are the most bytes sep and prefSep can match
	// (a dash such as U+2014 takes three bytes in UTF-8).
	maxSep     = 3
	maxPrefSep = 3 * maxSep
)

type notePattern struct {
	kind string
	re   *regexp.Regexp
	// context, when set, must match near the number for it to count: a
	// bare nine-digit number is only a passport or SSN when the note says so.
	context *regexp.Regexp
	// minDigits, when set, is the fewest digits the match must have.
	minDigits int
	// fits reports whether the pattern can match within a digit cluster of
	// the given shape (see numberClusters); nil for the email pattern.
	fits func(c cluster) bool
	// before is the most bytes a match can have before the cluster's first
	// digit or "+": a receipt's letters, "A-number: ", "(".
	before int
}

// emailPattern finds email addresses; CheckNote runs it around each "@".
var emailPattern = notePattern{kind: KindEmail,
	re: regexp.MustCompile(`[\pL\pN._%+\-]+@[\pL\pN\-]+(?:\.[\pL\pN\-]+)*\.\pL{2,}`)}

// numberPatterns find identifiers made of digits. They are tried in this
// order; when two findings overlap, the one that starts first wins, and at
// the same start the earlier pattern.
var numberPatterns = []notePattern{
	// Known receipt prefixes, in any case and with any usual separators,
	// including the 3-3-4 grouping some people use.
	{kind: KindReceipt, re: regexp.MustCompile(`\b(?i:EAC|WAC|LIN|SRC|NBC|MSC|IOE|YSC)` + prefSep +
		`(?:` + receiptDigits + `|\d{3}` + sep + `\d{3}` + sep + `\d{4})\b`),
		fits: func(c cluster) bool { return c.g10 || c.s28 || c.s235 || c.s334 }, before: 3 + maxPrefSep},
	// Any other three capital letters with ten digits in a receipt's shape.
	{kind: KindReceipt, re: regexp.MustCompile(`\b[A-Z]{3}[ \-]?` + receiptDigits + `\b`),
		fits: func(c cluster) bool { return c.g10 || c.s28 || c.s235 }, before: 4},
	// A-numbers: A, A#, A-number or A no., then 8 or 9 digits, together or
	// grouped in threes.
	{kind: KindANumber, re: regexp.MustCompile(`(?:\bA|\b(?i:a)[ \-]?(?i:number|num|nr|no)\b\.?|\b(?i:a)#)` + prefSep +
		`(?:\d{8,9}|\d{2,3}` + sep + `\d{3}` + sep + `\d{3})\b`),
		fits: func(c cluster) bool { return c.g8to9 || c.s233 || c.s333 }, before: len("a-number.") + maxPrefSep},
	{kind: KindSSN, re: regexp.MustCompile(`\b\d{3}[ \x{00A0}\-\x{2010}-\x{2015}]\d{2}[ \x{00A0}\-\x{2010}-\x{2015}]\d{4}\b`),
		fits: func(c cluster) bool { return c.s324 }},
	{kind: KindSSN, re: regexp.MustCompile(`\b\d{9}\b`),
		context: regexp.MustCompile(`(?i)\bssn|\bss#|\bsocial[ \-]?security|\bsoc\.? ?sec`),
		fits:    func(c cluster) bool { return c.g9 }},
	{kind: KindPassport, re: regexp.MustCompile(`\b[A-Za-z]{1,2}\d{7,9}\b`),
		fits: func(c cluster) bool { return c.g7to9 }, before: 2},
	{kind: KindPassport, re: regexp.MustCompile(`\b\d{8,9}\b`),
		context: regexp.MustCompile(`(?i)passport`),
		fits:    func(c cluster) bool { return c.g8to9 }},
	// US numbers: (415) 555-0132, 415-555-0132, 415.555.0132, +1 415 555 0132,
	// 1-415-555-0132, and ten digits written together.
	{kind: KindPhone, re: regexp.MustCompile(`\(\d{3}\)` + sep + `?\d{3}` + sep + `\d{4}\b`),
		fits: func(c cluster) bool { return c.s334 }, before: 1},
	{kind: KindPhone, re: regexp.MustCompile(`(?:\+1` + sep + `?|\b1` + sep + `)?\(?\b\d{3}\)?` + sep + `\d{3}` + sep + `\d{4}\b`),
		fits: func(c cluster) bool { return c.s334 }, before: len("+1") + maxSep + len("(")},
	{kind: KindPhone, re: regexp.MustCompile(`\+1` + sep + `?\d{3}` + sep + `?\d{3}` + sep + `?\d{4}\b`),
		fits: func(c cluster) bool { return c.plus }},
	{kind: KindPhone, re: regexp.MustCompile(`\b1?[2-9]\d{9}\b`),
		fits: func(c cluster) bool { return c.g10to11 }},
	// International numbers: +44 20 7946 0958, +91-98765-43210.
	{kind: KindPhone, re: regexp.MustCompile(`\+\d{1,3}(?:` + sep + `?\(?\d{1,5}\)?){1,6}`), minDigits: 8,
		fits: func(c cluster) bool { return c.plus && c.digits >= 8 }},
}

// match is one pattern match: byte offsets in the note and the pattern's
// priority (its index in numberPatterns; email addresses come first).
type match struct {
	start, end int
	order      int
	kind       string
}

// CheckNote is the note guard: it returns nil when the note is clean, or
// a NoteError listing every identifier-like piece of text it found.
//
// Go's regexp engine costs tens of nanoseconds per byte and pattern, too
// slow to run a dozen patterns over every note. So CheckNote first finds,
// in one cheap pass, the few places where an identifier could be (clusters
// of digits with the shape of one, and each "@"), and runs only the
// patterns that fit each place, on a short window around it. The windows
// are wide enough that the result is the same as running every pattern
// over the whole note; the fuzz test checks exactly that.
func CheckNote(note string) *NoteError {
	var ms []match
	clusters := numberClusters(note)
	for i, p := range numberPatterns {
		for _, w := range p.windows(note, clusters) {
			ms = p.appendMatches(ms, note, w, i+1)
		}
	}
	for _, w := range emailWindows(note) {
		ms = emailPattern.appendMatches(ms, note, w, 0)
	}
	return resolve(note, ms)
}

// appendMatches adds the pattern's accepted matches within note[w[0]:w[1]].
func (p notePattern) appendMatches(ms []match, note string, w [2]int, order int) []match {
	for _, loc := range p.re.FindAllStringIndex(note[w[0]:w[1]], -1) {
		start, end := w[0]+loc[0], w[0]+loc[1]
		if p.accepts(note, start, end) {
			ms = append(ms, match{start: start, end: end, order: order, kind: p.kind})
		}
	}
	return ms
}

// resolve turns matches into findings: in note order, dropping any match
// that overlaps one already reported.
func resolve(note string, ms []match) *NoteError {
	if len(ms) == 0 {
		return nil
	}
	sort.Slice(ms, func(a, b int) bool {
		if ms[a].start != ms[b].start {
			return ms[a].start < ms[b].start
		}
		return ms[a].order < ms[b].order
	})
	e := &NoteError{}
	end := 0
	// Rune offsets are counted incrementally so long notes with many
	// findings stay linear.
	counted, runes := 0, 0
	for _, m := range ms {
		if m.start < end {
			continue
		}
		end = m.end
		runes += utf8.RuneCountInString(note[counted:m.start])
		counted = m.start
		e.Findings = append(e.Findings, NoteFinding{
			Kind:    m.kind,
			Excerpt: excerpt(note[m.start:m.end]),
			Offset:  runes,
		})
	}
	return e
}

func (p notePattern) accepts(note string, start, end int) bool {
	if p.minDigits > 0 {
		n := 0
		for i := start; i < end; i++ {
			if note[i] >= '0' && note[i] <= '9' {
				n++
			}
		}
		if n < p.minDigits {
			return false
		}
	}
	if p.context != nil {
		from, to := max(0, start-contextBytes), min(len(note), end+contextBytes)
		return p.context.MatchString(note[from:to])
	}
	return true
}

// excerpt returns the first characters of a match and "...", always
// leaving at least one character of the match out.
func excerpt(match string) string {
	n := min(excerptRunes, utf8.RuneCountInString(match)-1)
	i := 0
	for range n {
		_, size := utf8.DecodeRuneInString(match[i:])
		i += size
	}
	return match[:i] + "..."
}
