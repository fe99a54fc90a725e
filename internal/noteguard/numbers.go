package noteguard

import "strings"

// group is a run of ASCII digits in the folded note: s[start:end].
type group struct{ start, end int }

func (g group) len() int { return g.end - g.start }

// receiptPrefixes are the letters that start USCIS receipt numbers: the
// service centers, the National Benefits Center, the online filings.
var receiptPrefixes = []string{"EAC", "WAC", "LIN", "SRC", "NBC", "MSC", "IOE", "YSC", "TSC", "NSC", "CSC", "VSC", "ESC"}

// maxPhoneDigits is the most digits of a phone number (E.164).
const maxPhoneDigits = 15

// numbers finds the identifiers made of digits in the folded note s.
//
// It reads s as digit groups. Groups joined by a gap that people put inside
// numbers (a space, dash, dot, slash, underscore, comma or line break, or a
// few of them such as " - " or ") ") form a chain: "+44 (20) 7946-0958",
// "21 901 23456". Dates within a chain ("2024-03-15", "03/14/2024",
// "2019-03") are recognised by their shape and cut it, so "NBC 2024-03-14
// 10 days later" is not a receipt number. Each piece of a chain is then
// read from the left: letters glued before it (a receipt's EAC, an
// A-number's A, a passport's letters), a "+" or label words around it, and
// its digit count and grouping decide what it is.
func numbers(s string) []span {
	var gs []group
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			j := i
			for j < len(s) && isDigit(s[j]) {
				j++
			}
			gs = append(gs, group{i, j})
			i = j
		}
	}
	if len(gs) == 0 {
		return nil
	}
	r := reader{s: s, gs: gs}
	for i := 0; i < len(gs); {
		j := i + 1
		for j < len(gs) && joins(s[gs[j-1].end:gs[j].start]) {
			j++
		}
		r.chain(i, j)
		i = j
	}
	return r.spans
}

// joins reports whether gap, the text between two digit groups, joins them
// into one number.
func joins(gap string) bool {
	switch {
	case len(gap) == 1:
		return isSep(gap[0]) || gap[0] == '(' || gap[0] == ')'
	case len(gap) <= 3:
		for i := 0; i < len(gap); i++ {
			switch gap[i] {
			case ' ', '\t', '\n', '-', '.', '/', '_', '(', ')':
			default:
				return false
			}
		}
		return true
	}
	return false
}

// reader reads the chains of digit groups of a folded note.
type reader struct {
	s     string
	low   string // s in lower case, made when a label is first needed
	gs    []group
	spans []span
}

// chain reads the chain of groups gs[from:to]: it cuts out the dates and
// reads each piece between them.
func (r *reader) chain(from, to int) {
	start := from
	for k := from; k < to; {
		if n := r.dateAt(k, to); n > 0 {
			r.piece(start, k)
			k += n
			start = k
			continue
		}
		k++
	}
	r.piece(start, to)
}

// piece reads the groups gs[from:to], a part of a chain without dates.
func (r *reader) piece(from, to int) {
	for i := from; i < to; {
		i = r.identifier(i, to, i == from)
	}
}

// identifier reads an identifier that starts with group i of a piece
// ending before group to; first is set for the first group of a piece,
// the only one that can have letters or a "+" before it. It records a
// span when it finds one and returns the group to go on from.
func (r *reader) identifier(i, to int, first bool) int {
	s, gs := r.s, r.gs
	g := gs[i]
	if first {
		if k, ok := r.prefixed(i, to); ok {
			return k
		}
	}
	// A "+" or "00" makes an international phone number.
	if first && (r.plusBefore(g.start) >= 0 || (strings.HasPrefix(s[g.start:g.end], "00") && g.len() <= 4)) {
		k, n := r.take(i, to, maxPhoneDigits, false)
		if n >= 8 {
			start := g.start
			if p := r.plusBefore(g.start); p >= 0 {
				start = p
			}
			r.add(start, gs[k-1].end, KindPhone)
			return k
		}
	}
	// A number on its own: a line break ends it.
	k, n := r.take(i, to, maxPhoneDigits, true)
	if n < 7 || (first && r.money(g.start)) {
		return k
	}
	start := g.start
	if start > 0 && s[start-1] == '(' {
		start--
	}
	if kind, ok := r.labelled(start, gs[k-1].end, n); ok {
		r.add(start, gs[k-1].end, kind)
		return k
	}
	if k-i >= 3 && gs[i].len() == 3 && gs[i+1].len() == 2 && gs[i+2].len() == 4 {
		r.add(start, gs[i+2].end, KindSSN)
		return i + 3
	}
	if r.allYears(i, k) || (k == i+1 && n == 8 && compactDate(s[g.start:g.end])) {
		return k
	}
	switch {
	case n == 10 && (g.len() == 2 && (k-i == 2 && gs[i+1].len() == 8 || k-i == 3 && gs[i+1].len() == 3 && gs[i+2].len() == 5)):
		r.add(start, gs[k-1].end, KindReceipt)
	case n >= 10:
		r.add(start, gs[k-1].end, KindPhone)
	case n == 9:
		r.add(start, gs[k-1].end, KindUSCIS)
	}
	return k
}

