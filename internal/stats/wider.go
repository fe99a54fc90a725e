package stats

import (
	"strings"

	"github.com/casetrack/casetrack/internal/timeline"
)

// WiderGroup is a group that contains the one asked for, with its size:
// where a group is too small to show numbers, the page offers these
// instead of a dead end.
type WiderGroup struct {
	Filter Filter
	// Dropped names what was left out of the narrower filter:
	// "details", "service_center", "country", "filed", or several joined
	// by "+".
	Dropped string
	// Cases is the number of cases the group holds; 0 when Suppressed,
	// since even the size of a group below k is never shown.
	Cases      int
	Suppressed bool
}

// Wider lists the nearest groups that contain f, each dropping one more
// of its narrowing filters, most specific first: without the details
// (premium processing, filing method, office, priority date), without the
// service center, without the country, without the filing months, then
// each pair of those, then the whole category. A group equal to f or to one listed
// before is left out, so an f of only a category has no wider group.
// Groups with fewer than k cases are listed as suppressed, without their
// size.
func (ix *Index) Wider(f Filter, k int) []WiderGroup {
	type step struct {
		details, center, country, filed bool
		name                            string
	}
	steps := []step{
		{details: true, name: "details"},
		{center: true, name: "service_center"},
		{country: true, name: "country"},
		{filed: true, name: "filed"},
		{center: true, country: true, name: "service_center+country"},
		{center: true, filed: true, name: "service_center+filed"},
		{country: true, filed: true, name: "country+filed"},
		{details: true, center: true, country: true, filed: true, name: "details+service_center+country+filed"},
	}
	seen := map[Filter]bool{f: true}
	var out []WiderGroup
	for _, st := range steps {
		g := f
		if st.details {
			g.Premium, g.FilingMethod, g.InterviewOffice, g.PDCurrent, g.Chargeability = "", "", "", "", ""
		}
		if st.center {
			g.ServiceCenter = ""
		}
		if st.country {
			g.Country = ""
		}
		if st.filed {
			g.FiledFrom, g.FiledTo = timeline.Month{}, timeline.Month{}
		}
		if seen[g] {
			continue
		}
		seen[g] = true
		name := st.name
		if g.details() == f.details() {
			name = strings.TrimPrefix(name, "details+")
		}
		w := WiderGroup{Filter: g, Dropped: name}
		if n := ix.Count(g); n >= k {
			w.Cases = n
		} else {
			w.Suppressed = true
		}
		out = append(out, w)
	}
	return out
}

// details is the part of a filter on the details.
func (f Filter) details() [5]string {
	return [5]string{f.Premium, f.FilingMethod, f.InterviewOffice, f.PDCurrent, f.Chargeability}
}
