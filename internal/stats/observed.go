package stats

import (
	"time"

	"github.com/casetrack/casetrack/internal/stats/survival"
	"github.com/casetrack/casetrack/internal/timeline"
)

// sharedDecided marks, in the low half of block.seen, a case that was
// shared after its decision.
const sharedDecided = 0xFFFF

// Policy is how the estimators read a timeline's history: from when a
// case counts as watched, and what a silence means. Every published number
// uses DefaultPolicy; the others show how much each choice matters (the
// sensitivity lines), and the truth lab measures all of them against
// populations with known answers.
type Policy struct {
	// DelayedEntry counts a case shared while pending as at risk only from
	// the day it was first shared (left truncation): people who find the
	// site while already waiting would not have shared had they been
	// decided earlier, so their waits must not count for the days before
	// they arrived.
	DelayedEntry bool
	// Histories guards delayed entry against a launch. When nearly every
	// case of a group that was shared while waiting entered late, and some
	// of its cases were shared already decided with decisions before
	// that, the early days hold only those decided histories: every case
	// at risk there ends in a decision, and the delayed-entry curve drops
	// as if nobody could wait that long. The two kinds arrived together,
	// as when a site opens and people share what they have whatever its
	// state, so the group is read from filing instead, as a random sample
	// of its filing period (see launchLike).
	Histories bool
	// Grace is the silence rule, in days (0: none). A case counts as
	// followed until Grace days after its last report (first shared, a
	// step added, "still pending" confirmed). A decision that came within
	// Grace days of the last report before it is an observed event; one
	// that came later is not, and the case counts as waiting until Grace
	// days after that report, as a pending case silent as long does (see
	// ReturnRate). A pending case confirmed within the last Grace days
	// counts as waiting until today.
	Grace int
	// ReturnRate is the share of people who, having gone silent, come
	// back to record their decision; FitReturns estimates it for each
	// category instead (Index.Habits). A silent pending case counts as
	// waiting during the Grace days after its last report with this
	// weight: when everyone comes back, silence means still waiting; when
	// nobody does, a silent case says nothing after its last report.
	ReturnRate float64
	FitReturns bool
	// Alike is the share of the people who shared while waiting who would
	// have shared whatever their state: people who find the site at some
	// point and share what they have, decided or not. Their timelines
	// count from filing, as the histories shared by people like them do;
	// the others (who shared because they were still waiting) count from
	// the day they shared. FitAlike estimates it for each category
	// (Index.Habits): the histories shared long after their decision
	// against the number people sharing alike would have brought, given
	// the timelines shared while waiting at each age.
	Alike    float64
	FitAlike bool
	// Shared decides how timelines shared after their decision count.
	Shared SharedRule
}

// SharedRule is how a timeline shared already decided counts.
type SharedRule uint8

const (
	// SharedAsFollowed counts it as if it had been followed from filing:
	// sound for a filing period shared long after nearly all its cases
	// were decided, and for people who share a while after their decision
	// once their whole filing period is decided.
	SharedAsFollowed SharedRule = iota
	// SharedLeftOut leaves it out: the estimate from cases shared while
	// waiting alone.
	SharedLeftOut
	// SharedConditional reads every case conditionally on how it was seen
	// (survival.Arrivals.FitConditional): shared decided, as a decision
	// known to have come before the day it was shared. The textbook
	// remedy for truncation; the truth lab shows where it fails here.
	SharedConditional
)

// DefaultPolicy is what every published number uses; the methodology page
// and the truth lab say why.
var DefaultPolicy = Policy{DelayedEntry: true, Histories: true, Grace: 60, FitReturns: true, FitAlike: true}

// PlainPolicy is the plain Kaplan-Meier reading: every case followed from
// filing, every recorded decision an event, pending cases waiting until
// their as-of date.
var PlainPolicy = Policy{}

// reading is one case read through a policy: at risk on days start+1 ..
// stop, ending with a decision when event is set. A silent pending case
// also counts as waiting until silentUntil (> stop), with the policy's
// return rate as weight. A case shared while waiting counts from filing
// with weight alike and from start with the rest (see Policy.Alike).
type reading struct {
	start, stop, silentUntil int32
	event                    bool
	alike                    float64
}

