package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/casetrack/casetrack/internal/alerts"
	"github.com/casetrack/casetrack/internal/mail"
	"github.com/casetrack/casetrack/internal/mail/mailtest"
	"github.com/casetrack/casetrack/internal/store"
)

// mailEnv is a testEnv whose server sends mail: its composer's links lead
// to the test server, and a real SMTP server (mailtest) receives what the
// sender delivers from the outbox.
type mailEnv struct {
	*testEnv
	smtp   *mailtest.Server
	sender *mail.Sender
	// sch is the scheduler of alerts and reminders on the same store,
	// index and clock.
	sch *alerts.Scheduler
	// wakes counts the calls of Config.MailWake.
	wakes *atomic.Int64
	// seen is how many received messages deliver has returned.
	seen int
}

// testMailFrom is the sender address of the test server's mail.
const testMailFrom = `"CaseTrack" <no-reply@casetrack.test>`

// newMailEnv starts a server with mail on. Mail stays in the outbox until
// the test calls deliver.
func newMailEnv(t *testing.T, st *store.Store, mods ...func(*Config)) *mailEnv {
	t.Helper()
	smtp := mailtest.Start(t)
	client, err := mail.NewClient(smtp.SMTP())
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(nil)
	composer, err := mail.NewComposer(mail.Site{URL: "http://" + srv.Listener.Addr().String()})
	if err != nil {
		t.Fatal(err)
	}
	wakes := &atomic.Int64{}
	on := func(c *Config) {
		c.Mail = composer
		c.MailWake = func() { wakes.Add(1) }
	}
	e := newEnvOn(t, st, srv, append([]func(*Config){on}, mods...)...)
	sender := &mail.Sender{Store: st, Transport: client, From: testMailFrom, Now: e.clock.Now}
	sch := &alerts.Scheduler{
		Service: alerts.Service{Store: st, Index: e.ix, Catalog: e.server.cat, MinCases: e.server.minCases, Now: e.clock.Now},
		Mail:    composer,
	}
	return &mailEnv{testEnv: e, smtp: smtp, sender: sender, sch: sch, wakes: wakes}
}

// deliver sends everything in the outbox through the SMTP server and
// returns the messages that arrived since the last call.
func (m *mailEnv) deliver() []mailtest.Received {
	m.t.Helper()
	sent := 0
	for {
		n, err := m.sender.Flush(context.Background())
		if err != nil {
			m.t.Fatalf("deliver: %v", err)
		}
		if n == 0 {
			break
		}
		sent += n
	}
	all := m.smtp.Wait(m.t, m.seen+sent)
	got := all[m.seen:]
	m.seen = len(all)
	return got
}

// deliverOne delivers the outbox and expects exactly one message, to to,
// with subject containing subject.
func (m *mailEnv) deliverOne(to, subject string) mailtest.Received {
	m.t.Helper()
	got := m.deliver()
	if len(got) != 1 {
		m.t.Fatalf("%d messages arrived, want 1 to %s: %v", len(got), to, subjects(got))
	}
	if len(got[0].To) != 1 || !strings.EqualFold(got[0].To[0], to) || !strings.Contains(got[0].Header.Get("Subject"), subject) {
		m.t.Fatalf("message to %v, subject %q; want to %s about %q", got[0].To, got[0].Header.Get("Subject"), to, subject)
	}
	return got[0]
}

func subjects(ms []mailtest.Received) []string {
	var out []string
	for _, m := range ms {
		out = append(out, strings.Join(m.To, ",")+": "+m.Header.Get("Subject"))
	}
	return out
}

// linkTo returns the path and query of the message's link to page
// ("/verify"), checking that it leads to the test server.
func (m *mailEnv) linkTo(msg mailtest.Received, page string) string {
	m.t.Helper()
	for _, l := range msg.Links() {
		u, err := url.Parse(l)
		if err != nil || u.Path != page {
			continue
		}
		if u.Scheme+"://"+u.Host != m.srv.URL {
			m.t.Fatalf("link %s does not lead to the test server %s", l, m.srv.URL)
		}
		if !strings.Contains(msg.HTML, `href="`+strings.ReplaceAll(l, "&", "&amp;")+`"`) {
			m.t.Errorf("the HTML body lacks the link %s", l)
		}
		return u.RequestURI()
	}
	m.t.Fatalf("no link to %s in %q", page, msg.Text)
	return ""
}

// tokenOf returns the t parameter of a link path.
func tokenOf(t testing.TB, link string) string {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil || u.Query().Get("t") == "" {
		t.Fatalf("link %q has no token", link)
	}
	return u.Query().Get("t")
}

// signupMail posts the sign-up form on a site with mail and expects the
// one answer to every sign-up.
func (m *mailEnv) signupMail(email, password string, headers ...string) response {
	m.t.Helper()
	res := m.postForm("/signup", url.Values{"email": {email}, "password": {password}, "name": {""}}, headers...)
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/signup/sent" || res.cookie(sessionCookie) != nil {
		m.t.Fatalf("sign up %s: status %d, Location %q: %s", email, res.status, res.header.Get("Location"), res.body)
	}
	return res
}

// verifiedAccount signs up, confirms the address through the mailed link
// and signs in; it returns the session's cookie header pair.
func (m *mailEnv) verifiedAccount(email string) []string {
	m.t.Helper()
	m.signupMail(email, testPassword)
	link := m.linkTo(m.deliverOne(email, "Confirm your email address"), "/verify")
	if res := m.postForm("/verify", url.Values{"t": {tokenOf(m.t, link)}}); res.status != http.StatusSeeOther {
		m.t.Fatalf("verify %s: %d %s", email, res.status, res.body)
	}
	return m.signin(email, testPassword)
}
