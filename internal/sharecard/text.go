package sharecard

import (
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/casetrack/casetrack/internal/i18n"
	"github.com/casetrack/casetrack/internal/timeline"
)

// The card's sentences, in the words the case page uses, kept apart from
// the drawing so tests can read them. They are messages of the "card"
// area (locales/card/), written by the card's Locale.

// sourceLocale is English, for cards built without a Locale.
var sourceLocale = sync.OnceValues(func() (*i18n.Locale, error) {
	c, err := i18n.Load()
	if err != nil {
		return nil, fmt.Errorf("sharecard: load messages: %w", err)
	}
	return c.Default(), nil
})

// locale is the card's language: its Locale when the card can be drawn
// in it, English otherwise.
func (c Card) locale() *i18n.Locale {
	if Speaks(c.Locale) {
		return c.Locale
	}
	l, err := sourceLocale()
	if err != nil {
		// The catalogs are embedded and checked by tests.
		panic(err)
	}
	return l
}

// Lang is the code of the language the card is drawn in.
func (c Card) Lang() string { return c.locale().Code() }

// StatusText is the card's status line: "Pending for 15.2 months",
// "Approved after 7.1 months", "Denied after 45 days".
//
// Days count from the filing month's 15th, so a case filed this month,
// or decided early in its filing month, may have a few days less than
// none: the card says 0 days.
func (c Card) StatusText() string {
	l := c.locale()
	days := l.Duration(max(c.Days, 0))
	switch c.Status {
	case timeline.StatusApproved:
		return l.T("card.status.approved", "Duration", days)
	case timeline.StatusDenied:
		return l.T("card.status.denied", "Duration", days)
	}
	return l.T("card.status.pending", "Duration", days)
}

// Subtitle is the line under the category: form, filing month and
// country of birth.
func (c Card) Subtitle() string {
	l := c.locale()
	s := ""
	if c.Form != "" {
		s = c.Form + " · "
	}
	s += l.T("card.filed_in", "Month", l.MonthYear(c.Filed.Mid()))
	if c.Country != "" {
		// Last, since a long country name is what gets shortened.
		s += " · " + l.T("card.born_in", "Country", c.Country)
	}
	return s
}

// CohortText is where the case stands, or that there are too few
// similar cases to say.
func (c Card) CohortText() string {
	l := c.locale()
	switch {
	case !c.Cohort.Enough:
		return l.T("card.cohort.not_enough")
	case c.Pending():
		return l.T("card.cohort.pending", "Percent", percent(l, c.Cohort.Share), "Duration", l.Duration(c.Days))
	}
	return l.T("card.cohort.decided", "Percent", percent(l, c.Cohort.Share))
}

// GroupText names the cases compared with.
func (c Card) GroupText() string {
	l := c.locale()
	if !c.Cohort.Enough || c.Cohort.Group == "" {
		return l.T("card.group.none")
	}
	return l.T("card.group.compared", "Group", c.Cohort.Group)
}

// brandText is the line at the top of the card.
func (c Card) brandText() string { return c.locale().T("card.brand") }

// filedLabel names the first dot of the timeline.
func (c Card) filedLabel() string { return c.locale().T("card.filed") }

// waitingLabel names the last dot of a pending case: the month it was
// last confirmed waiting, which may be a while ago.
func (c Card) waitingLabel(asOf time.Time) string {
	return c.locale().T("card.waiting_as_of", "Month", c.monthTick(asOf, true))
}

// monthTick is a month under the timeline, with its year when withYear
// ("May", "May 2024"), or only the year ("2024").
func (c Card) monthTick(t time.Time, withYear bool) string {
	l := c.locale()
	month := l.T(fmt.Sprintf("charts.month_short_%d", int(t.Month())))
	if !withYear {
		return month
	}
	return l.T("charts.month_tick", "Month", month, "Year", l.Digits(t.Year()))
}

// yearTick is a year under the timeline.
func (c Card) yearTick(t time.Time) string { return c.locale().Digits(t.Year()) }

// percent formats a share as a whole percentage, as the case page does.
func percent(l *i18n.Locale, v float64) string {
	return l.T("charts.percent", "Value", l.Digits(int(math.Round(v*100))))
}
