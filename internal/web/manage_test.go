package web

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
)

// The "manage my case" link (manage.go) through real HTTP on both
// databases: it opens the case ready to change, every change comes back
// to it, and a link cut short, wrong or outlived says so.
func TestManageLink(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		id, key := e.submitForm(validForm())
		link := manageLink(id, key)

		res := e.get(link)
		if res.status != http.StatusOK {
			t.Fatalf("manage link: %d: %s", res.status, res.body)
		}
		for h, want := range map[string]string{"Cache-Control": "no-store", "X-Robots-Tag": "noindex", "Referrer-Policy": "no-referrer"} {
			if got := res.header.Get(h); got != want {
				t.Errorf("%s = %q, want %q", h, got, want)
			}
		}
		if !strings.Contains(res.body, `<input type="hidden" name="edit_key" value="`+key+`">`) || strings.Contains(res.body, `id="f-edit_key"`) {
			t.Error("the manage page does not carry the key hidden, or asks for it")
		}
		if strings.Count(res.body, key) != strings.Count(res.body, `value="`+key+`"`)+strings.Count(res.body, link+"/edit") {
			t.Error("the manage page shows the key outside its hidden fields and its edit link")
		}

		manage := url.Values{"edit_key": {key}, "manage": {"yes"}}
		with := func(kv ...string) url.Values {
			f := url.Values{}
			for k, v := range manage {
				f[k] = v
			}
			for i := 0; i+1 < len(kv); i += 2 {
				f.Set(kv[i], kv[i+1])
			}
			return f
		}
		steps := []struct {
			name, path string
			form       url.Values
			done       string
		}{
			{"add a milestone", "/cases/" + id + "/milestones", with("code", "rfe_response", "date", "2024-10-02"), "milestone"},
			{"confirm still pending", "/cases/" + id + "/confirm", with(), "confirmed"},
		}
		for _, s := range steps {
			res := e.postForm(s.path, s.form)
			if res.status != http.StatusSeeOther || res.header.Get("Location") != link+"?done="+s.done {
				t.Errorf("%s: %d to %q, want back at the link", s.name, res.status, res.header.Get("Location"))
			}
		}
		if got := e.get(link + "?done=milestone"); !strings.Contains(got.body, notices["milestone"]) {
			t.Error("the link does not confirm the milestone")
		}

		// Correcting the details: the form opened from the link posts the
		// key hidden and comes back to the link.
		edit := e.get(link + "/edit")
		if edit.status != http.StatusOK || !strings.Contains(edit.body, `action="/cases/`+id+`/edit"`) ||
			!strings.Contains(edit.body, `name="edit_key" value="`+key+`"`) {
			t.Fatalf("edit form from the link: %d", edit.status)
		}
		f := validForm()
		f.Set("note", "Corrected from the manage link.")
		f.Set("edit_key", key)
		res = e.postForm("/cases/"+id+"/edit", f)
		if res.status != http.StatusSeeOther || res.header.Get("Location") != link+"?done=edited" {
			t.Fatalf("save the edit: %d to %q: %s", res.status, res.header.Get("Location"), res.body)
		}
		if c, err := st.Case(t.Context(), id); err != nil || c.Note != "Corrected from the manage link." {
			t.Errorf("the edit was not saved: %v %+v", err, c)
		}
		f.Set("edit_key", "ek_"+strings.Repeat("A", 52))
		if res := e.postForm("/cases/"+id+"/edit", f); res.status != http.StatusForbidden {
			t.Errorf("edit with a wrong key: %d", res.status)
		}
		f.Del("edit_key")
		if res := e.postForm("/cases/"+id+"/edit", f); res.status != http.StatusUnauthorized {
			t.Errorf("edit without a key: %d", res.status)
		}

		// The key field of the case page takes the whole link too.
		res = e.postForm("/cases/"+id+"/confirm", url.Values{"edit_key": {e.srv.URL + link}})
		if res.status != http.StatusSeeOther || res.header.Get("Location") != "/cases/"+id+"?done=confirmed" {
			t.Errorf("confirm with the link pasted as key: %d %q", res.status, res.header.Get("Location"))
		}

		other, _ := e.submitForm(variedForm(3))
		for _, c := range []struct {
			name, path string
			status     int
			says       string
		}{
			{"cut short", link[:len(link)-4], http.StatusForbidden, "incomplete"},
			{"id cut short", "/m/" + id[:20] + "/" + key, http.StatusNotFound, "incomplete"},
			{"another case's key", manageLink(other, key), http.StatusForbidden, "no longer works"},
			{"unknown case", manageLink("c_"+strings.Repeat("A", 26), key), http.StatusNotFound, "deleted"},
			{"edit form, wrong key", manageLink(other, key) + "/edit", http.StatusForbidden, "no longer works"},
		} {
			res := e.get(c.path)
			if res.status != c.status || !strings.Contains(res.body, c.says) {
				t.Errorf("%s: %d, want %d saying %q", c.name, res.status, c.status, c.says)
			}
			if cc := res.header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("%s: Cache-Control %q", c.name, cc)
			}
		}

		// Deleting from the link, after which the link says the case is gone.
		res = e.postForm("/cases/"+id+"/delete", with("confirm", "yes"))
		if res.status != http.StatusSeeOther {
			t.Fatalf("delete from the link: %d", res.status)
		}
		if res := e.get(link); res.status != http.StatusNotFound || !strings.Contains(res.body, manageCaseGone) {
			t.Errorf("link of a deleted case: %d", res.status)
		}
	})
}

