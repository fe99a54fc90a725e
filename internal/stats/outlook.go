package stats

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/casetrack/casetrack/internal/stats/survival"
	"github.com/casetrack/casetrack/internal/timeline"
)

// OutlookRequest is an applicant asking where their case stands.
type OutlookRequest struct {
	Category, Country string
	// ServiceCenter is a catalog code, or "" when not given (the ladder
	// then starts without it).
	ServiceCenter string
	Filed         timeline.Month
	// AsOf is the last day the case was known to be waiting, or the day
	// it was decided: today when zero, and never after today.
	AsOf time.Time
}

// Rung is one group of the ladder of similar cases.
type Rung struct {
	Filter Filter
	// Suppressed rungs (fewer than k cases) carry no numbers.
	Suppressed bool
	// Cases were waiting during the window of the recent pace;
	// AtRiskBeyond of them were still waiting after the applicant's day.
	Cases        int
	AtRiskBeyond int
	// Enough says the rung has enough cases still at risk after the
	// applicant's day (see OutlookWith): the first such rung is the one
	// the outlook uses.
	Enough bool
}

// Segment says which rung the curve's daily decision rates come from,
// for the days From to To.
type Segment struct {
	From, To int
	Rung     int
}

// Outlook is where a case stands among similar cases and, while it is
// pending, when it is likely to be decided. It reads the recent pace
// (the period estimate of the last HeadlineWindow days, as the Explore
// headline does) of the most specific group with at least k cases still
// waiting after the applicant's day a, and takes everything from the
// curve conditioned on still waiting at a, S(t)/S(a).
//
// A narrow group's cases cannot have waited much longer than the
// applicant (those filed six months earlier have waited six months
// more), so on each day the curve takes its decision rate from the first
// group of the ladder, starting with the one used, that has at least k
// cases at risk that day. The curve is then the group's own where it
// knows enough and the nearest wider group's beyond, instead of ending
// where the group's experience ends.
type Outlook struct {
	Request OutlookRequest
	// Day is a, the days from the filing month's 15th to AsOf.
	Day int
	// Ladder is every group tried, most specific first; Used is the index
	// of the one the numbers come from, -1 when none had enough cases
	// (the outlook is then suppressed).
	Ladder []Rung
	Used   int
	// Segments says which rung each stretch of the curve comes from.
	Segments []Segment
	// DecidedByNow is the share of similar cases decided by day a, 1-S(a).
	DecidedByNow float64
	// Remaining is the median of the remaining wait in days, the first t
	// with S(a+t)/S(a) <= 0.5; nil when the curve does not get there.
	Remaining *int
	// Range holds the remaining days by which a tenth and nine tenths of
	// similar cases still waiting at a are decided: the 80% range. An end
	// is nil when the curve stops first; AtLeast is then the days from a
	// to the curve's last day, the least the range's upper end can be.
	Range   [2]*int
	AtLeast int
	// Approval is the share of the group's decided cases that were
	// approved; Decided how many were decided, Shorter how many of them
	// took fewer than a days (the rank: a case still waiting has waited
	// longer than Shorter of Decided).
	Approval         *float64
	Decided, Shorter int
	// Curve is the spliced recent-pace curve, for the page's bar.
	Curve survival.Curve
	// Cautions are those of the group used and of the widest group of the
	// ladder: how the timelines reached the site may make the numbers too
	// short or too long (see Caution).
	Cautions []Caution
	// Drift is the category's drift (see Index.Drift), by which the
	// remaining wait is read for the applicant's filing date.
	Drift float64
}

// DriftPerYear is the factor by which waits grow from one year's filers
// to the next's: 1.2 when cases filed a year later take 20% longer.
func (o Outlook) DriftPerYear() float64 { return math.Exp(o.Drift * daysPerYear) }

// Suppressed reports whether no group had enough cases still at risk.
func (o Outlook) Suppressed() bool { return o.Used < 0 }