// part is a share of a reading that starts on one day.
type part struct {
	start int32
	w     float64
}

// parts are the starts of a reading and their weights.
func (r reading) parts() []part {
	if r.alike > 0 && r.start >= 0 {
		return []part{{-1, r.alike}, {r.start, 1 - r.alike}}
	}
	return []part{{r.start, 1}}
}

// read reads one row; age is the days from the case's filing (the 15th)
// to today. ok is false for a row the policy leaves out.
func (p *Policy) read(key uint64, seen uint32, age int32) (r reading, ok bool) {
	dur := rowDur(key)
	entry, last := int32(seen>>16), int32(seen&0xFFFF)
	history := rowEvent(key) && last == sharedDecided
	grace := int32(p.Grace)
	r.start = -1
	if p.DelayedEntry && entry > 0 && !history {
		r.start = entry
	}
	switch {
	case !rowEvent(key):
		r.stop = dur
		switch {
		case grace == 0:
		case age-dur <= grace:
			r.stop = max(dur, age) // confirmed lately: waiting until today
		default:
			r.silentUntil = dur + grace
		}
	case history:
		if p.Shared == SharedLeftOut {
			return r, false
		}
		r.stop, r.event = dur, true
	case grace > 0 && dur-last > grace:
		r.stop = last + grace // decided after a silence: not an observed event
	default:
		r.stop, r.event = dur, true
	}
	if r.start >= 0 && p.Alike > 0 {
		r.alike = min(p.Alike, 1)
		return r, r.stop > -1
	}
	return r, r.stop > r.start
}

// add adds a reading to a tally, the part after a silence weighted by
// returnRate, nothing before windowStart.
func (r reading) add(c *survival.Counts, returnRate float64, windowStart int32) {
	kind := -1
	if r.event {
		kind = 0
	}
	for _, p := range r.parts() {
		start := int(max(p.start, windowStart))
		if r.silentUntil > r.stop && returnRate > 0 {
			c.Add(start, int(r.stop), kind, p.w*(1-returnRate))
			c.Add(start, int(r.silentUntil), kind, p.w*returnRate)
			continue
		}
		c.Add(start, int(r.stop), kind, p.w)
	}
}

// ages maps a filing-month column to the days from that month's 15th to
// today, for one query.
type ages struct {
	base int
	days []int32
}

func newAges(p *partition, today time.Time) ages {
	a := ages{base: int(p.minMonth)}
	if p.minMonth > p.maxMonth {
		return a
	}
	a.days = make([]int32, int(p.maxMonth)-a.base+1)
	for i := range a.days {
		m := timeline.MonthFromOrdinal(a.base + i)
		a.days[i] = int32(min(max(timeline.DaysBetween(m.Mid(), today), 0), MaxDays))
	}
	return a
}

func (a *ages) of(month uint16) int32 { return a.days[int(month)-a.base] }

// max is the largest age of the partition's cases.
func (a *ages) max() int32 {
	if len(a.days) == 0 {
		return 0
	}
	return a.days[0]
}

// Reporting counts how a group's timelines reached the site: the shares
// the page shows beside the numbers and the grounds for its cautions.
type Reporting struct {
	// Cases is the number of timelines in the group.
	Cases int
	// SharedDecided were shared after their decision; SharedPending while
	// still waiting. Of these, StillPendingAfter were still waiting
	// sharingMargin days after they were shared (or shared more lately):
	// a month-only decision in the month a history was shared can look
	// like one that came after, and this count leaves such cases out.
	SharedDecided, SharedPending, StillPendingAfter int
	// Silent are pending timelines not confirmed within the policy's
	// grace; Returned are decisions recorded after a longer silence.
	Silent, Returned int
	// ReadFromFiling is set when the Histories guard read the group from
	// filing.
	ReadFromFiling bool
}