// variedForm is validForm with the receipt on another day, so that
// several cases are not a burst of copies.
func variedForm(day int) url.Values {
	f := validForm()
	f.Set("milestones[0].date", "2024-03-"+string(rune('0'+day/10))+string(rune('0'+day%10)))
	return f
}

// The key inside the link never reaches the access log or the metrics:
// both name the route pattern, and the redirects that carry the link
// (Location headers) are not logged either.
func TestManageLinkNeverLogged(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	id, key := e.submitForm(validForm())
	link := manageLink(id, key)
	e.get(link)
	e.get(link + "/edit")
	e.get(link[:len(link)-3])
	e.postForm("/cases/"+id+"/confirm", url.Values{"edit_key": {key}, "manage": {"yes"}})
	logs := e.logs.String()
	if !strings.Contains(logs, `route="GET /m/{id}/{key}"`) || !strings.Contains(logs, `route="GET /m/{id}/{key}/edit"`) {
		t.Errorf("the access log lacks the manage routes:\n%s", logs)
	}
	for _, bad := range []string{key, key[3:20], "/m/c_", id} {
		if strings.Contains(logs, bad) {
			t.Errorf("access log contains %q", bad)
		}
	}
	ms := httptest.NewServer(e.server.MetricsHandler())
	defer ms.Close()
	hres, err := http.Get(ms.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(hres.Body)
	hres.Body.Close()
	if err != nil || !strings.Contains(string(body), `route="GET /m/{id}/{key}"`) {
		t.Fatalf("metrics: %v, or they do not count the manage route", err)
	}
	if strings.Contains(string(body), key) || strings.Contains(string(body), "/m/c_") {
		t.Error("the metrics name a manage link")
	}
}

// The API answers a new case with its manage link, and the key inside it
// works with the API as the edit key always has.
func TestAPIManageURL(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	c := e.create(validSubmission())
	if c.ManageURL != manageLink(c.ID, c.EditKey) {
		t.Fatalf("manage_url = %q", c.ManageURL)
	}
	if res := e.get(c.ManageURL); res.status != http.StatusOK {
		t.Errorf("the API's manage link: %d", res.status)
	}
	if res := e.postJSON("/api/v1/cases/"+c.ID+"/confirm", nil, "Authorization", "EditKey "+c.EditKey); res.status != http.StatusOK {
		t.Errorf("the key still works with the API: %d %s", res.status, res.body)
	}
}

// Keeping a case in an account from its manage link: signed in, one
// button puts it in the account, after which the link stops working;
// signed out, the same button leads through signing in to My timeline,
// which offers the case; /me also takes the link alone.
func TestManageLinkKeepInAccount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		id, key := e.submitForm(validForm())
		link := manageLink(id, key)
		keepForm := `action="/cases/` + id + `/keep"`
		if body := e.get(link).body; !strings.Contains(body, keepForm) || !strings.Contains(body, "Keep it in an account") {
			t.Error("signed out, the manage page does not offer an account")
		}
		me := e.account("keeper@example.org")
		if body := e.get(link, me...).body; !strings.Contains(body, keepForm) || !strings.Contains(body, "Keep it in my account") {
			t.Fatal("signed in, the manage page has no button to keep the case")
		}
		if res := e.postForm("/cases/"+id+"/keep", url.Values{"edit_key": {"ek_" + strings.Repeat("A", 52)}}, me...); res.status != http.StatusForbidden {
			t.Errorf("keep with a wrong key: %d", res.status)
		}
		res := e.postForm("/cases/"+id+"/keep", url.Values{"edit_key": {key}}, me...)
		if res.status != http.StatusSeeOther || !strings.HasPrefix(res.header.Get("Location"), "/me?done=claimed") {
			t.Fatalf("keep: %d %q", res.status, res.header.Get("Location"))
		}
		if c, _ := st.Case(t.Context(), id); c.OwnerID == "" {
			t.Error("the case is not in the account")
		}
		if res := e.get(link); res.status != http.StatusForbidden || !strings.Contains(res.body, "no longer works") {
			t.Errorf("the link after keeping: %d", res.status)
		}

		// Signed out: the case waits in a cookie for /me only, an hour.
		id2, key2 := e.submitForm(variedForm(4))
		res = e.postForm("/cases/"+id2+"/keep", url.Values{"edit_key": {key2}})
		if res.status != http.StatusSeeOther || res.header.Get("Location") != "/signin?done=keep" {
			t.Fatalf("keep signed out: %d %q", res.status, res.header.Get("Location"))
		}
		c := res.cookie(keepCookie)
		if c == nil || c.Path != "/me" || !c.HttpOnly || c.MaxAge != keepCookieAge || c.SameSite != http.SameSiteStrictMode {
			t.Fatalf("keep cookie %+v", c)
		}
		if body := e.get("/signin?done=keep").body; !strings.Contains(body, signinNotices["keep"]) {
			t.Error("the sign-in page does not say what happens to the case")
		}
		withKeep := []string{"Cookie", me[1] + "; " + keepCookie + "=" + c.Value}
		page := e.get("/me", withKeep...).body
		if !strings.Contains(page, "Keep the case you shared?") || !strings.Contains(page, `name="case" value="`+id2+`"`) {
			t.Fatalf("/me does not offer the case to keep")
		}
		res = e.postForm("/me/claim", url.Values{"case": {id2}, "edit_key": {key2}}, withKeep...)
		if res.status != http.StatusSeeOther {
			t.Fatalf("claim the offered case: %d %s", res.status, res.body)
		}
		if c := res.cookie(keepCookie); c == nil || c.MaxAge >= 0 {
			t.Error("the keep cookie outlives the claim")
		}
		if page := e.get("/me", withKeep...).body; strings.Contains(page, "Keep the case you shared?") {
			t.Error("/me offers a case already kept")
		}

		// The link alone, pasted into My timeline's form.
		id3, key3 := e.submitForm(variedForm(5))
		res = e.postForm("/me/claim", url.Values{"case": {e.srv.URL + manageLink(id3, key3)}}, me...)
		if res.status != http.StatusSeeOther {
			t.Fatalf("claim with the link alone: %d %s", res.status, res.body)
		}
		if c, _ := st.Case(t.Context(), id3); c.OwnerID == "" {
			t.Error("the case claimed by its link is not in the account")
		}
	})
}

