package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/casetrack/casetrack/internal/store/storetest"
)

// TestNoNegativeDays: a receipt dated before the 15th of the filing month
// (the day the month stands for) reads as 0 days after filing on the case
// page and in the feed, as it counts in the statistics, never as "-12 days".
func TestNoNegativeDays(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	sub := validSubmission()
	sub["filed"] = "2024-05"
	sub["milestones"] = []map[string]string{{"code": "received", "date": "2024-05-03"}}
	c := e.create(sub)

	page := e.get("/cases/" + c.ID)
	mustStatus(t, page, http.StatusOK)
	if !strings.Contains(page.body, "0 days after filing") || strings.Contains(page.body, "-12 days") {
		t.Error("the case page does not show the early receipt as 0 days after filing")
	}
	items := e.getFeed("").Items
	if len(items) != 1 || items[0].CaseID != c.ID || items[0].DaysSinceFiled != 0 {
		t.Errorf("feed items %+v, want the receipt at 0 days since filing", items)
	}
}
