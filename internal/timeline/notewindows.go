package timeline

import "unicode/utf8"

// This file holds the cheap first pass of the note guard: it finds the
// places in a note where an identifier could be, so that the regular
// expressions in noteguard.go run only there.

// windowAfter is how far past a cluster's last digit a match can reach:
// a closing parenthesis.
const windowAfter = 4

// numberClusters returns every cluster of digits that could belong to an
// identifier. A cluster is a run of digit groups joined by at most three
// separators ("415-555-0132", "+44 20 7946 0958"). Every pattern in
// numberPatterns but the international phone pattern, which needs a "+",
// ends its digits at a word boundary and starts them after a non-digit, so
// it can only match a cluster whose groups have one of a few exact sizes.
// Clusters of other shapes, such as the dates, times, fees and form
// numbers of ordinary timeline talk, cost nothing further.
func numberClusters(note string) []cluster {
	var cs []cluster
	for i := 0; i < len(note); {
		if !isDigit(note[i]) && note[i] != '+' {
			i++
			continue
		}
		c := scanCluster(note, i)
		if c.any() {
			cs = append(cs, c)
		}
		i = max(c.end, i+1)
	}
	return cs
}

// cluster is a run of digit groups found by scanCluster, with its shape:
// which group sizes, and which sequences of neighbouring group sizes, it
// has. Each number pattern states the shapes it can match (notePattern.fits).
type cluster struct {
	start  int // byte offset of the first digit or "+"
	end    int // byte offset just after the last digit
	digits int
	plus   bool // a "+" starts the cluster or joins two of its groups

	g7to9, g8to9, g9, g10, g10to11 bool // a group of that many digits

	// Neighbouring groups of these sizes, as in 21 90123456, 21-901-23456,
	// 415-555-0132, 123-456-789, 12-345-678 and 123-45-6789.
	s28, s235, s334, s333, s233, s324 bool
}

// any reports whether any number pattern could match in the cluster.
func (c cluster) any() bool {
	return c.g7to9 || c.g10to11 || c.plus ||
		c.s28 || c.s235 || c.s334 || c.s333 || c.s233 || c.s324
}

// scanCluster reads the cluster starting at note[i], a digit or "+".
func scanCluster(note string, i int) cluster {
	c := cluster{start: i, end: i}
	pos, prev2, prev := i, 0, 0
	if note[pos] == '+' {
		c.plus = true
		pos++
	}
	for {
		n := 0
		for pos < len(note) && isDigit(note[pos]) {
			n++
			pos++
		}
		if n == 0 {
			return c
		}
		c.end = pos
		c.digits += n
		c.g7to9 = c.g7to9 || (n >= 7 && n <= 9)
		c.g8to9 = c.g8to9 || n == 8 || n == 9
		c.g9 = c.g9 || n == 9
		c.g10 = c.g10 || n == 10
		c.g10to11 = c.g10to11 || n == 10 || n == 11
		c.s28 = c.s28 || (prev == 2 && n == 8)
		c.s235 = c.s235 || (prev2 == 2 && prev == 3 && n == 5)
		c.s334 = c.s334 || (prev2 == 3 && prev == 3 && n == 4)
		c.s333 = c.s333 || (prev2 == 3 && prev == 3 && n == 3)
		c.s233 = c.s233 || (prev2 == 2 && prev == 3 && n == 3)
		c.s324 = c.s324 || (prev2 == 3 && prev == 2 && n == 4)
		prev2, prev = prev, n
		// Up to three separators, then the next group must begin.
		j := pos
		plus := false
		for k := 0; k < 3 && j < len(note); k++ {
			r, size := utf8.DecodeRuneInString(note[j:])
			if !isJoiner(r) {
				break
			}
			plus = plus || r == '+'
			j += size
		}
		if j == pos || j >= len(note) || !isDigit(note[j]) {
			return c
		}
		c.plus = c.plus || plus
		pos = j
	}
}

// isJoiner reports whether r may stand between the digit groups of an
// identifier: the separators of the patterns plus parentheses and "+".
func isJoiner(r rune) bool {
	switch r {
	case ' ', '\t', '\u00a0', '.', '-', '(', ')', '+':
		return true
	}
	return r >= '\u2010' && r <= '\u2015'
}

// windows returns the byte ranges of the note to run p on: one around each
// cluster that fits p, reaching p.before bytes to the left and windowAfter
// to the right, then widened on both sides to word boundaries so that \b in
// the pattern sees the same neighbours as in the whole note. Overlapping
// windows are merged, so each byte is scanned at most once per pattern even
// when one long word holds many clusters.
func (p notePattern) windows(note string, clusters []cluster) [][2]int {
	var ws [][2]int
	for _, c := range clusters {
		if !p.fits(c) {
			continue
		}
		start, end := c.start-p.before, c.end+windowAfter
		if n := len(ws); n > 0 && start <= ws[n-1][1] {
			ws[n-1][1] = wordEnd(note, max(ws[n-1][1], end))
			continue
		}
		ws = append(ws, [2]int{wordStart(note, start), wordEnd(note, end)})
	}
	return ws
}

// wordStart moves i (which may be negative) back to the start of its rune
// and then of its word.
func wordStart(note string, i int) int {
	i = max(0, i)
	for i > 0 && !utf8.RuneStart(note[i]) {
		i--
	}
	for i > 0 && isWordByte(note[i-1]) {
		i--
	}
	return i
}

// wordEnd moves i (which may be past the end) forward to the end of its
// rune and then of its word.
func wordEnd(note string, i int) int {
	i = min(len(note), i)
	for i < len(note) && !utf8.RuneStart(note[i]) {
		i++
	}
	for i < len(note) && isWordByte(note[i]) {
		i++
	}
	return i
}

// emailWindows returns the whitespace-delimited words that contain an "@":
// an email address never spans whitespace.
func emailWindows(note string) [][2]int {
	var ws [][2]int
	for i := 0; i < len(note); i++ {
		if note[i] != '@' {
			continue
		}
		s, e := i, i+1
		for s > 0 && !isSpaceByte(note[s-1]) {
			s--
		}
		for e < len(note) && !isSpaceByte(note[e]) {
			e++
		}
		ws = append(ws, [2]int{s, e})
		i = e
	}
	return ws
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// isWordByte matches the ASCII word characters that regexp's \b uses.
func isWordByte(b byte) bool {
	return isDigit(b) || b == '_' || (b|0x20 >= 'a' && b|0x20 <= 'z')
}

func isSpaceByte(b byte) bool {
	return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\v' || b == '\f'
}
