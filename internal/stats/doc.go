// Package stats is CaseTrack's statistics engine: Kaplan-Meier estimates of
// processing times with pending cases right-censored, and an in-memory
// columnar index of every visible case that answers any filter without a
// database round trip.
//
// # Methodology
//
// (DESIGN.md, "Statistics engine"; the methodology page should say the
// same.)
//
//   - The estimand is the time from filing (the 15th of the filing month) to
//     the decision, in whole days; a month-only milestone date is the 15th.
//     A decided case is an event at its decision time; a pending case is
//     censored at its as-of date. At equal times events come before
//     censorings, so a case censored at t still counts as at risk for the
//     events at t. Durations below 0 count as 0, above MaxDays as MaxDays.
//   - Quantiles are read from the Kaplan-Meier curve as the smallest event
//     time t with S(t) <= level (median 0.5, p25 0.75, p75 0.25, p90 0.10).
//     Unlike R's quantile.survfit there is no midpoint rule for a curve that
//     is exactly at the level over an interval. A level the curve never
//     reaches gives null: it is never extrapolated.
//   - The 95% confidence interval of the median is R's survfit default
//     (conf.type = "log", the Greenwood variance on the log scale):
//     pointwise limits exp(log S ± 1.96·sqrt(G)) with G = Σ d/(n(n-d)), and
//     the interval runs from the first time the lower limit falls to <= 0.5
//     to the first time the upper limit does. Where S = 0 the limits are
//     undefined (R reports NA) and skipped. Either end may be null.
//   - The naive median of decided cases ignores pending ones; with an even
//     number of decisions it is the midpoint of the two middle times,
//     rounded half up. It is shown only to make the bias of ignoring
//     pending cases visible.
//   - Time to an intermediate milestone (transferred, biometrics, rfe,
//     rfe_response, interview: every milestone but received and the
//     decisions) uses the same estimator; a case that has not reached the
//     milestone is censored at its as-of duration, or at its decision
//     duration when it was decided without it.
//   - k-suppression: a group with fewer than k cases shows no number at all,
//     not even its size. In breakdowns each row is checked on its own, and
//     suppressed country and service-center rows are listed after the
//     others in key order, so that their position reveals nothing either.
//     The decision-time histogram is suppressed when fewer than k cases are
//     decided.
//
// # Queries and their JSON
//
// Index.Stats gives the body of GET /api/v1/stats (API.md), plus
// "milestones" and "min_cases":
//
//	{"filter": {"category": "eb2-niw", "country": "IN"},
//	 "cases": 412, "decided": 290, "pending": 122, "approved": 280, "denied": 10, "rfe": 61,
//	 "approval_rate": 0.9655, "rfe_rate": 0.148,
//	 "decision": {"median": 430, "median_ci": [401, 462], "p25": 260, "p75": 590, "p90": null,
//	              "naive_median_decided": 371, "survival": [{"t": 35, "s": 0.9976, "at_risk": 412}]},
//	 "milestones": [{"code": "rfe", "name": "Request for evidence (RFE)", "reached": 61,
//	                 "median": null, "median_ci": [null, null], "p25": null, "p75": null}, ...],
//	 "suppressed": false, "min_cases": 5}
//
// Suppressed, every number is null:
//
//	{"filter": {...}, "cases": null, "decided": null, "pending": null, "approved": null,
//	 "denied": null, "rfe": null, "approval_rate": null, "rfe_rate": null,
//	 "decision": null, "milestones": null, "suppressed": true, "min_cases": 5}
//
// Index.Breakdown gives one row per country, service center ("none" for
// cases without one), filing quarter ("2024-Q1") or filing month
// ("2024-03", the trend):
//
//	{"filter": {...}, "by": "country", "min_cases": 5, "rows": [
//	  {"key": "IN", "label": "India", "cases": 120, "median": 400, "median_ci": [380, 420],
//	   "approval_rate": 0.95, "suppressed": false},
//	  {"key": "TV", "label": "Tuvalu", "cases": null, "median": null, "median_ci": null,
//	   "approval_rate": null, "suppressed": true}]}
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
// estimate with Greenwood sums, and Point.CI gives confidence bands for
// charts.
//
// # Performance
//
// The index keeps each category's cases in blocks of at most 512 rows,
// column by column and sorted by (duration, censored), so a query is one
// pass over one category with no sorting and a write moves at most one
// block's rows. See bench_test.go for the one-million-case benchmarks.
package stats