// prefixed reads an identifier whose kind is given by the letters before
// group i: a receipt number's three letters, an A-number's A, the one or
// two letters of a passport number. It returns the group after it and
// whether it found one.
func (r *reader) prefixed(i, to int) (int, bool) {
	s, gs := r.s, r.gs
	g := gs[i]
	// Skip what may stand between the letters and the digits: "EAC-",
	// "A# ", "A-number: " is a label and handled there.
	p := g.start
	for n := 0; n < 3 && p > 0 && prefixSep(s[p-1]); n++ {
		p--
	}
	glued := p == g.start
	l := p
	for l > 0 && isLetter(s[l-1]) {
		l--
	}
	letters := s[l:p]
	switch {
	case len(letters) >= 3 && r.receiptLetters(letters):
		start := p - 3
		if k, n := r.take(i, to, 10, false); n == 10 {
			r.add(start, gs[k-1].end, KindReceipt)
			return k, true
		}
		if g.len() >= 10 && g.len() <= 13 && isReceiptPrefix(letters[len(letters)-3:]) {
			r.add(start, g.end, KindReceipt)
			return i + 1, true
		}
	case letters == "A" || (letters == "a" && glued):
		if k, n := r.take(i, to, 9, false); n >= 7 {
			r.add(l, gs[k-1].end, KindANumber)
			return k, true
		}
	case len(letters) >= 1 && len(letters) <= 2 && glued && g.len() >= 7 && g.len() <= 9 && !compactDate(s[g.start:g.end]):
		r.add(l, g.end, KindPassport)
		return i + 1, true
	}
	// "A-number: 123456789", "A no. 098765432": the label is part of what
	// is reported, as a person would select it.
	if k, n := r.take(i, to, 9, false); n >= 7 {
		if a := r.aLabel(p); a >= 0 {
			r.add(a, gs[k-1].end, KindANumber)
			return k, true
		}
	}
	return i, false
}

// receiptLetters reports whether letters, the letters glued before a
// number, end in a receipt number's prefix: a known one in any case, or
// three capitals on their own or glued to a lower-case word
// ("caseXYZ2190123456").
func (r *reader) receiptLetters(letters string) bool {
	last := letters[len(letters)-3:]
	if isReceiptPrefix(last) {
		return true
	}
	if !isUpper(last[0]) || !isUpper(last[1]) || !isUpper(last[2]) {
		return false
	}
	return len(letters) == 3 || !isUpper(letters[len(letters)-4])
}

func isReceiptPrefix(letters string) bool {
	for _, p := range receiptPrefixes {
		if strings.EqualFold(letters, p) {
			return true
		}
	}
	return false
}

// aLabel returns where an A-number label ending right before s[:p] starts
// ("A-number", "a no.", "A #"), or -1.
func (r *reader) aLabel(p int) int {
	low := r.lower()
	for _, l := range labels {
		if l.kind != KindANumber {
			continue
		}
		e := p
		for e > 0 && low[e-1] == '.' {
			e--
		}
		if i := e - len(l.text); i >= 0 && low[i:e] == l.text && l.at(low, i) {
			return i
		}
	}
	return -1
}

func prefixSep(b byte) bool {
	switch b {
	case ' ', '\t', '\n', '.', ':', '#', '-', '_', '/', ',', '(':
		return true
	}
	return false
}

// take returns the group after the longest run of groups from i whose
// digits add up to at most limit, and their digit count. With lineEnd set
// the run stops at a line break.
func (r *reader) take(i, to, limit int, lineEnd bool) (int, int) {
	n, k := 0, i
	for k < to && n+r.gs[k].len() <= limit {
		if k > i && lineEnd && strings.Contains(r.s[r.gs[k-1].end:r.gs[k].start], "\n") {
			break
		}
		n += r.gs[k].len()
		k++
	}
	if k == i { // a single group longer than limit
		return i + 1, r.gs[i].len()
	}
	return k, n
}

