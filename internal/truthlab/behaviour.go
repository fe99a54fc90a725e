package truthlab

import (
	"math"
	"math/rand/v2"

	"github.com/casetrack/casetrack/internal/truthlab/report"
)

// person is one applicant's true timeline, in days from the 15th of the
// filing month (day 0).
type person struct {
	category int
	age      int // filing months before Now's month
	country  string
	center   string
	// decision is the day of the decision; approved its outcome.
	decision int
	approved bool
	// received is the day of the receipt notice; rfe the day of a request
	// for evidence (-1 for none) and rfeResponse the day it was answered.
	received, rfe, rfeResponse int
	// monthOnly dates are given as a month, as some people remember them.
	monthOnly bool
}

// shared is what a person's timeline looks like on the site at Now: the
// day first shared, the day the decision was recorded (-1: not recorded),
// the last day confirmed still pending (-1: never, as for a timeline
// shared already decided) and the as-of day.
type shared struct {
	first       int
	recorded    int
	lastPending int
	asOf        int
}

// Behaviour is a way of using a community tracker. share decides whether
// and how a person's timeline appears on the site by today (days from the
// person's filing to Now); ok is false when it never does.
type Behaviour struct {
	Name string
	// Doc says in one line what people do.
	Doc   string
	share func(r *rand.Rand, p *person, today, launch int) (shared, bool)
	// Reminders, when set, adds the answers to monthly "still pending?"
	// mails to what people share (see WithReminders); Base is then the
	// name of the behaviour without them.
	Reminders Reminders
	Base      string
}

// Behaviours are the named reporting behaviours of the lab, in the order
// of its tables.
var Behaviours = []Behaviour{
	{Name: "early-faithful", Doc: "share soon after filing, confirm about monthly, record the decision within days", share: earlyFaithful},
	{Name: "delayed-entry", Doc: "find the site at a random time in the first 30 months, share only if still waiting, then faithful", share: delayedEntry},
	{Name: "found-anytime", Doc: "find the site at a random time in the first 30 months and share whatever the state (a history if already decided), then faithful", share: foundAnytime},
	{Name: "retrospective", Doc: "share only after the decision, weeks to months later", share: retrospective},
	{Name: "launch", Doc: "the site opened a year ago: everyone filed before shares their history then (decided or not); later filers share early", share: launch},
	{Name: "stale", Doc: "share early, confirm for a few months, then go silent for good (decisions after that are never recorded)", share: stale},
	{Name: "stale-returning", Doc: "as stale, but 85% of those decided after going silent come back to record the decision", share: staleReturning},
	{Name: "forgetting", Doc: "share early and confirm, but only 55% record their decision; the others just stop", share: forgetting},
	{Name: "mix", Doc: "each person one of the above: 30% early-faithful, 20% delayed-entry, 15% retrospective, 15% stale-returning, 10% stale, 10% forgetting", share: mix},
}

// BehaviourByName returns the named behaviour.
func BehaviourByName(name string) (Behaviour, bool) {
	for _, b := range Behaviours {
		if b.Name == name {
			return b, true
		}
	}
	return Behaviour{}, false
}

func expDays(r *rand.Rand, mean float64) int { return int(math.Floor(r.ExpFloat64() * mean)) }

// follow is a faithful reporter from the day first shared: a confirmation
// every 15 to 45 days while pending, until they stop (stopAfter days
// after sharing; -1 never). A decision while they still report is
// recorded within days when record is set; a decision after they stopped
// is recorded only if they come back (probability back).
func follow(r *rand.Rand, p *person, first, today, stopAfter int, record bool, back float64) (shared, bool) {
	if first > today {
		return shared{}, false
	}
	if p.decision <= first {
		// Already decided when shared: a history.
		return shared{first: first, recorded: first, lastPending: -1, asOf: first}, true
	}
	stop := math.MaxInt
	if stopAfter >= 0 {
		stop = first + stopAfter
	}
	// Reports while pending, up to the decision, stop or today.
	last := first
	for next := first + 15 + r.IntN(31); next < p.decision && next <= stop && next <= today; next += 15 + r.IntN(31) {
		last = next
	}
	s := shared{first: first, recorded: -1, lastPending: last, asOf: last}
	switch {
	case p.decision > today:
		// Still waiting today.
	case p.decision <= stop:
		// Decided while still reporting.
		if record {
			if at := p.decision + expDays(r, 7); at <= today {
				s.recorded, s.asOf = at, at
			}
		}
	default:
		// Decided after going silent.
		if r.Float64() < back {
			if at := p.decision + expDays(r, 20); at <= today {
				s.recorded, s.asOf = at, at
			}
		}
	}
	return s, true
}

func earlyFaithful(r *rand.Rand, p *person, today, _ int) (shared, bool) {
	return follow(r, p, expDays(r, 25), today, -1, true, 0)
}

func delayedEntry(r *rand.Rand, p *person, today, _ int) (shared, bool) {
	first := r.IntN(report.FindWithinDays)
	if p.decision <= first {
		return shared{}, false // decided before finding the site: never shares
	}
	return follow(r, p, first, today, -1, true, 0)
}

func retrospective(r *rand.Rand, p *person, today, _ int) (shared, bool) {
	at := p.decision + expDays(r, 90)
	if at > today {
		return shared{}, false
	}
	return shared{first: at, recorded: at, lastPending: -1, asOf: at}, true
}

func launch(r *rand.Rand, p *person, today, launchDay int) (shared, bool) {
	if launchDay > 0 {
		// Filed before the site opened: share the history in its first
		// weeks, whatever its state.
		return follow(r, p, launchDay+expDays(r, 10), today, -1, true, 0)
	}
	return earlyFaithful(r, p, today, launchDay)
}

func stale(r *rand.Rand, p *person, today, _ int) (shared, bool) {
	return follow(r, p, expDays(r, 25), today, expDays(r, 200), true, 0)
}

func staleReturning(r *rand.Rand, p *person, today, _ int) (shared, bool) {
	return follow(r, p, expDays(r, 25), today, expDays(r, 200), true, report.StaleReturnShare)
}

func forgetting(r *rand.Rand, p *person, today, _ int) (shared, bool) {
	return follow(r, p, expDays(r, 25), today, -1, r.Float64() < report.ForgetRecordShare, 0)
}

func mix(r *rand.Rand, p *person, today, launchDay int) (shared, bool) {
	switch u := r.Float64(); {
	// Constant sums are exact: the thresholds are 0.30, 0.50, 0.65, 0.80
	// and 0.90.
	case u < report.MixEarlyFaithful:
		return earlyFaithful(r, p, today, launchDay)
	case u < report.MixEarlyFaithful+report.MixDelayedEntry:
		return delayedEntry(r, p, today, launchDay)
	case u < report.MixEarlyFaithful+report.MixDelayedEntry+report.MixRetrospective:
		return retrospective(r, p, today, launchDay)
	case u < report.MixEarlyFaithful+report.MixDelayedEntry+report.MixRetrospective+report.MixStaleReturning:
		return staleReturning(r, p, today, launchDay)
	case u < 1-report.MixForgetting:
		return stale(r, p, today, launchDay)
	default:
		return forgetting(r, p, today, launchDay)
	}
}

// foundAnytime is delayed entry where the decided share too: the case
// the delayed-entry reading alone gets wrong.
func foundAnytime(r *rand.Rand, p *person, today, _ int) (shared, bool) {
	return follow(r, p, r.IntN(report.FindWithinDays), today, -1, true, 0)
}
