package stats

import (
	"encoding/json"
	"math"
)

// Result is the statistics of one group of cases, as served by
// GET /api/v1/stats. When Suppressed is set (fewer than MinCases cases) it
// carries no numbers at all, not even the count, and marshals them as null.
type Result struct {
	Filter     Filter
	Suppressed bool
	// MinCases is the k the group was checked against.
	MinCases int

	Cases, Decided, Pending, Approved, Denied int
	// RFE is the number of cases with an rfe milestone; nil when the
	// category has no rfe milestone.
	RFE *int
	// ApprovalRate is approved/decided rounded to 4 decimals; nil when
	// nothing is decided.
	ApprovalRate *float64
	// RFERate is RFE/Cases rounded to 4 decimals; nil when the category has
	// no rfe milestone or the group is empty.
	RFERate *float64

	Decision *Decision
	// Milestones has one entry per intermediate milestone of the category
	// (not received, not a decision), in catalog order.
	Milestones []MilestoneStats
}

// Decision describes time from filing to decision in whole days.
type Decision struct {
	Median   *int    `json:"median"`
	MedianCI [2]*int `json:"median_ci"`
	P25      *int    `json:"p25"`
	P75      *int    `json:"p75"`
	P90      *int    `json:"p90"`
	// NaiveMedianDecided is the median over decided cases only (see
	// NaiveMedian), shown to make the survivorship bias visible.
	NaiveMedianDecided *int            `json:"naive_median_decided"`
	Survival           []SurvivalPoint `json:"survival"`
	// Curve is the full estimate with confidence limits, for charts.
	Curve Curve `json:"-"`
}

// SurvivalPoint is one step of the curve as the API shows it.
type SurvivalPoint struct {
	T      int     `json:"t"`
	S      float64 `json:"s"` // rounded to 4 decimals
	AtRisk int     `json:"at_risk"`
}

// MilestoneStats describes time from filing to one intermediate milestone.
// A case that has not reached the milestone is censored at its as-of
// duration, or at its decision duration when it was decided without it.
type MilestoneStats struct {
	Code     string  `json:"code"`
	Name     string  `json:"name"`
	Reached  int     `json:"reached"`
	Median   *int    `json:"median"`
	MedianCI [2]*int `json:"median_ci"`
	P25      *int    `json:"p25"`
	P75      *int    `json:"p75"`
}

// resultJSON fixes the field order and names of API.md. Pointers marshal as
// null, which is how a suppressed result leaves its numbers out.
type resultJSON struct {
	Filter       Filter           `json:"filter"`
	Cases        *int             `json:"cases"`
	Decided      *int             `json:"decided"`
	Pending      *int             `json:"pending"`
	Approved     *int             `json:"approved"`
	Denied       *int             `json:"denied"`
	RFE          *int             `json:"rfe"`
	ApprovalRate *float64         `json:"approval_rate"`
	RFERate      *float64         `json:"rfe_rate"`
	Decision     *Decision        `json:"decision"`
	Milestones   []MilestoneStats `json:"milestones"`
	Suppressed   bool             `json:"suppressed"`
	MinCases     int              `json:"min_cases"`
}

// MarshalJSON writes the API shape; a suppressed result has every number
// null.
func (r Result) MarshalJSON() ([]byte, error) {
	j := resultJSON{Filter: r.Filter, Suppressed: r.Suppressed, MinCases: r.MinCases}
	if !r.Suppressed {
		j.Cases, j.Decided, j.Pending = &r.Cases, &r.Decided, &r.Pending
		j.Approved, j.Denied, j.RFE = &r.Approved, &r.Denied, r.RFE
		j.ApprovalRate, j.RFERate = r.ApprovalRate, r.RFERate
		j.Decision, j.Milestones = r.Decision, r.Milestones
		if j.Milestones == nil {
			j.Milestones = []MilestoneStats{}
		}
	}
	return json.Marshal(j)
}

// statsAcc accumulates one pass over a partition for Stats.
type statsAcc struct {
	cases, denied, rfe int
	dec                tally // decided = dec.events
	// msEvents[j][t] counts milestone j reached on day t, and msCens[j][t]
	// the cases censored for it at day t. Milestone times are not in row
	// order, so they are counted by day rather than appended to a tally.
	// msEvents has msScratch extra cells at the end (see addBlock).
	msEvents, msCens [][]int32
}

// msScratch is the number of throw-away cells after the day cells of each
// msEvents array.
const msScratch = 16

func newStatsAcc(p *partition) *statsAcc {
	acc := &statsAcc{}
	if p == nil {
		return acc
	}
	nm := len(p.milestones)
	acc.msEvents = make([][]int32, nm)
	acc.msCens = make([][]int32, nm)
	for j := range nm {
		acc.msEvents[j] = make([]int32, int(p.maxDur)+1+msScratch)
		acc.msCens[j] = make([]int32, int(p.maxDur)+1)
	}
	return acc
}

