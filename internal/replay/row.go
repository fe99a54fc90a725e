package replay

import (
	"fmt"
	"strings"
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/timeline"
)

// Row is one timeline of a replay file. The field names are the API's
// (API.md), and the JSON tags are the JSON Lines format.
type Row struct {
	Category      string                    `json:"category"`
	Country       string                    `json:"country"`
	ServiceCenter string                    `json:"service_center,omitempty"`
	Filed         string                    `json:"filed"`
	Milestones    []timeline.MilestoneInput `json:"milestones,omitempty"`
	Note          string                    `json:"note,omitempty"`
	// Shared is the day the timeline was first shared, YYYY-MM-DD
	// (required): the case's creation date.
	Shared string `json:"shared"`
	// LastPending is the last day the case was known to be still
	// pending before its decision, YYYY-MM-DD (optional).
	LastPending string `json:"last_pending,omitempty"`
	// AsOf is the day the timeline was last updated, YYYY-MM-DD
	// (optional).
	AsOf string `json:"as_of,omitempty"`
	// The optional details (premium, premium_upgrade_day, filing_method,
	// interview_office, priority_date, chargeability,
	// priority_date_current), checked as a submission's.
	timeline.DetailsInput
}

// FromCase is the row of a case: what Case turns back into the same
// timeline with the same dates (under a new id).
func FromCase(c *timeline.Case) Row {
	r := Row{
		Category:      c.Category,
		Country:       c.Country,
		ServiceCenter: c.ServiceCenter,
		Filed:         c.Filed.String(),
		Note:          c.Note,
		Shared:        formatDay(c.Created),
		AsOf:          formatDay(c.AsOf),
	}
	if !c.LastPending.IsZero() {
		r.LastPending = formatDay(c.LastPending)
	}
	r.DetailsInput = c.Details.Input()
	for _, m := range c.Milestones {
		r.Milestones = append(r.Milestones, timeline.MilestoneInput{Code: m.Code, Date: m.Date.String()})
	}
	return r
}

