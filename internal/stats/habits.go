package stats

import (
	"sync"
	"time"

	"github.com/casetrack/casetrack/internal/stats/survival"
)

// Habits are how the people of a category use the site, fitted from all
// its timelines: a property of the community rather than of a filing
// period, so every estimate of the category reads its cases by them.
type Habits struct {
	// ReturnRate is the share of people who, after going silent for longer
	// than the policy's grace, come back to record their decision (see
	// Policy.ReturnRate).
	ReturnRate float64
	// Alike is the share of people sharing while waiting who would have
	// shared whatever their state (see Policy.Alike).
	Alike float64
}

// habitFits caches the fitted habits of each category for one index
// version, day and policy: fitting takes a few passes over the category,
// and every query of the category needs them.
type habitFits struct {
	mu      sync.Mutex
	version uint64
	day     time.Time
	pol     Policy
	fits    map[string]Habits
}

func (hf *habitFits) get(version uint64, day time.Time, pol Policy, category string) (Habits, bool) {
	hf.mu.Lock()
	defer hf.mu.Unlock()
	if hf.version != version || !hf.day.Equal(day) || hf.pol != pol {
		return Habits{}, false
	}
	h, ok := hf.fits[category]
	return h, ok
}

func (hf *habitFits) put(version uint64, day time.Time, pol Policy, category string, h Habits) {
	hf.mu.Lock()
	defer hf.mu.Unlock()
	if hf.version != version || !hf.day.Equal(day) || hf.pol != pol || hf.fits == nil {
		hf.version, hf.day, hf.pol, hf.fits = version, day, pol, map[string]Habits{}
	}
	hf.fits[category] = h
}

// Habits fits how the people of a category use the site under pol: the
// parts the policy fits (FitAlike, FitReturns), the policy's own values
// otherwise.
func (ix *Index) Habits(category string, pol Policy) Habits {
	h := Habits{ReturnRate: pol.ReturnRate, Alike: pol.Alike}
	if !pol.FitReturns && !pol.FitAlike {
		return h
	}
	version, today := ix.Version(), ix.Today()
	if c, ok := ix.habits.get(version, today, pol, category); ok {
		return c
	}
	ix.mu.RLock()
	p := ix.partition(category)
	fit := pol
	fit.FitReturns, fit.FitAlike = false, false
	if pol.FitAlike {
		// With silent cases read as if half came back: the share sharing
		// alike hardly depends on it, and the return rate is fitted next
		// with the share found.
		if pol.FitReturns {
			fit.ReturnRate = 0.5
		}
		h.Alike = ix.fitAlike(p, fit, today)
		fit.Alike = h.Alike
	}
	if pol.FitReturns {
		h.ReturnRate = ix.fitReturnRate(p, fit, today)
	}
	ix.mu.RUnlock()
	ix.habits.put(version, today, pol, category, h)
	return h
}

// resolve returns pol with its fitted parts filled in from the
// category's habits.
func (ix *Index) resolve(category string, pol Policy) Policy {
	if pol.FitReturns || pol.FitAlike {
		h := ix.Habits(category, pol)
		pol.ReturnRate, pol.Alike = h.ReturnRate, h.Alike
		pol.FitReturns, pol.FitAlike = false, false
	}
	return pol
}

// quarterCurves reads every case of p through pol and returns the decision
// curve of each filing quarter by day (the share still waiting after each
// day) and the last day each says anything about. The caller holds the
// read lock.
func quarterCurves(p *partition, ag *ages, pol Policy, maxDay int) (curves [][]float64, lastDay []int32) {
	var m matcher
	m.all = true
	strata := (int(p.maxMonth)-int(p.minMonth))/3 + 1
	counts := make([]*survival.Counts, strata)
	for i := range counts {
		counts[i] = survival.NewCounts(maxDay, 1)
	}
	p.scan(&m, func(b *block, sel []uint16) {
		for _, i := range sel {
			if r, ok := pol.read(b.key[i], b.seen[i], ag.of(b.month[i])); ok {
				r.add(counts[quarterOf(p, b.month[i])], pol.ReturnRate, -1)
			}
		}
	})
	curves, lastDay = make([][]float64, strata), make([]int32, strata)
	for i, c := range counts {
		cv := c.Curve()
		curves[i], lastDay[i] = cv.ByDay(maxDay+1), int32(cv.LastDay)
	}
	return curves, lastDay
}

