package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/casetrack/casetrack/internal/alerts"
	"github.com/casetrack/casetrack/internal/mail/mailtest"
	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
	"github.com/casetrack/casetrack/internal/timeline"
)

func init() {
	templateSamples["alert_new.html"] = func(*Server) any {
		return &alertNewPageData{Describe: "EB-2 National Interest Waiver cases from India", Query: "category=eb2-niw&country=IN",
			ExploreURL: "/explore?category=eb2-niw&country=IN", FeedURL: "/feed?category=eb2-niw&country=IN", Every: "weekly",
			Existing: true, ExistingStopped: true}
	}
	templateSamples["mail_unsubscribe.html"] = func(*Server) any {
		return &mailLinkPageData{Token: "AAAAAAAAAAAAAAAAAAAAAAAAAA", What: "the weekly news of <group>"}
	}
	templateSamples["mail_pending.html"] = func(*Server) any {
		return &mailLinkPageData{Token: "AAAAAAAAAAAAAAAAAAAAAAAAAA", What: "EB-3 case filed in March 2024", CaseID: "c_AAAAAAAAAAAAAAAAAAAAAAAAAA"}
	}
}

// storedAccount stores a verified account with a password, as a site
// that sends mail has it once the address is confirmed, and signs in.
// Unlike verifiedAccount it sends no mail, so the tests of alerts see
// only the mail of alerts.
func (e *mailEnv) storedAccount(email string) []string {
	e.t.Helper()
	hash, err := bcrypt.GenerateFromPassword([]byte(testPassword), bcrypt.MinCost)
	if err != nil {
		e.t.Fatal(err)
	}
	if err := e.st.CreateAccount(context.Background(), store.Account{ID: "a_" + strings.ToUpper(strings.Split(email, "@")[0]), Email: email, PasswordHash: string(hash)}); err != nil {
		e.t.Fatal(err)
	}
	return e.signin(email, testPassword)
}

