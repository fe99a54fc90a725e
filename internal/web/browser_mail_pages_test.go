package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/casetrack/casetrack/internal/alerts"
	"github.com/casetrack/casetrack/internal/auth"
	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
)

// mailSite is a server of its own that sends mail, for the pages only
// such a site has: the suite's server runs without mail, as most
// installations do, and its journeys sign up without a confirmation.
type mailSite struct {
	env *mailEnv
	// session signs a tab in to an account that follows a group.
	session string
	// The links of the mail the site sent, as paths on it.
	verify, reset, unsubscribe, pending string
}

// seedMailSite starts the mail site and has it send each kind of link.
func seedMailSite(t *testing.T) *mailSite {
	t.Helper()
	m := newMailEnv(t, storetest.SQLite(t))
	var first createdJSON
	for i := range 8 {
		c := m.create(variedSubmission(i))
		if i == 0 {
			first = c
		}
	}
	ms := &mailSite{env: m}
	const newcomer = "newcomer@casetrack.test"
	m.signupMail(newcomer, testPassword)
	ms.verify = m.linkTo(m.deliverOne(newcomer, "Confirm your email address"), "/verify")
	if res := m.postForm("/forgot", url.Values{"email": {newcomer}}); res.status != http.StatusSeeOther {
		t.Fatalf("forgot: %d %s", res.status, res.body)
	}
	ms.reset = m.linkTo(m.deliverOne(newcomer, "password"), "/reset")

	headers := m.storedAccount("follower@casetrack.test")
	ms.session = strings.TrimPrefix(headers[1], sessionCookie+"=")
	if res := m.postForm("/me/alerts", url.Values{"group": {"category=eb2-niw&country=IN"}, "every": {"weekly"}}, headers...); res.status != http.StatusSeeOther {
		t.Fatalf("save an alert: %d %s", res.status, res.body)
	}
	ctx := context.Background()
	list, err := m.st.AlertsOf(ctx, "a_FOLLOWER")
	if err != nil || len(list) != 1 {
		t.Fatalf("alerts of the follower: %+v, %v", list, err)
	}
	unsub, unsubHash := auth.NewToken()
	pending, pendingHash := auth.NewToken()
	expires := m.clock.Now().Add(30 * 24 * time.Hour)
	if err := m.st.Queue(ctx, store.Mailing{Tokens: []store.Token{
		{Hash: unsubHash, AccountID: "a_FOLLOWER", Purpose: alerts.PurposeUnsubscribe, Subject: list[0].ID, Expires: expires},
		{Hash: pendingHash, AccountID: "a_FOLLOWER", Purpose: alerts.PurposeStillPending, Subject: first.ID, Expires: expires},
	}}); err != nil {
		t.Fatal(err)
	}
	ms.unsubscribe = "/mail/unsubscribe?t=" + unsub
	ms.pending = "/mail/pending?t=" + pending
	return ms
}

// mailPages are the pages of a site that sends mail; checkPage checks
// them like every other page, on the mail site.
var mailPages = []browserPage{
	{"signup-sent", http.StatusOK, onMail(func(ms *mailSite) string { return "/signup/sent" }, false)},
	{"verify", http.StatusOK, onMail(func(ms *mailSite) string { return ms.verify }, false)},
	{"verify-gone", http.StatusGone, onMail(func(ms *mailSite) string { return "/verify?t=used" }, false)},
	{"forgot", http.StatusOK, onMail(func(ms *mailSite) string { return "/forgot" }, false)},
	{"reset", http.StatusOK, onMail(func(ms *mailSite) string { return ms.reset }, false)},
	{"alert-new", http.StatusOK, onMail(func(ms *mailSite) string { return "/me/alerts/new?category=eb2-niw&country=IN" }, true)},
	{"me-alerts", http.StatusOK, onMail(func(ms *mailSite) string { return "/me" }, true)},
	{"mail-unsubscribe", http.StatusOK, onMail(func(ms *mailSite) string { return ms.unsubscribe }, false)},
	{"mail-pending", http.StatusOK, onMail(func(ms *mailSite) string { return ms.pending }, false)},
}

// onMail opens a path of the mail site, signed in to the follower when
// signedIn.
func onMail(path func(*mailSite) string, signedIn bool) func(*browserSuite, *tab) int64 {
	return func(s *browserSuite, tb *tab) int64 {
		ms := s.mailSite
		if signedIn {
			tb.must(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				httpOnly := true
				_, err := cdp.Call(ctx, tg, network.SetCookie, network.SetCookieParams{
					Name: sessionCookie, Value: ms.session, URL: ms.env.srv.URL + "/", Path: "/",
					HTTPOnly: &httpOnly, SameSite: network.CookieSameSiteLax,
				})
				return err
			}))
		}
		return tb.open(ms.env.srv.URL + path(ms))
	}
}
