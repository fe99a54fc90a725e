// Package stats is CaseTrack's statistics engine: Kaplan-Meier estimates of
// processing times with pending cases right-censored, and an in-memory
// columnar index of every visible case that answers any filter without a
// database round trip.
//
// # Methodology
//
// (DESIGN.md, "Statistics engine"; the methodology page says the same in
// plain words, and the truth lab measures it.)
//
//   - The estimand is the time from filing (the 15th of the filing month) to
//     the decision, in whole days; a month-only milestone date is the 15th,
//     never later than the day the timeline was last written. Durations
//     below 0 count as 0, above MaxDays as MaxDays.
//   - Every case is read through DefaultPolicy (observed.go): a timeline
//     shared while pending is at risk from the day it was first shared
//     (delayed entry), except for the fitted share of people who share
//     whatever their state, who count from filing; a case counts as
//     followed until Policy.Grace days after its last report, a decision
//     after a longer silence is not an observed event, and a silent
//     pending case counts during its grace with the category's fitted
//     return rate; a filing period whose pending cases all entered late
//     with older decided histories is read from filing (the launch guard).
//     Index.Habits fits the two per-category shares.
//   - The curve is the product-limit estimate of those readings (package
//     survival), with Greenwood's variance and R's log-scale limits; at
//     equal times events come before exits.
//   - Quantiles are read from the curve as the smallest event time t with
//     S(t) <= level (median 0.5, p25 0.75, p75 0.25, p90 0.10), with no
//     midpoint rule, and so is the naive median of decided cases. A level
//     the curve never reaches gives null: it is never extrapolated.
//   - The 95% confidence interval of the median runs from the first time
//     the lower pointwise limit falls to <= 0.5 to the first time the upper
//     one does; it covers sampling error only. Estimate.Cautions name the
//     ways of sharing that can move a median beyond it, from measured
//     shares.
//   - The headline (Index.Headline) is a period estimate: every case counts
//     for the days it spent waiting in the last HeadlineWindow days.
//   - An optional step (transferred, biometrics, rfe, rfe_response,
//     interview) is a cumulative incidence with the decision as a competing
//     event (Aalen-Johansen), read like the decision.
//   - k-suppression: a group with fewer than k cases shows no number at all,
//     not even its size. In breakdowns each row is checked on its own, and
//     suppressed country and service-center rows are listed after the
//     others in key order, so that their position reveals nothing either.
//     The decision-time histogram is suppressed when fewer than k cases are
//     decided, the headline when fewer than k were waiting in its window.
//
// # Queries and their JSON
//
// Index.Stats gives the body of GET /api/v1/stats (API.md and the OpenAPI
// document have every field):
//
//	{"filter": {"category": "eb2-niw", "country": "IN"}, "as_of": "2026-12-01",
//	 "cases": 412, "decided": 290, "pending": 122, "approved": 280, "denied": 10, "rfe": 61,
//	 "approval_rate": 0.9655, "rfe_rate": 0.148,
//	 "decision": {"median": 430, "median_ci": [401, 462], "p25": 260, "p75": 590, "p90": null,
//	              "naive_median_decided": 371, "survival": [{"t": 35, "s": 0.9976, "at_risk": 412}],
//	              "reading": "delayed_entry", "cautions": [],
//	              "sensitivity": {"plain_km": {...}, "shared_while_pending_only": {...},
//	                              "if_silent_were_decided": 401}},
//	 "how_shared": {"shared_while_pending": 380, "shared_after_decision": 32, ...},
//	 "milestones": [{"code": "rfe", "name": "Request for evidence (RFE)", "reached": 61,
//	                 "incidence": [{"months": 3, "days": 91, "share": 0.05, "ci": [0.03, 0.08]}, ...],
//	                 "eventually": {...}, "among_reached": {"p25": 80, "median": 110, "p75": 150}}, ...],
//	 "headline": {"window": {"from": "2026-06-02", "to": "2026-12-01", "days": 182}, "median": 545, ...},
//	 "suppressed": false, "min_cases": 5}
//
// Suppressed, every number is null:
//
//	{"filter": {...}, "cases": null, "decided": null, "pending": null, "approved": null,
//	 "denied": null, "rfe": null, "approval_rate": null, "rfe_rate": null, "decision": null,
//	 "how_shared": null, "milestones": null, "headline": {...}, "suppressed": true, "min_cases": 5}
//
// (The headline describes every filing month of the category, country and
// center, and is suppressed on its own.)
//
// Index.Breakdown gives one row per country, service center ("none" for
// cases without one), filing quarter ("2024-Q1") or filing month
// ("2024-03", the trend):
//
//	{"filter": {...}, "by": "country", "min_cases": 5, "rows": [
//	  {"key": "IN", "label": "India", "cases": 120, "decided": 90, "median": 400, "median_ci": [380, 420],
//	   "approval_rate": 0.95, "cautions": [], "suppressed": false},
//	  {"key": "TV", "label": "Tuvalu", "cases": null, "decided": null, "median": null, "median_ci": null,
//	   "approval_rate": null, "cautions": [], "suppressed": true}]}
//
// Index.Histogram counts decisions in 30-day bins from day 0 to the last
// bin with a decision:
//
//	{"filter": {...}, "bin_days": 30, "decided": 290,
//	 "bins": [{"from": 0, "to": 30, "count": 0}, {"from": 30, "to": 60, "count": 4}],
//	 "suppressed": false, "min_cases": 5}
//
// Rates and survival values are rounded to 4 decimals; durations are whole
// days. The Go values carry more than the JSON: Decision.Curve has the full
// estimate with Greenwood sums, and survival.Point.CI gives confidence bands for
// charts.
//
// # Performance
//
// The index keeps each category's cases in blocks of at most 512 rows,
// column by column and sorted by (duration, censored), so a query is a few
// passes over one category with no sorting and a write moves at most one
// block's rows. A category's fitted habits are cached per index version
// and day. See bench_test.go for the one-million-case benchmarks.
package stats
