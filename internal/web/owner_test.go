package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
)

// TestOwnerChangesOwnCases: a case created while signed in, through the
// API or the form, belongs to the account, and its owner changes it
// without an edit key; every change moves as-of to today.
func TestOwnerChangesOwnCases(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		ctx := context.Background()
		ana := e.account("ana@example.org")
		a, err := st.AccountByEmail(ctx, "ana@example.org")
		if err != nil {
			t.Fatal(err)
		}

		api := e.create(validSubmission(), ana...)
		form := e.postForm("/submit", validForm(), ana...)
		if form.status != http.StatusCreated {
			t.Fatalf("form submit: %d", form.status)
		}
		formID := between(form.body, `href="/cases/`, `"`)
		if !strings.Contains(form.body, `id="owned"`) {
			t.Error("the thank-you page does not tell a signed-in person the case is in their timeline")
		}
		for _, id := range []string{api.ID, formID} {
			c, err := st.Case(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if c.OwnerID != a.ID {
				t.Errorf("case %s owner %q, want %q", id, c.OwnerID, a.ID)
			}
		}
		me := e.get("/me", ana...)
		if !strings.Contains(me.body, api.ID) || !strings.Contains(me.body, formID) {
			t.Error("/me does not list both cases")
		}

		// API, no key: add a milestone a few days later.
		e.clock.Add(3 * 24 * time.Hour)
		res := e.postJSON("/api/v1/cases/"+api.ID+"/milestones", map[string]string{"code": "rfe_response", "date": "2025-06-01"}, ana...)
		if res.status != http.StatusOK {
			t.Fatalf("owner adds a milestone through the API: %d %s", res.status, res.body)
		}
		var cj caseJSON
		res.json(t, &cj)
		if cj.AsOf != "2025-06-23" {
			t.Errorf("as_of after the owner's update = %s, want 2025-06-23", cj.AsOf)
		}
		// API confirm.
		e.clock.Add(24 * time.Hour)
		res = e.postJSON("/api/v1/cases/"+api.ID+"/confirm", nil, ana...)
		res.json(t, &cj)
		if res.status != http.StatusOK || cj.AsOf != "2025-06-24" {
			t.Errorf("owner confirms through the API: %d, as_of %s", res.status, cj.AsOf)
		}
		if got := e.ix.Len(); got != 2 {
			t.Errorf("index has %d cases", got)
		}

		// Forms, no key: one-click confirm from /me, add a milestone.
		e.clock.Add(24 * time.Hour)
		res = e.postForm("/cases/"+formID+"/confirm", url.Values{}, ana...)
		if res.status != http.StatusSeeOther {
			t.Fatalf("one-click confirm: %d %s", res.status, res.body)
		}
		if c, _ := st.Case(ctx, formID); c.AsOf.Format(time.DateOnly) != "2025-06-25" {
			t.Errorf("as_of after confirm = %s", c.AsOf.Format(time.DateOnly))
		}
		res = e.postForm("/cases/"+formID+"/milestones", url.Values{"code": {"approved"}, "date": {"2025-06-25"}}, ana...)
		if res.status != http.StatusSeeOther {
			t.Fatalf("owner adds a milestone by form: %d", res.status)
		}
		page := e.get("/cases/"+formID, ana...)
		if strings.Contains(page.body, `name="edit_key"`) || !strings.Contains(page.body, "/me/cases/"+formID+"/edit") {
			t.Error("the owner's case page asks for an edit key or lacks the edit link")
		}

		// Edit fields and dates.
		e.clock.Add(24 * time.Hour)
		edit := e.get("/me/cases/"+api.ID+"/edit", ana...)
		if edit.status != http.StatusOK || !strings.Contains(edit.body, `value="2024-03-20"`) {
			t.Fatalf("edit page: %d", edit.status)
		}
		f := url.Values{
			"rows": {"8"}, "category": {"eb2-niw"}, "country": {"MX"}, "service_center": {""}, "filed": {"2024-02"},
			"milestones[0].code": {"received"}, "milestones[0].date": {"2024-02-20"},
			"milestones[1].code": {"rfe"}, "milestones[1].date": {"2024-04"},
			"note": {"Corrected."},
		}
		res = e.postForm("/me/cases/"+api.ID+"/edit", f, ana...)
		if res.status != http.StatusSeeOther {
			t.Fatalf("edit: %d %s", res.status, res.body)
		}
		c, err := st.Case(ctx, api.ID)
		if err != nil {
			t.Fatal(err)
		}
		if c.Country != "MX" || c.ServiceCenter != "" || c.Filed.String() != "2024-02" || len(c.Milestones) != 2 ||
			c.Milestones[1].Date.String() != "2024-04" || c.Note != "Corrected." || c.AsOf.Format(time.DateOnly) != "2025-06-26" || c.OwnerID != a.ID {
			t.Errorf("after edit: %+v", c)
		}
		bad := f
		bad.Set("filed", "2030-01")
		if res := e.postForm("/me/cases/"+api.ID+"/edit", bad, ana...); res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "e-filed") {
			t.Errorf("invalid edit: %d", res.status)
		}

		// Delete through the API and through the form.
		if res := e.do(http.MethodDelete, "/api/v1/cases/"+api.ID, nil, ana...); res.status != http.StatusNoContent {
			t.Errorf("owner deletes through the API: %d", res.status)
		}
		res = e.postForm("/cases/"+formID+"/delete", url.Values{"confirm": {"yes"}}, ana...)
		if res.status != http.StatusSeeOther || res.header.Get("Location") != "/me?done=deleted" {
			t.Errorf("owner deletes by form: %d %s", res.status, res.header.Get("Location"))
		}
		if e.ix.Len() != 0 {
			t.Errorf("index still has %d cases", e.ix.Len())
		}
	})
}

