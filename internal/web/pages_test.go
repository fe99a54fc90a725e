package web

import (
	"context"
	"errors"
	"html"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
)

// keyPattern finds the edit key in the manage link on the submit success
// page.
var keyPattern = regexp.MustCompile(`<a id="manage-link" class="key" href="/m/c_[A-Z2-7]{26}/(ek_[A-Z2-7]+)"`)

// caseLinkPattern finds the case link on the submit success page.
var caseLinkPattern = regexp.MustCompile(`href="/cases/(c_[A-Z2-7]{26})"`)

// submitForm posts the form and returns the new case id and edit key.
func (e *testEnv) submitForm(form url.Values, headers ...string) (id, key string) {
	e.t.Helper()
	res := e.postForm("/submit", form, headers...)
	if res.status != http.StatusCreated {
		e.t.Fatalf("submit form: status %d: %s", res.status, res.body)
	}
	k := keyPattern.FindStringSubmatch(res.body)
	l := caseLinkPattern.FindStringSubmatch(res.body)
	if k == nil || l == nil {
		e.t.Fatalf("success page has no key or link: %s", res.body)
	}
	return l[1], k[1]
}

func TestFormSubmit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		res := e.postForm("/submit", validForm())
		if res.status != http.StatusCreated {
			t.Fatalf("status %d: %s", res.status, res.body)
		}
		if cc := res.header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("success page Cache-Control = %q, want no-store", cc)
		}
		if strings.Contains(res.body, `id="owned"`) {
			t.Error("the thank-you page of an anonymous case mentions a timeline")
		}
		for _, want := range []string{"Save your “manage my case” link now", "cannot be shown again", "Anyone with this link can change or delete your case"} {
			if !strings.Contains(res.body, want) {
				t.Errorf("success page does not say %q", want)
			}
		}
		key := keyPattern.FindStringSubmatch(res.body)
		link := caseLinkPattern.FindStringSubmatch(res.body)
		if key == nil || link == nil {
			t.Fatalf("success page lacks the key or the link:\n%s", res.body)
		}
		c, err := st.Case(context.Background(), link[1])
		if err != nil {
			t.Fatalf("stored case: %v", err)
		}
		if c.Category != "eb2-niw" || c.Country != "IN" || c.ServiceCenter != "TSC" || c.Filed.String() != "2024-03" ||
			len(c.Milestones) != 2 || c.Milestones[1].Code != "rfe" || c.Note != "Premium processing was not used." {
			t.Errorf("stored case = %+v", c)
		}
		if e.ix.Len() != 1 {
			t.Errorf("index has %d cases, want 1", e.ix.Len())
		}

		page := e.get("/cases/" + link[1])
		if page.status != http.StatusOK {
			t.Fatalf("case page: %d", page.status)
		}
		for _, want := range []string{"EB-2 National Interest Waiver", "India", "Texas Service Center", "2024-03-20", "Request for evidence (RFE)", "Premium processing was not used.", "Pending"} {
			if !strings.Contains(page.body, want) {
				t.Errorf("case page lacks %q", want)
			}
		}
		if strings.Contains(page.body, key[1]) {
			t.Error("case page shows the edit key")
		}
	})
}

func TestFormValidationKeepsInput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		form := validForm()
		form.Set("filed", "2024-13")
		form.Set("milestones[2].code", "interview")  // not an EB-2 NIW milestone
		form.Set("milestones[5].date", "2024-13-01") // a date without a code
		form.Set("note", "Fast <b>approval</b> & RFE after 45 days")
		res := e.postForm("/submit", form)
		if res.status != http.StatusUnprocessableEntity {
			t.Fatalf("status %d: %s", res.status, res.body)
		}
		body := html.UnescapeString(res.body)
		for _, want := range []string{
			`id="e-filed"`, `name="filed" value="2024-13"`, `href="#f-filed"`, `"2024-13" has no month 13`,
			`value="2024-03-20"`, `value="2024-09"`, `value="2024-13-01"`, `"2024-13-01" has no month 13`,
			`data-code="interview"`, `"interview" is not a step of EB-2`,
			"Which step is this?", "Choose a step",
			`<option value="eb2-niw" selected>`, `<option value="IN" selected>`, `<option value="TSC" selected>`,
			"Fast <b>approval</b> & RFE after 45 days",
		} {
			if !strings.Contains(body, want) {
				t.Errorf("re-rendered form lacks %q", want)
			}
		}
		if strings.Contains(res.body, "<b>approval</b>") {
			t.Error("note was not escaped")
		}
		if n, _ := st.CountCases(context.Background()); n != 0 {
			t.Errorf("%d cases stored from an invalid form", n)
		}
	})
}

