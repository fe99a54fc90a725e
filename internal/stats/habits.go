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
// return rate when the policy fits it, the policy's own otherwise.
func (ix *Index) Habits(category string, pol Policy) Habits {
	if !pol.FitReturns {
		return Habits{ReturnRate: pol.ReturnRate}
	}
	version, today := ix.Version(), ix.Today()
	if h, ok := ix.habits.get(version, today, pol, category); ok {
		return h
	}
	ix.mu.RLock()
	h := Habits{ReturnRate: ix.fitReturnRate(ix.partition(category), pol, today)}
	ix.mu.RUnlock()
	ix.habits.put(version, today, pol, category, h)
	return h
}

// resolve returns pol with its fitted return rate filled in from the
// category's habits.
func (ix *Index) resolve(category string, pol Policy) Policy {
	if pol.FitReturns {
		pol.ReturnRate = ix.Habits(category, pol).ReturnRate
		pol.FitReturns = false
	}
	return pol
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
	strata := (int(p.maxMonth)-int(p.minMonth))/3 + 1
	stratum := func(month uint16) int { return (int(month) - int(p.minMonth)) / 3 }
	counts := make([]*survival.Counts, strata)
	rate := 0.5
	for range returnFitRounds {
		for i := range counts {
			if counts[i] == nil {
				counts[i] = survival.NewCounts(maxDay, 1)
			} else {
				counts[i].Reset()
			}
		}
		p.scan(&m, func(b *block, sel []uint16) {
			for _, i := range sel {
				age := ag.of(b.month[i])
				if r, ok := pol.read(b.key[i], b.seen[i], age); ok {
					r.add(counts[stratum(b.month[i])], rate, -1)
				}
			}
		})
		// Each stratum's curve by day, and the last day it says anything
		// about.
		curves := make([][]float64, strata)
		lastDay := make([]int32, strata)
		for i, c := range counts {
			cv := c.Curve()
			curves[i], lastDay[i] = cv.ByDay(maxDay+1), int32(cv.LastDay)
		}
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
				st := stratum(b.month[i])
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
