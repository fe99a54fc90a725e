package stats

import (
	"encoding/json"
	"math"
	"time"

	"github.com/casetrack/casetrack/internal/stats/survival"
)

// Result is the statistics of one group of cases, as served by
// GET /api/v1/stats. When Suppressed is set (fewer than MinCases cases) it
// carries no numbers at all, not even the count, and marshals them as null.
type Result struct {
	Filter     Filter
	Suppressed bool
	// MinCases is the k the group was checked against.
	MinCases int
	// AsOf is the day the statistics were computed for: how long pending
	// cases have waited, and the headline's calendar window, depend on it.
	AsOf time.Time

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
	// HowShared says how the group's timelines reached the site.
	HowShared *HowShared
	// Milestones has one entry per intermediate milestone of the category
	// (not received, not a decision), in catalog order.
	Milestones []MilestoneStats
	// Headline answers for someone filing now in the group's category,
	// country and center (see Index.Headline).
	Headline *Headline
}

// Decision describes time from filing to decision in whole days, read
// with DefaultPolicy.
type Decision struct {
	Median   *int    `json:"median"`
	MedianCI [2]*int `json:"median_ci"`
	P25      *int    `json:"p25"`
	P75      *int    `json:"p75"`
	P90      *int    `json:"p90"`
	// NaiveMedianDecided is the median over decided cases only (see
	// NaiveMedian), shown to make the bias of ignoring pending cases
	// visible.
	NaiveMedianDecided *int            `json:"naive_median_decided"`
	Survival           []SurvivalPoint `json:"survival"`
	// Reading is "delayed_entry", or "from_filing" when the Histories
	// guard read the group as a random sample of its filing period.
	Reading string `json:"reading"`
	// Sensitivity has the same median read other ways.
	Sensitivity Sensitivity `json:"sensitivity"`
	// Cautions say what the 95% interval does not cover here; never nil.
	Cautions []Caution `json:"cautions"`
	// Curve is the full estimate with confidence limits, for charts.
	Curve survival.Curve `json:"-"`
}

// Readings of Decision.Reading.
const (
	ReadingDelayedEntry = "delayed_entry"
	ReadingFromFiling   = "from_filing"
)

// Sensitivity is the median of a group read other ways than the
// published one, so that a reader can see how much the reading matters.
type Sensitivity struct {
	// PlainKM is the plain Kaplan-Meier reading (PlainPolicy).
	PlainKM Alternative `json:"plain_km"`
	// SharedWhilePendingOnly leaves out the timelines shared after their
	// decision (SharedLeftOut).
	SharedWhilePendingOnly Alternative `json:"shared_while_pending_only"`
	// IfSilentWereDecided is the median had every silent case that would
	// not have come back been decided right after its last report; null
	// when no case is silent or the median is not reached.
	IfSilentWereDecided *int `json:"if_silent_were_decided"`
}

// Alternative is a median with its 95% interval.
type Alternative struct {
	Median   *int    `json:"median"`
	MedianCI [2]*int `json:"median_ci"`
}

// HowShared says how a group's timelines reached the site: the measured
// shares behind the cautions.
type HowShared struct {
	SharedWhilePending  int `json:"shared_while_pending"`
	SharedAfterDecision int `json:"shared_after_decision"`
	// SharedAfterDecisionShare is SharedAfterDecision over all cases.
	// StillWaitingMonthLaterShare is the share shared while waiting and
	// still waiting a month later (30 days), and ExpectedWhilePendingShare
	// what that share would be had people shared alike whatever their
	// state (the estimated share still waiting 30 days after each day a
	// timeline was first shared, averaged).
	SharedAfterDecisionShare    float64 `json:"shared_after_decision_share"`
	StillWaitingMonthLaterShare float64 `json:"still_waiting_month_later_share"`
	ExpectedWhilePendingShare   float64 `json:"expected_while_pending_share"`
	// Silent pending timelines were not confirmed within GraceDays;
	// ReturnedAfterSilence decisions were recorded after a longer silence;
	// ReturnRate is the category's fitted share of silent people who come
	// back to record their decision.
	Silent               int     `json:"silent"`
	ReturnedAfterSilence int     `json:"returned_after_silence"`
	ReturnRate           float64 `json:"return_rate"`
	GraceDays            int     `json:"grace_days"`
	// SharingAlike is the category's fitted share of people sharing while
	// waiting who would have shared whatever their state (Policy.Alike).
	SharingAlike float64 `json:"sharing_alike"`
}

// SurvivalPoint is one step of the curve as the API shows it.
type SurvivalPoint struct {
	T      int     `json:"t"`
	S      float64 `json:"s"`       // rounded to 4 decimals
	AtRisk float64 `json:"at_risk"` // weighted, rounded to 2 decimals
}

// resultJSON fixes the field order and names of API.md. Pointers marshal as
// null, which is how a suppressed result leaves its numbers out.
type resultJSON struct {
	Filter       Filter           `json:"filter"`
	AsOf         string           `json:"as_of"`
	Cases        *int             `json:"cases"`
	Decided      *int             `json:"decided"`
	Pending      *int             `json:"pending"`
	Approved     *int             `json:"approved"`
	Denied       *int             `json:"denied"`
	RFE          *int             `json:"rfe"`
	ApprovalRate *float64         `json:"approval_rate"`
	RFERate      *float64         `json:"rfe_rate"`
	Decision     *Decision        `json:"decision"`
	HowShared    *HowShared       `json:"how_shared"`
	Milestones   []MilestoneStats `json:"milestones"`
	Headline     *Headline        `json:"headline"`
	Suppressed   bool             `json:"suppressed"`
	MinCases     int              `json:"min_cases"`
}

