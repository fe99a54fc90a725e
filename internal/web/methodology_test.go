package web

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/casetrack/casetrack/internal/store/storetest"
	"github.com/casetrack/casetrack/internal/truthlab/report"
)

func TestMethodologyPage(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t), func(c *Config) { c.MinCases = 7 })
	res := e.get("/methodology")
	mustStatus(t, res, http.StatusOK)
	page := text(res.body)
	for _, want := range []string{
		"fewer than 7 cases shows \"not enough data\"", // the configured k, not a constant
		"15th of that month",
		"days divided by 30.44",
		"Kaplan-Meier",
		"Greenwood's formula",
		"R's survfit",
		"not yet known",
		"the median is 8 months",
		"first shared",
		"left truncation",
		"right truncation",
		"until 60 days after its last report",
		"cumulative incidence",
		"Aalen-Johansen",
		"sampling error only",
		"keeps the lower limit above 0%; the upper limit is capped at 100%",
		"one rule",
		"period estimate at the pace of the last 182 days",
		"Mostly shared after the decision",
		"Many silent timelines",
		"simple median of the three decided cases (3, 5 and 8 months) is 5 months",
		"as-of date",
		"volunteers",
		"at least 100 visible cases",
		"more than 2 times faster",
		"5 or more timelines identical",
		"within 2 days",
		"A report alone changes nothing",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("methodology lacks %q", want)
		}
	}
	if !strings.Contains(res.body, `aria-current="page">Methodology`) {
		t.Error("nav does not mark Methodology as current")
	}
	// The sentences the truthful-statistics work found wrong are gone.
	for _, gone := range []string{
		"Nobody can measure this bias",
		"trust the Kaplan-Meier median",
		"keeps them between 0% and 100%",
		"how long until the step, for cases that get it",
	} {
		if strings.Contains(page, gone) {
			t.Errorf("methodology still says %q", gone)
		}
	}
}

// TestMethodologyTruthLab: the page shows the embedded truth lab report,
// with the command that produced it and every pattern's published
// numbers.
func TestMethodologyTruthLab(t *testing.T) {
	rep, err := report.Latest()
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, storetest.SQLite(t))
	res := e.get("/methodology")
	mustStatus(t, res, http.StatusOK)
	page := text(res.body)
	if len(rep.Cells) == 0 {
		if !strings.Contains(page, "No truth lab run is recorded") {
			t.Error("no report and no word of it")
		}
		return
	}
	if !strings.Contains(page, rep.Command) {
		t.Errorf("page lacks the command %q", rep.Command)
	}
	for _, b := range rep.Behaviours {
		c, ok := rep.Cell(b.Name, rep.Estimators[0].Name, rep.Targets[0].Name)
		if !ok {
			t.Fatalf("no cell for %s", b.Name)
		}
		row := b.Name + " "
		if c.Known > 0 {
			row += fmt.Sprintf("%+.1f%% %.0f%%", 100*c.Bias, 100*c.Coverage)
		}
		if !strings.Contains(page, row) {
			t.Errorf("page lacks the row %q", row)
		}
	}
}
