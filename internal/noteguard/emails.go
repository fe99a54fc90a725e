package noteguard

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Parts of an email address as people write it to slip past filters.
const (
	emailLocal  = `[\pL\pN._%+\-]+`
	emailDomain = `[\pL\pN][\pL\pN\-]*`
	// "@" alone, or spelled inside brackets: (at) [at] {at} <at> (@).
	atTight   = `@`
	atBracket = `\s*[(\[{<]\s*(?:at|@|arroba)\s*[)\]}>]\s*`
	atSpaced  = `(?:\s+@\s*|\s*@\s+)`
	// The word: "at", "at the rate" (as said in India), arroba (Spanish and
	// Portuguese), a còng (Vietnamese).
	atWord = `\s+(?:at(?:\s+the\s+rate(?:\s+of)?)?|arroba|a\s+còng|a\s+móc)\s+`
	// A dot: as is, spaced, spelled in brackets or as a word.
	dotTight   = `\.`
	dotSpaced  = `\s*\.\s*`
	dotBracket = `\s*[(\[{<]\s*(?:dot|punto|ponto|point|chấm|点)\s*[)\]}>]\s*`
	dotWord    = `\s+(?:dot|punto|ponto|point|chấm)\s+`
	dotStrong  = `(?:` + dotTight + `|` + dotBracket + `|` + dotWord + `)`
	dotAny     = `(?:` + dotSpaced + `|` + dotBracket + `|` + dotWord + `)`
	anyTLD     = `\pL{2,}`
	// commonTLD ends an address whose "at" or dot could be ordinary prose
	// ("we met at NBC. Then"): only the endings addresses really have,
	// including the two-part ones such as co.uk and com.mx.
	commonTLD = `(?:(?:co|com|ac|gov|org|edu|net)` + dotAny + `\pL{2}|com|net|org|edu|gov|info)\b`
	providers = `(?:gmail|googlemail|yahoo|hotmail|outlook|live|msn|icloud|aol|proton|protonmail|qq|163|126|sina|yandex|rediffmail|gmx)\b`
)

// emailPattern finds email addresses written plainly or obfuscated. The
// stronger the sign of an address ("@" typed as is, "(at)" in brackets),
// the less the rest has to look like one.
var emailPattern = regexp.MustCompile(`(?i)^` + emailLocal + `(?:` +
	`(?:` + atTight + `|` + atBracket + `)` + emailDomain + `(?:` + dotAny + emailDomain + `)*` + dotAny + anyTLD +
	`|` + atSpaced + emailDomain + `(?:` + dotStrong + emailDomain + `)*` + dotStrong + anyTLD +
	`|` + `(?:` + atWord + `|` + atSpaced + `)` + emailDomain + `(?:` + dotAny + emailDomain + `)*` + dotAny + commonTLD +
	`|` + `(?:` + atTight + `|` + atSpaced + `|` + atBracket + `)` + providers +
	`)`)

// emailReach is how far past an "at" an address may reach, in bytes.
const emailReach = 128

// emails finds email addresses in the folded note s. The pattern runs only
// where an address can be, an "@" or a spelled "at", anchored at the start
// of the word before it: run unanchored over the whole note it would cost
// tens of nanoseconds per byte on every note.
func emails(s string) []span {
	var spans []span
	end := 0 // the end of the last address found
	for i := 0; i < len(s); i++ {
		if i < end || !atAnchor(s, i) || !domainAfter(s, i) {
			continue
		}
		start := localStart(s, i)
		if start < end {
			continue
		}
		stop := min(len(s), i+emailReach)
		for stop < len(s) && !utf8.RuneStart(s[stop]) {
			stop++
		}
		if loc := emailPattern.FindStringIndex(s[start:stop]); loc != nil {
			end = start + loc[1]
			spans = append(spans, span{start: start + loc[0], end: end, kind: KindEmail})
		}
	}
	return spans
}

// localStart returns where the local part of an address whose "at" is at
// s[i] starts: the run of letters, digits and . _ % + - before it, past any
// space or bracket.
func localStart(s string, i int) int {
	for i > 0 && (isSpace(s[i-1]) || strings.IndexByte("([{<", s[i-1]) >= 0) {
		i--
	}
	for i > 0 {
		r, size := utf8.DecodeLastRuneInString(s[:i])
		if !unicode.IsLetter(r) && !unicode.IsNumber(r) && !strings.ContainsRune("._%+-", r) {
			break
		}
		i -= size
	}
	return i
}

// atAnchor reports whether an "@" or a spelled "at" starts at s[i].
func atAnchor(s string, i int) bool {
	c := s[i]
	if c == '@' {
		return true
	}
	if i > 0 && isLetter(s[i-1]) {
		return false
	}
	switch c | 0x20 {
	case 'a':
		t := s[i:]
		if hasPrefixFold(t, "arroba") || hasPrefixFold(t, "a còng") || hasPrefixFold(t, "a móc") {
			return true
		}
		return hasPrefixFold(t, "at") && (len(t) == 2 || !isLetter(t[2]))
	}
	return false
}

func isSpace(b byte) bool {
	return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\v' || b == '\f'
}

// hasPrefixFold is strings.HasPrefix ignoring the case of ASCII letters.
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// domainAfter reports whether what follows the "at" at s[i] can be the
// domain of an address. An "@" or a bracketed "(at)" always can; after the
// word "at" (or arroba), which prose is full of, the next word must be
// followed by a dot, typed or spelled: "at gmail.com", "at gmail dot com".
// This keeps the regular expression away from "interview at the field
// office".
func domainAfter(s string, i int) bool {
	if s[i] == '@' || (i > 0 && strings.IndexByte("([{<", s[i-1]) >= 0) {
		return true
	}
	j := i
	for _, w := range []string{"a còng", "a móc"} {
		if hasPrefixFold(s[i:], w) {
			j = i + len(w)
		}
	}
	for j < len(s) && isLetter(s[j]) {
		j++
	}
	for j < len(s) && isSpace(s[j]) {
		j++
	}
	// "at the rate": the domain comes after "the rate (of)".
	if hasPrefixFold(s[j:], "the rate") {
		return true
	}
	for j < len(s) && (s[j] >= 0x80 || isLetter(s[j]) || isDigit(s[j]) || s[j] == '-') {
		j++
	}
	for j < len(s) && isSpace(s[j]) {
		j++
	}
	t := s[j:]
	if len(t) > 1 && t[0] == '.' && !isSpace(t[1]) {
		return true
	}
	// A spaced dot ("gmail . com") only before the usual endings, so
	// that "at noon. Then" is prose.
	if strings.HasPrefix(t, ".") {
		t = strings.TrimLeft(t[1:], " \t")
		for _, tld := range []string{"com", "net", "org", "edu", "gov", "info", "co"} {
			if hasPrefixFold(t, tld) && (len(t) == len(tld) || !isLetter(t[len(tld)])) {
				return true
			}
		}
		return false
	}
	for _, d := range []string{"(", "[", "{", "<", "dot", "punto", "ponto", "point", "chấm", "点"} {
		if hasPrefixFold(t, d) {
			return true
		}
	}
	return false
}