// run runs the scheduler once and delivers the outbox; it returns what
// it queued and every message received so far, with the plain text's
// line ends as \n.
func (e *mailEnv) run() (alerts.Ran, []mailtest.Received) {
	e.t.Helper()
	r, err := e.sch.RunOnce(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	want := len(e.smtp.Messages())
	for {
		n, err := e.sender.Flush(context.Background())
		if err != nil {
			e.t.Fatal(err)
		}
		if n == 0 {
			break
		}
		want += n
	}
	got := e.smtp.Wait(e.t, want)
	for i := range got {
		got[i].Text = strings.ReplaceAll(got[i].Text, "\r\n", "\n")
	}
	return r, got
}

// sitePath is a mail link's path and query on the test server.
func (e *mailEnv) sitePath(m mailtest.Received, prefix string) string {
	e.t.Helper()
	for _, l := range m.Links() {
		if strings.HasPrefix(l, e.srv.URL+prefix) {
			return strings.TrimPrefix(l, e.srv.URL)
		}
	}
	e.t.Fatalf("no link to %s in:\n%s", prefix, m.Text)
	return ""
}

func (e *testEnv) days(n int) { e.clock.Add(time.Duration(n) * 24 * time.Hour) }

// addStep adds a milestone dated today through the API.
func (e *testEnv) addStep(c createdJSON, code string) {
	e.t.Helper()
	res := e.postJSON("/api/v1/cases/"+c.ID+"/milestones", map[string]string{"code": code, "date": e.clock.Now().Format(time.DateOnly)}, editKey(c.EditKey)...)
	if res.status != http.StatusOK {
		e.t.Fatalf("add %s: %d %s", code, res.status, res.body)
	}
}

// TestAlertFromExplore: a signed-in person saves the Explore group as a
// weekly alert with the page's form; a week later the digest says what
// moved, with one-click unsubscribe headers; a mail program's one-click
// POST (no cookies, no Origin) stops it, and no more mail comes.
func TestAlertFromExplore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newMailEnv(t, st)
		var cases []createdJSON
		for i := range 8 {
			cases = append(cases, e.create(variedSubmission(i)))
		}
		const page = "/explore?category=eb2-niw&country=IN"
		if res := e.get(page); !strings.Contains(res.body, `href="/me/alerts/new?category=eb2-niw&amp;country=IN"`) {
			t.Errorf("signed out, Explore offers no way to the alert:\n%s", res.body)
		}
		ana := e.storedAccount("ana@example.org")
		res := e.get(page, ana...)
		if !strings.Contains(res.body, `<form method="post" action="/me/alerts">`) || !strings.Contains(res.body, `name="group" value="category=eb2-niw&amp;country=IN"`) {
			t.Fatalf("signed in, Explore has no alert form:\n%s", res.body)
		}
		res = e.postForm("/me/alerts", url.Values{"group": {"category=eb2-niw&country=IN"}, "every": {"weekly"}}, ana...)
		if res.status != http.StatusSeeOther || res.header.Get("Location") != "/me?done=alert#alerts" {
			t.Fatalf("save: %d %s %s", res.status, res.header.Get("Location"), res.body)
		}
		if me := e.get("/me", ana...); !strings.Contains(me.body, "EB-2 National Interest Waiver cases from India</strong> · weekly") {
			t.Errorf("the alert is not on the account page:\n%s", me.body)
		}

		e.days(3)
		e.addStep(cases[0], "approved")
		e.addStep(cases[1], "approved")
		e.days(4)
		r, got := e.run()
		if r.Digests != 1 || len(got) != 1 {
			t.Fatalf("a week later: %+v, %d messages", r, len(got))
		}
		m := got[0]
		if s := m.Header.Get("Subject"); s != "2 approvals in EB-2 National Interest Waiver cases from India" {
			t.Errorf("subject %q", s)
		}
		if !strings.Contains(m.Text, "- 2 approvals\n") || !strings.Contains(m.Text, "Decided so far: 25% of 8 cases (was 0% of 8).") {
			t.Errorf("text:\n%s", m.Text)
		}
		unsub := e.sitePath(m, "/mail/unsubscribe?t=")
		if h := m.Header.Get("List-Unsubscribe"); h != "<"+e.srv.URL+unsub+">" || m.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
			t.Errorf("unsubscribe headers %q, %q", h, m.Header.Get("List-Unsubscribe-Post"))
		}

		// Opening the link (a mail scanner does) stops nothing.
		res = e.get(unsub)
		if res.status != http.StatusOK || !strings.Contains(res.body, "Stop the weekly news of EB-2 National Interest Waiver cases from India?") ||
			!strings.Contains(res.body, `<form method="post" action="/mail/unsubscribe">`) {
			t.Fatalf("unsubscribe page: %d\n%s", res.status, res.body)
		}
		// A browser on another site cannot post it.
		if res := e.do(http.MethodPost, unsub, strings.NewReader("List-Unsubscribe=One-Click"),
			append([]string{"Content-Type", "application/x-www-form-urlencoded"}, crossSite...)...); res.status != http.StatusForbidden {
			t.Errorf("a cross-site post: %d", res.status)
		}
		if list, _ := st.AlertsOf(context.Background(), "a_ANA"); len(list) != 1 || list[0].Stopped {
			t.Fatalf("stopped before the one-click post: %+v", list)
		}
		// The mail program's one-click POST: no cookie, no Origin.
		res = e.do(http.MethodPost, unsub, strings.NewReader("List-Unsubscribe=One-Click"), "Content-Type", "application/x-www-form-urlencoded")
		if res.status != http.StatusOK || !strings.Contains(res.body, "Done: you no longer get the weekly news of EB-2 National Interest Waiver cases from India.") {
			t.Fatalf("one-click unsubscribe: %d\n%s", res.status, res.body)
		}
		e.addStep(cases[2], "approved")
		e.days(7)
		if r, got := e.run(); r.Digests != 0 || len(got) != 1 {
			t.Errorf("after unsubscribing: %+v, %d messages", r, len(got))
		}
		ana = e.signin("ana@example.org", testPassword) // sessions end after two idle weeks
		if me := e.get("/me", ana...); !strings.Contains(me.body, "stopped by its unsubscribe link") {
			t.Errorf("the account page does not say the alert is stopped:\n%s", me.body)
		}

		// The export has the alert, stopped, with the numbers it compares with.
		var exp struct {
			Alerts []struct {
				Group        string          `json:"group"`
				Every        string          `json:"every"`
				Unsubscribed bool            `json:"unsubscribed"`
				LastNumbers  json.RawMessage `json:"last_numbers"`
			} `json:"alerts"`
			Reminders struct {
				Off bool `json:"off"`
			} `json:"reminders"`
		}
		e.get("/api/v1/me/export", ana...).json(t, &exp)
		if len(exp.Alerts) != 1 || exp.Alerts[0].Group != "category=eb2-niw&country=IN" || !exp.Alerts[0].Unsubscribed ||
			!strings.Contains(string(exp.Alerts[0].LastNumbers), `"approved":2`) {
			t.Errorf("export: %+v", exp)
		}
		// Deleting the alert takes it away.
		id := mustAlerts(t, st, "a_ANA")[0].ID
		if res := e.postForm("/me/alerts/"+id+"/delete", nil, ana...); res.status != http.StatusSeeOther {
			t.Fatalf("delete: %d %s", res.status, res.body)
		}
		if list := mustAlerts(t, st, "a_ANA"); len(list) != 0 {
			t.Errorf("after delete: %+v", list)
		}
	})
}

