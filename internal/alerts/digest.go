package alerts

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/units"
)

// medianMoves is how far, in days, the median must move to be news on
// its own. The estimate for people filing now drifts by a few days as
// the calendar window moves, with nothing new shared; a week is a change
// a reader would want to hear about.
const medianMoves = 7

// digestData is the data of the "digest" mail templates; every sentence
// is written here, so that the templates only lay them out.
type digestData struct {
	Subject string
	Heading string
	// Lines say what was shared since the last digest, one step each.
	Lines []string
	// Decided and Median are the group's share decided and median,
	// with what they were.
	Decided string
	Median  string
	// Note explains numbers shown for the first time.
	Note string
	// Links on the site (absolute): the group on Explore and in the
	// feed, the case of a same-month alert, and the account's alerts.
	Explore, Feed, Case, Manage string
}

// reported are the steps a digest reports when the group has no step of
// its own: decisions, requests for evidence and interviews.
var reported = []string{catalog.OutcomeApproved, catalog.OutcomeDenied, "rfe", "interview"}

// digest compares two measurements of a group and writes the digest
// that tells what moved, or reports false when nothing did and no mail
// goes out. Nothing is ever said about a group with fewer than k cases
// (cur.Enough false). sameMonth phrases it for the people who filed the
// same month as the reader.
//
// What moved: a step shared (more cases list it than at the last digest);
// for a group without a step of its own also new timelines, a change in
// how many are decided, and a median that moved by medianMoves days or
// more, or became known. The first digest with numbers (the group just
// reached k, or the alert is new on a group that had fewer) always goes.
func digest(cat *catalog.Catalog, g Group, sameMonth bool, prev, cur Numbers, k int, today time.Time) (digestData, bool) {
	if !cur.Enough {
		return digestData{}, false
	}
	describe := g.Describe(cat)
	d := digestData{}
	first := !prev.Enough
	steps := reported
	if g.Milestone != "" {
		steps = []string{g.Milestone}
	}
	var compact []string
	moved := first
	if !first {
		for _, code := range steps {
			if n := cur.step(code) - prev.step(code); n > 0 {
				moved = true
				d.Lines = append(d.Lines, stepLine(cat, g.Category, code, n, sameMonth))
				compact = append(compact, stepCompact(cat, g.Category, code, n))
			}
		}
		if g.Milestone == "" {
			if n := cur.Cases - prev.Cases; n > 0 {
				d.Lines = append(d.Lines, stepLine(cat, g.Category, "received", n, sameMonth))
				compact = append(compact, stepCompact(cat, g.Category, "received", n))
			}
			moved = moved || cur.Cases != prev.Cases || cur.Decided != prev.Decided || medianMoved(prev, cur)
		}
	}
	if !moved {
		return digestData{}, false
	}
	since := sinceWords(prev.Day, today)
	switch {
	case first && sameMonth:
		d.Subject = "Numbers are now available for people who filed the same month as you"
		d.Heading = "There are now enough other shared timelines of " + describe + " for numbers:"
	case first:
		d.Subject = "Numbers are now available for " + describe
		d.Heading = "There are now enough shared timelines of " + describe + " for numbers:"
	case sameMonth:
		switch {
		case len(d.Lines) > 0 && strings.Contains(d.Lines[0], "approval"):
			d.Subject = d.Lines[0]
		case len(compact) > 0:
			d.Subject = "People who filed the same month as you: " + strings.Join(compact, ", ")
		default:
			d.Subject = "New numbers for people who filed the same month as you"
		}
		d.Heading = "What moved " + since + " among the other " + describe + ":"
	default:
		if len(compact) > 0 {
			d.Subject = strings.Join(compact, ", ") + " in " + describe
		} else {
			d.Subject = "New numbers for " + describe
		}
		d.Heading = "What moved in " + describe + " " + since + ":"
	}
	if first {
		d.Note = fmt.Sprintf("We show numbers for a group once it has at least %d cases; until then we write nothing about it.", k)
	}
	d.Decided = decidedLine(prev, cur, sameMonth)
	d.Median = medianLine(prev, cur, sameMonth)
	return d, true
}

