package alerts

import (
	"math"
	"strings"
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/i18n"
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

// words writes a digest or reminder in one language: its messages, and
// the reference data named in that language.
type words struct {
	l   *i18n.Locale
	ref *catalog.Catalog
}

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
func digest(w words, g Group, sameMonth bool, prev, cur Numbers, k int, today time.Time) (digestData, bool) {
	if !cur.Enough {
		return digestData{}, false
	}
	l := w.l
	describe := g.Describe(w.ref)
	d := digestData{}
	first := !prev.Enough
	steps := reported
	if g.Milestone != "" {
		steps = []string{g.Milestone}
	}
	var compact []string
	var firstStep string
	moved := first
	if !first {
		for _, code := range steps {
			if n := cur.step(code) - prev.step(code); n > 0 {
				moved = true
				if firstStep == "" {
					firstStep = code
				}
				d.Lines = append(d.Lines, w.stepLine(g.Category, code, n, sameMonth))
				compact = append(compact, w.stepCompact(g.Category, code, n))
			}
		}
		if g.Milestone == "" {
			if n := cur.Cases - prev.Cases; n > 0 {
				d.Lines = append(d.Lines, w.stepLine(g.Category, "received", n, sameMonth))
				compact = append(compact, w.stepCompact(g.Category, "received", n))
			}
			moved = moved || cur.Cases != prev.Cases || cur.Decided != prev.Decided || medianMoved(prev, cur)
		}
	}
	if !moved {
		return digestData{}, false
	}
	since := w.since(prev.Day, today)
	joined := strings.Join(compact, l.T("mail.digest.separator"))
	switch {
	case first && sameMonth:
		d.Subject = l.T("mail.digest.subject_first_same")
		d.Heading = l.T("mail.digest.heading_first_same", "Group", describe)
	case first:
		d.Subject = l.T("mail.digest.subject_first", "Group", describe)
		d.Heading = l.T("mail.digest.heading_first", "Group", describe)
	case sameMonth:
		switch {
		case firstStep == catalog.OutcomeApproved:
			d.Subject = d.Lines[0]
		case len(compact) > 0:
			d.Subject = l.T("mail.digest.subject_same", "Moved", joined)
		default:
			d.Subject = l.T("mail.digest.subject_same_none")
		}
		d.Heading = l.T("mail.digest.heading_same", "Since", since, "Group", describe)
	default:
		if len(compact) > 0 {
			d.Subject = l.T("mail.digest.subject_moved", "Moved", joined, "Group", describe)
		} else {
			d.Subject = l.T("mail.digest.subject_none", "Group", describe)
		}
		d.Heading = l.T("mail.digest.heading", "Group", describe, "Since", since)
	}
	if first {
		d.Note = l.T("mail.digest.note_first", "Count", k)
	}
	d.Decided = w.decidedLine(prev, cur, sameMonth)
	d.Median = w.medianLine(prev, cur, sameMonth)
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

// stepMessages are the messages of the steps a digest names by kind;
// any other step is named by its catalog name (the "step" messages).
var stepMessages = map[string]string{
	catalog.OutcomeApproved: "approved", catalog.OutcomeDenied: "denied",
	"rfe": "rfe", "interview": "interview", "received": "received",
}

// stepLine says that n more cases list a step.
func (w words) stepLine(category, code string, n int, sameMonth bool) string {
	prefix := "mail.digest.step."
	if sameMonth {
		prefix = "mail.digest.same."
	}
	if kind, ok := stepMessages[code]; ok {
		return w.l.T(prefix+kind, "Count", n)
	}
	return w.l.T(prefix+"other", "Count", n, "Step", milestoneName(w.ref, category, code))
}

// stepCompact is stepLine in a few words, for a subject line.
func (w words) stepCompact(category, code string, n int) string {
	switch code {
	case "rfe":
		return w.l.T("mail.digest.compact.rfe", "Count", n)
	case catalog.OutcomeApproved, catalog.OutcomeDenied, "interview", "received":
		return w.stepLine(category, code, n, false)
	}
	return w.l.T("mail.digest.compact.other", "Count", n, "Step", milestoneName(w.ref, category, code))
}

// decidedLine is the share of the group decided, and what it was.
func (w words) decidedLine(prev, cur Numbers, sameMonth bool) string {
	of := w.l.T("mail.digest.of_cases", "Count", cur.Cases)
	if sameMonth {
		of = w.l.T("mail.digest.of_others", "Count", cur.Cases)
	}
	share := w.percent(cur.Decided, cur.Cases)
	if prev.Enough && (prev.Cases != cur.Cases || prev.Decided != cur.Decided) {
		return w.l.T("mail.digest.decided_was", "Percent", share, "Of", of,
			"WasPercent", w.percent(prev.Decided, prev.Cases), "WasCases", w.l.Count(prev.Cases))
	}
	return w.l.T("mail.digest.decided", "Percent", share, "Of", of)
}

// medianLine is the median Explore shows for the group, and what it was;
// "" when it shows none.
func (w words) medianLine(prev, cur Numbers, sameMonth bool) string {
	was := ""
	if prev.Enough && prev.MedianOf == cur.MedianOf && prev.Median != nil && cur.Median != nil &&
		w.l.Duration(*prev.Median) != w.l.Duration(*cur.Median) {
		was = w.l.Duration(*prev.Median)
	}
	id := ""
	switch {
	case cur.MedianOf == medianPace && cur.Median != nil:
		id = "mail.digest.pace"
	case cur.MedianOf == medianPace:
		return w.l.T("mail.digest.pace_unknown")
	case cur.MedianOf == medianCohort && cur.Median != nil && sameMonth:
		id = "mail.digest.cohort_same"
	case cur.MedianOf == medianCohort && cur.Median != nil:
		id = "mail.digest.cohort"
	case cur.MedianOf == medianCohort && sameMonth:
		return w.l.T("mail.digest.cohort_unknown_same")
	case cur.MedianOf == medianCohort:
		return w.l.T("mail.digest.cohort_unknown")
	default:
		return ""
	}
	if was != "" {
		return w.l.T(id+"_was", "Duration", w.l.Duration(*cur.Median), "Was", was)
	}
	return w.l.T(id, "Duration", w.l.Duration(*cur.Median))
}

// since says since when a digest counts: "since yesterday", "in the
// past week" or "since 3 June 2026".
func (w words) since(day string, today time.Time) string {
	d, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return w.l.T("mail.digest.lately")
	}
	switch n := int(math.Round(today.Sub(d).Hours() / 24)); n {
	case 1:
		return w.l.T("mail.digest.since_yesterday")
	case 7:
		return w.l.T("mail.digest.past_week")
	}
	return w.l.T("mail.digest.since", "Date", w.date(d))
}

// date writes a day as the pages do ("June 3, 2026" in English), so
// that a mail and the account page it links to name a day the same way.
func (w words) date(t time.Time) string { return w.l.Date(t) }

// percent formats num/den as a whole percentage.
func (w words) percent(num, den int) string {
	p := 0
	if den != 0 {
		p = int(math.Round(100 * float64(num) / float64(den)))
	}
	return w.l.T("mail.percent", "Percent", w.l.Digits(p))
}