func mustAlerts(t *testing.T, st *store.Store, account string) []store.Alert {
	t.Helper()
	list, err := st.AlertsOf(context.Background(), account)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// TestStillPendingReminder: a month after the case was last confirmed,
// its owner gets a reminder; "still waiting" confirms it once (opening
// the link does not use it), "decided" opens the edit form after signing
// in, and the one-click unsubscribe turns reminders off for good.
func TestStillPendingReminder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newMailEnv(t, st)
		bo := e.storedAccount("bo@example.org")
		c := e.create(validSubmission(), bo...)
		e.days(30)
		r, got := e.run()
		if r.Reminders != 1 || len(got) != 1 {
			t.Fatalf("a month later: %+v, %d messages", r, len(got))
		}
		m := got[0]
		if m.To[0] != "bo@example.org" || !strings.HasPrefix(m.Header.Get("Subject"), "Still waiting on your EB-2 National Interest Waiver case") {
			t.Errorf("to %v, subject %q", m.To, m.Header.Get("Subject"))
		}
		still := e.sitePath(m, "/mail/pending?t=")
		decided := e.sitePath(m, "/me/cases/")
		if decided != "/me/cases/"+c.ID+"/edit" {
			t.Errorf("decided link %s", decided)
		}

		for range 2 {
			if res := e.get(still); res.status != http.StatusOK || !strings.Contains(res.body, "Yes, still waiting") {
				t.Fatalf("still waiting page: %d\n%s", res.status, res.body)
			}
		}
		res := e.do(http.MethodPost, still, nil)
		if res.status != http.StatusSeeOther || res.header.Get("Location") != "/cases/"+c.ID+"?done=confirmed" {
			t.Fatalf("still waiting: %d %s\n%s", res.status, res.header.Get("Location"), res.body)
		}
		stored, err := st.Case(context.Background(), c.ID)
		if err != nil || !stored.AsOf.Equal(timeline.Today(e.clock.Now())) {
			t.Errorf("as of %v after the confirmation, want today", stored.AsOf)
		}
		if res := e.do(http.MethodPost, still, nil); res.status != http.StatusNotFound || !strings.Contains(res.body, "does not work any more") {
			t.Errorf("the link used twice: %d\n%s", res.status, res.body)
		}

		// "Decided": signed out, sign in first and come back to the form.
		res = e.get(decided)
		want := "/signin?next=" + url.QueryEscape(decided)
		if res.status != http.StatusSeeOther || res.header.Get("Location") != want {
			t.Fatalf("decided, signed out: %d %s", res.status, res.header.Get("Location"))
		}
		if page := e.get(want); !strings.Contains(page.body, `name="next" value="`+decided+`"`) {
			t.Errorf("the sign-in form does not carry next:\n%s", page.body)
		}
		res = e.postForm("/signin", url.Values{"email": {"bo@example.org"}, "password": {testPassword}, "next": {decided}})
		if res.status != http.StatusSeeOther || res.header.Get("Location") != decided {
			t.Fatalf("sign in with next: %d %s", res.status, res.header.Get("Location"))
		}
		if form := e.get(decided, sessionHeader(res.cookie(sessionCookie).Value)...); form.status != http.StatusOK || !strings.Contains(form.body, "Edit your case") {
			t.Errorf("the form: %d", form.status)
		}

		// One click turns reminders off, remembered.
		e.days(30)
		_, got = e.run()
		if len(got) != 2 {
			t.Fatalf("the second reminder: %d messages", len(got))
		}
		unsub := e.sitePath(got[1], "/mail/unsubscribe?t=")
		if res := e.get(unsub); !strings.Contains(res.body, "Stop the monthly “still pending?” reminders of your cases?") {
			t.Errorf("unsubscribe page:\n%s", res.body)
		}
		if res := e.do(http.MethodPost, unsub, strings.NewReader("List-Unsubscribe=One-Click"), "Content-Type", "application/x-www-form-urlencoded"); res.status != http.StatusOK {
			t.Fatalf("one-click: %d %s", res.status, res.body)
		}
		e.days(60)
		if r, _ := e.run(); r.Reminders != 0 {
			t.Errorf("reminders after unsubscribing: %+v", r)
		}
		bo = e.signin("bo@example.org", testPassword) // sessions end after two idle weeks
		if me := e.get("/me", bo...); !strings.Contains(me.body, "Turn reminders on") {
			t.Errorf("the account page does not show reminders off:\n%s", me.body)
		}
		if res := e.postForm("/me/reminders", url.Values{"on": {"yes"}}, bo...); res.status != http.StatusSeeOther {
			t.Fatalf("turn on: %d", res.status)
		}
		if off, _ := st.RemindersOff(context.Background(), "a_BO"); off {
			t.Error("reminders still off")
		}
	})
}

