package truthlab

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/casetrack/casetrack/internal/truthlab/report"
)

// reminderEvery is the days between two "still pending?" mails.
const reminderEvery = 30

// reminderStream is the random stream of the answers to reminders,
// separate from the stream that draws the people and their own reports:
// the same seed gives the same people and the same timelines with and
// without reminders, so a comparison sees the reminders' effect alone.
const reminderStream = 0x72656d696e64

// Reminders is the monthly "still pending?" mail: every timeline shared
// while waiting whose decision is not on the site gets, a month after it
// was shared and every month after that, a mail with two one-click
// answers, "still waiting" and "decided". An answer "still waiting"
// confirms the timeline that day; an answer "decided" records the
// decision (its true date, as precise as the person gives dates) that
// day, and the mails stop.
type Reminders struct {
	// Response is the chance that a person answers one month's mail,
	// whatever they did the months before (0: no reminders).
	Response float64
	// Accounts is the share of timelines kept with an account that
	// receives mail; the others never get a reminder. 0 means all.
	Accounts float64
}

// accounts is the share of timelines with mail.
func (rm Reminders) accounts() float64 { return cmp.Or(rm.Accounts, 1) }

// String names the setting in a behaviour's name: "reminders 50%", or
// "reminders 50% of 60%" when only 60% of timelines get mail.
func (rm Reminders) String() string { return "reminders " + rm.rate() }

// rate is the response rate, and the account share when not all.
func (rm Reminders) rate() string {
	s := percent(rm.Response)
	if a := rm.accounts(); a < 1 {
		s += " of " + percent(a)
	}
	return s
}

func percent(x float64) string { return strconv.FormatFloat(100*x, 'f', -1, 64) + "%" }

// WithReminders is b with monthly reminders: under the same seed, the
// same people share the same timelines as under b, and some of them also
// answer the reminders.
func (b Behaviour) WithReminders(rm Reminders) Behaviour {
	v := b
	v.Base = b.base()
	v.Reminders = rm
	v.Name = b.base() + " +" + rm.String()
	v.Doc = fmt.Sprintf("as %s, and each month %s of the timelines still waiting on the site answer a reminder (\"still waiting\" or \"decided\")",
		b.base(), percent(rm.Response))
	if a := rm.accounts(); a < 1 {
		v.Doc += fmt.Sprintf("; only %s of timelines have an account with mail", percent(a))
	}
	return v
}

// base is the name of the behaviour a variant is built on, or its own.
func (b Behaviour) base() string { return cmp.Or(b.Base, b.Name) }

// apply adds the answers to the reminders to what a person shared by
// today under their behaviour. The timeline is open (no decision on the
// site) from the day shared to the day the behaviour records the
// decision; reminders are sent on the open days a multiple of
// reminderEvery after sharing, up to today. The draws depend on the
// timeline and the account share, never on Response, so a higher rate
// answers every reminder a lower one does, and more.
func (rm Reminders) apply(r *rand.Rand, p *person, s shared, today int) shared {
	if rm.Response <= 0 || s.lastPending < 0 {
		return s // no reminders, or shared already decided: never open
	}
	if r.Float64() >= rm.accounts() {
		return s
	}
	end := today
	if s.recorded >= 0 {
		end = min(end, s.recorded-1)
	}
	for day := s.first + reminderEvery; day <= end; day += reminderEvery {
		if r.Float64() >= rm.Response || s.recorded >= 0 && day >= s.recorded {
			continue
		}
		if day < p.decision {
			s.lastPending = max(s.lastPending, day)
			s.asOf = max(s.asOf, day)
		} else {
			s.recorded, s.asOf = day, day
		}
	}
	return s
}

// FormatReminders writes what reminders change in the published numbers:
// for every behaviour of the report that also ran with reminders, one
// line without them and one per setting, with each target's bias, 95%
// interval coverage and caution share and the outlook's calibration. It
// is empty when the report has no behaviour with reminders.
func FormatReminders(r *report.Report) string {
	var b strings.Builder
	for _, base := range r.Behaviours {
		if base.Base != "" {
			continue
		}
		rows := []report.Named{base}
		for _, v := range r.Behaviours {
			if v.Base == base.Name {
				rows = append(rows, v)
			}
		}
		if len(rows) == 1 {
			continue
		}
		if b.Len() == 0 {
			fmt.Fprintf(&b, "%-16s %-14s", "behaviour", "reminders")
			for _, t := range r.Targets {
				fmt.Fprintf(&b, " | %-22s", fmt.Sprintf("%s (%d days)", t.Name, t.Truth))
			}
			fmt.Fprintf(&b, " | %-34s\n%-16s %-14s", "outlook", "", "")
			for range r.Targets {
				fmt.Fprintf(&b, " | %7s %6s %6s ", "bias", "cover", "flag")
			}
			fmt.Fprintf(&b, " | %6s %6s %6s %8s\n", "cover", "below", "above", "med bias")
		}
		for _, row := range rows {
			setting := "none"
			if row.ReminderResponse > 0 {
				setting = Reminders{Response: row.ReminderResponse, Accounts: row.ReminderAccounts}.rate()
			}
			fmt.Fprintf(&b, "%-16s %-14s", base.Name, setting)
			for _, t := range r.Targets {
				c, _ := r.Cell(row.Name, Published, t.Name)
				fmt.Fprintf(&b, " | %+6.1f%% %5.1f%% %5.1f%% ", 100*c.Bias, 100*c.Coverage, 100*c.Flagged)
			}
			for _, c := range r.Calibration {
				if c.Behaviour == row.Name {
					fmt.Fprintf(&b, " | %5.1f%% %5.1f%% %5.1f%% %+7.1f%%", 100*c.Coverage, 100*c.Below, 100*c.Above, 100*c.MedianBias)
				}
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}
