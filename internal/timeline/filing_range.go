package timeline

import (
	"fmt"
	"time"
)

// CheckFilingMonth checks a filing month typed into a filter (Explore's
// and the statistics API's filed_from and filed_to, the feed's filed):
// it must lie between the first month a case can be filed in
// (earliestFiling, as for submissions) and the current month. A month
// outside says nothing the statistics could answer and is almost always
// a typing mistake ("0000-01", "2204-03"); an empty result would hide
// the mistake.
func CheckFilingMonth(m Month, now time.Time) error {
	switch this := MonthOf(Today(now)); {
	case m.Before(earliestFiling):
		return fmt.Errorf("%s is before %s, the earliest filing month; check the year", m, earliestFiling)
	case this.Before(m):
		return fmt.Errorf("%s is after this month (%s); no case has been filed then yet", m, this)
	}
	return nil
}

// EarliestFiling is the first month a case can be filed in, for filters
// that have no clock to call CheckFilingMonth with.
func EarliestFiling() Month { return earliestFiling }