// TestAlertNewPage: the confirmation page takes any query of Explore or
// the feed, signs a visitor in first and brings them back; a case page
// offers its owner the same-month alert; nothing of it exists on a site
// without mail.
func TestAlertNewPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newMailEnv(t, st)
		const feedQuery = "/me/alerts/new?category=eb2-niw&filed=2024-03&milestone=approved&cursor=x&limit=5"
		res := e.get(feedQuery)
		if res.status != http.StatusSeeOther || res.header.Get("Location") != "/signin?next="+url.QueryEscape(feedQuery) {
			t.Fatalf("signed out: %d %s", res.status, res.header.Get("Location"))
		}
		cy := e.storedAccount("cy@example.org")
		res = e.postForm("/signin", url.Values{"email": {"cy@example.org"}, "password": {testPassword}, "next": {feedQuery}})
		if res.header.Get("Location") != feedQuery {
			t.Errorf("back after sign-in: %s", res.header.Get("Location"))
		}
		// Sign-in never sends anyone to another site.
		for _, next := range []string{"https://evil.example/", "//evil.example/", "/\\evil.example", "me", "/me\r\nX: y"} {
			res := e.postForm("/signin", url.Values{"email": {"cy@example.org"}, "password": {testPassword}, "next": {next}})
			if res.header.Get("Location") != "/me" {
				t.Errorf("next %q: Location %q", next, res.header.Get("Location"))
			}
		}
		for path, want := range map[string]string{
			"/me/alerts/new?category=eb2-niw&filed=2024-03&milestone=approved":       "EB-2 National Interest Waiver cases filed in March 2024 (approved only)",
			"/me/alerts/new?category=EB2-NIW&filed_from=2024-01&service_center=none": "EB-2 National Interest Waiver cases (no service center given) filed in or after January 2024",
			"/me/alerts/new?country=in": "cases of every category from India",
			"/me/alerts/new?category=eb2-niw&filed_from=2024-03&filed_to=2024-03&milestone=rfe": "EB-2 National Interest Waiver cases filed in March 2024 (request for evidence only)",
		} {
			res := e.get(path, cy...)
			if res.status != http.StatusOK || !strings.Contains(res.body, want) || !strings.Contains(res.body, "fewer than 5 shared cases") {
				t.Errorf("%s: %d, want %q:\n%s", path, res.status, want, res.body)
			}
		}
		for _, path := range []string{"/me/alerts/new?category=nope", "/me/alerts/new?filed_from=2024-01", "/me/alerts/new?milestone=nope",
			"/me/alerts/new?category=eb2-niw&filed=2024-03&filed_from=2024-01"} {
			if res := e.get(path, cy...); res.status < 400 || res.status >= 500 {
				t.Errorf("%s: %d", path, res.status)
			}
		}
		res = e.postForm("/me/alerts", url.Values{"group": {"category=eb2-niw&filed_from=2024-03&filed_to=2024-03&milestone=approved"}, "every": {"daily"}}, cy...)
		if res.status != http.StatusSeeOther {
			t.Fatalf("save the feed group: %d %s", res.status, res.body)
		}
		if res := e.postForm("/me/alerts", url.Values{"group": {"category=eb2-niw"}, "every": {"hourly"}}, cy...); res.status != http.StatusUnprocessableEntity {
			t.Errorf("hourly: %d", res.status)
		}

		// A case page offers its owner the same-month alert.
		c := e.create(validSubmission(), cy...)
		other := e.create(variedSubmission(3))
		page := e.get("/cases/"+c.ID, cy...)
		if !strings.Contains(page.body, `<input type="hidden" name="case" value="`+c.ID+`">`) {
			t.Errorf("the case page has no same-month form:\n%s", page.body)
		}
		if page := e.get("/cases/"+other.ID, cy...); strings.Contains(page.body, `name="case"`) {
			t.Error("a case of someone else offers the same-month form")
		}
		if res := e.postForm("/me/alerts", url.Values{"case": {other.ID}, "every": {"weekly"}}, cy...); res.status != http.StatusForbidden {
			t.Errorf("same-month alert on someone else's case: %d", res.status)
		}
		if res := e.postForm("/me/alerts", url.Values{"case": {c.ID}, "every": {"weekly"}}, cy...); res.status != http.StatusSeeOther {
			t.Fatalf("same-month alert: %d %s", res.status, res.body)
		}
		me := e.get("/me", cy...)
		if !strings.Contains(me.body, `People who filed the same month as <a href="/cases/`+c.ID+`">your case</a>`) ||
			!strings.Contains(me.body, "(approved only)") {
			t.Errorf("account page:\n%s", me.body)
		}

		// Without mail, none of it.
		plain := newEnv(t, st)
		a := plain.signin("cy@example.org", testPassword)
		for _, path := range []string{"/explore?category=eb2-niw", "/feed", "/cases/" + c.ID, "/me"} {
			if res := plain.get(path, a...); strings.Contains(res.body, "/me/alerts") || strings.Contains(res.body, "reminders") {
				t.Errorf("%s offers alerts on a site without mail", path)
			}
		}
		if res := plain.get("/me/alerts/new?category=eb2-niw", a...); res.status != http.StatusNotFound {
			t.Errorf("confirmation page without mail: %d", res.status)
		}
	})
}

// TestLocalPath: only paths on this site are taken as a next address.
func TestLocalPath(t *testing.T) {
	for in, want := range map[string]string{
		"/me":                           "/me",
		"/me/alerts/new?country=IN&a=b": "/me/alerts/new?country=IN&a=b",
		"":                              "",
		"me":                            "",
		"//evil.example":                "",
		"/\\evil.example":               "",
		"https://evil.example/me":       "",
		"/me\nLocation: x":              "",
		"/" + strings.Repeat("a", 3000): "",
	} {
		if got := localPath(in); got != want {
			t.Errorf("localPath(%q) = %q, want %q", in, got, want)
		}
	}
}
