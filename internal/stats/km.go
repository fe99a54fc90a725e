package stats

import (
	"cmp"
	"slices"

	"github.com/casetrack/casetrack/internal/stats/survival"
)

// Observation is one case for the estimator: its time in days and whether
// that time is an event (decided) or a censoring (still pending).
type Observation struct {
	Days  int
	Event bool
}

// KaplanMeier estimates the curve from observations in any order. The index
// does not use it (it keeps its rows sorted and feeds tallies directly); it
// is the plain entry point for other callers and for tests.
func KaplanMeier(obs []Observation) survival.Curve {
	t := tallyOf(obs)
	return t.curve()
}

// NaiveMedian is the plain median of the event times, ignoring censored
// cases: the biased figure shown beside the estimate so people can see the
// difference. It follows the rule of every median on the site, the
// smallest time by which at least half the events had happened (the lower
// of the two middle times for an even count). ok is false when there are
// no events.
func NaiveMedian(obs []Observation) (days int, ok bool) {
	t := tallyOf(obs)
	return t.naiveMedian()
}

// tally is the compact input of the estimator: for each distinct time in
// increasing order, the number of events and of censorings at it. Building
// it from rows already in time order is a single append-only pass, which is
// what lets the index answer a query without sorting.
type tally struct {
	t      []int32
	d      []int32
	c      []int32
	n      int
	events int
}

// add records one observation. Times must arrive in nondecreasing order.
func (tl *tally) add(t int32, event bool) { tl.addRun(t, event, 1) }

// addRun records n observations at time t, all events or all censorings.
// Times must arrive in nondecreasing order. Callers that count runs of
// equal times in a local variable and record each run once avoid
// incrementing the same memory cell row after row, which dominated the cost
// of a query.
func (tl *tally) addRun(t int32, event bool, n int32) {
	k := len(tl.t) - 1
	if k < 0 || tl.t[k] != t {
		tl.t = append(tl.t, t)
		tl.d = append(tl.d, 0)
		tl.c = append(tl.c, 0)
		k++
	}
	if event {
		tl.d[k] += n
		tl.events += int(n)
	} else {
		tl.c[k] += n
	}
	tl.n += int(n)
}

// addCounts records d events and c censorings at time t, for callers that
// count by day first. Times must arrive in increasing order.
func (tl *tally) addCounts(t, d, c int32) {
	if d == 0 && c == 0 {
		return
	}
	tl.t = append(tl.t, t)
	tl.d = append(tl.d, d)
	tl.c = append(tl.c, c)
	tl.n += int(d + c)
	tl.events += int(d)
}

// tallyOf sorts a copy of the observations (events before censorings at the
// same time) and tallies them.
func tallyOf(obs []Observation) *tally {
	s := slices.Clone(obs)
	slices.SortFunc(s, func(a, b Observation) int {
		if c := cmp.Compare(a.Days, b.Days); c != 0 {
			return c
		}
		switch {
		case a.Event == b.Event:
			return 0
		case a.Event:
			return -1
		default:
			return 1
		}
	})
	var tl tally
	for _, o := range s {
		tl.add(int32(o.Days), o.Event)
	}
	return &tl
}

// curve computes the product-limit estimate with Greenwood's sums.
func (tl *tally) curve() survival.Curve {
	c := survival.NewCounts(0, 1)
	if n := len(tl.t); n > 0 {
		c = survival.NewCounts(int(tl.t[n-1]), 1)
	}
	for i, t := range tl.t {
		if d := tl.d[i]; d > 0 {
			c.Add(-1, int(t), 0, float64(d))
		}
		if e := tl.c[i]; e > 0 {
			c.Add(-1, int(t), -1, float64(e))
		}
	}
	return c.Curve()
}

// naiveMedian is the median of the event times alone (see NaiveMedian).
func (tl *tally) naiveMedian() (int, bool) {
	e := tl.events
	if e == 0 {
		return 0, false
	}
	// The smallest time with at least half of the events at or before it:
	// the 0-based rank (e-1)/2.
	rank, seen := (e-1)/2, 0
	for i, t := range tl.t {
		seen += int(tl.d[i])
		if seen > rank {
			return int(t), true
		}
	}
	return 0, false
}
