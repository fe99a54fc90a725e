package noteguard

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// folded is a note in the form the guard matches on: compatibility
// forms folded (NFKC), invisible characters removed and look-alike letters
// and digits replaced by the ASCII ones they imitate. origin[i] is the
// index, in runes, of the character of the original note that s[i] comes
// from, so that findings point at what the person typed.
type folded struct {
	s      string
	origin []int32
}

// fold prepares a note for matching. It runs in time linear in the note's
// length; pure ASCII text is copied as is apart from the digit-context
// pass.
func fold(note string) folded {
	// Invisible characters go first, so that a zero-width space cannot
	// stand between a letter and the mark that composes with it.
	buf := make([]byte, 0, len(note))
	borig := make([]int32, 0, len(note))
	var idx int32
	for i := 0; i < len(note); idx++ {
		r, size := utf8.DecodeRuneInString(note[i:])
		if invisible(r) {
			i += size
			continue
		}
		buf = append(buf, note[i:i+size]...)
		for range size {
			borig = append(borig, idx)
		}
		i += size
	}

	// NFKC, one normalisation segment at a time: the segments are
	// independent, so each output character keeps the origin of the
	// segment it comes from.
	out := make([]byte, 0, len(buf))
	orig := make([]int32, 0, len(buf))
	var seg []byte
	for i := 0; i < len(buf); {
		if buf[i] < utf8.RuneSelf && (i+1 == len(buf) || buf[i+1] < utf8.RuneSelf) {
			out = append(out, buf[i])
			orig = append(orig, borig[i])
			i++
			continue
		}
		// Text already in NFKC (most text of any script) keeps the origin
		// of each of its characters; the span QuickSpan returns ends on a
		// segment boundary. Anything else is normalised one segment at a
		// time, and its characters take the origin of the segment.
		n := norm.NFKC.QuickSpan(buf[i:])
		asIs := n > 0
		if asIs {
			seg = append(seg[:0], buf[i:i+n]...)
		} else {
			if n = norm.NFKC.NextBoundary(buf[i:], true); n <= 0 {
				n = len(buf) - i
			}
			seg = norm.NFKC.Append(seg[:0], buf[i:i+n]...)
		}
		for j := 0; j < len(seg); {
			r, size := utf8.DecodeRune(seg[j:])
			o := borig[i]
			if asIs {
				o = borig[i+j]
			}
			j += size
			if invisible(r) {
				continue
			}
			start := len(out)
			if c, ok := lookAlike(r); ok {
				out = append(out, c)
			} else {
				out = utf8.AppendRune(out, r)
			}
			for range len(out) - start {
				orig = append(orig, o)
			}
		}
		i += n
	}
	digitContext(out)
	return folded{s: string(out), origin: orig}
}

// invisible reports whether r is dropped before matching: format
// characters (category Cf: zero-width space and joiner, word joiner, soft
// hyphen, byte order mark, bidirectional controls), variation selectors
// and the enclosing keycap that turns 1 into 1️⃣.
func invisible(r rune) bool {
	if r < utf8.RuneSelf {
		return false
	}
	return unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Variation_Selector, r) || r == '\u20e3'
}

// lookAlike maps a character that people paste or type in place of an
// ASCII letter, digit or separator to that ASCII character. It runs after
// NFKC, which has already folded full-width forms, superscripts and
// mathematical letters.
func lookAlike(r rune) (byte, bool) {
	if d, ok := decimalDigit(r); ok {
		return '0' + d, true
	}
	c, ok := confusables[r]
	return c, ok
}

// decimalDigit returns the value of a decimal digit of any script
// (Arabic-Indic ٣, Devanagari ३, Bengali ৩, ...). Unicode encodes every
// decimal digit in runs of ten from zero to nine, so a digit's value is its
// distance from the start of its run in the Nd table modulo ten.
func decimalDigit(r rune) (byte, bool) {
	if r < utf8.RuneSelf || !unicode.IsDigit(r) {
		return 0, false
	}
	for _, rg := range unicode.Nd.R16 {
		if r >= rune(rg.Lo) && r <= rune(rg.Hi) && rg.Stride == 1 {
			return byte((r - rune(rg.Lo)) % 10), true
		}
	}
	for _, rg := range unicode.Nd.R32 {
		if r >= rune(rg.Lo) && r <= rune(rg.Hi) && rg.Stride == 1 {
			return byte((r - rune(rg.Lo)) % 10), true
		}
	}
	return 0, false
}

// digitContext turns O, o, I, l and | into the digits they stand for when
// they sit inside a number ("EAC21O1234567", "A12345678O", "4l5-555"). A
// letter counts as a digit when a digit comes right before it, or right
// after it with either a digit one separator before it (not for I) or at
// least five digits following, so that "I-485", "I130 I485", "10 I think"
// and "Oct" are left alone.
func digitContext(s []byte) {
	for i := 0; i < len(s); i++ {
		if !digitLike(s[i]) {
			continue
		}
		j := i
		for j < len(s) && digitLike(s[j]) {
			j++
		}
		if j-i > 3 || (i > 0 && isLetter(s[i-1])) || (j < len(s) && isLetter(s[j])) {
			i = j
			continue
		}
		left := i > 0 && isDigit(s[i-1])
		after := 0
		for k := j; k < len(s) && isDigit(s[k]); k++ {
			after++
		}
		// A capital I before digits starts a form number (I485 I765), so
		// it needs more than a number one separator before it.
		near := i > 1 && isSep(s[i-1]) && isDigit(s[i-2]) && s[i] != 'I'
		if left || (after > 0 && (near || after >= 5)) {
			for k := i; k < j; k++ {
				if s[k] == 'O' || s[k] == 'o' {
					s[k] = '0'
				} else {
					s[k] = '1'
				}
			}
		}
		i = j
	}
}

func digitLike(b byte) bool { return b == 'O' || b == 'o' || b == 'I' || b == 'l' || b == '|' }

func isDigit(b byte) bool  { return b >= '0' && b <= '9' }
func isLetter(b byte) bool { return b|0x20 >= 'a' && b|0x20 <= 'z' }
func isUpper(b byte) bool  { return b >= 'A' && b <= 'Z' }

// isSep reports whether b may stand between the digit groups of a number
// as people write them.
func isSep(b byte) bool {
	switch b {
	case ' ', '\t', '\n', '-', '.', '/', '_', ',':
		return true
	}
	return false
}