// sampler reads the rows of one group through a policy into the tallies
// of its estimates. Rows come one at a time (add), from one pass over the
// index that may feed many samplers (a breakdown has one per row).
type sampler struct {
	pol    Policy
	window int32 // > 0: a period estimate over the last window days
	maxDay int
	Reporting
	// windowCases were waiting during the window, filed in the months
	// windowMonths (first, last) as ordinals.
	windowCases  int
	windowMonths [2]int

	counts *survival.Counts
	// fromFiling is the group read without delayed entry, for the
	// Histories guard; entries[d+1] counts cases shared waiting that
	// entered on day d, histories[d] histories decided on day d.
	fromFiling         *survival.Counts
	entries, histories []int32
	noEntry            Policy
	// shared[d] counts cases first shared sharingMargin days before day d
	// (or today, if that is earlier); silentAsDecided is
	// the group with its silent cases decided right after their last
	// report (the silence caution's bound); arrivals replace all of these
	// for SharedConditional.
	shared          []int32
	silentAsDecided *survival.Counts
	arrivals        *survival.Arrivals
}

// newSampler returns a sampler for days 0..maxDay. pol must be resolved
// (its return rate known).
func newSampler(pol Policy, window, maxDay int) *sampler {
	s := &sampler{pol: pol, window: int32(window), maxDay: maxDay}
	if pol.Shared == SharedConditional && window == 0 {
		s.arrivals = survival.NewArrivals(maxDay)
		return s
	}
	s.counts = survival.NewCounts(maxDay, 1)
	s.silentAsDecided = survival.NewCounts(maxDay, 1)
	s.shared = make([]int32, maxDay+1)
	if pol.Histories && pol.DelayedEntry {
		s.fromFiling = survival.NewCounts(maxDay, 1)
		s.entries, s.histories = make([]int32, maxDay+2), make([]int32, maxDay+1)
		s.noEntry = pol
		s.noEntry.DelayedEntry = false
	}
	return s
}

// reset empties the sampler for another group.
func (s *sampler) reset() {
	s.Reporting, s.windowCases, s.windowMonths = Reporting{}, 0, [2]int{}
	for _, c := range []*survival.Counts{s.counts, s.silentAsDecided, s.fromFiling} {
		if c != nil {
			c.Reset()
		}
	}
	clear(s.shared)
	clear(s.entries)
	clear(s.histories)
	if s.arrivals != nil {
		s.arrivals = survival.NewArrivals(s.maxDay)
	}
}

// add reads one row of a case filed in the month with the given column
// value, age days ago.
func (s *sampler) add(key uint64, seen uint32, month uint16, age int32) {
	r, ok := s.pol.read(key, seen, age)
	windowStart := int32(-1)
	if s.window > 0 {
		windowStart = age - s.window - 1
		end := rowDur(key)
		if ok {
			end = max(r.stop, r.silentUntil)
		}
		if end <= windowStart {
			return // decided or out of sight before the window
		}
		mo := int(month)
		if s.windowCases == 0 || mo < s.windowMonths[0] {
			s.windowMonths[0] = mo
		}
		s.windowMonths[1] = max(s.windowMonths[1], mo)
		s.windowCases++
	}
	s.Cases++
	dur, entry, last := rowDur(key), int32(seen>>16), int32(seen&0xFFFF)
	grace := int32(s.pol.Grace)
	history := rowEvent(key) && last == sharedDecided
	silent := false
	switch {
	case history:
		s.SharedDecided++
	case !rowEvent(key):
		s.SharedPending++
		s.StillPendingAfter++
		silent = grace > 0 && age-dur > grace
		if silent {
			s.Silent++
		}
	default:
		s.SharedPending++
		if dur-entry > sharingMargin {
			s.StillPendingAfter++
		}
		if grace > 0 && dur-last > grace {
			s.Returned++
		}
	}
	if s.arrivals != nil {
		if ok {
			s.addArrival(r, entry, history)
		}
		return
	}
	rate := s.pol.ReturnRate
	s.shared[min(int(min(entry+sharingMargin, age)), s.maxDay)]++
	if s.fromFiling != nil {
		// The guard looks at every case shared while waiting, even one
		// shared today that has no day at risk yet under delayed entry.
		if !history {
			s.entries[min(int(r.start)+1, s.maxDay+1)]++
		} else if ok {
			s.histories[min(int(r.stop), s.maxDay)]++
		}
		if r2, ok := s.noEntry.read(key, seen, age); ok {
			r2.add(s.fromFiling, rate, windowStart)
		}
	}
	if !ok {
		return
	}
	r.add(s.counts, rate, windowStart)
	// The bound of the silence caution: silent cases that would not have
	// come back (1 - rate of them) decided the day after their last
	// report.
	if silent {
		for _, p := range r.parts() {
			start := int(max(p.start, windowStart))
			s.silentAsDecided.Add(start, int(r.stop)+1, 0, p.w*(1-rate))
			if rate > 0 {
				s.silentAsDecided.Add(start, int(r.silentUntil), -1, p.w*rate)
			}
		}
	} else {
		r.add(s.silentAsDecided, rate, windowStart)
	}
}

