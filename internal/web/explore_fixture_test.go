package web

import (
	"testing"

	"github.com/casetrack/casetrack/internal/stats"
	"github.com/casetrack/casetrack/internal/timeline"
)

// The statistics tests share one small, hand-checked group: six EB-1A
// cases filed in January 2024 (day taken as 2024-01-15), seen on
// 2025-06-20 (testStart), when every case was submitted.
//
//	case  country center  milestones                            time (days)      status
//	1     IN      TSC     approved 2024-04-15                   91               event
//	2     IN      TSC     rfe 2024-03-15, approved 2024-06-15   152 (rfe 60)     event
//	3     IN      TSC     denied 2024-06-15                     152              event
//	4     IN      TSC     rfe 2024-05 (=05-15), pending         522 (rfe 121)    censored at as-of
//	5     IN      NSC     approved 2024-10 (=10-15)             274              event
//	6     CN      NSC     approved 2025-03-01                   411              event
//
// Days: Jan 15 → Apr 15 2024 is 31+29+31 = 91; → Jun 15 adds 30+31 = 152;
// → Oct 15 adds 30+31+31+30 = 274; → 2025-01-15 is 366 (leap year), → Mar 1
// adds 31+14 = 411; → 2025-06-15 adds 31+28+31+30+31 = 517, → Jun 20: 522.
// RFE: Jan 15 → Mar 15 = 60, → May 15 = 121.
//
// Kaplan-Meier for the decision, n = 6 (events before censorings at ties):
//
//	t    at risk  events  S                         Greenwood Σ d/(n(n-d))
//	91   6        1       5/6          = 0.8333     1/30            = 0.0333
//	152  5        2       0.8333·3/5   = 0.5        + 2/15          = 0.1667
//	274  3        1       0.5·2/3      = 0.3333     + 1/6           = 0.3333
//	411  2        1       0.3333·1/2   = 0.1667     + 1/2           = 0.8333
//	522  1        0       (censored)
//
// Quantiles (smallest t with S(t) <= level, no midpoint rule): median
// (0.5) = 152, where S is exactly 0.5 (R's midpoint rule would say 213);
// p25 (0.75) = 152; p75 (0.25) = 411; p90 (0.10) not reached.
// Median CI, log transform, z = 1.96: lower limit S·exp(-z·sqrt(Σ)) is
// 0.8333·exp(-0.3578) = 0.583 at 91 (> 0.5) and 0.5·exp(-0.8002) = 0.225
// at 152, so the CI starts at 152; the upper limit S·exp(+z·sqrt(Σ)),
// capped at 1, is 1, 1, 1 and 0.1667·exp(1.789) = 0.997 at 411: never
// <= 0.5, so the upper end is not reached (null).
// Naive median of the decided times 91, 152, 152, 274, 411 = 152.
// Counts: 6 cases, 5 decided, 1 pending, 4 approved, 1 denied, approval
// 4/5 = 0.8; 2 with an RFE, RFE rate 2/6 = 0.3333.
//
// How they were shared: all six on 2025-06-20, five already decided (as
// histories), one still waiting on its day 522. With no case followed
// from early on and histories decided long before that, the launch guard
// reads the group from filing, as a random sample: the published numbers
// are the plain Kaplan-Meier ones above.
//
// RFE, with the decision as a competing event (Aalen-Johansen, all six
// from filing): RFE on day 60 (n=6: 1/6), decision 91 (n=5), RFE on day
// 121 (n=4, S = 4/6: +1/6), then decisions only: 1/6 = 0.1667 by 3
// months (day 91), 1/3 = 0.3333 by 6 (day 183) and 12 months, and by the
// last day, 411. R's standard errors (survfit, id = ...): 0.15215 at day
// 91, 0.19245 from day 121 on; log-scale limits 0.0278–0.9974 and
// 0.1075–1. Among the two with an RFE, half had it by day 60, three
// quarters by 121.
//
// By country: IN has cases 1–5 (times 91, 152, 152, 274, 522+): S = 0.8,
// 0.4, 0.2, so the median is 152; approval 3 of 4 decided = 0.75. The
// lower limit at 91 is 0.8·exp(-1.96·sqrt(1/20)) = 0.516 > 0.5 and at 152
// 0.4·exp(-1.96·sqrt(0.3)) = 0.137, so the CI starts at 152; the upper
// limit stays at 1: null. CN has one case: suppressed with k = 5.
type fixtureCase struct {
	country, center string
	milestones      []map[string]string
}

var fixtureCases = []fixtureCase{
	{"IN", "TSC", []map[string]string{{"code": "approved", "date": "2024-04-15"}}},
	{"IN", "TSC", []map[string]string{{"code": "rfe", "date": "2024-03-15"}, {"code": "approved", "date": "2024-06-15"}}},
	{"IN", "TSC", []map[string]string{{"code": "denied", "date": "2024-06-15"}}},
	{"IN", "TSC", []map[string]string{{"code": "rfe", "date": "2024-05"}}},
	{"IN", "NSC", []map[string]string{{"code": "approved", "date": "2024-10"}}},
	{"CN", "NSC", []map[string]string{{"code": "approved", "date": "2025-03-01"}}},
}

// submitFixture submits the fixture through the API, as a contributor
// would.
func submitFixture(e *testEnv) {
	e.t.Helper()
	for _, c := range fixtureCases {
		e.create(map[string]any{
			"category": "eb1a", "country": c.country, "service_center": c.center,
			"filed": "2024-01", "milestones": c.milestones,
		})
	}
}

// fixtureIndex builds an index of the fixture directly, for tests that
// need no server.
func fixtureIndex(t testing.TB, s *Server) *stats.Index {
	t.Helper()
	ix := stats.NewIndex(s.cat)
	for i, c := range fixtureCases {
		sub := timeline.Submission{Category: "eb1a", Country: c.country, ServiceCenter: c.center, Filed: "2024-01"}
		for _, m := range c.milestones {
			sub.Milestones = append(sub.Milestones, timeline.MilestoneInput{Code: m["code"], Date: m["date"]})
		}
		tc, fe := timeline.Validate(s.cat, sub, testStart)
		if fe != nil {
			t.Fatalf("fixture case %d: %v", i+1, fe)
		}
		tc.ID = "c_FIXTURE" + string(rune('A'+i))
		ix.Upsert(tc)
	}
	return ix
}

// withIndex returns a copy of the server reading another index.
func withIndex(s *Server, ix *stats.Index) *Server {
	c := *s
	c.index = ix
	c.answers = &answerCache{}
	return &c
}

// mustStatus fails the test unless the response has the status.
func mustStatus(t testing.TB, res response, want int) {
	t.Helper()
	if res.status != want {
		t.Fatalf("status %d, want %d: %s", res.status, want, res.body)
	}
}
