package truthlab

import (
	"fmt"
	"math"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/replay"
	"github.com/casetrack/casetrack/internal/stats"
	"github.com/casetrack/casetrack/internal/truthlab/report"
)

// Target is a number the lab checks in the measured category: a filing
// cohort's median, or the headline's period median.
type Target struct {
	Name string
	Doc  string
	// AgeFrom and AgeTo are the filing months (before Now's) of a cohort;
	// Headline makes it the headline's period median instead.
	AgeFrom, AgeTo int
	Headline       bool
}

// Targets are the lab's targets.
var Targets = []Target{
	{Name: "mature cohort", Doc: "median of the cases filed 36 to 38 months ago, nearly all decided", AgeFrom: report.MatureTo, AgeTo: report.MatureFrom},
	{Name: "recent cohort", Doc: "median of the cases filed 18 to 20 months ago, most but not all decided", AgeFrom: report.RecentTo, AgeTo: report.RecentFrom},
	{Name: "headline", Doc: "the Explore headline: the median at the pace of the last six months, for someone filing now", Headline: true},
}

// filter is the statistics filter of a target in the model.
func (t Target) filter(m *Model) stats.Filter {
	f := stats.Filter{Category: m.Categories[0].Code}
	if !t.Headline {
		f.FiledFrom, f.FiledTo = m.month(t.AgeFrom), m.month(t.AgeTo)
	}
	return f
}

// truth is the target's true value.
func (t Target) truth(m *Model) int {
	c := &m.Categories[0]
	if t.Headline {
		return m.PeriodMedian(c, stats.HeadlineWindow)
	}
	return c.CohortMedian(t.AgeFrom, t.AgeTo)
}

// Estimator is one way of reading the shared timelines.
type Estimator struct {
	Name, Doc string
	Policy    stats.Policy
}

// Published is the name of the estimator the site publishes.
const Published = "published"

// Estimators are the readings the lab compares: the published one first,
// then the alternatives whose failures justify it.
var Estimators = []Estimator{
	{Published, "delayed entry, the silence rule with each category's fitted return rate, and the launch guard", stats.DefaultPolicy},
	{"plain Kaplan-Meier", "every timeline from filing, every recorded decision an event, pending cases until their as-of date", stats.PlainPolicy},
	{"delayed entry only", "the published reading without the silence rule and the launch guard", stats.Policy{DelayedEntry: true}},
	{"silence ends at the report", "the published reading, but a silent case counts only until its last report (no return rate)",
		stats.Policy{DelayedEntry: true, Histories: true, Grace: stats.DefaultPolicy.Grace}},
	{"shared while waiting only", "the published reading without the timelines shared after their decision",
		withShared(stats.DefaultPolicy, stats.SharedLeftOut)},
	{"conditional (Turnbull)", "every timeline conditional on how it was seen: left truncation for those shared while waiting, right truncation for those shared decided",
		withShared(stats.DefaultPolicy, stats.SharedConditional)},
}

func withShared(p stats.Policy, r stats.SharedRule) stats.Policy {
	p.Shared = r
	return p
}

// estimate is one estimate against its truth.
type estimate struct {
	Truth    int
	Median   *int
	CI       [2]*int
	Cautions []stats.Caution
}

// cell accumulates the estimates of one behaviour, estimator and target.
type cell struct {
	replicates, known, covered, flagged int
	sumErr, sumSq                       float64
}

func (c *cell) add(e estimate) {
	c.replicates++
	if len(e.Cautions) > 0 {
		c.flagged++
	}
	if e.Median == nil {
		return
	}
	c.known++
	rel := float64(*e.Median-e.Truth) / float64(e.Truth)
	c.sumErr += rel
	c.sumSq += rel * rel
	lo, hi := math.Inf(-1), math.Inf(1)
	if e.CI[0] != nil {
		lo = float64(*e.CI[0])
	}
	if e.CI[1] != nil {
		hi = float64(*e.CI[1])
	}
	if t := float64(e.Truth); t >= lo && t <= hi {
		c.covered++
	}
}

func (c *cell) report(b, e, t string) report.Cell {
	k := float64(max(c.known, 1))
	return report.Cell{Behaviour: b, Estimator: e, Target: t, Replicates: c.replicates, Known: c.known,
		Bias: round4(c.sumErr / k), RMSE: round4(math.Sqrt(c.sumSq / k)), Coverage: round4(float64(c.covered) / k),
		Unknown: round4(1 - float64(c.known)/float64(max(c.replicates, 1))), Flagged: round4(float64(c.flagged) / float64(max(c.replicates, 1)))}
}

func round4(v float64) float64 { return math.Round(v*1e4) / 1e4 }

