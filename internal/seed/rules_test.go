package seed

import (
	"fmt"
	"strings"
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/timeline"
)

// caseProblems checks a generated case against the catalog and the rules
// timeline.Validate applies to submissions, written out independently here
// so that a generator bug cannot hide behind a validator bug. It returns
// every problem found.
func caseProblems(cat *catalog.Catalog, c *timeline.Case, now time.Time) []string {
	var out []string
	bad := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	today := timeline.Today(now)

	if !validID(c.ID) {
		bad("id %q is not c_ and 26 base-32 characters", c.ID)
	}
	cg, ok := cat.Category(c.Category)
	if !ok {
		bad("unknown category %q", c.Category)
		return out
	}
	if _, ok := cat.Country(c.Country); !ok {
		bad("unknown country %q", c.Country)
	}
	if c.ServiceCenter != "" {
		if _, ok := cat.ServiceCenter(c.ServiceCenter); !ok {
			bad("unknown service center %q", c.ServiceCenter)
		}
	}
	if c.Filed.Month < 1 || c.Filed.Month > 12 {
		bad("filed month %v out of range", c.Filed)
	}
	if timeline.MonthOf(today).Before(c.Filed) {
		bad("filed %v is after today", c.Filed)
	}
	filedStart := time.Date(c.Filed.Year, c.Filed.Month, 1, 0, 0, 0, 0, time.UTC)

	seen := map[string]bool{}
	decisions := 0
	var received, decision, last time.Time
	prevIdx := -1
	for i, m := range c.Milestones {
		idx, ok := cg.MilestoneIndex(m.Code)
		if !ok {
			bad("milestone %d: code %q not in category %s", i, m.Code, c.Category)
			continue
		}
		if seen[m.Code] {
			bad("milestone %d: %q repeated", i, m.Code)
		}
		seen[m.Code] = true
		if m.Date.Month < 1 || m.Date.Month > 12 || m.Date.Day < 0 || m.Date.Day > 31 {
			bad("milestone %d: date %v out of range", i, m.Date)
			continue
		}
		if m.Date.Day > 0 {
			if _, err := timeline.ParseApproxDate(m.Date.String()); err != nil {
				bad("milestone %d: %v", i, err)
			}
		}
		tm := m.Date.Time()
		if m.Date.MonthOf().Before(c.Filed) || tm.Before(filedStart) {
			bad("milestone %d: %v before the filing month %v", i, m.Date, c.Filed)
		}
		if tm.After(today) {
			bad("milestone %d: %v after today", i, m.Date)
		}
		if i > 0 && (tm.Before(last) || tm.Equal(last) && idx < prevIdx) {
			bad("milestone %d: %s %v out of order", i, m.Code, m.Date)
		}
		if timeline.IsTerminal(m.Code) {
			decisions++
			decision = tm
		} else if decisions > 0 {
			bad("milestone %d: %s after the decision", i, m.Code)
		}
		if m.Code == "received" {
			received = tm
		}
		if m.Code == "rfe_response" && !seen["rfe"] {
			bad("milestone %d: RFE response without an earlier RFE", i)
		}
		last, prevIdx = tm, idx
	}
	if decisions > 1 {
		bad("%d decisions", decisions)
	}
	if len(c.Milestones) > 0 && !seen["received"] {
		bad("milestones without a receipt notice")
	}
	if decisions == 1 && !received.IsZero() && decision.Before(received) {
		bad("decision %v before receipt %v", decision, received)
	}
	if !c.AsOf.Equal(timeline.Today(c.AsOf)) || !c.Created.Equal(timeline.Today(c.Created)) {
		bad("as-of %v or created %v is not a UTC midnight", c.AsOf, c.Created)
	}
	if c.AsOf.After(today) {
		bad("as-of %v after today", c.AsOf)
	}
	if c.AsOf.Before(filedStart) {
		bad("as-of %v before the filing month", c.AsOf)
	}
	if len(c.Milestones) > 0 && c.AsOf.Before(last) {
		bad("as-of %v before the last milestone %v", c.AsOf, last)
	}
	if c.Created.After(c.AsOf) || c.Created.Before(filedStart) {
		bad("created %v outside filing month start .. as-of %v", c.Created, c.AsOf)
	}
	if c.OwnerID != "" {
		bad("seeded case has an owner")
	}
	if len([]rune(c.Note)) > timeline.MaxNoteLength {
		bad("note too long")
	}
	return out
}

func validID(id string) bool {
	rest, ok := strings.CutPrefix(id, "c_")
	if !ok || len(rest) != 26 {
		return false
	}
	for _, ch := range rest {
		if !strings.ContainsRune(base32, ch) {
			return false
		}
	}
	return true
}

// submissionOf turns a case back into what a person would have submitted.
func submissionOf(c *timeline.Case) timeline.Submission {
	s := timeline.Submission{
		Category:      c.Category,
		Country:       c.Country,
		ServiceCenter: c.ServiceCenter,
		Filed:         c.Filed.String(),
		Note:          c.Note,
		DetailsInput:  c.Details.Input(),
	}
	for _, m := range c.Milestones {
		s.Milestones = append(s.Milestones, timeline.MilestoneInput{Code: m.Code, Date: m.Date.String()})
	}
	return s
}
