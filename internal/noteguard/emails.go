package noteguard

import (
	"regexp"
	"strings"
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
var emailPattern = regexp.MustCompile(`(?i)` + emailLocal + `(?:` +
	`(?:` + atTight + `|` + atBracket + `)` + emailDomain + `(?:` + dotAny + emailDomain + `)*` + dotAny + anyTLD +
	`|` + atSpaced + emailDomain + `(?:` + dotStrong + emailDomain + `)*` + dotStrong + anyTLD +
	`|` + `(?:` + atWord + `|` + atSpaced + `)` + emailDomain + `(?:` + dotAny + emailDomain + `)*` + dotAny + commonTLD +
	`|` + `(?:` + atTight + `|` + atSpaced + `|` + atBracket + `)` + providers +
	`)`)

// emailReach is how far past an "at" an address may reach, in bytes.
const emailReach = 128

// emails finds email addresses in the folded note s. The pattern runs only
// around the places where an address can be, an "@" or a spelled "at":
// running it over the whole note would cost tens of nanoseconds per byte on
// every note.
func emails(s string) []span {
	var spans []span
	var ws [][2]int
	for i := 0; i < len(s); i++ {
		if !atAnchor(s, i) {
			continue
		}
		// The local part is the word before the "at", or the word the "@"
		// is in.
		start := i
		for start > 0 && strings.IndexByte("([{<", s[start-1]) >= 0 {
			start--
		}
		for start > 0 && isSpace(s[start-1]) {
			start--
		}
		for start > 0 && !isSpace(s[start-1]) {
			start--
		}
		end := min(len(s), i+emailReach)
		for end < len(s) && !utf8.RuneStart(s[end]) {
			end++
		}
		if n := len(ws); n > 0 && start <= ws[n-1][1] {
			ws[n-1][1] = max(ws[n-1][1], end)
			continue
		}
		ws = append(ws, [2]int{start, end})
	}
	for _, w := range ws {
		for _, loc := range emailPattern.FindAllStringIndex(s[w[0]:w[1]], -1) {
			spans = append(spans, span{start: w[0] + loc[0], end: w[0] + loc[1], kind: KindEmail})
		}
	}
	return spans
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
		t := strings.ToLower(s[i:min(len(s), i+8)])
		if strings.HasPrefix(t, "arroba") || strings.HasPrefix(t, "a còng") || strings.HasPrefix(t, "a móc") {
			return true
		}
		return strings.HasPrefix(t, "at") && (len(t) == 2 || !isLetter(t[2]))
	}
	return false
}

func isSpace(b byte) bool {
	return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\v' || b == '\f'
}