// quarterOf is the filing quarter of a month column within p.
func quarterOf(p *partition, month uint16) int { return (int(month) - int(p.minMonth)) / 3 }

// alikeDelay is how long after its decision a history must have been
// shared to count as brought by someone who shares whatever their state:
// people who share because they were just decided share within weeks, and
// would otherwise be taken for them.
const alikeDelay = 365

// fitAlikeRounds is how often the share and the curves it reads are
// refitted in turn.
const fitAlikeRounds = 3

// fitAlike estimates the share of people sharing while waiting who would
// have shared whatever their state. People sharing alike who arrive at age
// e bring histories decided at least alikeDelay days before with
// probability F(e-alikeDelay), and pending timelines with probability
// S(e); so over the category the histories shared that long after their
// decision, divided by the sum over timelines shared while waiting of
// F(e-alikeDelay)/S(e), estimate the share (each filing quarter with its
// own curve). The caller holds the read lock.
func (ix *Index) fitAlike(p *partition, pol Policy, today time.Time) float64 {
	if p == nil || p.n == 0 || !pol.DelayedEntry {
		return 0
	}
	var m matcher
	m.all = true
	ag := newAges(p, today)
	maxDay := tallyDays(p, &ag, pol)
	// Start from everyone sharing alike, the reading that never leaves
	// the early days to histories alone.
	share := 1.0
	for range fitAlikeRounds {
		pol.Alike = share
		curves, _ := quarterCurves(p, &ag, pol, maxDay)
		histories, expected := 0.0, 0.0
		p.scan(&m, func(b *block, sel []uint16) {
			for _, i := range sel {
				key, seen := b.key[i], b.seen[i]
				entry, last := int32(seen>>16), int32(seen&0xFFFF)
				if rowEvent(key) && last == sharedDecided {
					if entry-rowDur(key) > alikeDelay {
						histories++
					}
					continue
				}
				if entry <= alikeDelay {
					continue
				}
				cv := curves[quarterOf(p, b.month[i])]
				if s := cv[min(int(entry), maxDay)]; s > 0 {
					expected += (1 - cv[int(entry)-alikeDelay]) / s
				}
			}
		})
		if expected <= 0 {
			return 0
		}
		share = min(histories/expected, 1)
	}
	return share
}

// returnFitRounds is how often the rate and the curves it weights are
// refitted in turn; the rate moves by well under a percentage point after
// the third round on the truth lab's populations.
const returnFitRounds = 3

// fitReturnRate estimates the return rate of one partition. The caller
// holds the read lock.
func (ix *Index) fitReturnRate(p *partition, pol Policy, today time.Time) float64 {
	if p == nil || p.n == 0 || pol.Grace <= 0 {
		return 0
	}
	var m matcher
	m.all = true
	ag := newAges(p, today)
	grace := int32(pol.Grace)
	maxDay := tallyDays(p, &ag, pol)
	rate := 0.5
	for range returnFitRounds {
		pol.ReturnRate = rate
		curves, lastDay := quarterCurves(p, &ag, pol, maxDay)
		returned, expected := 0.0, 0.0
		p.scan(&m, func(b *block, sel []uint16) {
			for _, i := range sel {
				key, seen := b.key[i], b.seen[i]
				dur, last := rowDur(key), int32(seen&0xFFFF)
				age := ag.of(b.month[i])
				var from int32
				switch {
				case !rowEvent(key) && age-dur > grace:
					from = dur + grace // silent since its last report
				case rowEvent(key) && last != sharedDecided && dur-last > grace:
					from = last + grace // came back after a silence
				default:
					continue
				}
				st := quarterOf(p, b.month[i])
				if from > lastDay[st] {
					continue // the curve says nothing that late
				}
				if rowEvent(key) {
					returned++
				}
				cv := curves[st]
				if s := cv[from]; s > 0 {
					expected += 1 - cv[min(int(age), maxDay)]/s
				}
			}
		})
		if expected <= 0 {
			return 0
		}
		rate = min(returned/expected, 1)
	}
	return rate
}
