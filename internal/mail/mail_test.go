package mail_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/casetrack/casetrack/internal/mail"
	"github.com/casetrack/casetrack/internal/mail/mailtest"
	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
)

func TestParseURL(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want mail.SMTP
		err  string
	}{
		{in: "smtp://mail.example.org", want: mail.SMTP{Host: "mail.example.org", Port: 587, Security: mail.StartTLS}},
		{in: "smtps://u%40x:p%20w@mail.example.org", want: mail.SMTP{Host: "mail.example.org", Port: 465, Security: mail.ImplicitTLS, Username: "u@x", Password: "p w"}},
		{in: "smtp://relay:25?tls=none", want: mail.SMTP{Host: "relay", Port: 25, Security: mail.NoTLS}},
		{in: "smtp://[::1]:2525", want: mail.SMTP{Host: "::1", Port: 2525, Security: mail.StartTLS}},
		{in: "http://mail.example.org", err: "scheme"},
		{in: "smtp://", err: "host is required"},
		{in: "smtp://h:99999", err: "not a port"},
		{in: "smtps://h?tls=none", err: "tls=none"},
		{in: "smtp://u:p@h?tls=none", err: "never sent without TLS"},
		{in: "smtp://h?verify=no", err: "unknown parameter"},
		{in: "smtp://h/path", err: "unexpected path"},
		{in: "smtp://u:p w@h:x", err: "invalid port"},
	} {
		got, err := mail.ParseURL(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: error %v, want one about %q", tc.in, err, tc.err)
			}
			if err != nil && strings.Contains(err.Error(), "p w") {
				t.Errorf("%s: the error shows the password: %v", tc.in, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%s: %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
		if strings.Contains(got.String(), "p w") {
			t.Errorf("%s: String shows the password: %s", tc.in, got)
		}
	}
}

func TestComposeLinksOnlyToTheSite(t *testing.T) {
	c, err := mail.NewComposer(mail.Site{URL: "https://casetrack.example.org/"})
	if err != nil {
		t.Fatal(err)
	}
	m, err := c.Compose("a_1", "verify", map[string]string{"Link": c.Link("/verify?t=abc"), "Valid": "2 days"}, "", "You signed up.")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(m.Text, "https://casetrack.example.org/verify?t=abc") || !strings.Contains(m.HTML, `href="https://casetrack.example.org/verify?t=abc"`) {
		t.Errorf("link missing:\n%s\n%s", m.Text, m.HTML)
	}
	if _, err := c.Compose("a_1", "verify", map[string]string{"Link": "https://evil.example/verify", "Valid": "2 days"}, "", "x"); err == nil || !strings.Contains(err.Error(), "another site") {
		t.Errorf("a link to another site was composed: %v", err)
	}
}

// TestSenderDeliversOverSTARTTLS: a queued message goes through a real
// SMTP server with STARTTLS and authentication, with its headers, both
// bodies and the address read from the account; it then leaves the
// outbox.
func TestSenderDeliversOverSTARTTLS(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		srv := mailtest.Start(t)
		client, err := mail.NewClient(srv.SMTP())
		if err != nil {
			t.Fatal(err)
		}
		c, err := mail.NewComposer(mail.Site{URL: "https://casetrack.example.org"})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.CreateAccount(ctx, store.Account{ID: "a_1", Email: "Ana@example.org"}); err != nil {
			t.Fatal(err)
		}
		m, err := c.Compose("a_1", "reset", map[string]string{"Reset": c.Link("/reset?t=x"), "Valid": "an hour"}, c.Link("/mail/unsubscribe?t=u"), "You asked for it.")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Queue(ctx, store.Mailing{Mails: []store.OutMail{m}}); err != nil {
			t.Fatal(err)
		}
		sender := &mail.Sender{Store: s, Transport: client, From: "CaseTrack <no-reply@casetrack.example.org>"}
		if n, err := sender.Flush(ctx); n != 1 || err != nil {
			t.Fatalf("flush: %d, %v", n, err)
		}
		got := srv.Wait(t, 1)[0]
		if got.To[0] != "Ana@example.org" || got.Header.Get("Subject") != "Choose a new CaseTrack password" {
			t.Errorf("to %v, subject %q", got.To, got.Header.Get("Subject"))
		}
		if h := got.Header.Get("List-Unsubscribe"); h != "<https://casetrack.example.org/mail/unsubscribe?t=u>" {
			t.Errorf("List-Unsubscribe %q", h)
		}
		if h := got.Header.Get("List-Unsubscribe-Post"); h != "List-Unsubscribe=One-Click" {
			t.Errorf("List-Unsubscribe-Post %q", h)
		}
		if id := got.Header.Get("Message-Id"); !strings.HasSuffix(id, "@casetrack.example.org>") {
			t.Errorf("Message-ID %q", id)
		}
		if !strings.Contains(got.Text, "https://casetrack.example.org/reset?t=x") || !strings.Contains(got.HTML, "Choose a new password") {
			t.Errorf("bodies:\n%s\n%s", got.Text, got.HTML)
		}
		if n, _ := s.OutboxSize(ctx); n != 0 {
			t.Errorf("outbox holds %d messages after delivery", n)
		}
	})
}