// addBlock adds the selected rows of one block.
func (acc *statsAcc) addBlock(b *block, sel []uint16) {
	keys := b.key
	acc.cases += len(sel)

	// Rows arrive sorted by key, so equal (duration, censored) pairs form
	// runs: count each run in a register and record it once.
	run, n := keys[sel[0]]>>32, int32(0)
	var denied, rfe uint64
	for _, i := range sel {
		k := keys[i]
		denied += k & keyDenied
		rfe += k & keyRFE
		if k>>32 != run {
			acc.dec.addRun(int32(run>>1), run&1 == 0, n)
			run, n = k>>32, 0
		}
		n++
	}
	acc.dec.addRun(int32(run>>1), run&1 == 0, n)
	acc.denied += int(denied / keyDenied)
	acc.rfe += int(rfe / keyRFE)

	// Per milestone: a reached row is an event at its milestone day, any
	// other row is censored at its own duration. Whether a row reached the
	// milestone is close to a coin flip, so instead of branching on it the
	// loop always increments one cell of msEvents: the milestone day's, or
	// for an unreached row a scratch cell (rotating, so that consecutive
	// increments do not wait on each other). Censorings come in duration
	// order and are counted in runs like the decision times.
	m := len(acc.msEvents)
	for j := range m {
		ev, ce := acc.msEvents[j], acc.msCens[j]
		scratch := int32(len(ev) - msScratch)
		cur, n := rowDur(keys[sel[0]]), int32(0)
		for _, i := range sel {
			if d := rowDur(keys[i]); d != cur {
				ce[cur] += n
				cur, n = d, 0
			}
			v := int32(b.ms[int(i)*m+j])
			miss := (v-notReached)>>31 ^ -1 // -1 when not reached, else 0
			n -= miss
			ev[v&^miss|(scratch+int32(i%msScratch))&miss]++
		}
		ce[cur] += n
	}
}

// Count returns the number of cases f selects: enough to decide whether a
// group is suppressed (Count < k) without computing its statistics.
func (ix *Index) Count(f Filter) int {
	m := newMatcher(ix.cat, f)
	n := 0
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	ix.partition(f.Category).scan(&m, func(_ *block, sel []uint16) { n += len(sel) })
	return n
}

// Stats computes the statistics of the group selected by f, suppressed
// when it has fewer than k cases.
func (ix *Index) Stats(f Filter, k int) Result {
	res := Result{Filter: f, MinCases: k}
	m := newMatcher(ix.cat, f)

	ix.mu.RLock()
	p := ix.partition(f.Category)
	acc := newStatsAcc(p)
	p.scan(&m, acc.addBlock)
	ix.mu.RUnlock()

	if acc.cases < k {
		res.Suppressed = true
		return res
	}
	res.Cases = acc.cases
	res.Decided = acc.dec.events
	res.Pending = acc.cases - res.Decided
	res.Denied = acc.denied
	res.Approved = res.Decided - acc.denied
	res.ApprovalRate = rate(res.Approved, res.Decided)
	if p != nil && p.hasRFE {
		res.RFE = intPtr(acc.rfe)
		res.RFERate = rate(acc.rfe, acc.cases)
	}
	res.Decision = decisionOf(&acc.dec)
	if p != nil {
		for j, code := range p.milestones {
			var tl tally
			for t, c := range acc.msCens[j] {
				tl.addCounts(int32(t), acc.msEvents[j][t], c)
			}
			cv := tl.curve()
			ms := MilestoneStats{Code: code, Name: p.names[j], Reached: tl.events}
			ms.Median = quantile(cv, 0.5)
			ms.MedianCI = medianCI(cv)
			ms.P25 = quantile(cv, 0.25)
			ms.P75 = quantile(cv, 0.75)
			res.Milestones = append(res.Milestones, ms)
		}
	}
	return res
}

// decisionOf computes the decision block from a tally.
func decisionOf(tl *tally) *Decision {
	cv := tl.curve()
	d := &Decision{
		Median:   quantile(cv, 0.5),
		MedianCI: medianCI(cv),
		P25:      quantile(cv, 0.25),
		P75:      quantile(cv, 0.75),
		P90:      quantile(cv, 0.9),
		Survival: make([]SurvivalPoint, len(cv.Points)),
		Curve:    cv,
	}
	if v, ok := tl.naiveMedian(); ok {
		d.NaiveMedianDecided = intPtr(v)
	}
	for i, pt := range cv.Points {
		d.Survival[i] = SurvivalPoint{T: pt.T, S: round4(pt.S), AtRisk: pt.AtRisk}
	}
	return d
}

func quantile(cv Curve, p float64) *int {
	if v, ok := cv.Quantile(p); ok {
		return intPtr(v)
	}
	return nil
}

func medianCI(cv Curve) [2]*int {
	var ci [2]*int
	lo, loOK, hi, hiOK := cv.MedianCI()
	if loOK {
		ci[0] = intPtr(lo)
	}
	if hiOK {
		ci[1] = intPtr(hi)
	}
	return ci
}

// rate returns num/den rounded to 4 decimals, nil when den is 0.
func rate(num, den int) *float64 {
	if den == 0 {
		return nil
	}
	v := round4(float64(num) / float64(den))
	return &v
}

func round4(v float64) float64 { return math.Round(v*1e4) / 1e4 }

func intPtr(v int) *int { return &v }
