package web

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
	"github.com/casetrack/casetrack/internal/timeline"
)

const day = 24 * time.Hour

// TestAPIDecisionKeepsLastPending: a decision added through the API to a
// pending case keeps the as-of date the case had, the last day it was
// known to be pending, and moves as-of to today.
func TestAPIDecisionKeepsLastPending(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		created := e.create(validSubmission()) // 2025-06-20
		e.clock.Add(30 * day)
		if res := e.postJSON("/api/v1/cases/"+created.ID+"/confirm", nil, editKey(created.EditKey)...); res.status != http.StatusOK {
			t.Fatalf("confirm: %d %s", res.status, res.body)
		}
		e.clock.Add(10 * day)
		res := e.postJSON("/api/v1/cases/"+created.ID+"/milestones", map[string]string{"code": "approved", "date": "2025-07-25"}, editKey(created.EditKey)...)
		if res.status != http.StatusOK {
			t.Fatalf("add decision: %d %s", res.status, res.body)
		}
		c, err := st.Case(context.Background(), created.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range []struct {
			name      string
			got, want time.Time
		}{
			{"LastPending", c.LastPending, time.Date(2025, 7, 20, 0, 0, 0, 0, time.UTC)},
			{"AsOf", c.AsOf, time.Date(2025, 7, 30, 0, 0, 0, 0, time.UTC)},
			{"Created", c.Created, time.Date(2025, 6, 20, 0, 0, 0, 0, time.UTC)},
		} {
			if !d.got.Equal(d.want) {
				t.Errorf("stored %s = %v, want %v", d.name, d.got, d.want)
			}
		}
		if strings.Contains(res.body, "last_pending") || strings.Contains(res.body, "2025-07-20") {
			t.Errorf("the answer shows the last pending day: %s", res.body)
		}
	})
}

// TestHistoryDatesOnlyInExport: the day a case was first shared and its
// last pending day are in its owner's export and nowhere public: not in
// the case's JSON, its page, the feed or the Atom feed.
func TestHistoryDatesOnlyInExport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		me := e.account("history@example.org")
		decided := e.create(validSubmission(), me...) // shared 2025-06-20
		pending := e.create(variedSubmission(1), me...)
		e.clock.Add(30 * day)
		if res := e.postJSON("/api/v1/cases/"+decided.ID+"/confirm", nil, editKey(decided.EditKey)...); res.status != http.StatusOK {
			t.Fatalf("confirm: %d %s", res.status, res.body) // pending until 2025-07-20
		}
		e.clock.Add(10 * day)
		if res := e.postJSON("/api/v1/cases/"+decided.ID+"/milestones", map[string]string{"code": "approved", "date": "2025-07-25"}, editKey(decided.EditKey)...); res.status != http.StatusOK {
			t.Fatalf("add decision: %d %s", res.status, res.body)
		}
		if res := e.postJSON("/api/v1/cases/"+pending.ID+"/confirm", nil, editKey(pending.EditKey)...); res.status != http.StatusOK {
			t.Fatalf("confirm: %d %s", res.status, res.body) // both are as of 2025-07-30 now
		}
		const shared, lastPending = "2025-06-20", "2025-07-20"

		me = e.signin("history@example.org", testPassword) // the first session has expired
		exp := e.get("/api/v1/me/export", me...)
		var out struct {
			Cases []map[string]any `json:"cases"`
		}
		if err := json.Unmarshal([]byte(exp.body), &out); err != nil {
			t.Fatalf("export: %d %v", exp.status, err)
		}
		byID := map[string]map[string]any{}
		for _, c := range out.Cases {
			byID[c["id"].(string)] = c
		}
		if c := byID[decided.ID]; c["created"] != shared || c["last_pending"] != lastPending {
			t.Errorf("exported decided case: created %v, last_pending %v; want %s, %s", c["created"], c["last_pending"], shared, lastPending)
		}
		if c := byID[pending.ID]; c["created"] != shared {
			t.Errorf("exported pending case: created %v, want %s", c["created"], shared)
		} else if v, ok := c["last_pending"]; ok {
			t.Errorf("exported pending case has last_pending %v; want it left out", v)
		}

		for _, path := range []string{
			"/api/v1/cases/" + decided.ID, "/cases/" + decided.ID,
			"/api/v1/cases/" + pending.ID, "/cases/" + pending.ID,
			"/api/v1/feed", "/feed", "/feed.atom",
		} {
			res := e.get(path)
			if res.status != http.StatusOK {
				t.Fatalf("GET %s: %d", path, res.status)
			}
			for _, leak := range []string{shared, lastPending, "created", "last_pending", "last pending", "shared on"} {
				if strings.Contains(strings.ToLower(res.body), leak) {
					t.Errorf("GET %s shows %q", path, leak)
				}
			}
		}
	})
}

// TestAPICannotBackdate: the public API takes no history dates. A
// submission naming one is refused whole (the decoder refuses unknown
// fields), a form ignores them, and what is stored carries the server's
// today.
func TestAPICannotBackdate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		for _, field := range []string{"created", "shared", "as_of", "last_pending"} {
			t.Run(field, func(t *testing.T) {
				sub := validSubmission()
				sub[field] = "2024-04-02"
				res := e.postJSON("/api/v1/cases", sub)
				if res.status != http.StatusBadRequest || res.apiError(t).Error != "bad_request" || !strings.Contains(res.body, field) {
					t.Errorf("status %d, want 400 naming %q: %s", res.status, field, res.body)
				}
			})
		}
		if n, err := st.CountCases(context.Background()); err != nil || n != 0 {
			t.Fatalf("%d cases stored from refused submissions (%v)", n, err)
		}

		e.clock.Add(3 * day)
		today := timeline.Today(e.clock.Now())
		viaAPI := e.create(validSubmission())
		form := validForm()
		for _, field := range []string{"created", "shared", "as_of", "last_pending"} {
			form.Set(field, "2024-04-02")
		}
		viaForm, _ := e.submitForm(form)
		for _, id := range []string{viaAPI.ID, viaForm} {
			c, err := st.Case(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			if !c.Created.Equal(today) || !c.AsOf.Equal(today) || !c.LastPending.IsZero() {
				t.Errorf("case %s stored created %v, as of %v, last pending %v; want %v, %v and none",
					id, c.Created, c.AsOf, c.LastPending, today, today)
			}
		}
	})
}
