package dateinput

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/i18n"
	"github.com/casetrack/casetrack/internal/timeline"
)

// TestParse checks the submit form's date fields read what people copy
// from USCIS notices and what they write themselves.
func TestParse(t *testing.T) {
	day := func(y int, m time.Month, d int) timeline.ApproxDate {
		return timeline.ApproxDate{Year: y, Month: m, Day: d}
	}
	month := func(y int, m time.Month) timeline.ApproxDate { return timeline.ApproxDate{Year: y, Month: m} }
	for _, tc := range []struct {
		in        string
		want      timeline.ApproxDate
		ambiguous bool
		canonical bool
	}{
		{"2024-05-02", day(2024, time.May, 2), false, true},
		{"2024-05", month(2024, time.May), false, true},
		{"  2024-05-02 ", day(2024, time.May, 2), false, true},
		{"2024-5-2", day(2024, time.May, 2), false, false},
		{"2024/05/02", day(2024, time.May, 2), false, false},
		{"05/02/2024", day(2024, time.May, 2), true, false},
		{"5/2/2024", day(2024, time.May, 2), true, false},
		{"05-02-2024", day(2024, time.May, 2), true, false},
		{"05/20/2024", day(2024, time.May, 20), false, false},
		{"05/05/2024", day(2024, time.May, 5), false, false},
		{"12/31/2024", day(2024, time.December, 31), false, false},
		{"05/2024", month(2024, time.May), false, false},
		{"5/2024", month(2024, time.May), false, false},
		{"May 2, 2024", day(2024, time.May, 2), false, false},
		{"may 2 2024", day(2024, time.May, 2), false, false},
		{"MAY 2, 2024", day(2024, time.May, 2), false, false},
		{"May 2nd, 2024", day(2024, time.May, 2), false, false},
		{"2 May 2024", day(2024, time.May, 2), false, false},
		{"2 May, 2024", day(2024, time.May, 2), false, false},
		{"02 Sept. 2024", day(2024, time.September, 2), false, false},
		{"Sep 30, 2024", day(2024, time.September, 30), false, false},
		{"February 29, 2024", day(2024, time.February, 29), false, false},
		{"Feb 2024", month(2024, time.February), false, false},
		{"May 2024", month(2024, time.May), false, false},
		{"May, 2024", month(2024, time.May), false, false},
		{"2024 May", month(2024, time.May), false, false},
		{"\tMarch   2024\n", month(2024, time.March), false, false},
	} {
		r, err := Parse(tc.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.in, err)
			continue
		}
		if r.Date != tc.want || r.Ambiguous != tc.ambiguous || r.Canonical != tc.canonical {
			t.Errorf("Parse(%q) = %+v, want %v ambiguous %v canonical %v", tc.in, r, tc.want, tc.ambiguous, tc.canonical)
		}
	}
}

// TestParseAmbiguousOther checks the form can name the other reading of an
// ambiguous date.
func TestParseAmbiguousOther(t *testing.T) {
	r, err := Parse("05/02/2024")
	if err != nil {
		t.Fatal(err)
	}
	if got := Describe(r.Date) + " / " + Describe(r.Other); got != "2 May 2024 / 5 February 2024" {
		t.Errorf("readings = %s", got)
	}
}

// TestParseErrors checks that what is not a date gets a message that says
// what is wrong with it.
func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", "Enter a date"},
		{"   ", "Enter a date"},
		{"2024-02-30", "February 2024 has 29 days"},
		{"2023-02-29", "February 2023 has 28 days"},
		{"02/30/2024", "February 2024 has 29 days"},
		{"Feb 30, 2024", "February 2024 has 29 days"},
		{"April 31 2024", "April 2024 has 30 days"},
		{"2024-13", "no month 13"},
		{"2024-00-10", "no month 0"},
		{"13/2024", "no month 13"},
		{"13/02/2024", "did you mean 02/13/2024?"},
		{"00/10/2024", "no month 0"},
		{"2024-05-00", "May 2024 has 31 days"},
		{"1850-05-02", "use a year from 1900 to 2100"},
		{"May 2, 12345", "not a date we can read"},
		{"05/02/24", "not a date we can read"},
		{"May 2", "has no year"},
		{"Mei 2, 2024", `"mei" is not a month name`},
		{"Maj 2, 2024", `"maj" is not a month name`},
		{"2024-05/02", "not a date we can read"},
		{"05/02-2024", "not a date we can read"},
		{"May June 2024", "not a date we can read"},
		{"yesterday", `"yesterday" is not a month name`},
		{"2024-05-02T10:00", "not a date we can read"},
		{"IOE0912345678", "not a date we can read"},
		{strings.Repeat("9", 200), "…"},
	} {
		checkRefused(t, tc.in, tc.want)
	}
}

