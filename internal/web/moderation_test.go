package web

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
	"github.com/casetrack/casetrack/internal/timeline"
)

// statsCases returns the case count of the eb2-niw statistics, or -1 when
// suppressed.
func (e *testEnv) statsCases(query string) int {
	e.t.Helper()
	res := e.get("/api/v1/stats?" + query)
	mustStatus(e.t, res, http.StatusOK)
	var a struct {
		Cases *int `json:"cases"`
	}
	res.json(e.t, &a)
	if a.Cases == nil {
		return -1
	}
	return *a.Cases
}

// moderate posts one moderator action as the administrator.
func (e *testEnv) moderate(id, action, reason string) response {
	e.t.Helper()
	return e.postForm("/admin/cases/"+id, url.Values{"action": {action}, "reason": {reason}}, e.adminHeaders()...)
}

func feedHas(items []feedItemOut, id string) bool {
	for _, it := range items {
		if it.CaseID == id {
			return true
		}
	}
	return false
}

// TestReportHideRestoreDelete follows a reported case through moderation:
// report (form and API), the queue, hide (gone from feed, Atom, stats and
// case page at once), restore, and delete (nothing left behind).
func TestReportHideRestoreDelete(t *testing.T) {
	storetest.EachRaw(t, func(t *testing.T, st *store.Store, db *sql.DB, _ string) {
		e := newEnv(t, st)
		var ids []string
		for i := range 6 {
			sub := variedSubmission(i)
			sub["milestones"] = append(sub["milestones"].([]map[string]string), map[string]string{"code": "approved", "date": fmt.Sprintf("2025-05-%02d", i+1)})
			ids = append(ids, e.create(sub).ID)
		}
		target := ids[0]
		if n := e.statsCases("category=eb2-niw"); n != 6 {
			t.Fatalf("stats before: %d cases, want 6", n)
		}

		// Reports: the form and the API, and a bad reason.
		res := e.postForm("/cases/"+target+"/report", url.Values{"reason": {"fake"}})
		if res.status != http.StatusSeeOther || res.header.Get("Location") != "/cases/"+target+"?done=reported" {
			t.Fatalf("report form: %d %q", res.status, res.header.Get("Location"))
		}
		res = e.postJSON("/api/v1/cases/"+target+"/reports", map[string]string{"reason": "spam"})
		mustStatus(t, res, http.StatusAccepted)
		res = e.postJSON("/api/v1/cases/"+target+"/reports", map[string]string{"reason": "boring"})
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.apiError(t).Fields["reason"], `"personal_info", "fake"`) {
			t.Errorf("bad reason: %d %s", res.status, res.body)
		}
		res = e.postJSON("/api/v1/cases/"+target+"/reports", map[string]string{"reason": "boring"}, "Accept-Language", "es")
		if msg := res.apiError(t).Fields["reason"]; !strings.Contains(msg, "Elija por qué denuncia este caso") {
			t.Errorf("bad reason in Spanish: %q", msg)
		}
		res = e.postForm("/cases/"+target+"/report", url.Values{"reason": {""}})
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "Choose why") {
			t.Errorf("form without reason: %d", res.status)
		}
		if res := e.postJSON("/api/v1/cases/c_AAAAAAAAAAAAAAAAAAAAAAAAAA/reports", map[string]string{"reason": "spam"}); res.status != http.StatusNotFound {
			t.Errorf("report of an unknown case: %d", res.status)
		}
		if !strings.Contains(e.get("/cases/"+target).body, `action="/cases/`+target+`/report"`) {
			t.Error("the case page has no report form")
		}

		// The queue is for administrators only: signed out is 401, any
		// other account 403.
		if res := e.get("/admin"); res.status != http.StatusUnauthorized {
			t.Errorf("/admin signed out: %d", res.status)
		}
		if res := e.postForm("/admin/cases/"+target, url.Values{"action": {"hide"}, "reason": {"spam"}}); res.status != http.StatusUnauthorized {
			t.Errorf("hide signed out: %d", res.status)
		}
		user := e.account("reader@example.org")
		if res := e.get("/admin", user...); res.status != http.StatusForbidden {
			t.Errorf("/admin as a reader: %d", res.status)
		}
		if res := e.postForm("/admin/cases/"+target, url.Values{"action": {"hide"}, "reason": {"spam"}}, user...); res.status != http.StatusForbidden {
			t.Errorf("hide as a reader: %d", res.status)
		}
		res = e.get("/admin", e.adminHeaders()...)
		mustStatus(t, res, http.StatusOK)
		if !strings.Contains(res.body, `href="/cases/`+target+`"`) || !strings.Contains(res.body, "fake × 1") || !strings.Contains(res.body, "spam × 1") {
			t.Fatalf("the queue does not show the reported case with its reports")
		}
		// A reported case stays published until a moderator acts.
		if !feedHas(e.getFeed("").Items, target) || e.statsCases("category=eb2-niw") != 6 {
			t.Fatal("a report alone changed what is published")
		}

		// Every action needs a reason.
		if res := e.moderate(target, "hide", ""); res.status != http.StatusUnprocessableEntity {
			t.Errorf("hide without a reason: %d", res.status)
		}
		if res := e.moderate(target, "explode", "spam"); res.status != http.StatusUnprocessableEntity {
			t.Errorf("unknown action: %d", res.status)
		}

		// Hide: gone at once from the feed, Atom, stats and the case page.
		res = e.moderate(target, "hide", "fake")
		if res.status != http.StatusSeeOther {
			t.Fatalf("hide: %d %s", res.status, res.body)
		}
		if feedHas(e.getFeed("").Items, target) || strings.Contains(e.get("/feed").body, target) || strings.Contains(e.get("/feed.atom").body, target) {
			t.Error("a hidden case is still in the feed")
		}
		if strings.Contains(e.get("/").body, target) {
			t.Error("a hidden case is still on the home page")
		}
		if n := e.statsCases("category=eb2-niw"); n != 5 {
			t.Errorf("stats after hide: %d cases, want 5", n)
		}
		res = e.get("/cases/" + target)
		if res.status != http.StatusNotFound || !strings.Contains(res.body, "removed by a moderator") {
			t.Errorf("case page of a hidden case: %d", res.status)
		}
		if res := e.get("/api/v1/cases/" + target); res.status != http.StatusNotFound {
			t.Errorf("API read of a hidden case: %d", res.status)
		}
		// Edit forms without the key show nothing of it either.
		for _, action := range []string{"milestones", "confirm", "delete"} {
			res := e.postForm("/cases/"+target+"/"+action, url.Values{"edit_key": {"ek_wrong"}})
			if res.status != http.StatusNotFound || strings.Contains(res.body, "Approved") && strings.Contains(res.body, "2025-05-01") {
				t.Errorf("%s form without the key on a hidden case: %d", action, res.status)
			}
		}
		if res := e.postJSON("/api/v1/cases/"+target+"/reports", map[string]string{"reason": "spam"}); res.status != http.StatusNotFound {
			t.Errorf("report of a hidden case: %d", res.status)
		}
		res = e.get("/admin", e.adminHeaders()...)
		if !strings.Contains(res.body, "Hidden cases (1)") || !strings.Contains(res.body, "To review (0)") {
			t.Error("the admin page does not list the hidden case apart")
		}
		if !strings.Contains(res.body, "<td>hide</td><td>fake</td>") || !strings.Contains(res.body, e.adminID()) {
			t.Error("the log does not record the hide with its reason and moderator")
		}

		// Restore.
		mustStatus(t, e.moderate(target, "approve", "reports_unfounded"), http.StatusSeeOther)
		if e.statsCases("category=eb2-niw") != 6 {
			t.Error("a restored case is not counted again")
		}
		e.eventually("a restored case is not published again", func() bool { return feedHas(e.getFeed("").Items, target) })
		mustStatus(t, e.get("/cases/"+target), http.StatusOK)

		// Dismiss reports of a visible case.
		mustStatus(t, e.postJSON("/api/v1/cases/"+ids[1]+"/reports", map[string]string{"reason": "duplicate"}), http.StatusAccepted)
		mustStatus(t, e.moderate(ids[1], "dismiss", "reports_unfounded"), http.StatusSeeOther)
		if res := e.get("/admin", e.adminHeaders()...); !strings.Contains(res.body, "To review (0)") {
			t.Error("dismissed reports are still in the queue")
		}

		// Delete: nothing of the case is left in any table.
		mustStatus(t, e.postJSON("/api/v1/cases/"+target+"/reports", map[string]string{"reason": "spam"}), http.StatusAccepted)
		mustStatus(t, e.moderate(target, "delete", "spam"), http.StatusSeeOther)
		if e.statsCases("category=eb2-niw") != 5 {
			t.Error("stats still count a deleted case")
		}
		dump := dumpTables(t, db, schemaTables(t, db, st.Dialect()))
		if !strings.Contains(dump, ids[1]) {
			t.Fatal("the dump does not contain a live case; it proves nothing")
		}
		if strings.Contains(dump, target) {
			t.Errorf("the deleted case %s is still in the database:\n%s", target, dump)
		}
		if !strings.Contains(dump, "delete|spam") {
			t.Error("the moderation log does not keep the deletion")
		}
	})
}

