package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/casetrack/casetrack/internal/timeline"
)

// journeyEmail is an address of its own for each run of a journey.
func journeyEmail(journey string, tb *tab) string {
	mode := "js"
	if !tb.scripts {
		mode = "nojs"
	}
	return journey + "-" + mode + "@casetrack.test"
}

// journeyAccount: sign up through the form, sign in, share a case while
// signed in and find it on /me; on a later visit in a fresh tab, sign in
// again, confirm the case still pending as of today, add a milestone
// without an edit key, edit the details; download the export; delete the
// account through the confirmed form, and find nothing of it left.
func journeyAccount(t *testing.T, s *browserSuite, tb *tab) {
	email := journeyEmail("lifecycle", tb)
	s.signUp(tb, email, "Ana")
	tb.must(
		chromedp.SetValue(chromedp.CSS("#f-email"), email),
		chromedp.SetValue(chromedp.CSS("#f-password"), testPassword),
	)
	s.submit(tb, "the sign-in form", signInButton, http.StatusOK)
	if m := tb.text("main .meta"); !strings.Contains(m, email) || !strings.Contains(m, "Ana") {
		t.Errorf("/me says %q, want the address and the name", m)
	}
	if tb.count("ul.my-cases") != 0 {
		t.Error("a new account already has cases")
	}

	s.submit(tb, "add a case", `main a.button[href="/submit"]`, http.StatusOK)
	fillSubmit(tb, submission{"i485-family", "PH", "2024-05", "biometrics", "2024-07-02", "Fingerprints done in July."})
	s.submit(tb, "the submit form, signed in", submitButton, http.StatusCreated)
	link := tb.attr(`main a[href^="/cases/c_"]`, "href")
	id := strings.TrimPrefix(link, "/cases/")
	if n := tb.text("#owned"); !strings.Contains(n, "your timeline") {
		t.Errorf("the thank-you page does not say the case is in the timeline: %q", n)
	}
	s.load(tb, "/me", http.StatusOK)
	if tb.count(`ul.my-cases li[id="`+id+`"]`) != 1 {
		t.Fatalf("/me does not list the new case %s: %s", id, tb.html("main"))
	}
	tb.close()

	// Time passes: the case was last confirmed a month ago.
	month := timeline.Today(s.env.clock.Now()).AddDate(0, -1, 0)
	updated, err := s.env.st.EditCase(context.Background(), id, func(c *timeline.Case) error { c.AsOf = month; return nil })
	if err != nil {
		t.Fatal(err)
	}
	s.env.ix.Upsert(updated)

	// A later visit, in a fresh tab that holds no session.
	later := s.newTab(t, tb.scripts)
	s.load(later, "/me", http.StatusOK)
	if path := eval[string](later, "location.pathname"); path != "/signin" {
		t.Fatalf("a fresh tab opened /me at %s, want the sign-in page", path)
	}
	s.signIn(later, email, testPassword)
	item := `ul.my-cases li[id="` + id + `"] `
	if d := later.attr(item+"time", "datetime"); d != month.Format(time.DateOnly) {
		t.Errorf("/me shows the case as of %s, want %s", d, month.Format(time.DateOnly))
	}
	// "Still pending" stays on My timeline, at the case.
	s.submit(later, "still pending as of today", item+`form[action$="/confirm"] button`, http.StatusOK)
	if path := eval[string](later, "location.pathname + location.hash"); path != "/me#"+id {
		t.Errorf("after confirming the browser is at %s, want /me#%s", path, id)
	}
	today := timeline.Today(s.env.clock.Now()).Format(time.DateOnly)
	if d := later.attr(item+"time", "datetime"); d != today {
		t.Errorf("after confirming, the case is as of %s, want today %s", d, today)
	}
	if n := later.text(item + `.notice[role="status"]`); !strings.Contains(n, "still pending") {
		t.Errorf("after confirming /me says %q beside the case", n)
	}
	s.load(later, "/cases/"+id, http.StatusOK)

	// The owner adds a milestone on the case page, with no edit key.
	if later.count("#f-edit_key") != 0 {
		t.Error("the case page asks its signed-in owner for an edit key")
	}
	openEditForm(later)
	later.must(
		chromedp.SetValue(chromedp.CSS("#f-code"), "interview"),
		chromedp.SetValue(chromedp.CSS("#f-date"), "2024-11-18"),
	)
	s.submit(later, "add a milestone", `form.edit-form button[type="submit"]:not([formaction])`, http.StatusOK)
	if it := later.html("ol.timeline li.m-interview"); !strings.Contains(it, `datetime="2024-11-18"`) {
		t.Errorf("timeline lacks the new interview: %s", it)
	}

	// The details, through the edit form that /me links to.
	s.load(later, "/me", http.StatusOK)
	s.submit(later, "edit details", item+`a[href$="/edit"]`, http.StatusOK)
	if later.count(`.step[data-code="interview"] input[type="checkbox"][checked]`) != 1 ||
		later.attr(`.step[data-code="interview"] input[data-date]`, "value") != "2024-11-18" {
		t.Error("the edit form's checklist does not hold the interview")
	}
	later.must(
		chromedp.SetValue(chromedp.CSS("#f-service_center"), "NBC"),
		chromedp.SetValue(chromedp.CSS("#f-note"), "Interview at the field office."),
	)
	s.submit(later, "save changes", submitButton, http.StatusOK)
	if n := later.text("p.note"); n != "Interview at the field office." {
		t.Errorf("after editing, the note is %q", n)
	}
	if c := later.text("dl.facts"); !strings.Contains(c, "National Benefits Center") {
		t.Errorf("after editing, the facts are %q", c)
	}

	// The export, from the link on /me.
	s.load(later, "/me", http.StatusOK)
	href := later.attr(`a[href="/api/v1/me/export"]`, "href")
	if _, err := chromedp.Run(later.ctx, chromedp.AttributeValue(chromedp.CSS(`a[href="/api/v1/me/export"]`), "download")); err != nil {
		t.Error(err)
	}
	export := s.export(later, href)
	if export.Account.Email != email || len(export.Cases) != 1 || export.Cases[0].ID != id {
		t.Errorf("the export holds account %q and cases %+v, want %s and case %s", export.Account.Email, export.Cases, email, id)
	} else if c := export.Cases[0]; c.Note != "Interview at the field office." || c.ServiceCenter != "NBC" ||
		len(c.Milestones) != 2 || c.Milestones[1].Code != "interview" || c.AsOf != today {
		t.Errorf("the exported case is %+v", c)
	}
	accountID := export.Account.ID

	// Delete the account, confirming.
	s.submit(later, "delete my account", deleteAccountButton, http.StatusOK)
	if l := later.text(".confirm-delete legend"); !strings.Contains(l, "your case") {
		t.Errorf("the question says %q", l)
	}
	later.must(chromedp.Click(chromedp.CSS(`input[name="cases"][value="delete"]`)))
	s.submit(later, "yes, delete", confirmDeleteAccountButton, http.StatusOK)
	if h := later.text("main h1"); !strings.Contains(h, "deleted") {
		t.Errorf("after deleting, the page says %q", h)
	}
	if later.count(`form[action="/signout"]`) != 0 || later.count(`header a[href="/signin"]`) != 1 {
		t.Error("after deleting the account the page still shows someone signed in")
	}
	s.load(later, "/me", http.StatusOK)
	if path := eval[string](later, "location.pathname"); path != "/signin" {
		t.Errorf("after deleting the account, /me opened at %s, want the sign-in page", path)
	}
	s.load(later, link, http.StatusNotFound)
	s.load(later, "/signin", http.StatusOK)
	later.must(
		chromedp.SetValue(chromedp.CSS("#f-email"), email),
		chromedp.SetValue(chromedp.CSS("#f-password"), testPassword),
	)
	s.submit(later, "sign in to the deleted account", signInButton, http.StatusUnauthorized)
	if a := later.text(`.alert[role="alert"]`); a != signinWrong {
		t.Errorf("signing in to the deleted account says %q, want %q", a, signinWrong)
	}
	storeHasNoTrace(t, s.env.st, accountID, email, id)
}

