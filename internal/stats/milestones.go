package stats

import (
	"math"
	"time"

	"github.com/casetrack/casetrack/internal/stats/survival"
)

// DaysPerMonth converts days into the months people think in: the
// average month of the Gregorian calendar, 365.25/12 rounded.
const DaysPerMonth = 30.44

// incidenceMonths are the months since filing at which the share of
// cases that got an optional step is reported.
var incidenceMonths = []int{3, 6, 12, 18, 24, 36}

// MilestoneStats describes an optional step (a request for evidence, an
// interview, ...) of a group. The decision competes with it: a case
// decided without the step can no longer get it. So the share that got
// the step by a given time is a cumulative incidence (Aalen-Johansen),
// not one minus a Kaplan-Meier curve censored at the decision, which
// would describe a world where nobody is ever decided.
type MilestoneStats struct {
	Code string `json:"code"`
	Name string `json:"name"`
	// Reached is the number of the group's cases that list the step.
	Reached int `json:"reached"`
	// Incidence is the share of cases that got the step by each of a few
	// months since filing, up to the last day the curve says anything
	// about.
	Incidence []IncidencePoint `json:"incidence"`
	// Eventually is the share that got the step by the last day the curve
	// says anything about; nil when nobody got it.
	Eventually *IncidencePoint `json:"eventually"`
	// AmongReached is when the cases that got the step got it: the days
	// by which a quarter, half and three quarters of the eventual share
	// had it.
	AmongReached Quartiles `json:"among_reached"`
}

// IncidencePoint is a cumulative incidence with its 95% interval (log
// scale, from the infinitesimal-jackknife standard error).
type IncidencePoint struct {
	Months int        `json:"months,omitempty"`
	Days   int        `json:"days"`
	Share  float64    `json:"share"`
	CI     [2]float64 `json:"ci"`
}

// Quartiles are days; nil where not reached.
type Quartiles struct {
	P25    *int `json:"p25"`
	Median *int `json:"median"`
	P75    *int `json:"p75"`
}

// milestoneStats computes the competing-risks statistics of every
// optional step of p for the rows m selects, each case read through pol
// as for its decision. The caller holds the read lock.
func (ix *Index) milestoneStats(p *partition, m *matcher, pol Policy, today time.Time) []MilestoneStats {
	if p == nil || len(p.milestones) == 0 {
		return nil
	}
	nm := len(p.milestones)
	ivs := make([]*survival.Intervals, nm)
	for j := range ivs {
		ivs[j] = survival.NewIntervals()
	}
	reached := make([]int, nm)
	ag := newAges(p, today)
	rate := pol.ReturnRate
	p.scan(m, func(b *block, sel []uint16) {
		for _, i := range sel {
			r, ok := pol.read(b.key[i], b.seen[i], ag.of(b.month[i]))
			for j := range nm {
				v := b.ms[int(i)*nm+j]
				if v != notReached {
					reached[j]++
				}
				if !ok {
					continue
				}
				day := int32(v)
				for _, pt := range r.parts() {
					switch {
					case v != notReached && day <= pt.start:
						// Reached before the case was first shared: it
						// entered past the starting state, and tells
						// nothing of it.
					case v != notReached && day <= r.stop:
						ivs[j].Add(int(pt.start), int(day), 0, pt.w)
					case r.event:
						ivs[j].Add(int(pt.start), int(r.stop), 1, pt.w)
					case r.silentUntil > r.stop && rate > 0:
						ivs[j].Add(int(pt.start), int(r.stop), -1, pt.w*(1-rate))
						ivs[j].Add(int(pt.start), int(r.silentUntil), -1, pt.w*rate)
					default:
						ivs[j].Add(int(pt.start), int(r.stop), -1, pt.w)
					}
				}
			}
		}
	})
	out := make([]MilestoneStats, nm)
	for j := range nm {
		out[j] = incidenceStats(p.milestones[j], p.names[j], reached[j], ivs[j])
	}
	return out
}

// incidenceStats summarises one step's cumulative incidence (kind 0, the
// decision without it kind 1).
func incidenceStats(code, name string, reached int, ivs *survival.Intervals) MilestoneStats {
	ms := MilestoneStats{Code: code, Name: name, Reached: reached, Incidence: []IncidencePoint{}}
	inc := ivs.AalenJohansen(2)
	if inc.LastDay < 0 {
		return ms
	}
	// The days reported, the last one the end of the curve; their
	// standard errors come from one pass over the cases.
	var days, months []int
	for _, mo := range incidenceMonths {
		day := int(math.Round(float64(mo) * DaysPerMonth))
		if day > inc.LastDay {
			break
		}
		days, months = append(days, day), append(months, mo)
	}
	final := inc.At(0, inc.LastDay)
	days = append(days, inc.LastDay)
	var se [][]float64
	if final > 0 {
		se, _ = inc.StdErrs(days)
	}
	point := func(i int) IncidencePoint {
		share := inc.At(0, days[i])
		p := IncidencePoint{Days: days[i], Share: round4(share), CI: [2]float64{round4(share), round4(share)}}
		if se != nil {
			p.CI = logCI(share, se[i][0])
		}
		return p
	}
	for i, mo := range months {
		pt := point(i)
		pt.Months = mo
		ms.Incidence = append(ms.Incidence, pt)
	}
	if final <= 0 {
		return ms
	}
	pt := point(len(days) - 1)
	ms.Eventually = &pt
	// The days by which each share of the eventual incidence had come.
	for i, q := range []float64{0.25, 0.5, 0.75} {
		for d, day := range inc.Days {
			if inc.CIF[0][d] >= q*final-survival.LevelTolerance {
				v := day
				switch i {
				case 0:
					ms.AmongReached.P25 = &v
				case 1:
					ms.AmongReached.Median = &v
				default:
					ms.AmongReached.P75 = &v
				}
				break
			}
		}
	}
	return ms
}

// logCI is the 95% interval of a share on the log scale, R's default:
// share·exp(±z·se/share), the upper end capped at 1.
func logCI(share, se float64) [2]float64 {
	if share <= 0 || se <= 0 {
		return [2]float64{round4(share), round4(share)}
	}
	w := survival.Z975 * se / share
	return [2]float64{round4(share * math.Exp(-w)), round4(min(1, share*math.Exp(w)))}
}