// addArrival adds a reading to the conditional reading's sample.
func (s *sampler) addArrival(r reading, entry int32, history bool) {
	if history {
		s.arrivals.AddDecided(int(r.stop), int(entry), 1)
		return
	}
	rate := s.pol.ReturnRate
	if r.silentUntil > r.stop && rate > 0 {
		s.arrivals.AddPending(int(entry), int(r.stop), r.event, 1-rate)
		s.arrivals.AddPending(int(entry), int(r.silentUntil), r.event, rate)
		return
	}
	s.arrivals.AddPending(int(entry), int(r.stop), r.event, 1)
}

// curve is the decision curve of the group: the Histories guard applied,
// or the conditional fit.
func (s *sampler) curve() survival.Curve {
	if s.arrivals != nil {
		return s.arrivals.Curve(s.arrivals.FitConditional(conditionalIterations, conditionalTol))
	}
	if s.fromFiling != nil && launchLike(s.entries, s.histories, s.Cases) {
		s.ReadFromFiling = true
		return s.fromFiling.Curve()
	}
	return s.counts.Curve()
}

// The conditional fit's EM stops after conditionalIterations or when no
// daily mass moves by more than conditionalTol.
const (
	conditionalIterations = 3000
	conditionalTol        = 1e-8
)

// sharingMargin is how long after being shared a case must still have
// been waiting to count, for the shared-after-decision caution, as one
// shared while waiting (see Reporting.StillPendingAfter).
const sharingMargin = 30

// The Histories guard reads a group from filing when at least
// historiesShare of its cases (and at least two) are histories decided
// before the day by which historiesQuantile of its cases shared while
// waiting had entered. In the truth lab a launch a year ago puts 2 to 3%
// of a cohort filed half a year before it there, while delayed entry,
// people sharing after their decision, and their mixes put well under
// 0.5%.
const (
	historiesQuantile = 0.05
	historiesShare    = 0.01
)

// launchLike applies the Histories guard to the day tallies of a group:
// entries[d+1] cases shared waiting entered on day d (d = -1: followed
// from filing), histories[d] histories were decided on day d.
func launchLike(entries, histories []int32, cases int) bool {
	total := 0
	for _, n := range entries {
		total += int(n)
	}
	if total == 0 {
		return false
	}
	need, seen, day := historiesQuantile*float64(total), 0, 0
	for d, n := range entries {
		seen += int(n)
		if float64(seen) >= need {
			day = d - 1
			break
		}
	}
	before := 0
	for d := 0; d < day && d < len(histories); d++ {
		before += int(histories[d])
	}
	return before >= 2 && float64(before) >= historiesShare*float64(cases)
}

// tallyDays is the length of a partition's day tallies under a policy:
// every duration, every case's age (a pending case may count until
// today) and the grace after the last.
func tallyDays(p *partition, ag *ages, pol Policy) int {
	return min(int(max(p.maxDur, ag.max()))+pol.Grace+1, MaxDays+pol.Grace+1)
}
