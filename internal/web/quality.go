package web

import (
	"sync"
	"time"

	"github.com/casetrack/casetrack/internal/stats"
	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/timeline"
)

// The automatic quality checks. Impossible timelines are refused by
// validation; these catch timelines that are possible but unlikely enough
// to deserve a moderator's look. A flagged case is stored and shown on its
// own page, but left out of the statistics and the feed until a moderator
// approves it. methodology.html explains the rules with these numbers.
const (
	// qualityMinCases is how many cases a category needs before its
	// decision times say what is plausible.
	qualityMinCases = 100
	// qualityLowQuantile and qualityHighQuantile bound the observed
	// range: the fastest and the slowest 1% of decisions (Kaplan-Meier).
	qualityLowQuantile  = 0.01
	qualityHighQuantile = 0.99
	// qualityFactor widens the range: a decision is implausible when it
	// came more than this many times faster than the low bound, or took
	// more than this many times longer than the high bound.
	qualityFactor = 2
	// qualityTTL is how long the bounds of a category are reused: they
	// move slowly, and a flood of submissions must not recompute them.
	qualityTTL = time.Hour

	// burstSize identical submissions (same category, country, service
	// center, filing month and milestones with their dates) created within
	// burstDays days are a burst: all of them are flagged but the first,
	// which may be someone's genuine timeline that others copied. Three would be
	// too few: on a busy day, three people of one cohort may well share a
	// receipt date and nothing else yet, and flagging them would take
	// honest pending cases out of the statistics. One address cannot send
	// many anyway (--write-rate); this catches copies from many addresses.
	burstSize = 5
	burstDays = 2
)

// Reason codes of automatic flags.
const (
	reasonImplausible = "implausible_decision_time"
	reasonBurst       = "burst_of_copies"
)

// qualityBounds caches each category's plausible decision times.
type qualityBounds struct {
	mu sync.Mutex
	by map[string]decisionBounds
}

// decisionBounds is the plausible range of decision times of a category,
// in days; a zero high bound means "no upper bound known".
type decisionBounds struct {
	known     bool
	low, high int
	computed  time.Time
}

func newQualityBounds() *qualityBounds { return &qualityBounds{by: map[string]decisionBounds{}} }

// boundsFor returns the category's bounds, computing them from the index
// when they are missing or older than qualityTTL.
func (s *Server) boundsFor(category string) decisionBounds {
	now := s.now()
	q := s.quality
	q.mu.Lock()
	b, ok := q.by[category]
	q.mu.Unlock()
	if ok && now.Sub(b.computed) < qualityTTL {
		return b
	}
	b = computeBounds(s.index, category)
	b.computed = now
	q.mu.Lock()
	q.by[category] = b
	q.mu.Unlock()
	return b
}

// computeBounds derives the plausible range from the category's
// Kaplan-Meier curve of decision times.
func computeBounds(ix *stats.Index, category string) decisionBounds {
	res := ix.Stats(stats.Filter{Category: category}, qualityMinCases)
	if res.Suppressed || res.Decision == nil {
		return decisionBounds{}
	}
	lo, ok := res.Decision.Curve.Quantile(qualityLowQuantile)
	if !ok {
		return decisionBounds{}
	}
	b := decisionBounds{known: true, low: lo / qualityFactor}
	if hi, ok := res.Decision.Curve.Quantile(qualityHighQuantile); ok {
		b.high = hi * qualityFactor
	}
	return b
}

// implausible returns the reason code when c's decision time lies outside
// its category's plausible range, or "".
func (s *Server) implausible(c *timeline.Case) string {
	d, ok := c.Decision()
	if !ok {
		return ""
	}
	b := s.boundsFor(c.Category)
	if !b.known {
		return ""
	}
	days := timeline.DaysBetween(c.Filed.Mid(), d.Date.Time())
	if days < b.low || (b.high > 0 && days > b.high) {
		return reasonImplausible
	}
	return ""
}

// copyCheck is the burst check of a new case, run by the store in the
// transaction that stores it (store.CopyCheck): identical submissions of
// the last burstDays days count.
func (s *Server) copyCheck() store.CopyCheck {
	return store.CopyCheck{
		Since:  timeline.Today(s.now()).AddDate(0, 0, -(burstDays - 1)),
		Reason: reasonBurst,
		Decide: burstCopies,
	}
}

// burstCopies reports whether a new case, with the identical submissions
// of the window (similar), makes a burst, and returns the ids of those
// earlier submissions the burst flags: only the ones that were themselves
// copies of a case already stored when they arrived. The first of
// identical timelines is never flagged by a burst, so that copying
// someone's public timeline cannot take theirs out of the statistics.
// The new case itself is always a copy when it completes a burst
// (burstSize-1 identical cases came before it).
func burstCopies(similar []store.Similar) (burst bool, copies []string) {
	if len(similar)+1 < burstSize {
		return false, nil
	}
	for _, x := range similar {
		// A copy flagged by an earlier burst is not flagged again: each
		// copy costs one update in all, not one at every further copy.
		if x.RepeatsEarlier && x.Visible {
			copies = append(copies, x.ID)
		}
	}
	return true, copies
}