func formatDay(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// Case checks the row and returns the case it describes, with a new id,
// or every problem at once, keyed by the API's field names
// ("milestones[1].date", "shared", ...). today is the day of the check:
// no date may be after it.
//
// The row is checked exactly like a submission (timeline.Validate, note
// guard included), and its history dates by these rules:
//
//   - shared (required, the case's Created): a real day, not before the
//     first day of the filing month, not after today.
//   - last_pending (optional): not before shared, not after today. For a
//     row with a decision that is on or before shared (the timeline was
//     shared already decided) it must be absent; for a decision after
//     shared it defaults to shared and must not be after the decision (a
//     month-only decision: not after the last day of that month).
//   - as_of (optional, the case's AsOf): not before shared, last_pending
//     or any milestone date (a month-only date: its first day), not after
//     today. It defaults to the latest of shared, last_pending and the
//     milestone dates, a month-only date counting as its 15th but never
//     later than today.
//
// A month-only decision date counts as its 15th when it is compared with
// shared. The case's LastPending is last_pending (or its default) for a
// row decided after it was shared, and zero otherwise. The case has no
// owner and is published; no edit key goes with it.
func (r Row) Case(cat *catalog.Catalog, today time.Time) (*timeline.Case, timeline.FieldErrors) {
	c, fe := r.check(cat, today)
	if fe != nil {
		return nil, fe
	}
	c.ID = timeline.NewCaseID()
	return c, nil
}

// check is Case without the id, which a check of a whole file does not
// need.
func (r Row) check(cat *catalog.Catalog, today time.Time) (*timeline.Case, timeline.FieldErrors) {
	today = timeline.Today(today)
	c, fe := timeline.Validate(cat, r.submission(), today)
	if fe == nil {
		fe = timeline.FieldErrors{}
	}
	h := r.history(fe, today)
	if len(fe) > 0 {
		return nil, fe
	}
	c.Created, c.AsOf, c.LastPending = h.shared, h.asOf, h.lastPending
	return c, nil
}

func (r Row) submission() timeline.Submission {
	return timeline.Submission{Category: r.Category, Country: r.Country, ServiceCenter: r.ServiceCenter,
		Filed: r.Filed, Milestones: r.Milestones, Note: r.Note, DetailsInput: r.DetailsInput}
}

// dates are a row's history dates once checked.
type dates struct {
	shared, asOf time.Time
	// lastPending is the case's: zero unless decided after shared.
	lastPending time.Time
}

// step is a milestone that passed validation, with its index in the row.
type step struct {
	index int
	timeline.Milestone
}

// history checks the history dates, adding problems to fe, which holds
// the submission's: a field found wrong there (the filing month, a
// milestone) is left out of these checks rather than reported twice.
func (r Row) history(fe timeline.FieldErrors, today time.Time) dates {
	var filed timeline.Month
	filedOK := false
	if _, bad := fe["filed"]; !bad {
		if m, err := timeline.ParseMonth(strings.TrimSpace(r.Filed)); err == nil {
			filed, filedOK = m, true
		}
	}
	var steps []step
	var decision timeline.Milestone
	decided := false
	if _, bad := fe["milestones"]; !bad {
		for i, in := range r.Milestones {
			key := fmt.Sprintf("milestones[%d]", i)
			_, badCode := fe[key+".code"]
			_, badDate := fe[key+".date"]
			d, err := timeline.ParseApproxDate(strings.TrimSpace(in.Date))
			if badCode || badDate || err != nil {
				continue
			}
			m := timeline.Milestone{Code: strings.ToLower(strings.TrimSpace(in.Code)), Date: d}
			steps = append(steps, step{i, m})
			if !decided && timeline.IsTerminal(m.Code) {
				decision, decided = m, true
			}
		}
	}

	var h dates
	fail := func(field, format string, args ...any) {
		if _, ok := fe[field]; !ok {
			fe[field] = fmt.Sprintf(format, args...)
		}
	}
	shared, sharedOK := parseDay(r.Shared, "shared", fe)
	switch {
	case !sharedOK:
		fail("shared", "Enter the day the timeline was first shared, for example 2024-04-02.")
	case filedOK && shared.Before(firstDay(filed)):
		fail("shared", "The timeline cannot have been shared before its filing month (%s).", filed)
	case shared.After(today):
		fail("shared", "This day is in the future.")
	}
	h.shared = shared

	lastPending, lpGiven := parseDay(r.LastPending, "last_pending", fe)
	if lpGiven {
		switch {
		case sharedOK && lastPending.Before(shared):
			fail("last_pending", "The last pending day cannot be before the day the timeline was shared (%s).", formatDay(shared))
		case lastPending.After(today):
			fail("last_pending", "This day is in the future.")
		}
	}
	if decided && sharedOK {
		// A month-only decision in the month the timeline was shared may
		// have come before or after that day: a last pending day says
		// after, its absence before.
		latest := lastDay(decision.Date)
		sharedDecided := !latest.After(shared) || !decision.Date.Time().After(shared) && !lpGiven
		if sharedDecided {
			if lpGiven {
				fail("last_pending", "The decision (%s) is not after the day the timeline was shared (%s): it was shared already decided, so it has no last pending day. Leave this out.",
					decision.Date, formatDay(shared))
			}
		} else {
			h.lastPending = shared
			if lpGiven {
				h.lastPending = lastPending
				if lastPending.After(lastDay(decision.Date)) {
					fail("last_pending", "The last pending day is after the decision (%s). A case is pending only until its decision.", decision.Date)
				}
			}
		}
	}

	asOf, asOfGiven := parseDay(r.AsOf, "as_of", fe)
	if asOfGiven {
		switch {
		case sharedOK && asOf.Before(shared):
			fail("as_of", "The timeline cannot be as of a day before it was shared (%s).", formatDay(shared))
		case lpGiven && asOf.Before(lastPending):
			fail("as_of", "The timeline cannot be as of a day before its last pending day (%s).", formatDay(lastPending))
		case asOf.After(today):
			fail("as_of", "This day is in the future.")
		}
		for _, s := range steps {
			if asOf.Before(firstDayOf(s.Date)) {
				fail("as_of", "The timeline cannot be as of a day before one of its steps (milestones[%d]: %s on %s). It was last updated on or after its latest step.",
					s.index, s.Code, s.Date)
				break
			}
		}
		h.asOf = asOf
	} else {
		h.asOf = shared
		if lpGiven && lastPending.After(h.asOf) {
			h.asOf = lastPending
		}
		for _, s := range steps {
			d := s.Date.Time()
			if d.After(today) {
				d = today // a month-only date of this month, before its 15th
			}
			if d.After(h.asOf) {
				h.asOf = d
			}
		}
	}
	return h
}

// parseDay parses an optional YYYY-MM-DD field, recording a problem in
// fe; it reports whether a day was given and is a real one.
func parseDay(raw, field string, fe timeline.FieldErrors) (time.Time, bool) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return time.Time{}, false
	}
	if d, err := timeline.ParseApproxDate(s); err == nil {
		if d.MonthOnly() {
			fe[field] = fmt.Sprintf("Give the day, not only the month: %s-DD, for example %s-15.", s, s)
			return time.Time{}, false
		}
		return d.Time(), true
	}
	if len(s) == 10 && s[4] == '-' && s[7] == '-' && allDigits(s[:4]+s[5:7]+s[8:]) {
		fe[field] = s + " is not a real date."
	} else {
		fe[field] = "Use the form YYYY-MM-DD, for example 2024-04-02."
	}
	return time.Time{}, false
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// firstDay is the first day of a month.
func firstDay(m timeline.Month) time.Time { return time.Date(m.Year, m.Month, 1, 0, 0, 0, 0, time.UTC) }

// firstDayOf is the first day a date can mean: the day itself, or the
// first day of the month of a month-only date.
func firstDayOf(d timeline.ApproxDate) time.Time {
	if !d.MonthOnly() {
		return d.Time()
	}
	return firstDay(d.MonthOf())
}

// lastDay is the last day a date can mean: the day itself, or the last
// day of the month of a month-only date.
func lastDay(d timeline.ApproxDate) time.Time {
	if !d.MonthOnly() {
		return d.Time()
	}
	return firstDay(d.MonthOf()).AddDate(0, 1, -1)
}
