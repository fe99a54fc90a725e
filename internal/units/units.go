// Package units is the one way CaseTrack shows a duration to a person:
// whole days up to two months ("45 days", "1 day"), months with one
// decimal beyond ("8.3 months"), a month being stats.DaysPerMonth days.
// Every page, feed and chart text uses it, so the same wait never reads
// "61 days" in one place and "2.0 months" in another; the JSON API and
// the CSV files keep whole days.
package units

import (
	"strconv"

	"github.com/casetrack/casetrack/internal/stats"
)

// MaxDays is the longest duration shown in days; anything longer is
// shown in months.
const MaxDays = 60

// InDays reports whether a duration is shown in days (its size, whatever
// its sign, is at most MaxDays).
func InDays(days int) bool { return days >= -MaxDays && days <= MaxDays }

// Months converts days into months of stats.DaysPerMonth days.
func Months(days int) float64 { return float64(days) / stats.DaysPerMonth }

// MonthsNumber formats days as months with one decimal, without a unit
// ("14.2"), for CSV columns and chart axes that are in months.
func MonthsNumber(days int) string { return strconv.FormatFloat(Months(days), 'f', 1, 64) }

// number is a duration's number in its unit, without the unit.
func number(days int) string {
	if InDays(days) {
		return strconv.Itoa(days)
	}
	return MonthsNumber(days)
}

// unit is the unit a duration is shown in, singular or plural as its
// number reads.
func unit(days int) string {
	switch {
	case days == 1 || days == -1:
		return "day"
	case InDays(days):
		return "days"
	}
	return "months"
}

// Duration formats a number of days: "1 day", "45 days", "8.3 months".
func Duration(days int) string { return number(days) + " " + unit(days) }

// Optional formats an optional duration, or alt when it is missing.
func Optional(days *int, alt string) string {
	if days == nil {
		return alt
	}
	return Duration(*days)
}

// Span formats two durations joined by sep, naming the unit once when
// both are in the same one: Span(92, 350, " to ") is "3.0 to 11.5
// months", Span(12, 45, "–") "12–45 days", and Span(27, 350, " and ")
// "27 days and 11.5 months".
func Span(from, to int, sep string) string {
	if InDays(from) == InDays(to) {
		return number(from) + sep + number(to) + " " + unit(to)
	}
	return Duration(from) + sep + Duration(to)
}

// After places a duration relative to an event: "45 days after filing",
// or, for a negative duration (a receipt dated before the 15th of the
// filing month), "14 days before filing".
func After(days int, event string) string {
	if days < 0 {
		return Duration(-days) + " before " + event
	}
	return Duration(days) + " after " + event
}
