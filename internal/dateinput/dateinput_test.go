package dateinput

import (
	"errors"
	"strings"
	"testing"
	"time"

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
		{"Mai 2, 2024", `"mai" is not a month name`},
		{"2024-05/02", "not a date we can read"},
		{"05/02-2024", "not a date we can read"},
		{"May June 2024", "not a date we can read"},
		{"yesterday", `"yesterday" is not a month name`},
		{"2024-05-02T10:00", "not a date we can read"},
		{"IOE0912345678", "not a date we can read"},
		{strings.Repeat("9", 200), "…"},
	} {
		_, err := Parse(tc.in)
		var de *Error
		if !errors.As(err, &de) {
			t.Errorf("Parse(%q) error = %v, want an *Error", tc.in, err)
			continue
		}
		if !strings.Contains(de.Reason, tc.want) {
			t.Errorf("Parse(%q) = %q, want it to contain %q", tc.in, de.Reason, tc.want)
		}
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
	for _, s := range []string{"2024-05-02", "05/02/2024", "May 2, 2024", "2 May 2024", "May 2024", "2024-05", "05/2024", "Feb 30 2024", "13/02/2024", "sept 3rd 1999", " ", "ñ 2024"} {
		f.Add(s)
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
	})
}