// "Still pending" pressed on My timeline stays on My timeline, with the
// confirmation beside the case; /me says where each case stands.
func TestMeConfirmStaysOnMe(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		me := e.account("pending@example.org")
		c := e.create(validSubmission(), me...)
		page := e.get("/me", me...).body
		if !strings.Contains(page, `name="back" value="me"`) {
			t.Fatal("the /me confirm form does not say where it came from")
		}
		if !strings.Contains(page, "waiting ") {
			t.Error("/me does not say how long the case has waited")
		}
		res := e.postForm("/cases/"+c.ID+"/confirm", url.Values{"back": {"me"}}, me...)
		want := "/me?done=confirmed&case=" + c.ID + "#" + c.ID
		if res.status != http.StatusSeeOther || res.header.Get("Location") != want {
			t.Fatalf("confirm from /me: %d to %q, want %q", res.status, res.header.Get("Location"), want)
		}
		page = e.get("/me?done=confirmed&case="+c.ID, me...).body
		item := between(page, `<li id="`+c.ID+`">`, `</li>`)
		if !strings.Contains(item, meNotices["confirmed"]) {
			t.Errorf("the confirmation is not beside the case:\n%s", item)
		}
		// Someone else's "back" cannot send an anonymous edit to /me.
		anon := e.create(validSubmission())
		res = e.postForm("/cases/"+anon.ID+"/confirm", url.Values{"back": {"me"}, "edit_key": {anon.EditKey}})
		if res.header.Get("Location") != "/cases/"+anon.ID+"?done=confirmed" {
			t.Errorf("an anonymous confirm went to %q", res.header.Get("Location"))
		}
	})
}

