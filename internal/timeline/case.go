// Package timeline is the domain of CaseTrack: an anonymous case timeline,
// its milestones, the rules a submission must follow and the note guard that
// keeps identifiers out of free text.
package timeline

import (
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
)

// Status values of a case.
const (
	StatusPending  = "pending"
	StatusApproved = catalog.OutcomeApproved
	StatusDenied   = catalog.OutcomeDenied
)

// Milestone is one step of a case with its approximate date.
type Milestone struct {
	Code string
	Date ApproxDate
}

// Case is one anonymous timeline. It deliberately has no field for receipt
// numbers, names, client addresses or exact creation times (DESIGN.md,
// "What is collected").
type Case struct {
	ID            string
	Category      string
	Country       string
	ServiceCenter string // empty when not given
	Filed         Month
	// Details are the optional facts that split a category's waits:
	// premium processing, filing method, interview office, priority date.
	Details Details
	// Milestones are kept in date order, ties in catalog order.
	Milestones []Milestone
	Note       string
	// AsOf is the day the timeline was last submitted, updated or
	// confirmed "still pending" (UTC midnight).
	AsOf time.Time
	// Created is the day the timeline was first shared (UTC midnight),
	// never the time of day. A case is observed only from this day on:
	// people often find the site while already waiting.
	Created time.Time
	// LastPending is the last day the case was known to be still pending
	// before its decision was recorded (UTC midnight): the as-of date it
	// had when the decision was added. The decision came after it, so
	// together with Created it tells the statistics how a decided
	// timeline was observed (DESIGN.md, "How a timeline was observed").
	// It is zero for a pending case (its AsOf is that day), for a case
	// shared already decided, and when it is not known. Update keeps it
	// in step with the milestones. Like Created, it is never published;
	// only its owner's data export shows it.
	LastPending time.Time
	// OwnerID links the case to an account; empty for anonymous cases.
	OwnerID string
	// Moderation says whether the case is published (see Counts).
	Moderation Moderation
}

// Decision returns the case's terminal milestone, if it has one.
func (c *Case) Decision() (Milestone, bool) {
	for _, m := range c.Milestones {
		if IsTerminal(m.Code) {
			return m, true
		}
	}
	return Milestone{}, false
}

// Status is "approved", "denied" or "pending".
func (c *Case) Status() string {
	if m, ok := c.Decision(); ok {
		return m.Code
	}
	return StatusPending
}

// Milestone returns the first milestone with the given code.
func (c *Case) Milestone(code string) (Milestone, bool) {
	for _, m := range c.Milestones {
		if m.Code == code {
			return m, true
		}
	}
	return Milestone{}, false
}

// IsTerminal reports whether a milestone code is a decision. Every category
// uses the codes "approved" and "denied" for its outcomes (API.md).
func IsTerminal(code string) bool {
	return code == catalog.OutcomeApproved || code == catalog.OutcomeDenied
}