func TestDescribe(t *testing.T) {
	for _, tc := range []struct {
		d    timeline.ApproxDate
		want string
	}{
		{timeline.ApproxDate{Year: 2024, Month: time.May, Day: 2}, "2 May 2024"},
		{timeline.ApproxDate{Year: 2024, Month: time.December}, "December 2024"},
	} {
		if got := Describe(tc.d); got != tc.want {
			t.Errorf("Describe(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}

// FuzzParse checks the parser of the form's date fields never panics and
// that whatever it accepts is a real date which reads back unchanged, and
// unambiguously, from its canonical form.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"2024-05-02", "05/02/2024", "May 2, 2024", "2 May 2024", "May 2024", "2024-05", "05/2024", "Feb 30 2024", "13/02/2024", "sept 3rd 1999", " ", "ñ 2024",
		"2 de mayo de 2024", "1º de março de 2024", "ngày 2 tháng 5 năm 2024", "tháng 12, 2024", "2024年5月2日", "2024年13月", "٢ مايو ٢٠٢٤", "۲ مه ۲۰۲۴", "٠٥/٠٢/٢٠٢٤",
		"२ मई २०२४", "सित॰ 2024", "\u200f2024\u200f-05", "２０２４年５月", "thg 5 nam 2024 ngay 3"} {
		f.Add(s)
	}
	c, err := i18n.Load()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := Parse(s)
		if err != nil {
			var de *Error
			if !errors.As(err, &de) || de.Reason == "" {
				t.Fatalf("Parse(%q) error %v is not a readable *Error", s, err)
			}
			return
		}
		d := r.Date
		if d.Year < MinYear || d.Year > MaxYear || d.Month < 1 || d.Month > 12 || d.Day < 0 || d.Day > daysIn(d.Year, d.Month) {
			t.Fatalf("Parse(%q) accepted %+v", s, d)
		}
		back, err := Parse(d.String())
		if err != nil || back.Date != d || back.Ambiguous || !back.Canonical {
			t.Fatalf("Parse(%q) = %v, which reads back as %+v, %v", s, d, back, err)
		}
		if tp, err := timeline.ParseApproxDate(d.String()); err != nil || tp != d {
			t.Fatalf("timeline reads %v as %v, %v", d, tp, err)
		}
		// What is accepted reads back from how every language's pages
		// write it.
		for _, l := range c.Offered() {
			if err := readsBack(l, d); err != nil {
				t.Fatalf("Parse(%q) = %v: %v", s, d, err)
			}
		}
	})
}

