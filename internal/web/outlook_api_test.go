package web

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/stats"
	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
	"github.com/casetrack/casetrack/internal/timeline"
)

// seedOutlook stores thirty EB-2 NIW cases from India at TSC filed in
// June 2023 (day 0 = 2023-06-15), shared on 2023-07-01 and followed:
// fifteen approved a week apart from 2025-01-10 (day 575) on, each last
// confirmed pending ten days before, and fifteen still pending, last
// confirmed on 2025-06-10. They go into the store and the server's index
// as an import would put them; the requests then go through HTTP. It
// returns them, decided first.
func seedOutlook(e *testEnv) []*timeline.Case {
	e.t.Helper()
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	filed := timeline.Month{Year: 2023, Month: time.June}
	var cases []*timeline.Case
	var hashes [][]byte
	// Two of each case: 60, half decided, so that on every day of the
	// outlook at least stats.OutlookAtRisk are still waiting.
	for i := range 60 {
		c := &timeline.Case{ID: timeline.NewCaseID(), Category: "eb2-niw", Country: "IN", ServiceCenter: "TSC", Filed: filed,
			Milestones: []timeline.Milestone{{Code: "received", Date: timeline.DateOf(day(2023, 6, 20))}},
			Created:    day(2023, 7, 1), AsOf: day(2025, 6, 10)}
		if i < 30 {
			decided := day(2025, 1, 10).AddDate(0, 0, 7*(i/2))
			c.Milestones = append(c.Milestones, timeline.Milestone{Code: "approved", Date: timeline.DateOf(decided)})
			c.LastPending, c.AsOf = decided.AddDate(0, 0, -10), decided
		}
		_, hash := timeline.NewEditKey()
		cases = append(cases, c)
		hashes = append(hashes, hash)
	}
	if err := e.st.CreateCases(context.Background(), cases, hashes); err != nil {
		e.t.Fatal(err)
	}
	for _, c := range cases {
		e.ix.Upsert(c)
	}
	return cases
}

// outlookAPI is the /api/v1/outlook answer as a client reads it.
type outlookAPI struct {
	Category     string            `json:"category"`
	Filed        string            `json:"filed"`
	AsOf         string            `json:"as_of"`
	DaysWaited   int               `json:"days_waited"`
	Suppressed   bool              `json:"suppressed"`
	Group        map[string]string `json:"group"`
	DecidedByNow *float64          `json:"decided_by_now"`
	Remaining    *int              `json:"remaining_median"`
	Range        []*int            `json:"remaining_range"`
	AtLeast      *int              `json:"remaining_at_least"`
	Decided      *int              `json:"decided"`
	Sooner       *int              `json:"decided_sooner"`
	Ladder       []struct {
		Filter       map[string]string `json:"filter"`
		Suppressed   bool              `json:"suppressed"`
		Cases        *int              `json:"cases"`
		AtRiskBeyond *int              `json:"still_waiting_beyond"`
		Enough       bool              `json:"enough"`
		Used         bool              `json:"used"`
	} `json:"ladder"`
}

