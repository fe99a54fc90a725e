package stats

import (
	"time"

	"github.com/casetrack/casetrack/internal/stats/survival"
)

// Estimate is the time to decision of one group read through one Policy.
type Estimate struct {
	// Curve is the product-limit estimate of the share still waiting.
	Curve survival.Curve
	// Median, its 95% confidence limits and the other quantiles, in days;
	// nil where the curve does not get there.
	Median   *int
	MedianCI [2]*int
	P25, P75 *int
	P90      *int
	Reporting
	// ReturnRate is the return rate the silent cases were read with.
	ReturnRate float64
	// ExpectedPending is the share of the group's timelines that would
	// have been shared while waiting, and still been waiting a month
	// later, had people shared alike whatever their state: the mean, over
	// the timelines, of the share still waiting sharingMargin days after
	// the day each was first shared. Compare StillPendingAfter.
	ExpectedPending float64
	// SilentBound is the median had every silent case that would not have
	// come back been decided right after its last report: how short the
	// wait could be if silence meant a decision nobody recorded.
	SilentBound *int
	// Cautions say what the sampling interval does not cover here.
	Cautions []Caution
}

// Caution names a way the group's timelines reached the site that can
// make its numbers wrong beyond their sampling error, from measured
// shares; the page says so in words.
type Caution string

const (
	// CautionSharedDecided: a large share of the timelines were shared
	// after their decision, and none, or far fewer than would have been
	// had people shared alike whatever their state, while waiting. People
	// still waiting seem not to share here, and their waits are missing.
	CautionSharedDecided Caution = "shared_after_decision"
	// CautionSilent: enough pending timelines went silent that, had they
	// been decided without anyone recording it, the median would lie
	// below its 95% interval.
	CautionSilent Caution = "silent"
)

// The shared-after-decision caution needs at least sharedDecidedShare of
// the timelines shared decided, and none shared waiting or fewer than
// pendingShortfall times the share expected.
const (
	sharedDecidedShare = 0.25
	pendingShortfall   = 0.5
)

// Estimate reads the group f selects through pol. With window > 0 it is a
// period estimate: only the last window days of calendar time count, so
// the curve is the pace of that window applied to someone filing today.
func (ix *Index) Estimate(f Filter, pol Policy, window int) Estimate {
	pol = ix.resolve(f.Category, pol)
	m := newMatcher(ix.cat, f)
	today := ix.Today()
	ix.mu.RLock()
	s := ix.sample(ix.partition(f.Category), &m, pol, window, today)
	ix.mu.RUnlock()
	return s.estimate()
}

// sample reads the rows m selects in p into one sampler. The caller holds
// the read lock.
func (ix *Index) sample(p *partition, m *matcher, pol Policy, window int, today time.Time) *sampler {
	if p == nil {
		return newSampler(pol, window, 0)
	}
	ag := newAges(p, today)
	s := newSampler(pol, window, tallyDays(p, &ag, pol))
	p.scan(m, func(b *block, sel []uint16) {
		for _, i := range sel {
			s.add(b.key[i], b.seen[i], b.month[i], ag.of(b.month[i]))
		}
	})
	return s
}

// estimate finishes a sampler's estimate.
func (s *sampler) estimate() Estimate {
	cv := s.curve()
	e := Estimate{Curve: cv, ReturnRate: s.pol.ReturnRate}
	e.Median = curveQuantile(cv, 0.5)
	lo, loOK, hi, hiOK := cv.QuantileCI(0.5)
	if loOK {
		e.MedianCI[0] = intPtr(lo)
	}
	if hiOK {
		e.MedianCI[1] = intPtr(hi)
	}
	e.P25, e.P75, e.P90 = curveQuantile(cv, 0.25), curveQuantile(cv, 0.75), curveQuantile(cv, 0.9)
	e.Reporting = s.Reporting
	if s.counts == nil || s.Cases == 0 {
		return e
	}
	byDay := cv.ByDay(len(s.shared))
	total := 0.0
	for d, n := range s.shared {
		total += float64(n) * byDay[d]
	}
	e.ExpectedPending = total / float64(s.Cases)
	if s.Silent > 0 {
		e.SilentBound = curveQuantile(s.silentAsDecided.Curve(), 0.5)
	}
	e.Cautions = e.cautions()
	return e
}

// cautions applies the caution rules to a finished estimate.
func (e *Estimate) cautions() []Caution {
	var out []Caution
	n := float64(e.Cases)
	if float64(e.SharedDecided) >= sharedDecidedShare*n &&
		(e.StillPendingAfter == 0 || float64(e.StillPendingAfter) < pendingShortfall*e.ExpectedPending*n) {
		out = append(out, CautionSharedDecided)
	}
	if b := e.SilentBound; b != nil {
		below := e.MedianCI[0]
		if below == nil {
			below = e.Median
		}
		if below == nil || *b < *below {
			out = append(out, CautionSilent)
		}
	}
	return out
}

func curveQuantile(cv survival.Curve, p float64) *int {
	if v, ok := cv.Quantile(p); ok {
		return intPtr(v)
	}
	return nil
}