// Group is the filter of the group the numbers come from.
func (o Outlook) Group() Filter {
	if o.Used < 0 {
		return Filter{}
	}
	return o.Ladder[o.Used].Filter
}

// Date is the day a number of days after AsOf falls on.
func (o Outlook) Date(days int) time.Time { return o.Request.AsOf.AddDate(0, 0, days) }

// ladderSteps are the rungs from narrow to wide: which fields the group
// keeps and how many filing months either side of the applicant's it
// takes (0: every month).
var ladderSteps = []struct {
	country, center bool
	months          int
}{
	{true, true, 6}, {true, false, 6}, {true, false, 12}, {true, false, 24}, {true, false, 0},
	{false, false, 12}, {false, false, 24}, {false, false, 0},
}

// OutlookAtRisk is how many cases still at risk after the applicant's
// day a group needs for the outlook to use it, and on any day for the
// curve to take that day's decision rate from it. Fewer make noisy
// ranges: in the truth lab, at 5 the 80% range held 72 to 78% of true
// decisions, at 20 it holds 79 to 81%.
const OutlookAtRisk = 20

// Outlook answers for an applicant: OutlookWith with OutlookAtRisk.
func (ix *Index) Outlook(req OutlookRequest, k int) Outlook {
	return ix.OutlookWith(req, k, OutlookAtRisk)
}

// OutlookWith answers for an applicant from the first group of the
// ladder with atRisk cases (and at least k, the site's smallest group)
// still at risk after the applicant's day; it is suppressed when there is
// none. Groups of fewer than k cases are suppressed on the ladder.
func (ix *Index) OutlookWith(req OutlookRequest, k, atRisk int) Outlook {
	today := ix.Today()
	if req.AsOf.IsZero() || req.AsOf.After(today) {
		req.AsOf = today
	}
	req.AsOf = timeline.Today(req.AsOf)
	k = max(k, 1)
	need := max(k, atRisk)
	o := Outlook{Request: req, Used: -1, Day: max(timeline.DaysBetween(req.Filed.Mid(), req.AsOf), 0)}
	var paces []*paceData
	for _, f := range ladder(req) {
		p := ix.pace(f)
		r := Rung{Filter: f, Suppressed: p.cases < k}
		if !r.Suppressed {
			r.Cases, r.AtRiskBeyond = p.cases, p.beyond(o.Day)
			r.Enough = r.AtRiskBeyond >= need
		}
		if r.Enough && o.Used < 0 {
			o.Used = len(o.Ladder)
		}
		o.Ladder = append(o.Ladder, r)
		paces = append(paces, p)
	}
	if o.Used >= 0 {
		o.Drift = ix.Drift(req.Category)
		o.fill(paces, need)
	}
	return o
}