// export downloads the account's data as the link on /me does, with the
// tab's own session: with JavaScript on, fetched in the page; with it
// off, over HTTP with the tab's cookie.
func (s *browserSuite) export(tb *tab, href string) exportJSON {
	tb.t.Helper()
	var body string
	if tb.scripts {
		res, err := chromedp.Run(tb.ctx, chromedp.Evaluate[string](
			`fetch(`+jsString(href)+`).then(r => r.ok ? r.text() : Promise.reject(new Error("status " + r.status)))`,
			chromedp.EvalAwaitPromise))
		if err != nil {
			tb.t.Fatalf("download the export: %v", err)
		}
		body = res
	} else {
		req, err := http.NewRequest(http.MethodGet, s.url(href), nil)
		if err != nil {
			tb.t.Fatal(err)
		}
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: tb.cookie(sessionCookie)})
		res, err := s.env.client.Do(req)
		if err != nil {
			tb.t.Fatal(err)
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		if err != nil {
			tb.t.Fatal(err)
		}
		if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Disposition"), "attachment") {
			tb.t.Fatalf("export: status %d, Content-Disposition %q: %s", res.StatusCode, res.Header.Get("Content-Disposition"), b)
		}
		body = string(b)
	}
	var out exportJSON
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		tb.t.Fatalf("export is not JSON: %v: %s", err, body)
	}
	return out
}

