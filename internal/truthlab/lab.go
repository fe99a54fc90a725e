package truthlab

import (
	"fmt"
	"math"
	"runtime"
	"sync"
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/stats"
	"github.com/casetrack/casetrack/internal/timeline"
)

// Target is a number the lab checks: a filing cohort's median, or the
// headline's period median.
type Target struct {
	Name string
	// AgeFrom and AgeTo are the filing months (before Now's) of a cohort;
	// Window > 0 makes it the period median over that many days instead.
	AgeFrom, AgeTo int
	Window         int
}

// Targets are the lab's standard targets in the measured category.
var Targets = []Target{
	{Name: "mature cohort", AgeFrom: 38, AgeTo: 36},
	{Name: "recent cohort", AgeFrom: 20, AgeTo: 18},
	{Name: "headline", Window: HeadlineWindow},
}

// HeadlineWindow is the calendar window of the headline's pace, in days.
const HeadlineWindow = 182

// Estimator is one way of reading the shared timelines.
type Estimator struct {
	Name   string
	Policy stats.Policy
}

// Result is one estimate against its truth.
type Result struct {
	Truth    int
	Estimate *int
	CI       [2]*int
	Cautions []stats.Caution
}

// Cell accumulates the results of one scenario, estimator and target.
type Cell struct {
	Replicates, Known, Covered, Flagged int
	sumErr, sumSq                       float64
}

func (c *Cell) add(r Result) {
	c.Replicates++
	if len(r.Cautions) > 0 {
		c.Flagged++
	}
	if r.Estimate == nil {
		return
	}
	c.Known++
	e := float64(*r.Estimate-r.Truth) / float64(r.Truth)
	c.sumErr += e
	c.sumSq += e * e
	lo, hi := math.Inf(-1), math.Inf(1)
	if r.CI[0] != nil {
		lo = float64(*r.CI[0])
	}
	if r.CI[1] != nil {
		hi = float64(*r.CI[1])
	}
	if float64(r.Truth) >= lo && float64(r.Truth) <= hi {
		c.Covered++
	}
}

// Bias is the mean relative error of the known estimates.
func (c *Cell) Bias() float64 { return c.sumErr / float64(max(c.Known, 1)) }

// RMSE is the root mean squared relative error of the known estimates.
func (c *Cell) RMSE() float64 { return math.Sqrt(c.sumSq / float64(max(c.Known, 1))) }

// Coverage is the share of known estimates whose 95% interval covers the
// truth.
func (c *Cell) Coverage() float64 { return float64(c.Covered) / float64(max(c.Known, 1)) }

// Flags is the share of replicates whose estimate came with a caution.
func (c *Cell) Flags() float64 { return float64(c.Flagged) / float64(max(c.Replicates, 1)) }

// Unknown is the share of replicates with no estimate.
func (c *Cell) Unknown() float64 { return 1 - float64(c.Known)/float64(max(c.Replicates, 1)) }

// estimateAll reads one replicate's timelines in-process, through the
// statistics index the server uses, with each estimator, for each target.
func (m *Model) estimateAll(cat *catalog.Catalog, tls []Timeline, ests []Estimator) [][]Result {
	l := stats.NewLoader(cat)
	l.Grow(len(tls))
	for i, t := range tls {
		l.Add(t.Case(caseID(i)))
	}
	ix := l.Index()
	now := m.Now
	ix.SetClock(func() time.Time { return now })
	c := &m.Categories[0]
	out := make([][]Result, len(ests))
	for ei, e := range ests {
		for _, tg := range Targets {
			f := stats.Filter{Category: c.Code}
			var truth int
			if tg.Window > 0 {
				truth = m.PeriodMedian(c, tg.Window)
			} else {
				f.FiledFrom, f.FiledTo = m.month(tg.AgeFrom), m.month(tg.AgeTo)
				truth = c.CohortMedian(tg.AgeFrom, tg.AgeTo)
			}
			est := ix.Estimate(f, e.Policy, tg.Window)
			out[ei] = append(out[ei], Result{Truth: truth, Estimate: est.Median, CI: est.MedianCI, Cautions: est.Cautions})
		}
	}
	return out
}

// Run runs replicates of each behaviour with each estimator and returns
// the cells by behaviour, estimator and target.
func (m *Model) Run(cat *catalog.Catalog, behaviours []Behaviour, ests []Estimator, replicates int, seed uint64) [][][]Cell {
	cells := make([][][]Cell, len(behaviours))
	for bi := range behaviours {
		cells[bi] = make([][]Cell, len(ests))
		for ei := range ests {
			cells[bi][ei] = make([]Cell, len(Targets))
		}
	}
	type job struct{ b, rep int }
	jobs := make(chan job)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for j := range jobs {
				tls := m.Population(behaviours[j.b], seed+uint64(j.rep)*1000003+uint64(j.b))
				res := m.estimateAll(cat, tls, ests)
				mu.Lock()
				for ei := range ests {
					for ti := range Targets {
						cells[j.b][ei][ti].add(res[ei][ti])
					}
				}
				mu.Unlock()
			}
		})
	}
	for b := range behaviours {
		for rep := range replicates {
			jobs <- job{b, rep}
		}
	}
	close(jobs)
	wg.Wait()
	return cells
}

// Format writes the cells as a plain text table.
func Format(behaviours []Behaviour, ests []Estimator, cells [][][]Cell) string {
	s := fmt.Sprintf("%-16s %-22s", "behaviour", "estimator")
	for _, t := range Targets {
		s += fmt.Sprintf(" | %-40s", t.Name+" bias rmse cover unk flag")
	}
	s += "\n"
	for bi, b := range behaviours {
		for ei, e := range ests {
			s += fmt.Sprintf("%-16s %-22s", b.Name, e.Name)
			for ti := range Targets {
				c := cells[bi][ei][ti]
				s += fmt.Sprintf(" | %+6.1f%% %5.1f%% %5.1f%% %5.1f%% %5.1f%% ", 100*c.Bias(), 100*c.RMSE(), 100*c.Coverage(), 100*c.Unknown(), 100*c.Flags())
			}
			s += "\n"
		}
	}
	return s
}

var _ = timeline.Today
