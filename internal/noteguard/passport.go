package noteguard

import "strings"

// passportReach is how far after a passport label its number may start,
// in bytes: "passport no.: ", "número de pasaporte es ".
const passportReach = 40

// passportCodes finds passport numbers that mix letters and digits
// ("C01X00T47", "12AB34567", "AB 1234567") after a passport label in the
// folded note s. Numbers of digits alone, and one or two letters glued to
// seven to nine digits, are found by numbers.
func passportCodes(s string) []span {
	var spans []span
	low := lower(s)
	for _, l := range labels {
		if l.kind != KindPassport {
			continue
		}
		for off := 0; off < len(low); {
			i := strings.Index(low[off:], l.text)
			if i < 0 {
				break
			}
			i += off
			off = i + len(l.text)
			if !l.at(low, i) {
				continue
			}
			if sp, ok := codeAfter(s, off, min(len(s), off+passportReach)); ok {
				spans = append(spans, sp)
			}
		}
	}
	return spans
}

// codeAfter returns the first code in s[from:to]: letters and digits,
// possibly in parts joined by one space, dash or dot where the next part
// starts with a digit, six to twelve of them with at least five digits and
// at least one letter. A space joins only after capitals or digits, so
// "in 2023" stays prose while "AB 1234567" is a code.
func codeAfter(s string, from, to int) (span, bool) {
	for i := from; i < to; {
		if !isLetter(s[i]) && !isDigit(s[i]) {
			i++
			continue
		}
		if i > 0 && (isLetter(s[i-1]) || isDigit(s[i-1])) {
			// Inside a word that began before the window.
			for i < to && (isLetter(s[i]) || isDigit(s[i])) {
				i++
			}
			continue
		}
		j, chars, digits, letters, lowerPart := i, 0, 0, 0, false
		for j < len(s) {
			c := s[j]
			switch {
			case isDigit(c):
				digits++
				chars++
				j++
				continue
			case isLetter(c):
				letters++
				chars++
				lowerPart = lowerPart || !isUpper(c)
				j++
				continue
			case (c == '-' || c == '.' || (c == ' ' && !lowerPart)) && j+1 < len(s) && isDigit(s[j+1]):
				lowerPart = false
				j++
				continue
			}
			break
		}
		if chars >= 6 && chars <= 12 && digits >= 5 && letters >= 1 {
			return span{start: i, end: j, kind: KindPassport}, true
		}
		i = j
	}
	return span{}, false
}