// cookie returns the value of one of the tab's cookies for the server,
// HttpOnly ones included.
func (tb *tab) cookie(name string) string {
	tb.t.Helper()
	res, err := chromedp.Run(tb.ctx, chromedp.Action[network.GetCookiesResult](func(ctx context.Context, tg *chromedp.Target) (network.GetCookiesResult, error) {
		return cdp.Call(ctx, tg, network.GetCookies, network.GetCookiesParams{})
	}))
	if err != nil {
		tb.t.Fatalf("read the tab's cookies: %v", err)
	}
	for _, c := range res.Cookies {
		if c.Name == name {
			return c.Value
		}
	}
	tb.t.Fatalf("the tab has no cookie %s", name)
	return ""
}

// journeyClaim: a case shared without an account moves into the account
// from /me with its edit key; a wrong key is refused with a message tied
// to its field, and after the claim the key no longer works.
func journeyClaim(t *testing.T, s *browserSuite, tb *tab) {
	s.load(tb, "/submit", http.StatusOK)
	fillSubmit(tb, goodSubmission)
	s.submit(tb, "the submit form, signed out", submitButton, http.StatusCreated)
	key := manageKey(tb)
	link := tb.attr(`main a[href^="/cases/c_"]`, "href")
	id := strings.TrimPrefix(link, "/cases/")
	if tb.count("#owned") != 0 {
		t.Error("the thank-you page of an anonymous case mentions a timeline")
	}

	email := journeyEmail("claim", tb)
	s.signUp(tb, email, "Sam")
	s.signIn(tb, email, testPassword)
	claim := func(key string, want int64) {
		t.Helper()
		tb.must(
			chromedp.SetValue(chromedp.CSS("#f-case"), s.url(link)),
			chromedp.SetValue(chromedp.CSS("#f-edit_key"), key),
		)
		s.submit(tb, fmt.Sprintf("claim with key %q", key), `form[action="/me/claim"] button[type="submit"]`, want)
	}
	claim("ek_"+strings.Repeat("x", 20), http.StatusUnprocessableEntity)
	expectFieldError(t, tb, "f-edit_key", "e-edit_key", "edit key")
	if v := tb.attr("#f-case", "value"); v != s.url(link) {
		t.Errorf("the refused claim form lost the address: %q", v)
	}
	claim(key, http.StatusOK)
	if n := tb.text(`.notice[role="status"]`); !strings.Contains(n, "now in your timeline") {
		t.Errorf("after claiming /me says %q", n)
	}
	if tb.count(`ul.my-cases li[id="`+id+`"]`) != 1 {
		t.Fatalf("/me does not list the claimed case %s", id)
	}
	s.load(tb, link, http.StatusOK)
	if tb.count("#f-edit_key") != 0 || !strings.Contains(tb.text("#edit-heading"), "Update your case") {
		t.Errorf("the claimed case's page does not treat the visitor as its owner: %s", tb.html("section.edit"))
	}
	c, err := s.env.st.Case(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	a, err := s.env.st.AccountByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	if c.OwnerID != a.ID {
		t.Errorf("case %s belongs to %q, want %s", id, c.OwnerID, a.ID)
	}
	req, err := http.NewRequest(http.MethodPost, s.url("/api/v1/cases/"+id+"/milestones"), strings.NewReader(`{"code": "interview", "date": "2024-06-10"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "EditKey "+key)
	res, err := s.env.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("the edit key still works after the claim: status %d", res.StatusCode)
	}
}
