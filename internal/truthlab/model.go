// Package truthlab measures CaseTrack's published numbers against known
// answers. It simulates populations of applicants whose processing times
// are drawn from a known distribution that moves over time (a growing
// backlog), lets them share their timelines the ways people really do
// (early and faithfully, after finding the site while already waiting,
// only after the decision, all at once when a site opens, going silent,
// coming back only to record an approval, forgetting to), and compares the
// statistics the site computes from what was shared with the truth.
//
// A run is a set of scenarios (reporting behaviours), each replicated many
// times with different random draws. For each scenario and estimator it
// reports bias, root mean squared error, how often the 95% interval covers
// the truth, and how often the number is "not yet known", for a mature
// filing cohort, a recent one and the Explore headline. Replicates run
// in-process through the same index code the server uses; some replicates
// of every scenario also go the whole way, through the replay import into
// a real database and back through the HTTP API, and must give identical
// numbers.
package truthlab

import (
	"math"
	"time"

	"github.com/casetrack/casetrack/internal/timeline"
)

// Model is a population with known processing times.
type Model struct {
	// Now is the simulated today (UTC midnight); filing months run up to
	// and including its month.
	Now time.Time
	// Months is how many filing months are simulated, ending with Now's.
	Months int
	// Categories are simulated independently; the first is the one the
	// lab measures.
	Categories []CategoryModel
	// Countries and Centers are drawn by weight for every person.
	Countries []Weighted
	Centers   []Weighted
	// Scale multiplies every category's volume: the truth (medians,
	// shares) stays the same, the samples get larger or smaller. 0 means 1.
	Scale float64
}

// Weighted is a code with a relative weight.
type Weighted struct {
	Code   string
	Weight float64
}

// CategoryModel is the truth of one category: who files when, and how long
// their cases take. Ages are in filing months before Now's month (0 =
// filed this month).
type CategoryModel struct {
	Code string
	// Volume is the expected number of people filing in a month who will
	// ever come near the site (each behaviour decides whether and when
	// they share).
	Volume func(age int) float64
	// Median is the true median of days from the 15th of the filing month
	// to the decision, for cases filed age months ago; Sigma the spread of
	// the log-normal distribution around it.
	Median func(age int) float64
	Sigma  float64
	// Approval is the share of decisions that are approvals, RFE the share
	// of cases that get a request for evidence before their decision.
	Approval, RFE float64
}

// DefaultModel is the lab's standard population: a growing backlog in the
// measured category (the true median rises from 200 days for cases filed
// five years ago to 548 days for cases filed now), a slowly improving
// second category and a steady third, with volumes that grow over time.
func DefaultModel(now time.Time) Model {
	const months = 72
	lin := func(age int, oldest, newest float64) float64 {
		// Linear over the last 60 months, flat before.
		a := min(float64(age), 60)
		return newest + (oldest-newest)*a/60
	}
	return Model{
		Now:    timeline.Today(now),
		Months: months,
		Categories: []CategoryModel{
			{Code: "eb2-niw", Volume: func(age int) float64 { return lin(age, 70, 130) },
				Median: func(age int) float64 { return lin(age, 200, 548) }, Sigma: 0.45, Approval: 0.88, RFE: 0.3},
			{Code: "i485-employment", Volume: func(age int) float64 { return lin(age, 50, 70) },
				Median: func(age int) float64 { return lin(age, 420, 300) }, Sigma: 0.55, Approval: 0.93, RFE: 0.25},
			{Code: "n400", Volume: func(age int) float64 { return 40 },
				Median: func(int) float64 { return 240 }, Sigma: 0.35, Approval: 0.9, RFE: 0.08},
		},
		Countries: []Weighted{{"IN", 40}, {"CN", 15}, {"MX", 10}, {"PH", 6}, {"NG", 5}, {"BR", 4}, {"IR", 4}, {"VN", 3},
			{"KR", 3}, {"PK", 3}, {"GB", 2}, {"CA", 2}, {"EG", 2}, {"TR", 1}},
		Centers: []Weighted{{"TSC", 30}, {"NSC", 30}, {"", 25}, {"CSC", 5}, {"VSC", 5}, {"NBC", 5}},
	}
}

// filedMid is the 15th of the month age months before Now's.
func (m *Model) filedMid(age int) time.Time {
	now := timeline.MonthOf(m.Now)
	return timeline.MonthFromOrdinal(now.Ordinal() - age).Mid()
}

// month is the filing month age months before Now's.
func (m *Model) month(age int) timeline.Month {
	return timeline.MonthFromOrdinal(timeline.MonthOf(m.Now).Ordinal() - age)
}

// dayCDF is the probability that a case filed age months ago is decided
// by day t (days from the 15th; the decision day is the whole part of the
// log-normal time).
func (c *CategoryModel) dayCDF(age, t int) float64 {
	if t < 0 {
		return 0
	}
	return normCDF((math.Log(float64(t+1)) - math.Log(c.Median(age))) / c.Sigma)
}

func normCDF(z float64) float64 { return 0.5 * math.Erfc(-z/math.Sqrt2) }

// CohortMedian is the true median decision day of the cases filed from
// ageFrom to ageTo months ago (inclusive, ageFrom >= ageTo), the filing
// months weighted by their volume: the smallest day by which at least half
// are decided, the rule every median on the site follows.
func (c *CategoryModel) CohortMedian(ageFrom, ageTo int) int {
	for t := 0; t < 100000; t++ {
		num, den := 0.0, 0.0
		for a := ageTo; a <= ageFrom; a++ {
			num += c.Volume(a) * c.dayCDF(a, t)
			den += c.Volume(a)
		}
		if num/den >= 0.5 {
			return t
		}
	}
	return -1
}

// PeriodMedian is the true median of a period estimate over the last
// window days before now: the product of the daily decision rates of the
// whole population over the days it spent in that calendar window, the
// estimand of the Explore headline ("at the pace of the last six
// months"). It is -1 when the window's pace never brings the share still
// waiting to one half within the simulated history.
func (m *Model) PeriodMedian(c *CategoryModel, window int) int {
	ages := make([]int, m.Months) // days from each month's 15th to now
	for a := range ages {
		ages[a] = max(timeline.DaysBetween(m.filedMid(a), m.Now), 0)
	}
	s := 1.0
	for t := 0; t < ages[len(ages)-1]; t++ {
		events, atRisk := 0.0, 0.0
		for a, age := range ages {
			// The calendar day of duration t for this month is inside the
			// window when age-window <= t <= age.
			if t < age-window || t > age {
				continue
			}
			v := c.Volume(a)
			atRisk += v * (1 - c.dayCDF(a, t-1))
			events += v * (c.dayCDF(a, t) - c.dayCDF(a, t-1))
		}
		if atRisk > 0 {
			s *= 1 - events/atRisk
		}
		if s <= 0.5 {
			return t
		}
	}
	return -1
}
