package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/casetrack/casetrack/internal/store/storetest"
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
		"not reached",
		"Kaplan-Meier median is 8 months",
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
}