// Lab is a configured run.
type Lab struct {
	Model      Model
	Catalog    *catalog.Catalog
	Behaviours []Behaviour
	Estimators []Estimator
	Replicates int
	Seed       uint64
	// Progress, when set, is told after each replicate.
	Progress func(done, total int)
}

// seedOf is the seed of one replicate of one behaviour. A behaviour with
// reminders takes the seed of the first behaviour of the run it is built
// on, so both draw the same people, timelines and held-out applicants.
func (l *Lab) seedOf(b, rep int) uint64 {
	for i := range b {
		if l.Behaviours[i].base() == l.Behaviours[b].base() {
			b = i
			break
		}
	}
	return l.Seed*1_000_003 + uint64(b)*10_007 + uint64(rep)
}

// Run runs every replicate in-process, through the replay conversion and
// the statistics index the server uses, on all CPUs, and returns the
// report. An error means the simulator wrote a row the import refuses.
func (l *Lab) Run() (*report.Report, error) {
	cells := make([][][]cell, len(l.Behaviours))
	for bi := range cells {
		cells[bi] = make([][]cell, len(l.Estimators))
		for ei := range cells[bi] {
			cells[bi][ei] = make([]cell, len(Targets))
		}
	}
	calibration := make([]calibrationCell, len(l.Behaviours))
	nowErr := make([]float64, len(l.Behaviours))
	nowN := make([]int, len(l.Behaviours))
	nowTruth := l.Model.Categories[0].CohortMedian(0, 0)
	truths := make([]int, len(Targets))
	for ti, t := range Targets {
		truths[ti] = t.truth(&l.Model)
	}

	type job struct{ b, rep int }
	jobs := make(chan job)
	var runErr error
	var mu sync.Mutex
	var wg sync.WaitGroup
	done, total := 0, len(l.Behaviours)*l.Replicates
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for j := range jobs {
				ix, err := l.Model.index(l.Catalog, l.Model.Rows(l.Behaviours[j.b], l.seedOf(j.b, j.rep)))
				if err != nil {
					mu.Lock()
					if runErr == nil {
						runErr = fmt.Errorf("%s, replicate %d: %w", l.Behaviours[j.b].Name, j.rep, err)
					}
					mu.Unlock()
					continue
				}
				res := make([][]estimate, len(l.Estimators))
				for ei, e := range l.Estimators {
					for ti, t := range Targets {
						res[ei] = append(res[ei], estimateOf(ix, &l.Model, t, e.Policy, truths[ti]))
					}
				}
				cal := l.Model.calibrate(ix, l.applicantsOf(j.b, j.rep, Applicants))
				mu.Lock()
				calibration[j.b].add(cal)
				for ei := range l.Estimators {
					for ti := range Targets {
						cells[j.b][ei][ti].add(res[ei][ti])
					}
				}
				if h := res[0][len(Targets)-1]; h.Median != nil && l.Estimators[0].Name == Published {
					nowErr[j.b] += float64(*h.Median-nowTruth) / float64(nowTruth)
					nowN[j.b]++
				}
				done++
				if l.Progress != nil {
					l.Progress(done, total)
				}
				mu.Unlock()
			}
		})
	}
	for b := range l.Behaviours {
		for rep := range l.Replicates {
			jobs <- job{b, rep}
		}
	}
	close(jobs)
	wg.Wait()
	if runErr != nil {
		return nil, runErr
	}

	r := &report.Report{Today: l.Model.Now.Format(time.DateOnly), Replicates: l.Replicates, Seed: l.Seed,
		Category: l.Model.Categories[0].Code, NowMedian: nowTruth, OldMedian: l.Model.Categories[0].CohortMedian(60, 60),
		HeadlineVsNow: map[string]float64{}, Applicants: Applicants}
	for ti, t := range Targets {
		r.Targets = append(r.Targets, report.Target{Name: t.Name, Doc: t.Doc, Truth: truths[ti]})
	}
	for bi, b := range l.Behaviours {
		named := report.Named{Name: b.Name, Doc: b.Doc, Base: b.Base}
		if b.Reminders.Response > 0 {
			named.ReminderResponse, named.ReminderAccounts = b.Reminders.Response, b.Reminders.accounts()
		}
		r.Behaviours = append(r.Behaviours, named)
		r.Calibration = append(r.Calibration, calibration[bi].report(b.Name))
		if nowN[bi] > 0 {
			r.HeadlineVsNow[b.Name] = round4(nowErr[bi] / float64(nowN[bi]))
		}
		for ei, e := range l.Estimators {
			for ti, t := range Targets {
				r.Cells = append(r.Cells, cells[bi][ei][ti].report(b.Name, e.Name, t.Name))
			}
		}
	}
	for _, e := range l.Estimators {
		r.Estimators = append(r.Estimators, report.Named{Name: e.Name, Doc: e.Doc})
	}
	return r, nil
}

