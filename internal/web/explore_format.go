package web

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/stats"
	"github.com/casetrack/casetrack/internal/timeline"
)

// daysPerMonth converts the engine's days into the months people think
// in: the average Gregorian month, 365.25/12 days, rounded as the
// methodology page says.
const daysPerMonth = 30.44

// notEnoughData is written wherever a number is withheld because its
// group has fewer than k cases: on pages, in tables and in CSV cells.
const notEnoughData = "not enough data"

// notReached is written in CSV cells for a quantile the curve never
// reaches: the data do not tell it yet, and it is never invented. Pages
// say notYetKnown.
const notReached = "not reached"

// toMonths converts days to months.
func toMonths(days int) float64 { return float64(days) / daysPerMonth }

// monthsText formats days as months with one decimal ("14.2").
func monthsText(days int) string { return strconv.FormatFloat(toMonths(days), 'f', 1, 64) }

// optMonths formats an optional duration, or alt when it is missing.
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
		return "95% range " + monthsText(*lo) + " to " + monthsText(*hi) + " months"
	case lo != nil:
		return "95% range from " + monthsText(*lo) + " months; its upper end is not yet known"
	case hi != nil:
		return "95% range up to " + monthsText(*hi) + " months"
	}
	return ""
}

// shortCI is rangeText for table cells ("12.9–15.8", "12.9 – not yet
// known").
func shortCI(ci [2]*int) string {
	if ci[0] == nil && ci[1] == nil {
		return ""
	}
	if ci[1] == nil {
		return optMonths(ci[0], "") + " – " + notYetKnown
	}
	return optMonths(ci[0], notYetKnown) + "–" + optMonths(ci[1], notYetKnown)
}

// dayText formats a day for sentences ("June 2, 2026").
func dayText(t time.Time) string { return t.Format("January 2, 2006") }

// monthName formats a month for sentences ("March 2024").
func monthName(m timeline.Month) string { return fmt.Sprintf("%s %d", m.Month, m.Year) }

// plural picks the singular or plural noun for n.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// groupPhrase names the group a filter selects, for sentences: "EB-2
// National Interest Waiver cases from India (service center: Texas
// Service Center) filed in 2024".
func groupPhrase(cat *catalog.Catalog, f stats.Filter) string {
	var b strings.Builder
	name := f.Category
	if c, ok := cat.Category(f.Category); ok {
		name = c.Name
	}
	b.WriteString(name + " cases")
	if f.Country != "" {
		co := f.Country
		if c, ok := cat.Country(f.Country); ok {
			co = c.Name
		}
		b.WriteString(" from " + co)
	}
	switch f.ServiceCenter {
	case "":
	case stats.NoServiceCenter:
		b.WriteString(" (no service center given)")
	default:
		sc := f.ServiceCenter
		if c, ok := cat.ServiceCenter(f.ServiceCenter); ok {
			sc = c.Name
		}
		b.WriteString(" (service center: " + sc + ")")
	}
	if r := filedPhrase(f); r != "" {
		b.WriteString(" " + r)
	}
	return b.String()
}

// filedPhrase describes the filing-month range: "filed in March 2024",
// "filed in 2024", "filed between March 2023 and June 2024", "filed in or
// after March 2023", "filed in or before June 2024", or "" when open.
func filedPhrase(f stats.Filter) string {
	from, to := f.FiledFrom, f.FiledTo
	name := func(m timeline.Month) string { return fmt.Sprintf("%s %d", m.Month, m.Year) }
	switch {
	case from.IsZero() && to.IsZero():
		return ""
	case to.IsZero():
		return "filed in or after " + name(from)
	case from.IsZero():
		return "filed in or before " + name(to)
	case from == to:
		return "filed in " + name(from)
	case from.Year == to.Year && from.Month == 1 && to.Month == 12:
		return fmt.Sprintf("filed in %d", from.Year)
	}
	return "filed between " + name(from) + " and " + name(to)
}