// Deleting an account offers a choice for its cases, through HTTP on both
// databases: keep them anonymously (detached: no owner, no working key,
// still counted) or delete them; without a choice nothing is deleted.
func TestDeleteAccountChoice(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		me := e.account("leaver@example.org")
		kept := e.create(validSubmission(), me...)
		before := e.ix.Len()

		ask := e.postForm("/me/delete", url.Values{}, me...)
		if ask.status != http.StatusOK || !strings.Contains(ask.body, `name="cases" value="keep"`) || !strings.Contains(ask.body, `name="cases" value="delete"`) {
			t.Fatalf("the question offers no choice: %d", ask.status)
		}
		res := e.postForm("/me/delete", url.Values{"confirm": {"yes"}}, me...)
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, caseChoiceMissing) {
			t.Fatalf("without a choice: %d", res.status)
		}
		if _, err := st.AccountByEmail(t.Context(), "leaver@example.org"); err != nil {
			t.Fatal("deleting without a choice deleted the account")
		}

		res = e.postForm("/me/delete", url.Values{"confirm": {"yes"}, "cases": {"keep"}}, me...)
		if res.status != http.StatusOK || !strings.Contains(res.body, "nobody can change") {
			t.Fatalf("keep: %d %s", res.status, res.body)
		}
		if _, err := st.AccountByEmail(t.Context(), "leaver@example.org"); err == nil {
			t.Error("the account survived")
		}
		// Privacy: the kept case has no owner and no key that works.
		c, err := st.Case(t.Context(), kept.ID)
		if err != nil || c.OwnerID != "" {
			t.Fatalf("kept case: %v owner %q", err, c.OwnerID)
		}
		if hash, owner, _ := st.CaseAccess(t.Context(), kept.ID); len(hash) != 0 || owner != "" {
			t.Errorf("kept case still has a key hash (%d bytes) or owner %q", len(hash), owner)
		}
		if res := e.postJSON("/api/v1/cases/"+kept.ID+"/confirm", nil, "Authorization", "EditKey "+kept.EditKey); res.status != http.StatusForbidden {
			t.Errorf("the old key still works with the API: %d", res.status)
		}
		if res := e.get(kept.ManageURL); res.status != http.StatusForbidden {
			t.Errorf("the old manage link still opens: %d", res.status)
		}
		if res := e.get("/api/v1/cases/" + kept.ID); res.status != http.StatusOK {
			t.Errorf("the kept case is not public: %d", res.status)
		}
		if e.ix.Len() != before {
			t.Errorf("the statistics index has %d cases, want %d still", e.ix.Len(), before)
		}

		// Deleting them instead.
		me2 := e.account("leaver2@example.org")
		gone := e.create(variedSubmission(5), me2...)
		res = e.postForm("/me/delete", url.Values{"confirm": {"yes"}, "cases": {"delete"}}, me2...)
		if res.status != http.StatusOK {
			t.Fatalf("delete: %d", res.status)
		}
		if res := e.get("/api/v1/cases/" + gone.ID); res.status != http.StatusNotFound {
			t.Errorf("the deleted account's case: %d", res.status)
		}
		if e.ix.Len() != before {
			t.Errorf("the statistics index has %d cases, want %d", e.ix.Len(), before)
		}
	})
}

