package web

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
)

// TestExploreOutlook: the explore page's "I filed in ..." form answers
// with the outlook of the group the filters select, keeps the filters and
// the month in its address, and shows what is wrong beside the month.
func TestExploreOutlook(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		seedOutlook(e)
		res := e.get("/explore?category=eb2-niw&country=IN&service_center=TSC&filed=2023-06&as_of=2025-01-01")
		mustStatus(t, res, http.StatusOK)
		page := text(res.body)
		for _, want := range []string{
			// Day 566 is 18.6 months; the median 107 days 3.5 months, and
			// the range stops at 170 days, on 2025-06-20.
			"Of similar cases, 0% were decided by the 18.6 months you have waited. Half of those still waiting at 18.6 months were decided within another 3.5 months; 8 in 10 between 23 days and at least 5.6 months — between January 2025 and June 2025 or later.",
			"You have waited longer than 0% of the 30 similar cases that were decided. 100% of those decided were approved.",
			"Similar cases: EB-2 National Interest Waiver cases from India (service center: Texas Service Center) filed between December 2022 and December 2023 , the most specific group with at least 20 cases",
			"60 cases, 60 still waiting after 18.6 months (used for this outlook)",
			"You: 18.6 months since filing, as of January 1, 2025",
		} {
			if !strings.Contains(page, want) {
				t.Errorf("explore page lacks %q", want)
			}
		}
		for _, want := range []string{
			`<svg viewBox="0 0 1000 48" preserveAspectRatio="none" role="img" aria-label="Where you stand: filed June 2023, waiting 18.6 months as of January 1, 2025.`,
			// The ladder links to Explore with each group and the same outlook.
			`<a href="/explore?as_of=2025-01-01&amp;category=eb2-niw&amp;country=IN&amp;filed=2023-06&amp;filed_from=2022-12&amp;filed_to=2023-12#outlook">`,
			// The filters keep the outlook, the outlook form the filters.
			`<input type="hidden" name="filed" value="2023-06">`,
			`<input type="hidden" name="service_center" value="TSC">`,
			`<input type="month" id="f-filed" name="filed" value="2023-06"`,
		} {
			if !strings.Contains(res.body, want) {
				t.Errorf("explore page lacks %s", want)
			}
		}

		// A month in the future: 422, the message beside the field, the
		// input kept, the statistics still shown.
		res = e.get("/explore?category=eb2-niw&filed=2025-09")
		mustStatus(t, res, http.StatusUnprocessableEntity)
		for _, want := range []string{`aria-invalid="true" aria-describedby="e-filed"`, `value="2025-09"`, `<p class="error" id="e-filed">The filing month 2025-09 is in the future.`} {
			if !strings.Contains(res.body, want) {
				t.Errorf("refused outlook lacks %s", want)
			}
		}
		// Today (day 736) nobody is known to wait longer: never a dead end.
		page = text(e.get("/explore?category=eb2-niw&country=IN&filed=2023-06").body)
		if !strings.Contains(page, "Not enough similar cases have waited as long as you") || !strings.Contains(page, "EB-2 National Interest Waiver cases : 60 cases, 0 still waiting after 24.2 months") {
			t.Errorf("suppressed outlook does not offer its groups: %s", page)
		}
	})
}

// TestCaseAndHomeOutlook: a pending case's page shows its outlook as of
// its last confirmed day, a decided one how it compares; My timeline
// shows the outlook in short; the home page has the outlook form.
func TestCaseAndHomeOutlook(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	cases := seedOutlook(e)

	// A pending case, last confirmed on 2025-06-10 (day 726).
	page := text(e.get("/cases/" + cases[40].ID).body)
	for _, want := range []string{"Where this case stands", "As of June 10, 2025, the last day it was confirmed still waiting.",
		"Of similar cases, 50% were decided by the 23.9 months you have waited."} {
		if !strings.Contains(page, want) {
			t.Errorf("pending case page lacks %q", want)
		}
	}
	// The first decided case, on day 575: 29 of the thirty were still
	// waiting just after that day (S counts the day's own decision).
	page = text(e.get("/cases/" + cases[0].ID).body)
	for _, want := range []string{"Decided faster than 97% of similar cases: EB-2 National Interest Waiver cases from India",
		"It was decided 18.9 months after filing; at that point 97% of similar cases were still waiting."} {
		if !strings.Contains(page, want) {
			t.Errorf("decided case page lacks %q: %s", want, page[strings.Index(page, "Compared"):])
		}
	}

	// My timeline: a case shared on 2025-06-10, seen ten days later.
	e.signup("ana@example.org", testPassword, "")
	session := e.signin("ana@example.org", testPassword)
	e.clock.Add(-10 * 24 * time.Hour)
	sub := validSubmission()
	sub["filed"], sub["milestones"] = "2023-06", []map[string]string{{"code": "received", "date": "2023-06-20"}}
	mine := e.create(sub, session...)
	e.clock.Add(10 * 24 * time.Hour)
	me := e.get("/me", session...)
	mustStatus(t, me, http.StatusOK)
	if !strings.Contains(text(me.body), "Of similar cases, 50% were decided by the 23.9 months you have waited.") ||
		!strings.Contains(me.body, `<a href="/cases/`+mine.ID+`#outlook">`) || !strings.Contains(me.body, `role="img"`) {
		t.Errorf("My timeline lacks the case's outlook in short: %s", text(me.body))
	}

	home := e.get("/")
	for _, want := range []string{`<form method="get" action="/explore#outlook" class="home-outlook"`, `id="h-category" name="category" required`,
		`id="h-country" name="country"`, `type="month" id="h-filed" name="filed" required`} {
		if !strings.Contains(home.body, want) {
			t.Errorf("home page lacks %s", want)
		}
	}
}

// TestChartNotEnoughNamesWider: a chart of a group too small names the
// nearest wider group with numbers, and its size.
func TestChartNotEnoughNamesWider(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	submitFixture(e)
	for _, path := range []string{"/explore/chart/survival.svg?category=eb1a&country=CN", "/explore/chart/trend.svg?category=eb1a&country=IN&service_center=NSC"} {
		res := e.get(path)
		mustStatus(t, res, http.StatusOK)
		body := text(res.body)
		if !strings.Contains(body, "Not enough data") {
			t.Errorf("%s: %s", path, body)
		}
		want := "Any country: 6 cases"
		if strings.Contains(path, "NSC") {
			want = "Any service center: 5 cases"
		}
		if !strings.Contains(body, want) {
			t.Errorf("%s does not name the wider group %q: %s", path, want, body)
		}
	}
}
