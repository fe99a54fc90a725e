package alerts

import (
	"encoding/json"
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/stats"
	"github.com/casetrack/casetrack/internal/timeline"
)

// Numbers are what a digest says about a group, and what an alert keeps
// of the last digest it mailed (its snapshot), to tell what moved since.
// A group with fewer than k cases has no numbers at all, not even in the
// snapshot: Enough is false and every count zero.
type Numbers struct {
	// Day is when they were measured (YYYY-MM-DD).
	Day    string `json:"day"`
	Enough bool   `json:"enough"`
	// Cases, Decided, Approved and Denied count the group's cases.
	Cases    int `json:"cases,omitempty"`
	Decided  int `json:"decided,omitempty"`
	Approved int `json:"approved,omitempty"`
	Denied   int `json:"denied,omitempty"`
	// Steps counts, by milestone code, the cases that list each
	// intermediate step (rfe, interview, ...).
	Steps map[string]int `json:"steps,omitempty"`
	// MedianOf says which median Explore shows for the group: "pace" (no
	// filing months: the time to decision at the pace of the last six
	// months, for people filing now), "cohort" (the filing months'
	// cases), or "" when it shows none (no category, or too few cases
	// for it). Median is nil while fewer than half are decided.
	MedianOf string `json:"median_of,omitempty"`
	Median   *int   `json:"median_days,omitempty"`
}

// Medians of Numbers.MedianOf.
const (
	medianPace   = "pace"
	medianCohort = "cohort"
)

// step returns the count of a step: the decisions from their own
// counts, "received" as the number of timelines (every case has one).
func (n Numbers) step(code string) int {
	switch code {
	case catalog.OutcomeApproved:
		return n.Approved
	case catalog.OutcomeDenied:
		return n.Denied
	case "received":
		return n.Cases
	}
	return n.Steps[code]
}

// snapshot is the JSON an alert keeps.
func (n Numbers) snapshot() string {
	b, err := json.Marshal(n)
	if err != nil {
		// Numbers always marshal.
		panic(err)
	}
	return string(b)
}

// readSnapshot reads an alert's snapshot; a missing or unreadable one is
// no numbers.
func readSnapshot(s string) Numbers {
	var n Numbers
	if s == "" || json.Unmarshal([]byte(s), &n) != nil {
		return Numbers{}
	}
	return n
}

// measure computes the numbers of a group on day today. own, when set,
// is the case of a same-month alert: the numbers are then about the
// other people of the group, and need k of them.
func (s *Service) measure(g Group, own *timeline.Case, today time.Time) Numbers {
	n := Numbers{Day: today.Format(time.DateOnly)}
	var t stats.Tally
	if g.Category != "" {
		t = s.Index.Tally(g.Filter())
	} else {
		t = stats.Tally{Reached: map[string]int{}}
		for _, c := range s.Catalog.Categories {
			f := g.Filter()
			f.Category = c.Code
			ct := s.Index.Tally(f)
			t.Cases, t.Decided, t.Approved, t.Denied = t.Cases+ct.Cases, t.Decided+ct.Decided, t.Approved+ct.Approved, t.Denied+ct.Denied
			for code, k := range ct.Reached {
				t.Reached[code] += k
			}
		}
	}
	if own != nil && own.Counts() && t.Cases > 0 {
		leaveOut(&t, own)
	}
	if t.Cases < s.MinCases {
		return n
	}
	n.Enough = true
	n.Cases, n.Decided, n.Approved, n.Denied = t.Cases, t.Decided, t.Approved, t.Denied
	if len(t.Reached) > 0 {
		n.Steps = t.Reached
	}
	if g.Category == "" {
		return n
	}
	// The median Explore shows for the group (its answerOf): for people
	// filing now without filing months, else of those months' cases.
	f := g.Filter()
	if f.FiledFrom.IsZero() && f.FiledTo.IsZero() {
		if h := s.Index.Headline(f, s.MinCases); !h.Suppressed {
			n.MedianOf, n.Median = medianPace, h.Median
		}
	} else if r := s.Index.Stats(f, s.MinCases); !r.Suppressed && r.Decision != nil {
		n.MedianOf, n.Median = medianCohort, r.Decision.Median
	}
	return n
}

// leaveOut takes a case out of a tally of a group it belongs to, as the
// index counts it.
func leaveOut(t *stats.Tally, c *timeline.Case) {
	t.Cases--
	if d, ok := c.Decision(); ok {
		t.Decided--
		if d.Code == catalog.OutcomeApproved {
			t.Approved--
		} else {
			t.Denied--
		}
	}
	for code, k := range t.Reached {
		if _, ok := c.Milestone(code); ok {
			if k <= 1 {
				delete(t.Reached, code)
			} else {
				t.Reached[code] = k - 1
			}
		}
	}
}