// medianMoved reports whether the median became known, stopped being
// shown or moved by medianMoves days or more.
func medianMoved(prev, cur Numbers) bool {
	switch {
	case prev.MedianOf != cur.MedianOf:
		return true
	case (prev.Median == nil) != (cur.Median == nil):
		return true
	case prev.Median == nil:
		return false
	}
	return abs(*cur.Median-*prev.Median) >= medianMoves
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// stepLine says that n more cases list a step.
func stepLine(cat *catalog.Catalog, category, code string, n int, sameMonth bool) string {
	if sameMonth {
		who := fmt.Sprintf("%s %s who filed the same month as you", units.Count(n), plural(n, "person", "people"))
		switch code {
		case catalog.OutcomeApproved:
			return who + " shared their approval"
		case catalog.OutcomeDenied:
			return who + " shared their denial"
		case "rfe":
			return who + " shared a request for evidence (RFE)"
		case "interview":
			return who + " shared an interview"
		case "received":
			return fmt.Sprintf("%s more %s who filed the same month as you shared their timeline", units.Count(n), plural(n, "person", "people"))
		}
		return who + " shared the step “" + milestoneName(cat, category, code) + "”"
	}
	switch code {
	case catalog.OutcomeApproved:
		return fmt.Sprintf("%s %s", units.Count(n), plural(n, "approval", "approvals"))
	case catalog.OutcomeDenied:
		return fmt.Sprintf("%s %s", units.Count(n), plural(n, "denial", "denials"))
	case "rfe":
		return fmt.Sprintf("%s %s for evidence (RFE)", units.Count(n), plural(n, "request", "requests"))
	case "interview":
		return fmt.Sprintf("%s %s", units.Count(n), plural(n, "interview", "interviews"))
	case "received":
		return fmt.Sprintf("%s new %s", units.Count(n), plural(n, "timeline", "timelines"))
	}
	return fmt.Sprintf("%s more %s with the step “%s”", units.Count(n), plural(n, "case", "cases"), milestoneName(cat, category, code))
}

// stepCompact is stepLine in a few words, for a subject line.
func stepCompact(cat *catalog.Catalog, category, code string, n int) string {
	switch code {
	case "rfe":
		return fmt.Sprintf("%s %s", units.Count(n), plural(n, "RFE", "RFEs"))
	case catalog.OutcomeApproved, catalog.OutcomeDenied, "interview", "received":
		return stepLine(cat, category, code, n, false)
	}
	return fmt.Sprintf("%s × %s", units.Count(n), milestoneName(cat, category, code))
}

// decidedLine is the share of the group decided, and what it was.
func decidedLine(prev, cur Numbers, sameMonth bool) string {
	of := fmt.Sprintf("%s %s", units.Count(cur.Cases), plural(cur.Cases, "case", "cases"))
	if sameMonth {
		of = fmt.Sprintf("the %s %s", units.Count(cur.Cases), plural(cur.Cases, "other", "others"))
	}
	s := "Decided so far: " + percent(cur.Decided, cur.Cases) + " of " + of
	if prev.Enough && (prev.Cases != cur.Cases || prev.Decided != cur.Decided) {
		s += " (was " + percent(prev.Decided, prev.Cases) + " of " + fmt.Sprint(prev.Cases) + ")"
	}
	return s + "."
}

// medianLine is the median Explore shows for the group, and what it was;
// "" when it shows none.
func medianLine(prev, cur Numbers, sameMonth bool) string {
	was := ""
	if prev.Enough && prev.MedianOf == cur.MedianOf && prev.Median != nil && cur.Median != nil &&
		units.Duration(*prev.Median) != units.Duration(*cur.Median) {
		was = " (was " + units.Duration(*prev.Median) + ")"
	}
	these := "these cases"
	if sameMonth {
		these = "the cases filed that month"
	}
	switch {
	case cur.MedianOf == medianPace && cur.Median != nil:
		return "At the pace of the last six months, half of those filing now would be decided within " + units.Duration(*cur.Median) + was + "."
	case cur.MedianOf == medianPace:
		return "At the pace of the last six months, the time by which half of those filing now would be decided is not yet known."
	case cur.MedianOf == medianCohort && cur.Median != nil:
		return "Half of " + these + " were decided within " + units.Duration(*cur.Median) + was + "."
	case cur.MedianOf == medianCohort:
		return "Fewer than half of " + these + " are decided: the median is not yet known."
	}
	return ""
}

// sinceWords says since when a digest counts: "since yesterday", "in
// the past week" or "since 3 June 2026".
func sinceWords(day string, today time.Time) string {
	d, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return "lately"
	}
	switch n := int(math.Round(today.Sub(d).Hours() / 24)); n {
	case 1:
		return "since yesterday"
	case 7:
		return "in the past week"
	}
	return "since " + d.Format("2 January 2006")
}

// percent formats num/den as a whole percentage.
func percent(num, den int) string {
	if den == 0 {
		return "0%"
	}
	return fmt.Sprintf("%d%%", int(math.Round(100*float64(num)/float64(den))))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
