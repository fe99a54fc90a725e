package timeline

import (
	"fmt"
	"time"
)

// FilingMonthError says that a filing month lies outside the months a
// case can be filed in, and which bound it passed, so that a page can say
// it in the reader's language.
type FilingMonthError struct {
	Month Month
	// Bound is the first month a case can be filed in, or the current
	// month when Late.
	Bound Month
	Late  bool
}

func (e *FilingMonthError) Error() string {
	if e.Late {
		return fmt.Sprintf("%s is after this month (%s); no case has been filed then yet", e.Month, e.Bound)
	}
	return fmt.Sprintf("%s is before %s, the earliest filing month; check the year", e.Month, e.Bound)
}

// CheckFilingMonth checks a filing month typed into a filter (Explore's
// and the statistics API's filed_from and filed_to, the feed's filed):
// it must lie between the first month a case can be filed in
// (earliestFiling, as for submissions) and the current month. A month
// outside says nothing the statistics could answer and is almost always
// a typing mistake ("0000-01", "2204-03"); an empty result would hide
// the mistake. The error is a *FilingMonthError.
func CheckFilingMonth(m Month, now time.Time) error {
	switch this := MonthOf(Today(now)); {
	case m.Before(earliestFiling):
		return &FilingMonthError{Month: m, Bound: earliestFiling}
	case this.Before(m):
		return &FilingMonthError{Month: m, Bound: this, Late: true}
	}
	return nil
}
