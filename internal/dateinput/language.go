package dateinput

import (
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/casetrack/casetrack/internal/i18n"
)

// Dates in the site's languages. A date field does not know the reader's
// language, and need not: it reads the month names of every language at
// once. They cannot be confused across languages:
//
//   - Names in different scripts never meet: English, Spanish and
//     Portuguese share the Latin script; Arabic and Persian the Arabic
//     script; Hindi is in Devanagari; Chinese and Vietnamese write the
//     month as a number ("5月", "tháng 5").
//   - Where two languages share a script, a word that names a month in
//     both names the same month ("mar": March, marzo, março; "mayo",
//     "maio", "may"; Arabic and Persian "مارس"), and a short form
//     ("sep", "set", "dic", "dez") names one month only in every
//     language (TestMonthWordsDoNotCollide checks every such prefix).
//   - "mai" is Portuguese for May (CLDR "mai."); it is also German for
//     May, so reading it as May is right either way.
//
// The names are the catalog's (date.month_N in
// internal/i18n/locales/format), so the form reads the words the pages
// write. Only what the catalog lacks is written here: CLDR's Hindi
// abbreviations and spelling variants, the words that glue a date
// together, and the labels of numbers.

// role is what a labelled number of a date is.
type role int

const (
	roleNone role = iota
	roleDay
	roleMonth
	roleYear
)

// particles only glue a date together: Spanish and Portuguese "2 de mayo
// de 2024" (the catalogs' date.day pattern) and "1 de enero del 2024".
var particles = map[string]bool{"de": true, "del": true}

// labelsBefore are words written just before the number they label, as
// the Vietnamese catalog's date.day pattern does: "ngày 2 tháng 5 năm
// 2024"; "thg" is CLDR's short "tháng". The month labels of the catalog's
// month names ("tháng" of "tháng 5") are added from it (monthWords).
// Keys are folded (fold).
var labelsBefore = map[string]role{"ngay": roleDay, "thg": roleMonth, "nam": roleYear}

// labelsAfter are written just after the number they label, as the
// Chinese catalog's date.day pattern does: "2024年5月2日"; 号 is the day
// as often said and typed. 月 comes from the catalog's month names.
var labelsAfter = map[string]role{"年": roleYear, "日": roleDay, "号": roleDay}

// moreMonthNames are names the catalog does not write: CLDR's
// abbreviated Hindi months (its abbreviation sign "॰" reads as a period)
// and spellings as common as the catalog's (सितम्बर for सितंबर; CLDR writes
// अक्तूबर, the catalog अक्टूबर). Latin abbreviations need no entry: a
// prefix of three letters or more of a Latin name is read (monthTable.month).
var moreMonthNames = map[string]time.Month{
	"जन": time.January, "फ़र": time.February, "जुल": time.July, "अग": time.August,
	"सित": time.September, "अक्तू": time.October, "नव": time.November, "दिस": time.December,
	"सितम्बर": time.September, "अक्तूबर": time.October, "नवम्बर": time.November, "दिसम्बर": time.December,
}

// ordinals follow a day's digits: "2nd", Spanish and Portuguese "2º".
var ordinals = map[string]bool{"st": true, "nd": true, "rd": true, "th": true, "º": true, "ª": true}

func isOrdinal(f string) bool { return ordinals[f] }

// monthTable is how month names and labels are read. Its keys are folded.
type monthTable struct {
	names  map[string]time.Month
	latin  []monthName // Latin-script names, whose prefixes are read too
	before map[string]role
	after  map[string]role
	// collisions lists names that name two months; none do (a test
	// checks), and the first reading stays if one ever does.
	collisions []string
}

type monthName struct {
	name  string
	month time.Month
}

// monthWords is the table built from the catalog's month names, once.
var monthWords = sync.OnceValue(func() *monthTable {
	names, err := i18n.MonthNames()
	if err != nil {
		// The names are embedded in the build and TestMonthNames loads
		// them, so this cannot happen in a tested build; English is
		// read still.
		var en [12]string
		for m := time.January; m <= time.December; m++ {
			en[m-1] = m.String()
		}
		names = map[string][12]string{"en": en}
	}
	return newMonthTable(names)
})

// newMonthTable builds the table from month names by language. A name
// holding its month's number ("tháng 5", "5月") is a label of the number:
// the words before or after it label a month number.
func newMonthTable(byLang map[string][12]string) *monthTable {
	t := &monthTable{names: map[string]time.Month{}, before: map[string]role{}, after: map[string]role{}}
	for k, v := range labelsBefore {
		t.before[k] = v
	}
	for k, v := range labelsAfter {
		t.after[k] = v
	}
	add := func(name string, m time.Month) {
		f := fold(name)
		if prev, ok := t.names[f]; ok && prev != m {
			t.collisions = append(t.collisions, name)
			return
		}
		t.names[f] = m
		if isLatin(f) && utf8.RuneCountInString(f) >= 3 {
			t.latin = append(t.latin, monthName{f, m})
		}
	}
	codes := make([]string, 0, len(byLang))
	for code := range byLang {
		codes = append(codes, code)
	}
	// English first, then a fixed order, so that a collision (there is
	// none) would always resolve the same way.
	slices.SortFunc(codes, func(a, b string) int {
		switch {
		case a == b:
			return 0
		case a == "en":
			return -1
		case b == "en":
			return 1
		}
		return strings.Compare(a, b)
	})
	for _, code := range codes {
		for i, name := range byLang[code] {
			m := time.Month(i + 1)
			name = normalize(name)
			if at := strings.Index(name, strconv.Itoa(i+1)); at >= 0 {
				if pre := strings.TrimSpace(name[:at]); pre != "" {
					t.before[fold(pre)] = roleMonth
				}
				if post := strings.TrimSpace(name[at+len(strconv.Itoa(i+1)):]); post != "" {
					t.after[fold(post)] = roleMonth
				}
				continue
			}
			add(name, m)
		}
	}
	for name, m := range moreMonthNames {
		add(name, m)
	}
	return t
}