// plusBefore returns where a "+" right before the digits at p is ("+44",
// "+ 44", "+(44)"), or -1.
func (r *reader) plusBefore(p int) int {
	for n := 0; n < 2 && p > 0; n++ {
		switch r.s[p-1] {
		case '+':
			return p - 1
		case ' ', '(':
			p--
		default:
			return -1
		}
	}
	return -1
}

// money reports whether a currency sign comes right before the digits at
// p: "$1,440,000" is a fee.
func (r *reader) money(p int) bool {
	t := strings.TrimRight(r.s[max(0, p-5):p], " ")
	for _, c := range []string{"$", "€", "£", "¥", "₹", "₱", "₫", "R$", "Rs", "Rs.", "USD", "usd"} {
		if strings.HasSuffix(t, c) {
			return true
		}
	}
	return false
}

// labelled returns the kind named by a label near s[start:end], whose n
// digits must fit it.
func (r *reader) labelled(start, end, n int) (string, bool) {
	return labelKind(r.lower(), start, end, n)
}

func (r *reader) lower() string {
	if r.low == "" {
		r.low = lower(r.s)
	}
	return r.low
}

func (r *reader) add(start, end int, kind string) {
	r.spans = append(r.spans, span{start: start, end: end, kind: kind})
}

// allYears reports whether groups gs[i:k] are all years ("2019 2020"),
// a list rather than a number.
func (r *reader) allYears(i, k int) bool {
	for _, g := range r.gs[i:k] {
		if g.len() != 4 || !year(r.s[g.start:g.end]) {
			return false
		}
	}
	return true
}

// dateAt returns how many groups from gs[k] (at most to) form a date,
// or 0: year-month-day, day/month/year, month/day/year with the same dash,
// slash or dot between the parts, year-month, month/year, a span of years
// ("2023-2024", "2023/24") or day/month.
func (r *reader) dateAt(k, to int) int {
	s, gs := r.s, r.gs
	num := func(g group) int {
		v := 0
		for i := g.start; i < g.end; i++ {
			v = v*10 + int(s[i]-'0')
		}
		return v
	}
	gap := func(a int) byte {
		if t := s[gs[a].end:gs[a+1].start]; len(t) == 1 && (t[0] == '-' || t[0] == '/' || t[0] == '.') {
			return t[0]
		}
		return 0
	}
	if k+2 < to {
		a, b, c := gs[k], gs[k+1], gs[k+2]
		if sep := gap(k); sep != 0 && gap(k+1) == sep {
			switch {
			case a.len() == 4 && year(s[a.start:a.end]) && b.len() <= 2 && c.len() <= 2 &&
				month(num(b)) && day(num(c)):
				return 3
			case a.len() <= 2 && b.len() <= 2 && (c.len() == 4 && year(s[c.start:c.end]) || c.len() == 2) &&
				day(num(a)) && day(num(b)) && (month(num(a)) || month(num(b))):
				return 3
			}
		}
	}
	if k+1 < to {
		a, b := gs[k], gs[k+1]
		sep := gap(k)
		if sep == 0 {
			return 0
		}
		ya := a.len() == 4 && year(s[a.start:a.end])
		switch {
		case ya && b.len() <= 2 && month(num(b)):
			return 2
		case ya && b.len() == 4 && year(s[b.start:b.end]):
			return 2
		case ya && b.len() == 2 && num(b) > num(a)%100:
			return 2
		case a.len() <= 2 && month(num(a)) && b.len() == 4 && year(s[b.start:b.end]):
			return 2
		case sep == '/' && a.len() <= 2 && b.len() <= 2 && day(num(a)) && day(num(b)) &&
			(month(num(a)) || month(num(b))):
			return 2
		}
	}
	return 0
}

func year(s string) bool { return s[:2] == "19" || s[:2] == "20" }
func month(v int) bool   { return v >= 1 && v <= 12 }
func day(v int) bool     { return v >= 1 && v <= 31 }

// compactDate reports whether eight digits are a date written without
// separators: 20240315, 15032024, 03152024.
func compactDate(d string) bool {
	if len(d) != 8 {
		return false
	}
	v := func(s string) int { return int(s[0]-'0')*10 + int(s[1]-'0') }
	switch {
	case year(d[:4]) && month(v(d[4:6])) && day(v(d[6:8])):
		return true
	case year(d[4:8]) && day(v(d[0:2])) && day(v(d[2:4])) && (month(v(d[0:2])) || month(v(d[2:4]))):
		return true
	}
	return false
}