func TestAPIOutlook(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		seedOutlook(e)

		// As of 2025-01-01 (day 566), before the first decision: all
		// thirty were still waiting after that day.
		path := "/api/v1/outlook?category=eb2-niw&country=IN&service_center=TSC&filed=2023-06&as_of=2025-01-01"
		res := e.get(path)
		mustStatus(t, res, http.StatusOK)
		if ct := res.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("Content-Type %q", ct)
		}
		var got outlookAPI
		res.json(t, &got)
		if got.Suppressed || got.DaysWaited != 566 || got.Filed != "2023-06" || got.AsOf != "2025-01-01" || got.Category != "eb2-niw" {
			t.Fatalf("outlook %+v", got)
		}
		if len(got.Ladder) == 0 || !got.Ladder[0].Used || !intIs(got.Ladder[0].Cases, 60) || !intIs(got.Ladder[0].AtRiskBeyond, 60) {
			t.Errorf("first rung %+v, want it used with 60 cases all still waiting", got.Ladder[0])
		}
		if got.Group["service_center"] != "TSC" || got.Group["filed_from"] != "2022-12" || got.Group["filed_to"] != "2023-12" {
			t.Errorf("group %v", got.Group)
		}
		// No decision before day 566; the fifteenth of thirty on day
		// 575+98 = 673 makes the median of the remaining wait 107 days.
		if got.DecidedByNow == nil || *got.DecidedByNow != 0 || !intIs(got.Remaining, 107) || !intIs(got.Decided, 30) || !intIs(got.Sooner, 0) {
			t.Errorf("decided by now %v, median %v, decided %v, sooner %v; want 0, 107, 30, 0",
				got.DecidedByNow, got.Remaining, got.Decided, got.Sooner)
		}
		// The answer is the engine's, as the index computes it.
		req := stats.OutlookRequest{Category: "eb2-niw", Country: "IN", ServiceCenter: "TSC",
			Filed: timeline.Month{Year: 2023, Month: time.June}, AsOf: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
		want, err := json.Marshal(e.ix.Outlook(req, 5))
		if err != nil {
			t.Fatal(err)
		}
		if strings.TrimSpace(res.body) != string(want) {
			t.Errorf("answer\n%s\nwant the engine's\n%s", res.body, want)
		}

		// Asked again, the same bytes, from the answer cache; a write
		// changes the index and so the answer.
		if again := e.get(path); again.body != res.body {
			t.Error("the same question got another answer without a write")
		}
		e.create(validSubmission())
		if after := e.get(path); after.status != http.StatusOK {
			t.Errorf("after a write: status %d", after.status)
		}

		// Without as_of it is today's outlook: day 736, when the pending
		// cases' last confirmation (day 726) is within their grace but
		// none is known to wait past today, so no group has enough.
		res = e.get("/api/v1/outlook?category=eb2-niw&country=IN&filed=2023-06")
		mustStatus(t, res, http.StatusOK)
		var today outlookAPI
		res.json(t, &today)
		if today.AsOf != "2025-06-20" || today.DaysWaited != 736 || !today.Suppressed || today.Group != nil || today.Remaining != nil {
			t.Errorf("today's outlook %+v, want day 736 suppressed without numbers", today)
		}
		if len(today.Ladder) == 0 {
			t.Error("a suppressed outlook lists no groups")
		}
		for _, r := range today.Ladder {
			if r.Suppressed && (r.Cases != nil || r.AtRiskBeyond != nil) {
				t.Errorf("suppressed rung with numbers: %+v", r)
			}
		}

		// HEAD answers like GET, without a body.
		if h := e.do(http.MethodHead, path, nil); h.status != http.StatusOK || h.body != "" {
			t.Errorf("HEAD: status %d, body %q", h.status, h.body)
		}
	})
}

func TestAPIOutlookErrors(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		for _, tc := range []struct {
			query  string
			fields []string
		}{
			{"", []string{"category", "filed"}},
			{"category=eb9&filed=2024-03", []string{"category"}},
			{"category=eb2-niw&country=ZZ&service_center=XYZ&filed=2024-03", []string{"country", "service_center"}},
			{"category=eb2-niw&filed=2024-3", []string{"filed"}},
			{"category=eb2-niw&filed=2025-07", []string{"filed"}},
			{"category=eb2-niw&filed=2024-03&as_of=2024-02-28", []string{"as_of"}},
			{"category=eb2-niw&filed=2024-03&as_of=2025-06-21", []string{"as_of"}},
			{"category=eb2-niw&filed=2024-03&as_of=yesterday", []string{"as_of"}},
		} {
			res := e.get("/api/v1/outlook?" + tc.query)
			if res.status != http.StatusUnprocessableEntity {
				t.Errorf("%q: status %d, want 422: %s", tc.query, res.status, res.body)
				continue
			}
			body := res.apiError(t)
			if body.Error != "validation" || len(body.Fields) != len(tc.fields) {
				t.Errorf("%q: %+v, want fields %v", tc.query, body, tc.fields)
			}
			for _, f := range tc.fields {
				if body.Fields[f] == "" {
					t.Errorf("%q: no message for %s: %+v", tc.query, f, body.Fields)
				}
			}
		}
		if res := e.do(http.MethodPost, "/api/v1/outlook", nil); res.status != http.StatusMethodNotAllowed {
			t.Errorf("POST: status %d, want 405", res.status)
		}
	})
}