// month is the month a folded word names, or 0: a name of any language,
// or three letters or more beginning a Latin-script name ("sep", "sept",
// "set", "marc" for março).
func (t *monthTable) month(f string) time.Month {
	if m, ok := t.names[f]; ok {
		return m
	}
	if utf8.RuneCountInString(f) < 3 || !isLatin(f) {
		return 0
	}
	for _, n := range t.latin {
		if strings.HasPrefix(n.name, f) {
			return n.month
		}
	}
	return 0
}

// isLatin reports whether a folded word is in the Latin script, whose
// names may be shortened to their first letters.
func isLatin(f string) bool {
	for _, r := range f {
		if !unicode.Is(unicode.Latin, r) {
			return false
		}
	}
	return f != ""
}

// normalize makes a typed date readable by the patterns of Parse: digits
// of other scripts become ASCII digits (Arabic-Indic ٠-٩, Persian ۰-۹,
// Devanagari ०-९, full width ０-９), the date punctuation of other
// scripts ASCII punctuation (the Arabic comma "،", the Arabic date
// separator "؍", full-width and ideographic marks), invisible direction
// and joining marks go (right-to-left text pasted from elsewhere carries
// them), letters are lower case and runs of spaces one space.
func normalize(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '٠' && r <= '٩':
			r = '0' + r - '٠'
		case r >= '۰' && r <= '۹':
			r = '0' + r - '۰'
		case r >= '०' && r <= '९':
			r = '0' + r - '०'
		case r >= '０' && r <= '９':
			r = '0' + r - '０'
		case invisible(r):
			continue
		}
		if p, ok := punctuation[r]; ok {
			r = p
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

var punctuation = map[rune]rune{
	'،': ',', '؍': '/', '٫': '.', // Arabic comma, date separator, decimal separator
	'，': ',', '、': ',', '。': '.', '．': '.', '／': '/', '－': '-', // full width and ideographic
	'॰': '.', // Devanagari abbreviation sign (CLDR "सित॰")
}

// invisible reports the marks that change how text is shown but not what
// it says: direction marks, isolates and embeddings, zero-width joiners
// and non-joiners, the byte order mark and the Arabic tatweel.
func invisible(r rune) bool {
	switch {
	case r >= 0x200B && r <= 0x200F, r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return r == 0x061C || r == 0xFEFF || r == 0x0640
}

// fold makes a lower-case word comparable to a month name whatever its
// accents: Latin diacritics go ("marco" is "março", "thang" "tháng"), as
// do Arabic vowel signs and hamzas (أبريل, ابريل and إبريل are one) and
// the Devanagari nukta (फ़रवरी, फरवरी); Arabic yeh and kaf become the
// Persian letters, so a name typed on either keyboard is read.
func fold(w string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(w) {
		switch {
		case r >= 0x0300 && r <= 0x036F, r >= 0x064B && r <= 0x065F, r == 0x0670, r == 0x093C:
			continue
		case r == 'ي', r == 'ى':
			r = 'ی'
		case r == 'ك':
			r = 'ک'
		}
		b.WriteRune(r)
	}
	return norm.NFC.String(b.String())
}

// tokens splits a normalized written date into numbers and words; spaces,
// commas and periods only separate them, and a change of script does
// ("2024年5月2日", "2nd"). ok is false when s holds anything else.
func tokens(s string) (toks []string, ok bool) {
	const (
		gap = iota
		digits
		letters
	)
	kind, start := gap, 0
	for i, r := range s {
		k := gap
		switch {
		case r >= '0' && r <= '9':
			k = digits
		case unicode.IsLetter(r) || unicode.IsMark(r):
			k = letters
		case r == ' ' || r == ',' || r == '.':
		default:
			return nil, false
		}
		isHan := unicode.Is(unicode.Han, r)
		if k != kind || isHan {
			if kind != gap {
				toks = append(toks, s[start:i])
			}
			kind, start = k, i
		}
		if isHan {
			// Each Han character is a word of its own: "年5月" has the
			// labels 年 and 月.
			toks = append(toks, s[i:i+utf8.RuneLen(r)])
			kind = gap
		}
	}
	if kind != gap {
		toks = append(toks, s[start:])
	}
	return toks, true
}

// Words are the words Parse reads beyond English, for the submit form's
// script, which reads dates as the person types exactly as Parse will
// (static/submit.js): month names and the labels of numbers by folded
// word, and the particles to skip. Roles are 1 for a day, 2 a month, 3 a
// year. The script folds and shortens words as fold and monthTable.month
// do.
type Words struct {
	Months    map[string]int `json:"months"`
	Before    map[string]int `json:"before"`
	After     map[string]int `json:"after"`
	Particles []string       `json:"particles"`
	Ordinals  []string       `json:"ordinals"`
}

// ScriptWords are the Words of the catalog's languages.
func ScriptWords() Words {
	t := monthWords()
	w := Words{Months: map[string]int{}, Before: map[string]int{}, After: map[string]int{}}
	for k, m := range t.names {
		w.Months[k] = int(m)
	}
	for k, r := range t.before {
		w.Before[k] = int(r)
	}
	for k, r := range t.after {
		w.After[k] = int(r)
	}
	for k := range particles {
		w.Particles = append(w.Particles, k)
	}
	for k := range ordinals {
		w.Ordinals = append(w.Ordinals, k)
	}
	slices.Sort(w.Particles)
	slices.Sort(w.Ordinals)
	return w
}