// TestSenderRetriesLater: a refused message stays queued for a later try
// and is not claimed again before then.
func TestSenderRetriesLater(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		srv := mailtest.Start(t)
		srv.Refuse(func(int) error { return &smtp.SMTPError{Code: 451, Message: "try again later"} })
		client, _ := mail.NewClient(srv.SMTP())
		now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
		if err := s.CreateAccount(ctx, store.Account{ID: "a_1", Email: "a@example.org"}); err != nil {
			t.Fatal(err)
		}
		if err := s.Queue(ctx, store.Mailing{Mails: []store.OutMail{{AccountID: "a_1", Kind: "k", Subject: "s", Text: "t"}}}); err != nil {
			t.Fatal(err)
		}
		sender := &mail.Sender{Store: s, Transport: client, From: "x@example.org", Now: func() time.Time { return now }}
		if n, _ := sender.Flush(ctx); n != 1 {
			t.Fatalf("first pass claimed %d", n)
		}
		if n, _ := sender.Flush(ctx); n != 0 {
			t.Errorf("claimed again before its backoff: %d", n)
		}
		srv.Refuse(nil)
		now = now.Add(mail.Backoff(1) + time.Minute)
		if n, _ := sender.Flush(ctx); n != 1 {
			t.Fatalf("later pass claimed %d", n)
		}
		if got := srv.Messages(); len(got) != 1 {
			t.Errorf("%d messages arrived", len(got))
		}
	})
}

// TestSenderCountsATakenMessageAsSent: a server that hangs up right after
// accepting a message makes the client's closing commands (RSET, QUIT)
// fail; the message was taken all the same, so it leaves the outbox and
// is not sent again.
func TestSenderCountsATakenMessageAsSent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		srv := mailtest.Start(t)
		srv.HangUp(true)
		client, err := mail.NewClient(srv.SMTP())
		if err != nil {
			t.Fatal(err)
		}
		if err := s.CreateAccount(ctx, store.Account{ID: "a_1", Email: "a@example.org"}); err != nil {
			t.Fatal(err)
		}
		if err := s.Queue(ctx, store.Mailing{Mails: []store.OutMail{{AccountID: "a_1", Kind: "k", Subject: "s", Text: "t"}}}); err != nil {
			t.Fatal(err)
		}
		sender := &mail.Sender{Store: s, Transport: client, From: "x@example.org"}
		if n, err := sender.Flush(ctx); n != 1 || err != nil {
			t.Fatalf("flush: %d, %v", n, err)
		}
		if n, _ := s.OutboxSize(ctx); n != 0 {
			t.Errorf("outbox holds %d messages after the server took the only one", n)
		}
		if got := srv.Messages(); len(got) != 1 {
			t.Errorf("%d messages arrived, want 1", len(got))
		}
	})
}
