package seed

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/timeline"
)

// pcgStream is the second PCG seed word; fixed so that the user-facing seed
// alone determines the output.
const pcgStream = 0x5eed_ca5e_7ac4_0001

// minDecisionGap is the fewest days between receipt notice and decision.
const minDecisionGap = 5

// Generate returns n realistic synthetic cases (IDs set, AsOf/Created set)
// as of now, deterministic for a seed: the same catalog, n, day of now and
// seed give the same cases in the same order. It calls fn once per case and
// stops at the first error fn returns, returning that error unchanged.
//
// Every case follows the rules timeline.Validate enforces for submissions:
// codes from the category's milestones, dates not before the filing month
// and not after today, at most one decision, nothing before the receipt
// notice, as-of and creation dates not in the future.
func Generate(cat *catalog.Catalog, n int, now time.Time, seed uint64, fn func(c *timeline.Case) error) error {
	if n < 0 {
		return fmt.Errorf("seed: negative case count %d", n)
	}
	pl, err := newPlan(cat, now)
	if err != nil {
		return err
	}
	r := rand.New(rand.NewPCG(seed, pcgStream))
	for range n {
		if err := fn(pl.next(r)); err != nil {
			return err
		}
	}
	return nil
}

// next builds one case. Times are drawn first as whole day numbers for the
// full life of the case; whatever would happen after today is then cut off,
// which is what makes a case pending.
func (pl *plan) next(r *rand.Rand) *timeline.Case {
	cp := &pl.categories[pl.pickCategory.pick(r)]
	p := &cp.p
	c := &timeline.Case{
		ID:       caseID(r),
		Category: cp.code,
		Country:  pl.countries[cp.pickCountry.pick(r)],
	}
	factor := 1.0
	if len(cp.centers) > 0 && r.Float64() >= noCenterShare {
		sc := cp.centers[cp.pickCenter.pick(r)]
		c.ServiceCenter, factor = sc.code, sc.factor
	}
	fm := &pl.months[pl.pickMonth.pick(r)]
	c.Filed = fm.month
	filed := fm.first + r.IntN(fm.days)
	factor *= math.Exp(p.trend * (float64(fm.ordinal) - pl.midOrdinal) / 12)

	var day [numSteps]int
	var set [numSteps]bool
	put := func(s step, d int) { day[s], set[s] = d, true }

	recv := filed + clampDays(logNormal(r, receiptMedian, 0.45), 1, 60)
	put(stepReceived, recv)

	premium := p.premium > 0 && r.Float64() < p.premium
	var base float64
	if premium {
		base = logNormal(r, p.premiumMedian, 0.4)
	} else {
		base = logNormal(r, p.median*factor, p.sigma)
	}
	transferred := cp.has[stepTransferred] && r.Float64() < p.transfer
	if transferred {
		base *= transferSlowdown
	}
	decision := filed + clampDays(base, recv-filed+minDecisionGap, maxDecisionDays)

	deny := cp.denyNoRFE
	if cp.has[stepRFE] && r.Float64() < p.rfe {
		deny = cp.denyRFE
		rfe := recv + max(1, int(uniform(r, 0.3, 0.75)*float64(decision-recv)))
		lag := clampDays(logNormal(r, rfeResponseMedian, 0.4), 7, 100)
		after := float64(afterRFEMedian)
		if premium {
			after = afterRFEPremium
		}
		decision = max(decision+lag, rfe+lag+clampDays(logNormal(r, after, 0.6), 1, 365))
		put(stepRFE, rfe)
		if cp.has[stepRFEResponse] {
			put(stepRFEResponse, rfe+lag)
		}
	}
	if cp.has[stepBiometrics] && r.Float64() < biometricsReported {
		if b := recv + clampDays(logNormal(r, biometricsMedian, 0.35), 7, 180); b < decision {
			put(stepBiometrics, b)
		}
	}
	if transferred {
		if t := recv + max(1, int(uniform(r, 0.1, 0.6)*float64(decision-recv))); t < decision {
			put(stepTransferred, t)
		}
	}
	if cp.has[stepInterview] && r.Float64() < p.interview {
		iv := decision
		if r.Float64() >= p.sameDay {
			iv -= clampDays(logNormal(r, p.interviewLag, 0.5), 1, 365)
		}
		latest := recv
		for s := range stepInterview {
			if set[s] {
				latest = max(latest, day[s])
			}
		}
		if iv > latest {
			put(stepInterview, iv)
		}
	}
	outcome := stepApproved
	if r.Float64() < deny {
		outcome = stepDenied
	}
	put(outcome, decision)

	// Cut off the future.
	last := filed
	for s := range numSteps {
		if set[s] && day[s] > pl.today {
			set[s] = false
		}
		if set[s] {
			last = max(last, day[s])
		}
	}
	decided := set[outcome]

	asOf := pl.asOf(r, decided, decision, last)
	// The day the person found the site and shared, whatever the state of
	// their case: most soon after the receipt notice, the others at a time
	// that has nothing to do with how long the case takes. Someone who
	// arrives decided shares the history on that day; an arrival after the
	// last update is brought back to it.
	start := min(filed, asOf)
	if set[stepReceived] {
		start = recv
	}
	created := start + int(r.ExpFloat64()*sharedEarlyMean)
	if r.Float64() >= sharedEarlyShare {
		created = start + r.IntN(sharedLateDays)
	}
	if decided && created > asOf && created <= pl.today {
		asOf = created
	}
	created = min(created, asOf)
	c.Milestones = pl.milestones(r, cp, &day, &set, asOf)
	c.AsOf = dayTime(asOf)
	c.Created = dayTime(created)
	if decided && created < decision {
		// Shared while waiting: most people confirmed within weeks of the
		// decision; a few went silent and came back only to record it.
		lp := decision - 1 - r.IntN(45)
		if r.Float64() < silentThenBackShare {
			lp = created + r.IntN(decision-created)
		}
		c.LastPending = dayTime(max(lp, created))
	}
	if r.Float64() < noteShare {
		c.Note = pickNote(r, cp, &set, premium)
	}
	c.Details = pl.details(cp, c, premium, set[stepInterview])
	return c
}

