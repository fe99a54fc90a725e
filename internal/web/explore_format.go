package web

import (
	"strconv"
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/phrase"
	"github.com/casetrack/casetrack/internal/stats"
	"github.com/casetrack/casetrack/internal/timeline"
	"github.com/casetrack/casetrack/internal/units"
)

// daysPerMonth converts the engine's days into the months people think
// in: the average Gregorian month, 365.25/12 days, rounded as the
// methodology page says.
const daysPerMonth = stats.DaysPerMonth

// notEnoughData is written wherever a number is withheld because its
// group has fewer than k cases: on pages, in tables and in CSV cells.
const notEnoughData = "not enough data"

// notReached is written in CSV cells for a quantile the curve never
// reaches: the data do not tell it yet, and it is never invented. Pages
// say notYetKnown.
const notReached = "not reached"

// toMonths converts days to months, for the charts' month axes.
func toMonths(days int) float64 { return units.Months(days) }

// monthsText formats days as a bare number of months with one decimal
// ("14.2"), for the CSV files' month columns. Text for people uses
// units.Duration.
func monthsText(days int) string { return units.MonthsNumber(days) }

// optMonths formats an optional duration as monthsText does, or alt when
// it is missing (CSV cells).
func optMonths(days *int, alt string) string {
	if days == nil {
		return alt
	}
	return monthsText(*days)
}

// percentText formats a share as a percentage with one decimal ("96.6%").
func percentText(v float64) string { return strconv.FormatFloat(v*100, 'f', 1, 64) + "%" }

// optPercent formats an optional share, or alt when it is missing.
func optPercent(v *float64, alt string) string {
	if v == nil {
		return alt
	}
	return percentText(*v)
}

// rangeText is the 95% range of a median in words that stay honest when
// a limit is not known yet ("95% range 12.9 to 15.8 months").
func rangeText(ci [2]*int) string {
	lo, hi := ci[0], ci[1]
	switch {
	case lo != nil && hi != nil:
		return "95% range " + units.Span(*lo, *hi, " to ")
	case lo != nil:
		return "95% range from " + units.Duration(*lo) + "; its upper end is not yet known"
	case hi != nil:
		return "95% range up to " + units.Duration(*hi)
	}
	return ""
}

// shortCI is rangeText for table cells ("12.9–15.8 months", "12.9
// months – not yet known").
func shortCI(ci [2]*int) string {
	if ci[0] == nil && ci[1] == nil {
		return ""
	}
	if ci[1] == nil {
		return units.Optional(ci[0], "") + " – " + notYetKnown
	}
	if ci[0] == nil {
		return notYetKnown + " – " + units.Duration(*ci[1])
	}
	return units.Span(*ci[0], *ci[1], "–")
}

// dayText formats a day for sentences ("June 2, 2026").
func dayText(t time.Time) string { return t.Format("January 2, 2006") }

// monthName formats a month for sentences ("March 2024").
func monthName(m timeline.Month) string { return phrase.Month(m) }

// plural picks the singular or plural noun for n.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// groupPhrase names the group a filter selects, for sentences (see
// phrase.Group).
func groupPhrase(cat *catalog.Catalog, f stats.Filter) string { return phrase.Group(cat, f) }
