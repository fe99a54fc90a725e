package timeline

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
)

// AddMilestone validates one more milestone against the case as it is, with
// the same rules as Validate, so a timeline built step by step ends up
// exactly as valid as one submitted whole. On success it inserts the
// milestone in order, sets AsOf to Today(now) (through Update, so that a
// decision keeps the previous as-of date as LastPending) and returns nil;
// otherwise it returns FieldErrors keyed "code" and/or "date" and leaves c
// unchanged.
func AddMilestone(cat *catalog.Catalog, c *Case, in MilestoneInput, now time.Time) FieldErrors {
	return AddMilestoneIn(English, cat, c, in, now)
}

// AddMilestoneIn is AddMilestone with its messages in the reader's
// language l.
func AddMilestoneIn(l Writer, cat *catalog.Catalog, c *Case, in MilestoneInput, now time.Time) FieldErrors {
	category, ok := cat.Category(c.Category)
	if !ok {
		return FieldErrors{"code": l.T("forms.step.category_gone", "Value", echoIn(l, c.Category))}
	}
	if len(c.Milestones) >= MaxMilestones {
		return FieldErrors{"code": l.T("forms.step.case_full", "Max", l.Count(MaxMilestones))}
	}
	today := Today(now)
	r := milestoneRules{l: l, category: &category, floor: c.Filed, floorIsFiled: true, today: today}
	m, codeErr, dateErr := r.check(c.Milestones, in)
	if codeErr != "" || dateErr != "" {
		fe := FieldErrors{}
		if codeErr != "" {
			fe["code"] = codeErr
		}
		if dateErr != "" {
			fe["date"] = dateErr
		}
		return fe
	}
	if msg := upgradeBefore(l, c, m); msg != "" {
		return FieldErrors{"date": msg}
	}
	c.Update(func(c *Case) {
		c.Milestones = append(c.Milestones, m)
		sortMilestones(category, c.Milestones)
		c.AsOf = today
	})
	return nil
}

// milestoneRules checks one milestone in the context of the ones already
// accepted. Validate and AddMilestone share it so both apply one rule set.
type milestoneRules struct {
	// l writes the messages.
	l Writer
	// category is nil when the submission's category is itself invalid;
	// codes then are only checked for presence.
	category *catalog.Category
	// floor is the earliest month a milestone may fall in: the filing month,
	// or earliestFiling when the filing month is unknown (floorIsFiled false).
	floor        Month
	floorIsFiled bool
	today        time.Time
}

// check parses in and returns the milestone with a message for its code
// and one for its date (empty when fine). existing are the milestones
// accepted so far; those with a zero Date had an invalid date and are
// used only for code counts.
func (r milestoneRules) check(existing []Milestone, in MilestoneInput) (m Milestone, codeErr, dateErr string) {
	m.Code = strings.ToLower(strings.TrimSpace(in.Code))
	codeErr = r.checkCode(existing, m.Code)

	m.Date, dateErr = r.parseDate(in.Date)
	if codeErr == "" && dateErr == "" {
		dateErr = r.checkOrder(existing, m)
	}
	return m, codeErr, dateErr
}

func (r milestoneRules) checkCode(existing []Milestone, code string) string {
	l := r.l
	if code == "" {
		return l.T("forms.step.missing")
	}
	if r.category == nil {
		return ""
	}
	step, ok := r.category.Milestone(code)
	if !ok {
		codes := make([]string, len(r.category.Milestones))
		for i, m := range r.category.Milestones {
			codes[i] = m.Code
		}
		return l.T("forms.step.unknown", "Value", echoIn(l, code), "Category", categoryName(l, *r.category),
			"Form", r.category.Form, "Steps", strings.Join(codes, ", "))
	}
	count := 0
	for _, e := range existing {
		if e.Code == code {
			count++
		}
		if IsTerminal(code) && IsTerminal(e.Code) && e.Code != code {
			name := e.Code
			if d, ok := r.category.Milestone(e.Code); ok {
				name = milestoneName(l, d)
			}
			return l.T("forms.step.second_decision", "Decision", name)
		}
	}
	switch {
	case repeatable(code) && count >= MaxRepeats:
		return l.T("forms.step.too_many_repeats", "Step", quoted(milestoneName(l, step)), "Max", l.Count(MaxRepeats))
	case !repeatable(code) && count > 0:
		return l.T("forms.step.repeated", "Step", quoted(milestoneName(l, step)))
	}
	return ""
}

// repeatable reports whether a milestone may appear more than once: a case
// can receive, and answer, several requests for evidence.
func repeatable(code string) bool { return code == "rfe" || code == "rfe_response" }

func (r milestoneRules) parseDate(raw string) (ApproxDate, string) {
	l := r.l
	s := strings.TrimSpace(raw)
	if s == "" {
		return ApproxDate{}, l.T("forms.date.missing")
	}
	d, err := ParseApproxDate(s)
	if err != nil {
		return ApproxDate{}, parseProblem(l, "forms.parse", err)
	}
	switch {
	case d.MonthOf().Before(r.floor):
		if !r.floorIsFiled {
			return ApproxDate{}, l.T("forms.date.too_early", "Month", monthText(l, r.floor))
		}
		return ApproxDate{}, l.T("forms.date.before_filing", "Month", monthText(l, r.floor))
	case isFuture(d, r.today):
		return ApproxDate{}, l.T("forms.date.future")
	}
	return d, ""
}

// isFuture compares at the precision the person gave: a month-only date
// is in the future only from the next month on.
func isFuture(d ApproxDate, today time.Time) bool {
	if d.MonthOnly() {
		return MonthOf(today).Before(d.MonthOf())
	}
	return d.Time().After(today)
}

// checkOrder enforces that a decision is not dated before the receipt
// notice, whichever of the two is added last.
func (r milestoneRules) checkOrder(existing []Milestone, m Milestone) string {
	for _, e := range existing {
		if e.Date.IsZero() {
			continue
		}
		switch {
		case IsTerminal(m.Code) && e.Code == "received" && datedBefore(m.Date, e.Date):
			return r.l.T("forms.order.decision_before_receipt", "Date", dateText(r.l, e.Date))
		case m.Code == "received" && IsTerminal(e.Code) && datedBefore(e.Date, m.Date):
			return r.l.T("forms.order.receipt_after_decision", "Date", dateText(r.l, e.Date))
		}
	}
	return ""
}

// datedBefore reports whether a is before b, comparing months only when
// either date is month-only: "2024-03" is not before "2024-03-20".
func datedBefore(a, b ApproxDate) bool {
	if a.MonthOnly() || b.MonthOnly() {
		return a.MonthOf().Before(b.MonthOf())
	}
	return a.Time().Before(b.Time())
}

// sortMilestones orders milestones by date, ties in the category's order;
// repeated codes on one date keep their submitted order.
func sortMilestones(category catalog.Category, ms []Milestone) {
	slices.SortStableFunc(ms, func(a, b Milestone) int {
		if c := a.Date.Time().Compare(b.Date.Time()); c != 0 {
			return c
		}
		ia, _ := category.MilestoneIndex(a.Code)
		ib, _ := category.MilestoneIndex(b.Code)
		return cmp.Compare(ia, ib)
	})
}
