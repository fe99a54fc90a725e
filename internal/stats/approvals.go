package stats

import (
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/timeline"
)

// The home page's "approved this week" counts the cases of each category
// whose approval is dated, to the day, within the last seven days. Asking
// the database joined every approval with its case on every request (about
// 200 ms at a million cases); the index already sees every change of every
// counted case, so it keeps the counts by day instead, and a request adds
// up a few days per category.

// approvalDay is the day of c's approval as days since 1970-01-01, or 0
// when c has no approval dated to the day (a month-only date cannot be
// placed in a week). Days fit 16 bits until 2149.
func approvalDay(c *timeline.Case) uint16 {
	m, ok := c.Milestone(catalog.OutcomeApproved)
	if !ok || m.Date.MonthOnly() {
		return 0
	}
	d := m.Date.Time().Unix() / 86400
	if d <= 0 || d > 0xFFFF {
		return 0
	}
	return uint16(d)
}

// approvalTally counts cases by category index and approval day.
type approvalTally []map[uint16]int32

func newApprovalTally(categories int) approvalTally {
	t := make(approvalTally, categories)
	for i := range t {
		t[i] = map[uint16]int32{}
	}
	return t
}

// add counts n (±1) more cases of partition part approved on day.
func (t approvalTally) add(part uint16, day uint16, n int32) {
	if day == 0 {
		return
	}
	m := t[part]
	if m[day] += n; m[day] <= 0 {
		delete(m, day)
	}
}

// ApprovedSince counts, per category code, the indexed cases whose
// approval is dated to the day on or after since; categories without any
// are left out. Only cases the statistics count are indexed, so a
// flagged or hidden case is not counted, as on every other figure.
func (ix *Index) ApprovedSince(since time.Time) map[string]int {
	from := since.Unix() / 86400
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	out := map[string]int{}
	for pi, days := range ix.approvals {
		n := 0
		for d, k := range days {
			if int64(d) >= from {
				n += int(k)
			}
		}
		if n > 0 {
			out[ix.parts[pi].code] = n
		}
	}
	return out
}