func TestFormNoteGuard(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	form := validForm()
	form.Set("note", "Approved. My A-number is A-123-456-789.")
	res := e.postForm("/submit", form)
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", res.status)
	}
	body := html.UnescapeString(res.body)
	if !strings.Contains(body, "A-number") || !strings.Contains(body, `id="e-note"`) {
		t.Errorf("note message missing:\n%s", res.body)
	}
	if !strings.Contains(body, "Approved. My A-number is A-123-456-789.</textarea>") {
		t.Error("note input was not kept")
	}
	if !strings.Contains(body, "Do not put case details in the note") {
		t.Error("the form does not warn about case details in the note")
	}
}

func TestFormEditKeyAuthorization(t *testing.T) {
	actions := []struct {
		name   string
		path   string
		form   url.Values
		status int
	}{
		{"add milestone", "milestones", url.Values{"code": {"rfe_response"}, "date": {"2024-11-02"}}, http.StatusSeeOther},
		{"confirm", "confirm", url.Values{}, http.StatusSeeOther},
		{"delete asks first", "delete", url.Values{}, http.StatusOK},
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		for _, a := range actions {
			t.Run(a.name, func(t *testing.T) {
				id, key := e.submitForm(validForm())
				post := func(editKey string) response {
					f := url.Values{}
					for k, v := range a.form {
						f[k] = v
					}
					f.Set("edit_key", editKey)
					return e.postForm("/cases/"+id+"/"+a.path, f)
				}
				res := post("")
				if res.status != http.StatusUnauthorized || !strings.Contains(res.body, "needs the case") {
					t.Errorf("missing key: status %d", res.status)
				}
				res = post("ek_WRONGKEY")
				if res.status != http.StatusForbidden || !strings.Contains(html.UnescapeString(res.body), editKeyWrong) {
					t.Errorf("wrong key: status %d", res.status)
				}
				if !strings.Contains(res.body, `value="ek_WRONGKEY"`) {
					t.Error("wrong key page does not keep the typed key")
				}
				if d := a.form.Get("date"); d != "" && !strings.Contains(res.body, `value="`+d+`"`) {
					t.Error("wrong key page does not keep the milestone date")
				}
				if c, err := st.Case(context.Background(), id); err != nil || len(c.Milestones) != 2 {
					t.Fatalf("refused form changed the case: %+v %v", c, err)
				}
				res = post(key)
				if res.status != a.status {
					t.Fatalf("right key: status %d, want %d: %s", res.status, a.status, res.body)
				}
			})
		}
	})
}

func TestFormAddMilestoneAndConfirm(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	id, key := e.submitForm(validForm())

	res := e.postForm("/cases/"+id+"/milestones", url.Values{"edit_key": {key}, "code": {"interview"}, "date": {"2024-12-01"}})
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, `id="e-code"`) || !strings.Contains(res.body, `value="2024-12-01"`) {
		t.Errorf("invalid milestone: status %d, message or input missing", res.status)
	}

	res = e.postForm("/cases/"+id+"/milestones", url.Values{"edit_key": {key}, "code": {"approved"}, "date": {"2025-06-02"}})
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/cases/"+id+"?done=milestone" {
		t.Fatalf("add milestone: status %d location %q", res.status, res.header.Get("Location"))
	}
	page := e.get(res.header.Get("Location"))
	if !strings.Contains(page.body, "The milestone was added") || !strings.Contains(page.body, "Approved") {
		t.Error("case page after adding does not show the notice and the decision")
	}

	res = e.postForm("/cases/"+id+"/confirm", url.Values{"edit_key": {key}})
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "already has a decision") {
		t.Errorf("confirming a decided case: status %d", res.status)
	}
}

func TestFormDeleteTwoSteps(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		id, key := e.submitForm(validForm())
		res := e.postForm("/cases/"+id+"/delete", url.Values{"edit_key": {key}})
		if res.status != http.StatusOK || !strings.Contains(res.body, "Delete this case?") || !strings.Contains(res.body, `name="confirm" value="yes"`) {
			t.Fatalf("first step: status %d", res.status)
		}
		if _, err := st.Case(context.Background(), id); err != nil {
			t.Fatalf("the first step deleted the case: %v", err)
		}
		res = e.postForm("/cases/"+id+"/delete", url.Values{"edit_key": {key}, "confirm": {"yes"}})
		if res.status != http.StatusSeeOther || res.header.Get("Location") != "/?deleted=1" {
			t.Fatalf("second step: status %d location %q", res.status, res.header.Get("Location"))
		}
		if _, err := st.Case(context.Background(), id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("case still stored: %v", err)
		}
		if e.ix.Len() != 0 {
			t.Errorf("index still has %d cases", e.ix.Len())
		}
		if page := e.get("/cases/" + id); page.status != http.StatusNotFound {
			t.Errorf("case page after delete: %d", page.status)
		}
		if home := e.get("/?deleted=1"); !strings.Contains(home.body, "The case was deleted") {
			t.Error("home page does not confirm the deletion")
		}
	})
}