// asOf picks the day the case was last submitted, updated or confirmed:
// decided cases on their decision day or a little later; pending cases
// mostly confirmed in the last weeks, the rest gone stale at some point
// after their last milestone.
func (pl *plan) asOf(r *rand.Rand, decided bool, decision, last int) int {
	if decided {
		d := decision
		if r.Float64() < decidedLaterShare {
			d += int(r.ExpFloat64() * decidedLaterMean)
		}
		return min(d, pl.today)
	}
	if r.Float64() < recentConfirmShare {
		return max(last, pl.today-int(r.ExpFloat64()*recentConfirmMean))
	}
	return last + r.IntN(pl.today-last+1)
}

// milestones orders the steps that happened and gives some of them as a
// month only. A month-only date counts as the 15th, so a date is shortened
// only when the 15th keeps it in order with its neighbours and not after
// the as-of day; the order of the timeline never changes.
func (pl *plan) milestones(r *rand.Rand, cp *categoryPlan, day *[numSteps]int, set *[numSteps]bool, asOf int) []timeline.Milestone {
	var order [numSteps]step
	k := 0
	for s := range numSteps {
		if !set[s] {
			continue
		}
		// Insertion sort by (day, catalog position): at most eight entries.
		i := k
		for i > 0 && (day[order[i-1]] > day[s] || day[order[i-1]] == day[s] && cp.order[order[i-1]] > cp.order[s]) {
			order[i] = order[i-1]
			i--
		}
		order[i] = s
		k++
	}
	if k == 0 {
		return nil
	}
	rate := 0.0
	switch u := r.Float64(); {
	case u < allMonthOnlyShare:
		rate = 1
	case u < allMonthOnlyShare+someMonthOnlyShare:
		rate = someMonthOnlyRate
	}
	// sortsBefore reports whether step a on day da comes before step b on
	// day db in a timeline: by date, ties in catalog order.
	sortsBefore := func(da int, a step, db int, b step) bool {
		return da < db || da == db && cp.order[a] < cp.order[b]
	}
	out := make([]timeline.Milestone, k)
	prevDay, prevStep := math.MinInt, step(-1)
	for i, s := range order[:k] {
		d := day[s]
		y, m, dd := dayTime(d).Date()
		date := timeline.ApproxDate{Year: y, Month: m, Day: dd}
		eff := d
		if rate > 0 && r.Float64() < rate {
			mid := d - dd + 15
			ok := mid <= asOf && mid <= pl.today
			if i > 0 {
				ok = ok && sortsBefore(prevDay, prevStep, mid, s)
			}
			if i+1 < k {
				ok = ok && sortsBefore(mid, s, day[order[i+1]], order[i+1])
			}
			if ok {
				date.Day, eff = 0, mid
			}
		}
		prevDay, prevStep = eff, s
		out[i] = timeline.Milestone{Code: stepCodes[s], Date: date}
	}
	return out
}

// pickNote draws a note from the pools that fit the case.
func pickNote(r *rand.Rand, cp *categoryPlan, set *[numSteps]bool, premium bool) string {
	var pools [8][]string
	k := 0
	add := func(p []string) {
		if len(p) > 0 {
			pools[k] = p
			k++
		}
	}
	add(notesGeneric)
	if p, ok := notesByCategory[cp.code]; ok {
		add(p)
	} else {
		add(notesByForm[cp.form])
	}
	switch {
	case set[stepApproved]:
		add(notesApproved)
	case set[stepDenied]:
		add(notesDenied)
	}
	if set[stepRFE] {
		add(notesRFE)
	}
	if set[stepInterview] {
		add(notesInterview)
	}
	if set[stepTransferred] {
		add(notesTransferred)
	}
	if premium {
		add(notesPremium)
	}
	pool := pools[r.IntN(k)]
	return pool[r.IntN(len(pool))]
}