// TestParseLanguages checks the form reads dates as readers of each of
// the site's languages type them, whatever the page's language.
func TestParseLanguages(t *testing.T) {
	day := func(y int, m time.Month, d int) timeline.ApproxDate {
		return timeline.ApproxDate{Year: y, Month: m, Day: d}
	}
	month := func(y int, m time.Month) timeline.ApproxDate { return timeline.ApproxDate{Year: y, Month: m} }
	for _, tc := range []struct {
		in        string
		want      timeline.ApproxDate
		ambiguous bool
	}{
		// Spanish.
		{"2 de mayo de 2024", day(2024, time.May, 2), false},
		{"2 mayo 2024", day(2024, time.May, 2), false},
		{"marzo 2024", month(2024, time.March), false},
		{"marzo de 2024", month(2024, time.March), false},
		{"1 de enero del 2024", day(2024, time.January, 1), false},
		{"1º de enero de 2024", day(2024, time.January, 1), false},
		{"15 sept. 2024", day(2024, time.September, 15), false},
		{"15 sep 2024", day(2024, time.September, 15), false},
		{"3 ene 2024", day(2024, time.January, 3), false},
		{"DICIEMBRE DE 2023", month(2023, time.December), false},
		{"9 de Agosto de 2024", day(2024, time.August, 9), false},
		// Portuguese.
		{"2 de maio de 2024", day(2024, time.May, 2), false},
		{"março de 2024", month(2024, time.March), false},
		{"marco de 2024", month(2024, time.March), false},
		{"MARÇO 2024", month(2024, time.March), false},
		{"5 set 2024", day(2024, time.September, 5), false},
		{"5 set. 2024", day(2024, time.September, 5), false},
		{"10 out 2024", day(2024, time.October, 10), false},
		{"fev 2024", month(2024, time.February), false},
		{"25 dez. 2023", day(2023, time.December, 25), false},
		{"mai 2024", month(2024, time.May), false},
		// Vietnamese.
		{"2 tháng 5, 2024", day(2024, time.May, 2), false},
		{"tháng 5 năm 2024", month(2024, time.May), false},
		{"ngày 2 tháng 5 năm 2024", day(2024, time.May, 2), false},
		{"ngay 2 thang 5 nam 2024", day(2024, time.May, 2), false},
		{"Tháng 12 2024", month(2024, time.December), false},
		{"thg 5, 2024", month(2024, time.May), false},
		{"2 thg 5 2024", day(2024, time.May, 2), false},
		// Chinese.
		{"2024年5月2日", day(2024, time.May, 2), false},
		{"2024年5月", month(2024, time.May), false},
		{"2024 年 12 月 31 日", day(2024, time.December, 31), false},
		{"2024年05月02号", day(2024, time.May, 2), false},
		{"２０２４年５月２日", day(2024, time.May, 2), false},
		// Hindi.
		{"2 मई 2024", day(2024, time.May, 2), false},
		{"फ़रवरी 2024", month(2024, time.February), false},
		{"फरवरी 2024", month(2024, time.February), false},
		{"२ मई २०२४", day(2024, time.May, 2), false},
		{"15 सितम्बर 2024", day(2024, time.September, 15), false},
		{"15 सित॰ 2024", day(2024, time.September, 15), false},
		{"अक्तूबर 2024", month(2024, time.October), false},
		// Arabic.
		{"٢ مايو ٢٠٢٤", day(2024, time.May, 2), false},
		{"مايو ٢٠٢٤", month(2024, time.May), false},
		{"٢ أبريل، ٢٠٢٤", day(2024, time.April, 2), false},
		{"2 ابريل 2024", day(2024, time.April, 2), false},
		{"٢٠٢٤-٠٥-٠٢", day(2024, time.May, 2), false},
		{"٢٠٢٤/٠٥/٠٢", day(2024, time.May, 2), false},
		{"٠٥/٠٢/٢٠٢٤", day(2024, time.May, 2), true},
		{"٠٥؍٠٢؍٢٠٢٤", day(2024, time.May, 2), true},
		{"\u200f٢ مايو ٢٠٢٤\u200f", day(2024, time.May, 2), false},
		// Persian: Gregorian dates in Persian digits and names.
		{"۲ مه ۲۰۲۴", day(2024, time.May, 2), false},
		{"ژوئیه ۲۰۲۴", month(2024, time.July), false},
		{"ژوییه ۲۰۲۴", month(2024, time.July), false},
		{"۲۰۲۴-۰۵", month(2024, time.May), false},
		{"۰۵/۲۰۲۴", month(2024, time.May), false},
		{"۱۵ فوريه ۲۰۲۴", day(2024, time.February, 15), false}, // Arabic yeh
		// Mixed: digits of one script, the name of another language.
		{"٢ May ٢٠٢٤", day(2024, time.May, 2), false},
		{"۲ de mayo de 2024", day(2024, time.May, 2), false},
		{"2 مايو ۲۰۲۴", day(2024, time.May, 2), false},
		{"2024年 mayo", month(2024, time.May), false},
		{"tháng 5 2024", month(2024, time.May), false},
	} {
		r, err := Parse(tc.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.in, err)
			continue
		}
		if r.Date != tc.want || r.Ambiguous != tc.ambiguous || r.Canonical {
			t.Errorf("Parse(%q) = %+v, want %v ambiguous %v, not canonical", tc.in, r, tc.want, tc.ambiguous)
		}
	}
}

