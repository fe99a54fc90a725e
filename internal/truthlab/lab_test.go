package truthlab

import (
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
)

// TestExplore runs the lab at a size given by LAB_REPS and prints the
// table, for working on the estimators; the normal test run skips it.
func TestExplore(t *testing.T) {
	reps, _ := strconv.Atoi(os.Getenv("LAB_REPS"))
	if reps == 0 {
		t.Skip("set LAB_REPS to run")
	}
	lab := Lab{Model: DefaultModel(time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)), Catalog: catalog.Default(),
		Behaviours: Behaviours, Estimators: Estimators, Replicates: reps, Seed: 1}
	r, err := lab.Run()
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + Format(r))
	t.Logf("headline vs filing now: %v", r.HeadlineVsNow)
}
