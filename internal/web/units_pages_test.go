package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/casetrack/casetrack/internal/store/storetest"
)

// TestDurationsInOneScheme: the case page, the feed and the Atom feed
// write durations as package units does (days up to 60, months with one
// decimal beyond), while the JSON feed keeps days.
func TestDurationsInOneScheme(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	// Filed 2024-03 (day 0 = 2024-03-15): received 5 days later, approved
	// on day 443 (14.6 months).
	sub := validSubmission()
	sub["milestones"] = []map[string]string{{"code": "received", "date": "2024-03-20"}, {"code": "approved", "date": "2025-06-01"}}
	decided := e.create(sub)
	// Pending since 2024-03, as of 2025-06-20: day 462 (15.2 months).
	sub = validSubmission()
	sub["milestones"] = []map[string]string{{"code": "received", "date": "2024-03-21"}}
	pending := e.create(sub)

	page := e.get("/cases/" + decided.ID)
	mustStatus(t, page, http.StatusOK)
	for _, want := range []string{"5 days after filing", "14.6 months after filing"} {
		if !strings.Contains(page.body, want) {
			t.Errorf("case page lacks %q", want)
		}
	}
	page = e.get("/cases/" + pending.ID)
	if !strings.Contains(page.body, "(15.2 months since filing)") {
		t.Errorf("pending case page does not say how long it has waited in months")
	}
	for _, path := range []string{"/feed", "/feed.atom"} {
		body := e.get(path).body
		for _, want := range []string{"14.6 months after filing", "6 days after filing"} {
			if !strings.Contains(body, want) {
				t.Errorf("%s lacks %q", path, want)
			}
		}
		if strings.Contains(body, "443 days") {
			t.Errorf("%s writes a long wait in days", path)
		}
	}
	var approved bool
	for _, it := range e.getFeed("").Items {
		if it.Milestone == "approved" {
			approved = it.DaysSinceFiled == 443
		}
	}
	if !approved {
		t.Error("the JSON feed does not keep the approval's 443 days")
	}
}