func TestPages(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t), func(c *Config) { c.Demo = true })
	created := e.create(validSubmission())
	tests := []struct {
		path   string
		status int
		want   []string
	}{
		{"/", 200, []string{"How long will my case take?", "<strong>1</strong> timeline has", `href="/submit"`, `href="/explore"`}},
		{"/submit", 200, []string{`<optgroup label="Employment-based petitions">`, `data-date="month"`, `<optgroup label="Most shared">`, `value="steps"`, "Do not put case details in the note", `<option value="NSC">`}},
		{"/privacy", 200, []string{privacyPolicyDate, "privacy@casetrack.test", "mailto:privacy@casetrack.test", "fewer than 5 cases"}},
		{"/cases/" + created.ID, 200, []string{"EB-2 National Interest Waiver", "I have the edit key", `formaction="/cases/` + created.ID + `/confirm"`, `name="edit_key"`}},
		{"/cases/c_AAAAAAAAAAAAAAAAAAAAAAAAAA", 404, []string{"no case with this id"}},
		{"/cases/not-an-id", 404, []string{"no case with this id"}},
		{"/no/such/page", 404, []string{"Page not found"}},
	}
	for _, tt := range tests {
		res := e.get(tt.path)
		if res.status != tt.status {
			t.Errorf("%s: status %d, want %d", tt.path, res.status, tt.status)
			continue
		}
		if ct := res.header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
			t.Errorf("%s: Content-Type %q", tt.path, ct)
		}
		for _, w := range append(tt.want, "Demo data.", `<a href="/privacy">Privacy policy</a>`) {
			if !strings.Contains(res.body, w) {
				t.Errorf("%s lacks %q", tt.path, w)
			}
		}
		if strings.Contains(res.body, created.EditKey) {
			t.Errorf("%s shows an edit key", tt.path)
		}
	}
	// Without demo mode there is no banner.
	plain := newEnv(t, storetest.SQLite(t))
	if res := plain.get("/"); strings.Contains(res.body, "Demo data.") {
		t.Error("banner shown without demo mode")
	}
}

func TestStaticAssets(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	u, err := e.server.assets.url("style.css")
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^/static/style\.[0-9a-f]{12}\.css$`).MatchString(u) {
		t.Fatalf("fingerprinted URL %q", u)
	}
	if home := e.get("/"); !strings.Contains(home.body, `href="`+u+`"`) {
		t.Error("pages do not link the fingerprinted stylesheet")
	}
	res := e.get(u)
	if res.status != 200 || !strings.HasPrefix(res.header.Get("Content-Type"), "text/css") ||
		!strings.Contains(res.header.Get("Cache-Control"), "immutable") || !strings.Contains(res.body, ":root") {
		t.Errorf("stylesheet: %d %v", res.status, res.header)
	}
	if res := e.get("/static/style.css"); res.status != 404 {
		t.Errorf("unfingerprinted name: %d, want 404", res.status)
	}
	if res := e.get(u, "If-None-Match", res.header.Get("ETag")); res.status != http.StatusNotModified {
		t.Errorf("conditional request: %d, want 304", res.status)
	}
}

// TestHealthz checks liveness and readiness (DESIGN.md "Operations"):
// /healthz answers 200 while the process serves, /readyz only while the
// database takes a write.
func TestHealthz(t *testing.T) {
	st, err := store.Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "health.db"))
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, st)
	if res := e.get("/healthz"); res.status != 200 || res.body != "ok\n" {
		t.Errorf("healthy: %d %q", res.status, res.body)
	}
	if res := e.get("/readyz"); res.status != 200 || res.body != "ready\n" || res.header.Get("Cache-Control") != "no-store" {
		t.Errorf("ready: %d %q %v", res.status, res.body, res.header)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if res := e.get("/healthz"); res.status != 200 {
		t.Errorf("liveness with a closed database: %d, want 200", res.status)
	}
	if res := e.get("/readyz"); res.status != http.StatusServiceUnavailable || res.header.Get("Retry-After") == "" {
		t.Errorf("readiness with a closed database: %d %v, want 503 with Retry-After", res.status, res.header)
	}
}
