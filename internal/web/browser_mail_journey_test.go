package web

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/casetrack/casetrack/internal/store/storetest"
)

// journeyMail: on a site that sends mail, sign up, confirm the address
// with the link of the mail that arrives, sign in, follow a group from
// Explore, receive its digest once something moved, and stop it with the
// digest's unsubscribe link; then no more mail comes.
func journeyMail(t *testing.T, s *browserSuite, tb *tab) {
	m := newMailEnv(t, storetest.SQLite(t))
	var cases []createdJSON
	for i := range 8 {
		cases = append(cases, m.create(variedSubmission(i)))
	}
	email := journeyEmail("mail", tb)
	// Each phase has a tab budget of its own (tab.in): together they take
	// longer than one page's budget on a busy machine.
	whole := tb
	open := func(what, path string, want int64) {
		t.Helper()
		s.loadedOn(m.srv.URL, tb, what, want, tb.open(m.srv.URL+path))
	}
	click := func(what, button string, want int64) {
		t.Helper()
		s.loadedOn(m.srv.URL, tb, what, want, tb.navigate(what, chromedp.Click(chromedp.CSS(button))))
	}

	tb = whole.in(t)
	open("the sign-up page", "/signup", http.StatusOK)
	tb.must(
		chromedp.SetValue(chromedp.CSS("#f-email"), email),
		chromedp.SetValue(chromedp.CSS("#f-password"), testPassword),
	)
	click("the sign-up form", signUpButton, http.StatusOK)
	if h := tb.text("h1"); !strings.Contains(h, "email") {
		t.Errorf("after signing up the page says %q, want to check the email", h)
	}
	verify := m.linkTo(m.deliverOne(email, "Confirm your email address"), "/verify")
	open("the confirmation link", verify, http.StatusOK)
	click("confirm my address", `form[action="/verify"] button[type="submit"]`, http.StatusOK)
	if path := eval[string](tb, "location.pathname"); path != "/signin" {
		t.Fatalf("confirming led to %s, not the sign-in page", path)
	}
	tb.must(
		chromedp.SetValue(chromedp.CSS("#f-email"), email),
		chromedp.SetValue(chromedp.CSS("#f-password"), testPassword),
	)
	click("the sign-in form", signInButton, http.StatusOK)
	if path := eval[string](tb, "location.pathname"); path != "/me" {
		t.Fatalf("signing in led to %s, not /me", path)
	}

	tb = whole.in(t)
	open("Explore, one group", "/explore?category=eb2-niw&country=IN", http.StatusOK)
	click("follow the group weekly", `form[action="/me/alerts"] button[value="weekly"]`, http.StatusOK)
	if a := tb.text("ul.my-alerts"); !strings.Contains(a, "EB-2 National Interest Waiver cases from India") || !strings.Contains(a, "weekly") {
		t.Errorf("the account page does not list the alert: %q", a)
	}

	// A week in which two cases of the group are approved.
	m.days(3)
	m.addStep(cases[0], "approved")
	m.addStep(cases[1], "approved")
	m.days(4)
	if _, err := m.sch.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	digest := m.deliverOne(email, "2 approvals in EB-2 National Interest Waiver cases from India")
	if !strings.Contains(digest.Header.Get("List-Unsubscribe"), "/mail/unsubscribe?t=") {
		t.Errorf("the digest has no one-click unsubscribe header: %q", digest.Header.Get("List-Unsubscribe"))
	}
	tb = whole.in(t)
	open("the digest's unsubscribe link", m.linkTo(digest, "/mail/unsubscribe"), http.StatusOK)
	click("stop these messages", `form[action="/mail/unsubscribe"] button[type="submit"]`, http.StatusOK)
	if n := tb.text(`.notice[role="status"]`); !strings.Contains(n, "you no longer get") {
		t.Errorf("after unsubscribing the page says %q", n)
	}

	// More moves, another week: nothing is mailed.
	m.addStep(cases[2], "approved")
	m.days(7)
	if _, err := m.sch.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := m.deliver(); len(got) != 0 {
		t.Errorf("after unsubscribing, %d messages arrived: %v", len(got), subjects(got))
	}
}