// DELETE /api/v1/me takes the same choice as ?cases=keep|delete.
func TestAPIDeleteAccountChoice(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		me := e.account("api-leaver@example.org")
		c := e.create(validSubmission(), me...)
		if res := e.do(http.MethodDelete, "/api/v1/me?cases=maybe", nil, me...); res.status != http.StatusUnprocessableEntity {
			t.Errorf("cases=maybe: %d", res.status)
		}
		if res := e.do(http.MethodDelete, "/api/v1/me?cases=keep", nil, me...); res.status != http.StatusNoContent {
			t.Fatalf("cases=keep: %d %s", res.status, res.body)
		}
		got, err := st.Case(t.Context(), c.ID)
		if err != nil || got.OwnerID != "" {
			t.Errorf("kept case: %v", err)
		}
	})
}

// FuzzManageLinkIn: whatever is pasted into the claim form or the key
// field, the manage link reader never panics, and what it finds is a
// well-formed id and key that were in the text as a link.
func FuzzManageLinkIn(f *testing.F) {
	id, key := "c_"+strings.Repeat("A", 26), "ek_"+strings.Repeat("B", 52)
	for _, s := range []string{
		manageLink(id, key), "https://casetrack.example" + manageLink(id, key) + "?done=confirmed#top",
		" " + manageLink(id, key) + "/ ", manageLink(id, key[:20]), "/m/" + id, "/m/c_/ek_", "/cases/" + id, "",
		"/m/" + id + "/" + key + "/edit",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, key, ok := manageLinkIn(s)
		if !ok {
			if id != "" || key != "" {
				t.Fatalf("%q: not a link but gave %q %q", s, id, key)
			}
			return
		}
		if !validCaseID(id) || !validEditKey(key) || !strings.Contains(s, manageLink(id, key)) {
			t.Fatalf("%q: found %q %q", s, id, key)
		}
		if keyIn(s) != key {
			t.Fatalf("%q: keyIn gives %q, want %q", s, keyIn(s), key)
		}
	})
}

func TestManageLinkIn(t *testing.T) {
	id, key := "c_"+strings.Repeat("A", 26), "ek_"+strings.Repeat("B", 52)
	for _, c := range []struct {
		in string
		ok bool
	}{
		{manageLink(id, key), true},
		{"https://casetrack.example" + manageLink(id, key) + "?done=edited#x", true},
		{manageLink(id, key) + "/", true},
		{manageLink(id, key[:54]), false},
		{manageLink(id, key) + "/edit", false},
		{manageLink(id[:27], key), false},
		{"/cases/" + id, false},
		{key, false},
	} {
		gotID, gotKey, ok := manageLinkIn(c.in)
		if ok != c.ok || ok && (gotID != id || gotKey != key) {
			t.Errorf("manageLinkIn(%q) = %q %q %v, want ok %v", c.in, gotID, gotKey, ok, c.ok)
		}
	}
}