// checkRefused checks that Parse refuses in with an *Error whose reason
// contains want.
func checkRefused(t *testing.T, in, want string) {
	t.Helper()
	_, err := Parse(in)
	var de *Error
	if !errors.As(err, &de) {
		t.Errorf("Parse(%q) error = %v, want an *Error", in, err)
		return
	}
	if !strings.Contains(de.Reason, want) {
		t.Errorf("Parse(%q) = %q, want it to contain %q", in, de.Reason, want)
	}
}

// TestParseLanguagesErrors checks the forms of other languages refuse
// what is not a date, with the same reasons as English.
func TestParseLanguagesErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"30 de febrero de 2024", "February 2024 has 29 days"},
		{"tháng 13 năm 2024", "no month 13"},
		{"tháng 0 năm 2024", "no month 0"},
		{"2024年13月", "no month 13"},
		{"2024年5月32日", "May 2024 has 31 days"},
		{"٢ مايو", "has no year"},
		{"tháng 5", "has no year"},
		{"٣١/٠٢/٢٠٢٤", "did you mean 02/31/2024?"},
		{"١٨٥٠-٠٥-٠٢", "use a year from 1900 to 2100"},
		{"năm 24 tháng 5", "use a year from 1900 to 2100"},
		{"2 tháng mayo 2024", "not a date we can read"},
		{"tháng 5 mayo 2024", "not a date we can read"},
		{"mayo junio 2024", "not a date we can read"},
		{"2024年5月2日年", "not a date we can read"},
		{"ngày tháng 5 2024", "not a date we can read"},
		{"2024年 tháng", "not a date we can read"},
		{"2 de de 2024", "not a date we can read"},
		{"ma 2024", `"ma" is not a month name`},
		{"\u200f", "Enter a date"},
		// A date of the Persian calendar is not converted: its year is
		// out of range.
		{"۱۴۰۳/۰۲/۱۳", "has the year 1403; use a year from 1900 to 2100"},
		{"2 foo 2024", `"foo" is not a month name`},
		{"٢ يناير، ٢٠٢٤ ١٢", "not a date we can read"},
	} {
		checkRefused(t, tc.in, tc.want)
	}
}

// TestParseReadsThePages checks that every date the pages write, in
// every language, reads back as the same date: each month of a year,
// with and without its day.
func TestParseReadsThePages(t *testing.T) {
	c, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Offered()) != 8 {
		t.Errorf("%d languages offered, want 8", len(c.Offered()))
	}
	for _, l := range c.Offered() {
		for _, y := range []int{1999, 2024} {
			for m := time.January; m <= time.December; m++ {
				for _, d := range []int{0, 1, 2, 12, 13, daysIn(y, m)} {
					if err := readsBack(l, timeline.ApproxDate{Year: y, Month: m, Day: d}); err != nil {
						t.Error(err)
					}
				}
			}
		}
	}
}

// readsBack checks that d as language l's pages write it reads back as
// d, unambiguously.
func readsBack(l *i18n.Locale, d timeline.ApproxDate) error {
	written := l.MonthYear(d.Time())
	if d.Day != 0 {
		written = l.Date(d.Time())
	}
	r, err := Parse(written)
	if err != nil || r.Date != d || r.Ambiguous {
		return fmt.Errorf("%s: %v written %q reads as %+v, %v", l.Code(), d, written, r, err)
	}
	return nil
}

// TestMonthWordsDoNotCollide checks that no name, and no short form read
// for a Latin name, names two months across the languages.
func TestMonthWordsDoNotCollide(t *testing.T) {
	table := monthWords()
	if len(table.collisions) > 0 {
		t.Errorf("names of two months: %q", table.collisions)
	}
	if len(table.names) < 12*6 {
		t.Errorf("%d month names, too few: the catalog was not read", len(table.names))
	}
	for _, n := range table.latin {
		r := []rune(n.name)
		for i := 3; i <= len(r); i++ {
			if m := table.month(string(r[:i])); m != n.month {
				t.Errorf("%q, the beginning of %q (%v), reads as %v", string(r[:i]), n.name, n.month, m)
			}
		}
	}
	for w, role := range table.before {
		if table.month(w) != 0 || particles[w] {
			t.Errorf("label %q (%d) is also a month or particle", w, role)
		}
	}
	for w := range particles {
		if table.month(w) != 0 {
			t.Errorf("particle %q is a month name", w)
		}
	}
}