// between returns the text after start up to end.
func between(s, start, end string) string {
	_, rest, ok := strings.Cut(s, start)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(rest, end)
	return v
}

func TestClaimCase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		ctx := context.Background()
		anon := e.create(validSubmission())
		ana := e.account("ana@example.org")
		bea := e.account("bea@example.org")

		for _, tt := range []struct {
			form  url.Values
			field string
		}{
			{url.Values{"case": {"nonsense"}, "edit_key": {anon.EditKey}}, "e-case"},
			{url.Values{"case": {"c_AAAAAAAAAAAAAAAAAAAAAAAAAA"}, "edit_key": {anon.EditKey}}, "e-case"},
			{url.Values{"case": {anon.ID}}, "e-edit_key"},
			{url.Values{"case": {anon.ID}, "edit_key": {"ek_wrong"}}, "e-edit_key"},
		} {
			res := e.postForm("/me/claim", tt.form, bea...)
			if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, `id="`+tt.field+`"`) {
				t.Errorf("claim %v: %d, want 422 at %s", tt.form, res.status, tt.field)
			}
		}
		if res := e.postForm("/me/claim", url.Values{"case": {"https://casetrack.example.org" + anon.URL}, "edit_key": {anon.EditKey}}, ana...); res.status != http.StatusSeeOther {
			t.Fatalf("claim: %d %s", res.status, res.body)
		}
		a, _ := st.AccountByEmail(ctx, "ana@example.org")
		if c, _ := st.Case(ctx, anon.ID); c.OwnerID != a.ID {
			t.Errorf("owner after claim %q", c.OwnerID)
		}
		// The key is spent: it neither edits nor claims again.
		if res := e.postJSON("/api/v1/cases/"+anon.ID+"/confirm", nil, editKey(anon.EditKey)...); res.status != http.StatusForbidden {
			t.Errorf("edit key after claim: %d", res.status)
		}
		if res := e.postForm("/me/claim", url.Values{"case": {anon.ID}, "edit_key": {anon.EditKey}}, bea...); res.status != http.StatusUnprocessableEntity {
			t.Errorf("second claim by another account: %d", res.status)
		}
		if c, _ := st.Case(ctx, anon.ID); c.OwnerID != a.ID {
			t.Errorf("owner after a second claim %q", c.OwnerID)
		}
		if res := e.postJSON("/api/v1/cases/"+anon.ID+"/confirm", nil, ana...); res.status != http.StatusOK {
			t.Errorf("owner after claim: %d", res.status)
		}
	})
}
