package truthlab

import (
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/stats"
)

func TestExplore(t *testing.T) {
	reps, _ := strconv.Atoi(os.Getenv("LAB_REPS"))
	if reps == 0 {
		t.Skip("LAB_REPS not set")
	}
	m := DefaultModel(time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC))
	c := &m.Categories[0]
	t.Logf("truth: mature %d recent %d headline %d now %d", c.CohortMedian(38, 36), c.CohortMedian(20, 18), m.PeriodMedian(c, HeadlineWindow), c.CohortMedian(0, 0))
	ests := []Estimator{
		{"plain", stats.PlainPolicy},
		{"default", stats.DefaultPolicy},
		{"pending-only", func() stats.Policy { p := stats.DefaultPolicy; p.Shared = stats.SharedLeftOut; return p }()},
		{"conditional", func() stats.Policy { p := stats.DefaultPolicy; p.Shared = stats.SharedConditional; return p }()},
	}
	bs := Behaviours
	if names := os.Getenv("LAB_BEHAVIOURS"); names != "" {
		bs = nil
		for _, n := range strings.Split(names, ",") {
			b, _ := BehaviourByName(n)
			bs = append(bs, b)
		}
	}
	cells := m.Run(catalog.Default(), bs, ests, reps, 1)
	t.Log("\n" + Format(bs, ests, cells))
}