// TestQualityFlags checks the automatic checks: a burst of identical
// submissions is flagged (the earlier copies too, but not the first,
// which may be the timeline the others copied), and a decision far
// outside the category's range is flagged at submission and when added
// later; flagged cases are kept out of stats and feed until approved.
func TestQualityFlags(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		var copies []string
		for range burstSize {
			copies = append(copies, e.create(validSubmission()).ID)
		}
		if n := e.statsCases("category=eb2-niw"); n != -1 {
			t.Errorf("stats after a burst: %d cases, want none (suppressed)", n)
		}
		if e.ix.Len() != 1 {
			t.Errorf("index holds %d cases after a burst of copies, want only the first", e.ix.Len())
		}
		if !feedHas(e.getFeed("").Items, copies[0]) {
			t.Error("the first of the identical cases is not in the feed")
		}
		for _, id := range copies[1:] {
			if feedHas(e.getFeed("").Items, id) {
				t.Errorf("flagged copy %s is in the feed", id)
			}
			res := e.get("/cases/" + id)
			if res.status != http.StatusOK || !strings.Contains(res.body, "waiting for a moderator") {
				t.Errorf("case page of a flagged case: %d", res.status)
			}
		}
		res := e.get("/admin", e.adminHeaders()...)
		if !strings.Contains(res.body, fmt.Sprintf("To review (%d)", burstSize-1)) || !strings.Contains(res.body, reasonBurst) {
			t.Error("the queue does not list the burst")
		}
		mustStatus(t, e.moderate(copies[1], "approve", "checked_plausible"), http.StatusSeeOther)
		if e.ix.Len() != 2 {
			t.Error("an approved case is not counted")
		}
		e.eventually("an approved case is not published", func() bool { return feedHas(e.getFeed("").Items, copies[1]) })

		// Implausible decision time: 120 cases decided after 300 to 419
		// days make the range; 20 days is far faster.
		ctx := context.Background()
		for i := range 120 {
			c := &timeline.Case{ID: timeline.NewCaseID(), Category: "eb1a", Country: "IN", Filed: timeline.Month{Year: 2023, Month: 1},
				AsOf: testStart, Created: testStart,
				Milestones: []timeline.Milestone{{Code: "approved", Date: timeline.DateOf(timeline.Month{Year: 2023, Month: 1}.Mid().AddDate(0, 0, 300+i))}}}
			if err := st.CreateCase(ctx, c, nil); err != nil {
				t.Fatal(err)
			}
			e.ix.Upsert(c)
		}
		base := e.ix.Len()
		fast := feedCase{"eb1a", "MX", "", "2025-05", [][2]string{{"received", "2025-05-16"}, {"approved", "2025-06-04"}}, ""}
		res = e.postForm("/submit", url.Values{"category": {fast.category}, "country": {fast.country}, "filed": {fast.filed},
			"milestones[0].code": {"received"}, "milestones[0].date": {"2025-05-16"}, "milestones[1].code": {"approved"}, "milestones[1].date": {"2025-06-04"}})
		if res.status != http.StatusCreated || !strings.Contains(res.body, "a moderator will look at it") {
			t.Errorf("implausible submission: %d, no review notice", res.status)
		}
		normal := e.create(feedCase{"eb1a", "MX", "", "2024-01", [][2]string{{"approved", "2025-01-20"}}, ""}.submission())
		if e.ix.Len() != base+1 {
			t.Errorf("index holds %d cases, want %d: the implausible one counted or the plausible one did not", e.ix.Len(), base+1)
		}
		// A decision added later is checked too.
		pending := e.create(feedCase{"eb1a", "CN", "", "2025-05", [][2]string{{"received", "2025-05-20"}}, ""}.submission())
		mustStatus(t, e.postJSON("/api/v1/cases/"+pending.ID+"/milestones", map[string]string{"code": "approved", "date": "2025-06-01"}, editKey(pending.EditKey)...), http.StatusOK)
		if feedHas(e.getFeed("category=eb1a").Items, pending.ID) || e.ix.Len() != base+1 {
			t.Error("a case made implausible by a new milestone is still published")
		}
		if !feedHas(e.getFeed("category=eb1a").Items, normal.ID) {
			t.Error("a plausible case is missing from the feed")
		}
		// And so is an owner's edit of the whole case.
		owner := e.account("owner@example.org")
		owned := e.create(feedCase{"eb1a", "BR", "", "2024-02", [][2]string{{"approved", "2025-02-20"}}, ""}.submission(), owner...)
		if e.ix.Len() != base+2 {
			t.Fatalf("index holds %d cases, want %d: the owner's plausible case did not count", e.ix.Len(), base+2)
		}
		res = e.postForm("/me/cases/"+owned.ID+"/edit", url.Values{"category": {"eb1a"}, "country": {"BR"}, "filed": {"2025-05"},
			"milestones[0].code": {"approved"}, "milestones[0].date": {"2025-06-01"}}, owner...)
		mustStatus(t, res, http.StatusSeeOther)
		if e.ix.Len() != base+1 || feedHas(e.getFeed("category=eb1a").Items, owned.ID) {
			t.Error("a case made implausible by its owner's edit is still published")
		}
		if res := e.get("/admin", e.adminHeaders()...); strings.Count(res.body, reasonImplausible) < 3 {
			t.Error("the queue does not list the three implausible cases")
		}
	})
}
