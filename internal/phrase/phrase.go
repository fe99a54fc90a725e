// Package phrase names groups of cases and months in the words the
// pages use, so Explore, the outlook and the charts call a group the same
// way.
package phrase

import (
	"fmt"
	"strings"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/stats"
	"github.com/casetrack/casetrack/internal/timeline"
)

// Month formats a month for sentences ("March 2024").
func Month(m timeline.Month) string { return fmt.Sprintf("%s %d", m.Month, m.Year) }

// Group names the group a filter selects, for sentences: "EB-2
// National Interest Waiver cases from India (service center: Texas
// Service Center) filed in 2024".
func Group(cat *catalog.Catalog, f stats.Filter) string {
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
	if r := Filed(f); r != "" {
		b.WriteString(" " + r)
	}
	if d := Details(cat, f); d != "" {
		b.WriteString(" (" + d + ")")
	}
	return b.String()
}

// Filed describes the filing-month range: "filed in March 2024",
// "filed in 2024", "filed between March 2023 and June 2024", "filed in or
// after March 2023", "filed in or before June 2024", or "" when open.
func Filed(f stats.Filter) string {
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
