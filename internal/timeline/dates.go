package timeline

import (
	"errors"
	"fmt"
	"strconv"
	"time"
)

// The ways a typed month or date can be wrong. Their text is the English
// message; dateProblem gives it in the reader's language.
var (
	errMonthForm  = errors.New("use the form YYYY-MM, for example 2024-03")
	errMonthRange = errors.New("the month must be between 01 and 12")
	errDateForm   = errors.New("use the form YYYY-MM-DD or YYYY-MM, for example 2024-03-20")
)

// notRealDateError is a date in the right form that is not in the
// calendar (2024-02-30).
type notRealDateError struct{ text string }

func (e notRealDateError) Error() string { return e.text + " is not a real date" }

// parseProblem writes an error of ParseMonth or ParseApproxDate as a
// sentence in the reader's language; prefix names the message family
// ("forms.parse" for a field of its own, "forms.priority_date" for the
// priority date, whose messages name it).
func parseProblem(l Writer, prefix string, err error) string {
	var nr notRealDateError
	switch {
	case errors.Is(err, errMonthForm):
		return l.T(prefix + ".month_form")
	case errors.Is(err, errMonthRange):
		return l.T(prefix + ".month_range")
	case errors.Is(err, errDateForm):
		return l.T("forms.parse.date_form")
	case errors.As(err, &nr):
		return l.T("forms.parse.not_real", "Date", nr.text)
	}
	return err.Error()
}

// Month is a calendar month, the precision at which filing dates are kept.
type Month struct {
	Year  int
	Month time.Month
}

// ParseMonth parses "YYYY-MM".
func ParseMonth(s string) (Month, error) {
	if len(s) != 7 || s[4] != '-' {
		return Month{}, errMonthForm
	}
	y, err1 := strconv.Atoi(s[:4])
	m, err2 := strconv.Atoi(s[5:])
	if err1 != nil || err2 != nil || !allDigits(s[:4]) || !allDigits(s[5:]) {
		return Month{}, errMonthForm
	}
	if m < 1 || m > 12 {
		return Month{}, errMonthRange
	}
	return Month{Year: y, Month: time.Month(m)}, nil
}

// MonthOf returns the month containing t.
func MonthOf(t time.Time) Month { return Month{Year: t.Year(), Month: t.Month()} }

// String formats the month as "YYYY-MM".
func (m Month) String() string { return fmt.Sprintf("%04d-%02d", m.Year, int(m.Month)) }

// IsZero reports whether m is the zero Month.
func (m Month) IsZero() bool { return m.Year == 0 && m.Month == 0 }

// Mid returns the 15th of the month at UTC midnight: DESIGN.md takes a
// month-only date to be the middle of the month.
func (m Month) Mid() time.Time { return time.Date(m.Year, m.Month, 15, 0, 0, 0, 0, time.UTC) }

// Ordinal numbers months consecutively (year*12 + month-1), so months can be
// compared and stored as one integer.
func (m Month) Ordinal() int { return m.Year*12 + int(m.Month) - 1 }

// MonthFromOrdinal is the inverse of Month.Ordinal.
func MonthFromOrdinal(n int) Month { return Month{Year: n / 12, Month: time.Month(n%12 + 1)} }

// Before reports whether m is earlier than o.
func (m Month) Before(o Month) bool { return m.Ordinal() < o.Ordinal() }

// ApproxDate is a milestone date, known to the day or only to the month.
type ApproxDate struct {
	Year  int
	Month time.Month
	// Day is 0 when only the month is known.
	Day int
}

// ParseApproxDate parses "YYYY-MM-DD" or "YYYY-MM".
func ParseApproxDate(s string) (ApproxDate, error) {
	switch len(s) {
	case 7:
		m, err := ParseMonth(s)
		if err != nil {
			return ApproxDate{}, errDateForm
		}
		return ApproxDate{Year: m.Year, Month: m.Month}, nil
	case 10:
		if s[7] != '-' || !allDigits(s[8:]) {
			break
		}
		m, err := ParseMonth(s[:7])
		if err != nil {
			break
		}
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return ApproxDate{}, notRealDateError{s}
		}
		return ApproxDate{Year: m.Year, Month: m.Month, Day: t.Day()}, nil
	}
	return ApproxDate{}, errDateForm
}

// DateOf returns the exact day of t as an ApproxDate.
func DateOf(t time.Time) ApproxDate {
	t = t.UTC()
	return ApproxDate{Year: t.Year(), Month: t.Month(), Day: t.Day()}
}

// String formats the date as "YYYY-MM-DD", or "YYYY-MM" when only the month is known.
func (d ApproxDate) String() string {
	if d.Day == 0 {
		return fmt.Sprintf("%04d-%02d", d.Year, int(d.Month))
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// IsZero reports whether d is the zero date.
func (d ApproxDate) IsZero() bool { return d.Year == 0 && d.Month == 0 && d.Day == 0 }

// MonthOnly reports whether only the month is known.
func (d ApproxDate) MonthOnly() bool { return d.Day == 0 }

// Time returns the date at UTC midnight, taking the 15th when only the
// month is known (DESIGN.md, "Dates").
func (d ApproxDate) Time() time.Time {
	day := d.Day
	if day == 0 {
		day = 15
	}
	return time.Date(d.Year, d.Month, day, 0, 0, 0, 0, time.UTC)
}

// MonthOf returns the month of the date.
func (d ApproxDate) MonthOf() Month { return Month{Year: d.Year, Month: d.Month} }

// Today truncates t to its UTC calendar day. CaseTrack keeps dates, never
// times of day, next to a case.
func Today(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// DaysBetween returns the whole days from a to b (both UTC midnights).
func DaysBetween(a, b time.Time) int {
	return int(b.Sub(a).Hours() / 24)
}

// DaysSinceFiled returns the whole days from the filing month, taken as
// its 15th, to t, and 0 for a step earlier in the filing month: the filing
// day is not known, so a receipt on the 3rd is "at filing", not "12 days
// before it". The statistics count such a step as day 0 as well.
func (m Month) DaysSinceFiled(t time.Time) int {
	return max(DaysBetween(m.Mid(), t), 0)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
