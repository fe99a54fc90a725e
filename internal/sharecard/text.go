package sharecard

import (
	"math"
	"strconv"

	"github.com/casetrack/casetrack/internal/phrase"
	"github.com/casetrack/casetrack/internal/timeline"
	"github.com/casetrack/casetrack/internal/units"
)

// The card's sentences, in the words the case page uses, kept apart from
// the drawing so tests can read them.

// StatusText is the card's status line: "Pending for 15.2 months",
// "Approved after 7.1 months", "Denied after 45 days".
//
// Days count from the filing month's 15th, so a case filed this month,
// or decided early in its filing month, may have a few days less than
// none: the card says 0 days.
func (c Card) StatusText() string {
	days := units.Duration(max(c.Days, 0))
	switch c.Status {
	case timeline.StatusApproved:
		return "Approved after " + days
	case timeline.StatusDenied:
		return "Denied after " + days
	}
	return "Pending for " + days
}

// Subtitle is the line under the category: form, filing month and
// country of birth.
func (c Card) Subtitle() string {
	s := ""
	if c.Form != "" {
		s = c.Form + " · "
	}
	s += "Filed " + phrase.Month(c.Filed)
	if c.Country != "" {
		// Last, since a long country name is what gets shortened.
		s += " · Born in " + c.Country
	}
	return s
}

// CohortText is where the case stands, or that there are too few
// similar cases to say.
func (c Card) CohortText() string {
	switch {
	case !c.Cohort.Enough:
		return "Not enough similar cases to compare yet"
	case c.Pending():
		return percent(c.Cohort.Share) + " of similar cases were decided within " + units.Duration(c.Days)
	}
	return "Decided faster than " + percent(c.Cohort.Share) + " of similar cases"
}

// GroupText names the cases compared with.
func (c Card) GroupText() string {
	if !c.Cohort.Enough || c.Cohort.Group == "" {
		return "Anonymous timeline shared on CaseTrack"
	}
	return "Compared with " + c.Cohort.Group
}

// percent formats a share as a whole percentage, as the case page does.
func percent(v float64) string { return strconv.Itoa(int(math.Round(v*100))) + "%" }