// index turns a replicate's rows into cases exactly as "casetrack
// import" does (replay.Row.Case) and loads them into a statistics index
// whose clock is the model's today, as the server would hold them.
func (m *Model) index(cat *catalog.Catalog, rows []replay.Row) (*stats.Index, error) {
	l := stats.NewLoader(cat)
	l.Grow(len(rows))
	for i, r := range rows {
		c, fe := r.Case(cat, m.Now)
		if fe != nil {
			return nil, fmt.Errorf("row %d: %w", i+1, fe)
		}
		c.ID = caseID(i)
		l.Add(c)
	}
	ix := l.Index()
	now := m.Now
	ix.SetClock(func() time.Time { return now })
	return ix, nil
}

// estimateOf reads one target from an index with one policy: through
// Estimate for the alternatives, and for the published policy through
// what the API serves (Stats for a cohort, Headline for the headline), so
// the lab measures the published numbers themselves.
func estimateOf(ix *stats.Index, m *Model, t Target, pol stats.Policy, truth int) estimate {
	e := estimate{Truth: truth}
	f := t.filter(m)
	switch {
	case pol == stats.DefaultPolicy && t.Headline:
		h := ix.Headline(f, MinCases)
		if !h.Suppressed {
			e.Median, e.CI, e.Cautions = h.Median, h.MedianCI, h.Cautions
		}
	case pol == stats.DefaultPolicy:
		if r := ix.Stats(f, MinCases); !r.Suppressed {
			e.Median, e.CI, e.Cautions = r.Decision.Median, r.Decision.MedianCI, r.Decision.Cautions
		}
	default:
		window := 0
		if t.Headline {
			window = stats.HeadlineWindow
		}
		est := ix.Estimate(f, pol, window)
		e.Median, e.CI, e.Cautions = est.Median, est.MedianCI, est.Cautions
	}
	return e
}

// MinCases is the minimum group size k the lab reads with, the site's
// default.
const MinCases = 5

// Format writes a report as a plain text table, one line per behaviour
// and estimator.
func Format(r *report.Report) string {
	var b strings.Builder
	w := 16
	for _, bh := range r.Behaviours {
		w = max(w, len(bh.Name))
	}
	fmt.Fprintf(&b, "%-*s %-27s", w, "behaviour", "estimator")
	for _, t := range r.Targets {
		fmt.Fprintf(&b, " | %-38s", fmt.Sprintf("%s (%d days)", t.Name, t.Truth))
	}
	fmt.Fprintf(&b, "\n%-*s %-27s", w, "", "")
	for range r.Targets {
		fmt.Fprintf(&b, " | %7s %6s %6s %6s %6s  ", "bias", "rmse", "cover", "unkn", "flag")
	}
	b.WriteString("\n")
	for _, bh := range r.Behaviours {
		for _, e := range r.Estimators {
			fmt.Fprintf(&b, "%-*s %-27s", w, bh.Name, e.Name)
			for _, t := range r.Targets {
				c, _ := r.Cell(bh.Name, e.Name, t.Name)
				fmt.Fprintf(&b, " | %+6.1f%% %5.1f%% %5.1f%% %5.1f%% %5.1f%%  ", 100*c.Bias, 100*c.RMSE, 100*c.Coverage, 100*c.Unknown, 100*c.Flagged)
			}
			b.WriteString("\n")
		}
	}
	fmt.Fprintf(&b, "\nOutlook of %d held-out applicants per population, still waiting today:\n", Applicants)
	fmt.Fprintf(&b, "%-*s %8s %8s %7s %7s %7s %7s %8s %6s %8s %8s %8s\n", w, "behaviour", "asked", "answered", "cover",
		"below", "above", "flag", "open>6mo", "of", "med bias", "med |e|", "med geo")
	for _, c := range r.Calibration {
		fmt.Fprintf(&b, "%-*s %8d %8d %6.1f%% %6.1f%% %6.1f%% %6.1f%% %7.1f%% %6d %+7.1f%% %7.1f%% %+7.1f%%\n", w, c.Behaviour, c.Applicants, c.Answered,
			100*c.Coverage, 100*c.Below, 100*c.Above, 100*c.Flagged, 100*c.OpenEnded, c.OpenEndedBase, 100*c.MedianBias, 100*c.MedianAbsErr, 100*c.MedianRatio)
	}
	return b.String()
}