// ladder lists the groups of the ladder for a request, without repeats.
func ladder(req OutlookRequest) []Filter {
	var out []Filter
	seen := map[Filter]bool{}
	for _, st := range ladderSteps {
		if st.center && req.ServiceCenter == "" || st.country && req.Country == "" {
			continue
		}
		f := Filter{Category: req.Category}
		if st.country {
			f.Country = req.Country
		}
		if st.center {
			f.ServiceCenter = req.ServiceCenter
		}
		if st.months > 0 {
			ord := req.Filed.Ordinal()
			f.FiledFrom, f.FiledTo = timeline.MonthFromOrdinal(ord-st.months), timeline.MonthFromOrdinal(ord+st.months)
		}
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	return out
}

// fill reads the numbers of the outlook from the paces of its ladder.
func (o *Outlook) fill(paces []*paceData, need int) {
	a := o.Day
	o.Curve, o.Segments = splice(paces[o.Used:], float64(need))
	for i := range o.Segments {
		o.Segments[i].Rung += o.Used
	}
	o.DecidedByNow = 1 - o.Curve.At(a)
	o.Remaining, o.Range, o.AtLeast = forecast(o.Curve, a, o.Drift)
	p := paces[o.Used]
	// A group's cautions come from how the people of the category share;
	// the widest group, the category's, tells them most surely.
	for _, g := range []*paceData{p, paces[len(paces)-1]} {
		for _, c := range g.cautions {
			if !slices.Contains(o.Cautions, c) {
				o.Cautions = append(o.Cautions, c)
			}
		}
	}
	o.Approval = rate(p.decided-p.denied, p.decided)
	o.Decided = p.decided
	for d := 0; d < a && d < len(p.decidedOn); d++ {
		o.Shorter += int(p.decidedOn[d])
	}
}

// conditional reads the curve conditioned on still waiting after day a:
// the median and the 80% range of the remaining wait, in days after a,
// the first days t with S(a+t)/S(a) at or below one half, nine tenths and
// one tenth. A nil day is one the curve does not reach.
func conditional(cv survival.Curve, a int) (median *int, rng [2]*int) {
	sa := cv.At(a)
	if sa <= 0 {
		return nil, rng
	}
	at := func(level float64) *int {
		for _, pt := range cv.Points {
			if pt.T > a && pt.S <= level*sa+survival.LevelTolerance {
				return intPtr(pt.T - a)
			}
		}
		return nil
	}
	return at(0.5), [2]*int{at(0.9), at(0.1)}
}

// forecast reads the remaining wait of a case still waiting after day a
// from a recent-pace curve, moved to the applicant's filing date by the
// drift gamma (the log change of processing times per day of filing).
//
// On the recent-pace curve the decisions at duration w are those of
// cases filed w to w+HeadlineWindow days ago, on average lag = half the
// window more than w: for w > a - lag, people who filed before the
// applicant. If processing times scale by exp(gamma) per day of filing,
// the cohort filed x days before the applicant runs on the time scale
// s = exp(-gamma·x) of the applicant's, so its decision rate at duration
// s·u is the applicant's at u divided by s. That cohort is the one the
// curve shows at w = a + x - lag; solving w = s·u for x on each day u
// gives the applicant's cumulative decision rate one day at a time,
// ΔH(u) = s·ΔH_pace(w)/Δw. With gamma = 0 this is the curve itself, read
// exactly by conditional. The stretch s stays within a factor of two
// either way. Written by hand: it is CaseTrack's own reading, no library
// has it.
func forecast(cv survival.Curve, a int, gamma float64) (median *int, rng [2]*int, atLeast int) {
	if gamma == 0 {
		median, rng = conditional(cv, a)
		if rng[1] == nil {
			atLeast = max(cv.LastDay-a, 0)
		}
		return median, rng, atLeast
	}
	if cv.LastDay < 0 {
		return nil, rng, 0
	}
	byDay := cv.ByDay(cv.LastDay + 1)
	h := make([]float64, len(byDay))
	for t, s := range byDay {
		h[t] = math.Inf(1)
		if s > 0 {
			h[t] = -math.Log(s)
		}
	}
	// hAt is the cumulative hazard at a fractional day w, linear over the
	// day before each whole day.
	hAt := func(w float64) float64 {
		if w <= -1 {
			return 0
		}
		i := int(math.Ceil(w))
		prev := 0.0
		if i > 0 {
			prev = h[i-1]
		}
		return prev + (w-float64(i-1))*(h[i]-prev)
	}
	lag := float64(HeadlineWindow) / 2
	scale := func(x float64) (s float64, capped bool) {
		e := -gamma * x
		if e > math.Ln2 || e < -math.Ln2 {
			return math.Exp(max(-math.Ln2, min(math.Ln2, e))), true
		}
		return math.Exp(e), false
	}
	// cohort solves a + x - lag = u·s(x) for x by Newton's method from a
	// starting guess, returning x and w.
	cohort := func(u, x float64) (float64, float64, float64) {
		for range 6 {
			s, capped := scale(x)
			f, df := float64(a)+x-lag-u*s, 1.0
			if !capped {
				df += gamma * u * s
			}
			x -= f / df
		}
		s, _ := scale(x)
		return x, float64(a) + x - lag, s
	}
	x, w, _ := cohort(float64(a), lag)
	if w > float64(cv.LastDay) || math.IsInf(hAt(w), 1) {
		return nil, rng, 0
	}
	levels := [3]float64{0.9, 0.5, 0.1}
	var got [3]*int
	acc, prevW, prevH := 0.0, w, hAt(w)
	u := a
	for next := 0; next < len(levels); {
		var s float64
		x, w, s = cohort(float64(u+1), x)
		if w > float64(cv.LastDay) || w <= prevW {
			break
		}
		u++
		hw := hAt(w)
		acc += s * (hw - prevH) / (w - prevW)
		prevW, prevH = w, hw
		for next < len(levels) && math.Exp(-acc) <= levels[next]+survival.LevelTolerance {
			got[next] = intPtr(u - a)
			next++
		}
	}
	if got[2] == nil {
		atLeast = u - a
	}
	return got[1], [2]*int{got[0], got[2]}, atLeast
}

// splice builds the curve whose decision rate on each day comes from the
// first pace with at least k at risk that day, or, where none has, from
// the one with the most at risk; it returns the stretches of days each
// pace served (indexes into paces).
func splice(paces []*paceData, k float64) (survival.Curve, []Segment) {
	days := 0
	for _, p := range paces {
		days = max(days, len(p.atRisk))
	}
	cv := survival.Curve{LastDay: -1}
	var segs []Segment
	s, gw := 1.0, 0.0
	for t := 0; t < days; t++ {
		best := -1
		for i, p := range paces {
			n := p.at(t)
			if n >= k {
				best = i
				break
			}
			if n > 0 && (best < 0 || n > paces[best].at(t)) {
				best = i
			}
		}
		if best < 0 {
			continue
		}
		p := paces[best]
		n, d := p.atRisk[t], p.events[t]
		if t <= p.lastDay {
			cv.LastDay = t
		}
		if last := len(segs) - 1; last >= 0 && segs[last].Rung == best {
			segs[last].To = t
		} else {
			segs = append(segs, Segment{From: t, To: t, Rung: best})
		}
		if d <= 0 {
			continue
		}
		cv.Events += d
		if d >= n*(1-1e-12) {
			s, gw = 0, math.Inf(1)
		} else {
			s *= 1 - d/n
			gw += d / (n * (n - d))
		}
		cv.Points = append(cv.Points, survival.Point{T: t, S: s, AtRisk: n, Events: d, Greenwood: gw})
		if s == 0 {
			break
		}
	}
	return cv, segs
}

// paceData is what the outlook needs of one group at the recent pace:
// the weight at risk and of decisions on each day, the weight of readings
// ending after each day (the cases still waiting beyond it), and its
// decided cases by decision day.
type paceData struct {
	cases          int
	atRisk, events []float64
	endsAfter      []float64
	// lastDay is the last day any case was at risk.
	lastDay         int
	decidedOn       []int32
	decided, denied int
	// cautions are those of the group's recent-pace estimate.
	cautions []Caution
}

// at is the weight at risk on day t.
func (p *paceData) at(t int) float64 {
	if t >= len(p.atRisk) {
		return 0
	}
	return p.atRisk[t]
}

// beyond is the number of cases still at risk after day a, rounded down.
func (p *paceData) beyond(a int) int {
	a = max(a, 0)
	if a >= len(p.endsAfter) {
		return 0
	}
	return int(p.endsAfter[a] + 1e-9)
}

// paceCache keeps the paceData of the groups asked for, for one index
// version and day: a ladder asks for up to eight groups, and applicants
// of one category share most of them.
type paceCache struct {
	mu      sync.Mutex
	version uint64
	day     time.Time
	groups  map[Filter]*paceData
	drifts  map[string]float64
}

// reset empties the cache when the index or the day has moved on, or
// when it is full. The caller holds mu.
func (c *paceCache) reset(version uint64, day time.Time) {
	if c.version != version || !c.day.Equal(day) || c.groups == nil || len(c.groups) >= maxPaceGroups {
		c.version, c.day = version, day
		c.groups, c.drifts = map[Filter]*paceData{}, map[string]float64{}
	}
}

// maxPaceGroups bounds the cache (a group holds three float slices of a
// few thousand days); when full it starts over.
const maxPaceGroups = 1024

// pace returns the paceData of the group f selects, from the cache or
// computed.
func (ix *Index) pace(f Filter) *paceData {
	version, today := ix.Version(), ix.Today()
	c := &ix.paces
	c.mu.Lock()
	c.reset(version, today)
	p, ok := c.groups[f]
	c.mu.Unlock()
	if ok {
		return p
	}
	p = ix.computePace(f, today)
	c.mu.Lock()
	if c.version == version && c.day.Equal(today) {
		c.groups[f] = p
	}
	c.mu.Unlock()
	return p
}

// computePace reads a group at the recent pace.
func (ix *Index) computePace(f Filter, today time.Time) *paceData {
	pol := ix.resolve(f.Category, DefaultPolicy)
	m := newMatcher(ix.cat, f)
	p := &paceData{}
	ix.mu.RLock()
	part := ix.partition(f.Category)
	var s *sampler
	acc := &statsAcc{}
	if part == nil {
		s = newSampler(pol, HeadlineWindow, 0)
	} else {
		// One pass reads the rows into the recent pace, the counts and
		// the decision days.
		ag := newAges(part, today)
		s = newSampler(pol, HeadlineWindow, tallyDays(part, &ag, pol))
		p.decidedOn = make([]int32, int(part.maxDur)+1)
		part.scan(&m, func(b *block, sel []uint16) {
			acc.addBlock(b, sel)
			for _, i := range sel {
				key := b.key[i]
				s.add(key, b.seen[i], b.month[i], ag.of(b.month[i]))
				if rowEvent(key) {
					p.decidedOn[rowDur(key)]++
				}
			}
		})
	}
	ix.mu.RUnlock()
	p.cautions = s.estimate().Cautions // its curve applies the Histories guard
	c := s.counts
	if s.ReadFromFiling {
		c = s.fromFiling
	}
	p.tally(c)
	p.cases, p.decided, p.denied = s.windowCases, acc.dec.events, acc.denied
	return p
}

// tally fills the daily weights at risk and of decisions from a sample's
// counts.
func (p *paceData) tally(c *survival.Counts) {
	p.lastDay = -1
	if c == nil {
		return
	}
	days := c.MaxDay() + 1
	p.atRisk, p.events, p.endsAfter = make([]float64, days), make([]float64, days), make([]float64, days)
	n := 0.0
	for t := range days {
		n += c.Enter[t]
		d := 0.0
		for _, e := range c.Events {
			d += e[t]
		}
		if n > 1e-9 {
			p.atRisk[t], p.events[t] = n, d
			if d > 0 || c.Exit[t] > 0 {
				p.lastDay = t
			}
		}
		n -= d + c.Exit[t]
	}
	total := 0.0
	for t := days - 1; t >= 0; t-- {
		p.endsAfter[t] = total
		total += c.Exit[t]
		for _, e := range c.Events {
			total += e[t]
		}
	}
}

// String names a rung's filter for logs and tests.
func (r Rung) String() string {
	months := "every month"
	if !r.Filter.FiledFrom.IsZero() {
		months = r.Filter.FiledFrom.String() + "–" + r.Filter.FiledTo.String()
	}
	return fmt.Sprintf("%s/%s/%s %s", r.Filter.Category, r.Filter.Country, r.Filter.ServiceCenter, months)
}

type outlookJSON struct {
	Category      string       `json:"category"`
	Country       string       `json:"country,omitempty"`
	ServiceCenter string       `json:"service_center,omitempty"`
	Filed         string       `json:"filed"`
	AsOf          string       `json:"as_of"`
	Day           int          `json:"days_waited"`
	Suppressed    bool         `json:"suppressed"`
	Group         *Filter      `json:"group"`
	Ladder        []rungJSON   `json:"ladder"`
	DecidedByNow  *float64     `json:"decided_by_now"`
	Remaining     *int         `json:"remaining_median"`
	Range         *[2]*int     `json:"remaining_range"`
	AtLeast       *int         `json:"remaining_at_least"`
	Dates         *datesJSON   `json:"dates"`
	Approval      *float64     `json:"approval_share"`
	Decided       *int         `json:"decided"`
	Shorter       *int         `json:"decided_sooner"`
	Borrowed      []borrowJSON `json:"wider_beyond"`
	DriftPerYear  *float64     `json:"trend_per_year"`
	Cautions      []Caution    `json:"cautions"`
}

type rungJSON struct {
	Filter       Filter `json:"filter"`
	Suppressed   bool   `json:"suppressed"`
	Cases        *int   `json:"cases"`
	AtRiskBeyond *int   `json:"still_waiting_beyond"`
	Enough       bool   `json:"enough"`
	Used         bool   `json:"used"`
}

type datesJSON struct {
	Median *string    `json:"median"`
	Range  [2]*string `json:"range"`
}

type borrowJSON struct {
	FromDay int    `json:"from_day"`
	ToDay   int    `json:"to_day"`
	Group   Filter `json:"group"`
}

// MarshalJSON writes the outlook as the API returns it.
func (o Outlook) MarshalJSON() ([]byte, error) {
	req := o.Request
	j := outlookJSON{Category: req.Category, Country: req.Country, ServiceCenter: req.ServiceCenter,
		Filed: req.Filed.String(), AsOf: req.AsOf.Format(time.DateOnly), Day: o.Day,
		Suppressed: o.Suppressed(), Ladder: []rungJSON{}, Borrowed: []borrowJSON{}, Cautions: []Caution{}}
	for i, r := range o.Ladder {
		rj := rungJSON{Filter: r.Filter, Suppressed: r.Suppressed, Enough: r.Enough, Used: i == o.Used}
		if !r.Suppressed {
			rj.Cases, rj.AtRiskBeyond = intPtr(r.Cases), intPtr(r.AtRiskBeyond)
		}
		j.Ladder = append(j.Ladder, rj)
	}
	if o.Suppressed() {
		return json.Marshal(j)
	}
	g := o.Group()
	j.Group = &g
	j.DecidedByNow = &o.DecidedByNow
	j.Remaining, j.Range = o.Remaining, &o.Range
	if o.Range[1] == nil {
		j.AtLeast = intPtr(o.AtLeast)
	}
	date := func(d *int) *string {
		if d == nil {
			return nil
		}
		s := o.Date(*d).Format(time.DateOnly)
		return &s
	}
	j.Dates = &datesJSON{Median: date(o.Remaining), Range: [2]*string{date(o.Range[0]), date(o.Range[1])}}
	j.Approval, j.Decided, j.Shorter = o.Approval, intPtr(o.Decided), intPtr(o.Shorter)
	drift := math.Round(o.DriftPerYear()*1000) / 1000
	j.DriftPerYear = &drift
	if o.Cautions != nil {
		j.Cautions = o.Cautions
	}
	for _, sg := range o.Segments {
		if sg.Rung != o.Used && sg.To > o.Day {
			j.Borrowed = append(j.Borrowed, borrowJSON{FromDay: max(sg.From, o.Day+1), ToDay: sg.To, Group: o.Ladder[sg.Rung].Filter})
		}
	}
	return json.Marshal(j)
}
