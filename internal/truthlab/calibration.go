package truthlab

import (
	"math"
	"math/rand/v2"

	"github.com/casetrack/casetrack/internal/stats"
	"github.com/casetrack/casetrack/internal/timeline"
	"github.com/casetrack/casetrack/internal/truthlab/report"
)

// Applicants is how many held-out applicants each replicate asks for an
// outlook.
const Applicants = 40

// applicantAges are the filing months (before Now's) held-out applicants
// are drawn from, uniformly: from one month to four years of waiting.
const minApplicantAge, maxApplicantAge = 1, 48

// openEndedAfter and openEndedGroup pick the answers the open-ended
// share is measured on: applicants waiting longer than six months, in a
// group of at least a hundred cases.
const (
	openEndedAfter = 183
	openEndedGroup = 100
)

// applicant is a held-out person of the measured category still waiting
// today: their filing age, the days waited, and the day they will truly
// be decided.
type applicant struct {
	person
	waited int
}

// drawApplicant draws a person of the measured category who is still
// waiting today. They are drawn from the model, not from the replicate's
// population: nothing they will do is in the data.
func (m *Model) drawApplicant(r *rand.Rand) applicant {
	for {
		age := minApplicantAge + r.IntN(maxApplicantAge-minApplicantAge+1)
		p := m.person(r, 0, age)
		waited := timeline.DaysBetween(m.filedMid(age), m.Now)
		if p.decision > waited {
			return applicant{person: p, waited: waited}
		}
	}
}

// trueRemaining is the true median of the remaining wait of someone
// filed age months ago still waiting after day a: the first day by which
// half of those still waiting are decided, minus a.
func (c *CategoryModel) trueRemaining(age, a int) int {
	fa := c.dayCDF(age, a)
	level := fa + 0.5*(1-fa)
	lo, hi := a, a+1
	for c.dayCDF(age, hi) < level {
		lo, hi = hi, a+2*(hi-a)
	}
	for hi-lo > 1 { // dayCDF(lo) < level <= dayCDF(hi)
		mid := (lo + hi) / 2
		if c.dayCDF(age, mid) < level {
			lo = mid
		} else {
			hi = mid
		}
	}
	return hi - a
}

// outcome is one held-out applicant's outlook against the truth.
type outcome struct {
	answered, covered, below, above bool
	// flagged answers came with a caution.
	flagged bool
	// openEndedBase marks answers the open-ended share counts; openEnded
	// those whose range has no upper end.
	openEndedBase, openEnded bool
	// remaining and truth are the estimated and true median remaining
	// wait; remaining < 0 when not known.
	remaining, truth int
}

// applicantsOf draws the held-out applicants of one replicate of one
// behaviour: the same for the in-process run and the full path.
func (l *Lab) applicantsOf(b, rep, n int) []applicant {
	r := rand.New(rand.NewPCG(l.seedOf(b, rep), 0x6f75746c6f6f6b))
	out := make([]applicant, n)
	for i := range out {
		out[i] = l.Model.drawApplicant(r)
	}
	return out
}

// request is what an applicant asks: their category, country, center and
// filing month, as of today.
func (m *Model) request(ap applicant) stats.OutlookRequest {
	return stats.OutlookRequest{Category: m.Categories[0].Code, Country: ap.country, ServiceCenter: ap.center, Filed: m.month(ap.age)}
}

// calibrate asks the index for the outlook of held-out applicants and
// compares each with its true decision day.
func (m *Model) calibrate(ix *stats.Index, aps []applicant) []outcome {
	c := &m.Categories[0]
	out := make([]outcome, 0, len(aps))
	for _, ap := range aps {
		o := ix.Outlook(m.request(ap), MinCases)
		oc := outcome{remaining: -1, truth: c.trueRemaining(ap.age, ap.waited)}
		if !o.Suppressed() && o.Range[0] != nil {
			oc.answered = true
			oc.flagged = len(o.Cautions) > 0
			left := ap.decision - ap.waited
			oc.below = left < *o.Range[0]
			oc.above = o.Range[1] != nil && left > *o.Range[1]
			oc.covered = !oc.below && !oc.above
			oc.openEndedBase = ap.waited > openEndedAfter && o.Ladder[o.Used].Cases >= openEndedGroup
			oc.openEnded = oc.openEndedBase && o.Range[1] == nil
			if o.Remaining != nil {
				oc.remaining = *o.Remaining
			}
		}
		out = append(out, oc)
	}
	return out
}

// calibrationCell accumulates the outcomes of one behaviour.
type calibrationCell struct {
	applicants, answered, covered, below, above int
	flagged                                     int
	openEndedBase, openEnded                    int
	medianKnown                                 int
	sumErr, sumAbs, sumLog                      float64
}

func (c *calibrationCell) add(os []outcome) {
	for _, o := range os {
		c.applicants++
		if !o.answered {
			continue
		}
		c.answered++
		c.covered += b2i(o.covered)
		c.flagged += b2i(o.flagged)
		c.below += b2i(o.below)
		c.above += b2i(o.above)
		c.openEndedBase += b2i(o.openEndedBase)
		c.openEnded += b2i(o.openEnded)
		if o.remaining >= 0 {
			c.medianKnown++
			rel := float64(o.remaining-o.truth) / float64(o.truth)
			c.sumErr += rel
			c.sumAbs += math.Abs(rel)
			c.sumLog += math.Log(float64(max(o.remaining, 1)) / float64(max(o.truth, 1)))
		}
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (c *calibrationCell) report(behaviour string) report.Calibration {
	share := func(n, of int) float64 { return round4(float64(n) / float64(max(of, 1))) }
	return report.Calibration{Behaviour: behaviour, Applicants: c.applicants, Answered: c.answered,
		Coverage: share(c.covered, c.answered), Below: share(c.below, c.answered), Above: share(c.above, c.answered),
		Flagged:       share(c.flagged, c.answered),
		OpenEndedBase: c.openEndedBase, OpenEnded: share(c.openEnded, c.openEndedBase),
		MedianKnown: c.medianKnown, MedianBias: round4(c.sumErr / float64(max(c.medianKnown, 1))),
		MedianAbsErr: round4(c.sumAbs / float64(max(c.medianKnown, 1))),
		MedianRatio:  round4(math.Exp(c.sumLog/float64(max(c.medianKnown, 1))) - 1)}
}
