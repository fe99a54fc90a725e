package truthlab

import (
	"context"
	"io"
	"math"
	"os"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/store/storetest"
)

// labToday is the simulated today of the tests.
var labToday = time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)

// TestTruthOfASteadyModel: with processing times that do not move and a
// steady volume, a cohort's true median is the log-normal median rounded
// down to its day, and the period median of any window equals it.
func TestTruthOfASteadyModel(t *testing.T) {
	m := DefaultModel(labToday)
	c := CategoryModel{Code: "n400", Volume: func(int) float64 { return 40 }, Median: func(int) float64 { return 240.5 }, Sigma: 0.35}
	m.Categories = []CategoryModel{c}
	// The decision day is the whole part of the time: half are decided by
	// day 240 when the median time is 240.5 (P(T < 241) > 0.5).
	if got := c.CohortMedian(10, 8); got != 240 {
		t.Errorf("cohort median = %d, want 240", got)
	}
	if got := m.PeriodMedian(&m.Categories[0], 182); got != 240 {
		t.Errorf("period median = %d, want 240 (steady state)", got)
	}
	// A growing backlog: the period median lags behind the newest filings.
	g := DefaultModel(labToday)
	now, period := g.Categories[0].CohortMedian(0, 0), g.PeriodMedian(&g.Categories[0], 182)
	if !(period < now && period > g.Categories[0].CohortMedian(60, 60)) {
		t.Errorf("growing backlog: period %d, filing now %d", period, now)
	}
}

// TestTrueRemaining: the true median remaining wait is the day by which
// half of those still waiting are decided: from filing, the cohort's
// median; later, checked against the day-by-day distribution.
func TestTrueRemaining(t *testing.T) {
	m := DefaultModel(labToday)
	c := &m.Categories[0]
	if got, want := c.trueRemaining(10, -1), c.CohortMedian(10, 10)+1; got != want {
		t.Errorf("from filing: %d, want the median %d plus one day", got, want)
	}
	for _, a := range []int{100, 400, 900} {
		r := c.trueRemaining(10, a)
		left := 1 - c.dayCDF(10, a)
		share := func(d int) float64 { return (c.dayCDF(10, d) - c.dayCDF(10, a)) / left }
		if !(share(a+r) >= 0.5 && share(a+r-1) < 0.5) {
			t.Errorf("a=%d: remaining %d, decided shares %.4f and %.4f around it", a, r, share(a+r-1), share(a+r))
		}
	}
}

// TestPopulationIsDeterministic: the same seed gives the same rows.
func TestPopulationIsDeterministic(t *testing.T) {
	m := DefaultModel(labToday)
	m.Scale = 0.2
	b, _ := BehaviourByName("mix")
	a1, a2 := m.Rows(b, 7), m.Rows(b, 7)
	if len(a1) == 0 || len(a1) != len(a2) {
		t.Fatalf("%d and %d rows", len(a1), len(a2))
	}
	for i := range a1 {
		if a1[i].Shared != a2[i].Shared || a1[i].AsOf != a2[i].AsOf || a1[i].Filed != a2[i].Filed {
			t.Fatalf("row %d differs: %+v, %+v", i, a1[i], a2[i])
		}
	}
}

// TestLabKnownAnswers runs a few small replicates of every behaviour
// through the published reading and plain Kaplan-Meier. Where the data
// can tell the answer, the published medians are near the truth; plain
// Kaplan-Meier is months off under delayed entry, which the lab must be
// able to see; and the patterns no estimator can recover come with
// cautions.
func TestLabKnownAnswers(t *testing.T) {
	lab := Lab{Model: DefaultModel(labToday), Catalog: catalog.Default(), Behaviours: Behaviours, Estimators: Estimators[:2], Replicates: 3, Seed: 11}
	r, err := lab.Run()
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + Format(r))
	for _, b := range []string{"early-faithful", "delayed-entry", "found-anytime", "launch", "stale", "stale-returning"} {
		for _, tg := range Targets {
			c, _ := r.Cell(b, Published, tg.Name)
			if c.Known == 0 || math.Abs(c.Bias) > 0.10 {
				t.Errorf("%s, %s: published bias %+.1f%% over %d known (want within 10%% at this size)", b, tg.Name, 100*c.Bias, c.Known)
			}
		}
	}
	if c, _ := r.Cell("delayed-entry", "plain Kaplan-Meier", "recent cohort"); c.Bias < 0.10 {
		t.Errorf("plain Kaplan-Meier under delayed entry: bias %+.1f%%, want well above +10%%", 100*c.Bias)
	}
	for _, b := range []string{"retrospective", "forgetting"} {
		if c, _ := r.Cell(b, Published, "headline"); c.Flagged < 1 {
			t.Errorf("%s: the headline came with a caution in %.0f%% of replicates, want all", b, 100*c.Flagged)
		}
	}
	// The outlook of held-out applicants: its 80% range holds about 80%
	// of their true decisions where the data can tell (loose bounds at
	// 120 applicants), and it warns where it cannot.
	for _, c := range r.Calibration {
		switch c.Behaviour {
		case "early-faithful", "delayed-entry", "stale", "mix":
			if c.Answered < 100 || c.Coverage < 0.65 || c.Coverage > 0.93 || c.Flagged > 0 && c.Behaviour != "stale" && c.Behaviour != "mix" {
				t.Errorf("%s: outlook %+v, want about 80%% covered, no cautions", c.Behaviour, c)
			}
		case "retrospective", "forgetting":
			if c.Flagged < 1 {
				t.Errorf("%s: outlooks flagged %.0f%%, want all", c.Behaviour, 100*c.Flagged)
			}
		}
	}
	for _, b := range []string{"early-faithful", "delayed-entry", "found-anytime", "launch"} {
		for _, tg := range Targets {
			if c, _ := r.Cell(b, Published, tg.Name); c.Flagged > 0 {
				t.Errorf("%s, %s: cautions in %.0f%% of replicates, want none", b, tg.Name, 100*c.Flagged)
			}
		}
	}
}

// TestFullPath: one replicate of every behaviour goes the whole way,
// through a replay file, the import into SQLite and PostgreSQL, and the
// HTTP API, and gives the in-process numbers exactly.
func TestFullPath(t *testing.T) {
	m := DefaultModel(labToday)
	m.Scale = 0.3
	lab := Lab{Model: m, Catalog: catalog.Default(), Behaviours: Behaviours, Estimators: Estimators[:1], Replicates: 1, Seed: 5}
	ctx := context.Background()
	t.Run("sqlite", func(t *testing.T) {
		res, err := lab.FullPath(ctx, "", 1, testLog(t))
		if err != nil {
			t.Fatal(err)
		}
		if res.Replicates != len(Behaviours) || res.Identical != res.Replicates {
			t.Errorf("full path: %d of %d identical", res.Identical, res.Replicates)
		}
	})
	t.Run("postgres", func(t *testing.T) {
		base := storetest.PostgresBase(t)
		pg := lab
		pg.Behaviours = nil
		for _, name := range []string{"delayed-entry", "launch", "mix"} {
			b, _ := BehaviourByName(name)
			pg.Behaviours = append(pg.Behaviours, b)
		}
		res, err := pg.FullPath(ctx, base, 1, testLog(t))
		if err != nil {
			t.Fatal(err)
		}
		if res.Database != "PostgreSQL" || res.Replicates != 3 || res.Identical != 3 {
			t.Errorf("full path: %+v", res)
		}
	})
}

// testLog is a writer to the test log.
func testLog(t *testing.T) io.Writer {
	if testing.Verbose() {
		return os.Stderr
	}
	return io.Discard
}