// MarshalJSON writes the API shape; a suppressed result has every number
// null.
func (r Result) MarshalJSON() ([]byte, error) {
	j := resultJSON{Filter: r.Filter, Suppressed: r.Suppressed, MinCases: r.MinCases, Headline: r.Headline}
	if !r.AsOf.IsZero() {
		j.AsOf = r.AsOf.Format(time.DateOnly)
	}
	if !r.Suppressed {
		j.Cases, j.Decided, j.Pending = &r.Cases, &r.Decided, &r.Pending
		j.Approved, j.Denied, j.RFE = &r.Approved, &r.Denied, r.RFE
		j.ApprovalRate, j.RFERate = r.ApprovalRate, r.RFERate
		j.Decision, j.HowShared, j.Milestones = r.Decision, r.HowShared, r.Milestones
		if j.Milestones == nil {
			j.Milestones = []MilestoneStats{}
		}
	}
	return json.Marshal(j)
}

// statsAcc accumulates the counts of one pass over a partition for Stats,
// and the plain Kaplan-Meier tally.
type statsAcc struct {
	cases, denied, rfe int
	dec                tally // decided = dec.events
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
	today := ix.Today()
	res := Result{Filter: f, MinCases: k, AsOf: today}
	pol := ix.resolve(f.Category, DefaultPolicy)
	pendingOnly := pol
	pendingOnly.Shared = SharedLeftOut
	m := newMatcher(ix.cat, f)

	ix.mu.RLock()
	p := ix.partition(f.Category)
	acc := &statsAcc{}
	p.scan(&m, acc.addBlock)
	var est, alt Estimate
	var ms []MilestoneStats
	if acc.cases >= k {
		est = ix.sample(p, &m, pol, 0, today).estimate()
		alt = ix.sample(p, &m, pendingOnly, 0, today).estimate()
		// Optional steps are read as the decision was: from filing when
		// the launch guard read the group so.
		msPol := pol
		msPol.DelayedEntry = pol.DelayedEntry && !est.ReadFromFiling
		ms = ix.milestoneStats(p, &m, msPol, today)
	}
	ix.mu.RUnlock()

	if acc.cases < k {
		res.Suppressed = true
		h := ix.Headline(f, k)
		res.Headline = &h
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
	plain := acc.dec.curve()
	res.Decision = decisionOf(est, plain)
	if v, ok := acc.dec.naiveMedian(); ok {
		res.Decision.NaiveMedianDecided = intPtr(v)
	}
	res.Decision.Sensitivity.SharedWhilePendingOnly = Alternative{Median: alt.Median, MedianCI: alt.MedianCI}
	res.HowShared = howShared(est, pol)
	res.Milestones = ms
	h := ix.Headline(f, k)
	res.Headline = &h
	return res
}

// decisionOf builds the decision block from the published estimate and
// the plain Kaplan-Meier curve.
func decisionOf(e Estimate, plain survival.Curve) *Decision {
	d := &Decision{
		Median: e.Median, MedianCI: e.MedianCI, P25: e.P25, P75: e.P75, P90: e.P90,
		Survival: make([]SurvivalPoint, len(e.Curve.Points)),
		Reading:  ReadingDelayedEntry,
		Cautions: e.Cautions,
		Curve:    e.Curve,
	}
	if e.ReadFromFiling {
		d.Reading = ReadingFromFiling
	}
	if d.Cautions == nil {
		d.Cautions = []Caution{}
	}
	for i, pt := range e.Curve.Points {
		d.Survival[i] = SurvivalPoint{T: pt.T, S: round4(pt.S), AtRisk: math.Round(pt.AtRisk*100) / 100}
	}
	d.Sensitivity.PlainKM = alternativeOf(plain)
	d.Sensitivity.IfSilentWereDecided = e.SilentBound
	return d
}

// alternativeOf is a curve's median with its interval.
func alternativeOf(cv survival.Curve) Alternative {
	a := Alternative{Median: curveQuantile(cv, 0.5)}
	lo, loOK, hi, hiOK := cv.QuantileCI(0.5)
	if loOK {
		a.MedianCI[0] = intPtr(lo)
	}
	if hiOK {
		a.MedianCI[1] = intPtr(hi)
	}
	return a
}

// howShared reports an estimate's measured shares.
func howShared(e Estimate, pol Policy) *HowShared {
	h := &HowShared{
		SharedWhilePending: e.SharedPending, SharedAfterDecision: e.SharedDecided,
		Silent: e.Silent, ReturnedAfterSilence: e.Returned,
		ReturnRate: round4(e.ReturnRate), GraceDays: pol.Grace, SharingAlike: round4(pol.Alike),
		ExpectedWhilePendingShare: round4(e.ExpectedPending),
	}
	if e.Cases > 0 {
		h.SharedAfterDecisionShare = round4(float64(e.SharedDecided) / float64(e.Cases))
		h.StillWaitingMonthLaterShare = round4(float64(e.StillPendingAfter) / float64(e.Cases))
	}
	return h
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
