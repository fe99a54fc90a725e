package units

import (
	"testing"

	"github.com/casetrack/casetrack/internal/stats"
)

func TestDuration(t *testing.T) {
	for _, tc := range []struct {
		days int
		want string
	}{
		{0, "0 days"},
		{1, "1 day"},
		{2, "2 days"},
		{45, "45 days"},
		{59, "59 days"},
		{60, "60 days"},    // the last day shown in days
		{61, "2.0 months"}, // the first shown in months
		{91, "3.0 months"},
		{253, "8.3 months"},
		{365, "12.0 months"},
		{432, "14.2 months"},
		{3653, "120.0 months"},
		{-1, "-1 day"},
		{-14, "-14 days"},
		{-60, "-60 days"},
		{-61, "-2.0 months"},
	} {
		if got := Duration(tc.days); got != tc.want {
			t.Errorf("Duration(%d) = %q, want %q", tc.days, got, tc.want)
		}
	}
}

func TestInDaysBoundary(t *testing.T) {
	for d := -MaxDays; d <= MaxDays; d++ {
		if !InDays(d) {
			t.Fatalf("InDays(%d) = false", d)
		}
	}
	for _, d := range []int{MaxDays + 1, -MaxDays - 1, 1000} {
		if InDays(d) {
			t.Errorf("InDays(%d) = true", d)
		}
	}
}

func TestMonths(t *testing.T) {
	if got := Months(int(stats.DaysPerMonth * 100)); got < 99.9 || got > 100 {
		t.Errorf("Months(%d) = %v, want about 100", int(stats.DaysPerMonth*100), got)
	}
	for _, tc := range []struct {
		days int
		want string
	}{{0, "0.0"}, {15, "0.5"}, {30, "1.0"}, {61, "2.0"}, {432, "14.2"}} {
		if got := MonthsNumber(tc.days); got != tc.want {
			t.Errorf("MonthsNumber(%d) = %q, want %q", tc.days, got, tc.want)
		}
	}
}

func TestSpan(t *testing.T) {
	for _, tc := range []struct {
		from, to int
		sep      string
		want     string
	}{
		{12, 45, "–", "12–45 days"},
		{0, 1, " to ", "0 to 1 day"},
		{0, 30, "–", "0–30 days"},
		{60, 61, " to ", "60 days to 2.0 months"},
		{27, 350, " and ", "27 days and 11.5 months"},
		{92, 350, " to ", "3.0 to 11.5 months"},
		{61, 91, "–", "2.0–3.0 months"},
	} {
		if got := Span(tc.from, tc.to, tc.sep); got != tc.want {
			t.Errorf("Span(%d, %d, %q) = %q, want %q", tc.from, tc.to, tc.sep, got, tc.want)
		}
	}
}

func TestOptional(t *testing.T) {
	d := 90
	if got := Optional(&d, "x"); got != "3.0 months" {
		t.Errorf("Optional(90) = %q", got)
	}
	if got := Optional(nil, "not yet known"); got != "not yet known" {
		t.Errorf("Optional(nil) = %q", got)
	}
}

func TestAfter(t *testing.T) {
	for _, tc := range []struct {
		days int
		want string
	}{
		{0, "0 days after filing"},
		{1, "1 day after filing"},
		{452, "14.8 months after filing"},
		{-14, "14 days before filing"},
		{-1, "1 day before filing"},
	} {
		if got := After(tc.days, "filing"); got != tc.want {
			t.Errorf("After(%d) = %q, want %q", tc.days, got, tc.want)
		}
	}
}
