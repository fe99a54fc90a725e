package main

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/mail"
	"github.com/casetrack/casetrack/internal/mail/mailtest"
	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
)

func TestMailSettings(t *testing.T) {
	const from = "CaseTrack <no-reply@ct.example.org>"
	withDefaults := func(m mailSettings) mailSettings {
		m.From, m.Poll, m.Lease = from, 10*time.Second, 5*time.Minute
		return m
	}
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want mailSettings
	}{
		{"off by default", nil, nil, mailSettings{}},
		{"URL from the environment, password from its own variable", nil, map[string]string{
			"CASETRACK_SMTP_URL": "smtp://ct@mail.example.org", "CASETRACK_SMTP_PASSWORD": "pw", "CASETRACK_MAIL_FROM": from,
		}, withDefaults(mailSettings{SMTP: mail.SMTP{Host: "mail.example.org", Port: 587, Username: "ct", Password: "pw", Security: mail.StartTLS}})},
		{"URL with its password, implicit TLS", []string{"--smtp-url", "smtps://ct:p%40ss@mail.example.org:2465", "--mail-from", from}, nil,
			withDefaults(mailSettings{SMTP: mail.SMTP{Host: "mail.example.org", Port: 2465, Username: "ct", Password: "p@ss", Security: mail.ImplicitTLS}})},
		{"relay without TLS", []string{"--smtp-url", "smtp://localhost:25?tls=none", "--mail-from", from}, nil,
			withDefaults(mailSettings{SMTP: mail.SMTP{Host: "localhost", Port: 25, Security: mail.NoTLS}})},
		{"host and port", []string{"--smtp-host", "mail.example.org", "--smtp-user", "ct", "--mail-from", from}, map[string]string{"CASETRACK_SMTP_PASSWORD": "pw"},
			withDefaults(mailSettings{SMTP: mail.SMTP{Host: "mail.example.org", Port: 587, Username: "ct", Password: "pw", Security: mail.StartTLS}})},
		{"host with implicit TLS on its default port", []string{"--smtp-host", "mail.example.org", "--smtp-tls", "tls", "--mail-from", from}, nil,
			withDefaults(mailSettings{SMTP: mail.SMTP{Host: "mail.example.org", Port: 465, Security: mail.ImplicitTLS}})},
		{"IPv6 host, no TLS, own port", []string{"--smtp-host", "::1", "--smtp-tls", "none", "--smtp-port", "2525", "--mail-from", from}, nil,
			withDefaults(mailSettings{SMTP: mail.SMTP{Host: "::1", Port: 2525, Security: mail.NoTLS}})},
		{"poll and lease", []string{"--smtp-host", "h", "--mail-from", "x@example.org", "--mail-poll", "50ms", "--mail-lease", "2s"}, nil,
			mailSettings{SMTP: mail.SMTP{Host: "h", Port: 587, Security: mail.StartTLS}, From: "x@example.org", Poll: 50 * time.Millisecond, Lease: 2 * time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := tt.args
			if tt.want.enabled() {
				args = append(args, "--public-url", "https://ct.example.org")
			}
			got, err := parseServe(args, env(tt.env), &bytes.Buffer{})
			if err != nil {
				t.Fatal(err)
			}
			if got.Mail != tt.want {
				t.Errorf("got  %+v\nwant %+v", got.Mail, tt.want)
			}
		})
	}
}

func TestMailSettingsReportEveryError(t *testing.T) {
	for _, tt := range []struct {
		args []string
		env  map[string]string
		want []string
	}{
		{[]string{"--smtp-host", "mail.example.org"}, nil, []string{
			"--mail-from: is required with an SMTP server",
			"--public-url: is required with an SMTP server: the links in mail are absolute",
		}},
		{[]string{"--smtp-url", "smtp://u:hunter2@h:x", "--smtp-host", "h"}, nil, []string{
			"--smtp-host: give either --smtp-url or --smtp-host, not both",
		}},
		{[]string{"--smtp-url", "smtp://u:hunter2@h:x", "--smtp-port", "25", "--smtp-tls", "none", "--smtp-user", "v", "--mail-from", "nobody", "--public-url", "https://x.org"}, nil, []string{
			`--smtp-url: invalid port ":x"`,
			"--smtp-port: is part of --smtp-url",
			"--smtp-tls: is part of --smtp-url",
			"--smtp-user: is part of --smtp-url",
			`--mail-from: "nobody" is not an email address`,
		}},
		{[]string{"--smtp-url", "smtp://u:hunter2@h", "--mail-from", "a@b.org", "--public-url", "https://x.org"}, map[string]string{"CASETRACK_SMTP_PASSWORD": "pw"}, []string{
			"--smtp-password (from CASETRACK_SMTP_PASSWORD): is set, but --smtp-url holds a password too",
		}},
		{[]string{"--smtp-url", "smtp://h", "--smtp-password", "hunter2", "--mail-from", "a@b.org", "--public-url", "https://x.org"}, nil, []string{
			"--smtp-password: is set, but --smtp-url names no user",
		}},
		{[]string{"--smtp-url", "smtp://u@h?tls=none", "--mail-from", "a@b.org", "--public-url", "https://x.org"}, nil, []string{
			"--smtp-url: a password is never sent without TLS",
		}},
		{[]string{"--smtp-host", "h:25", "--smtp-port", "0", "--smtp-tls", "ssl", "--smtp-password", "hunter2", "--mail-from", "a@b.org", "--public-url", "https://x.org",
			"--mail-poll", "0", "--mail-lease", "soon"}, nil, []string{
			`--smtp-host: "h:25" is not a host name`,
			`--smtp-port: "0" is not a port number`,
			`--smtp-tls: "ssl" is not starttls, tls or none`,
			"--smtp-password: is set, but --smtp-user is not",
			"--mail-poll: must be at least 10ms, got 0",
			`--mail-lease: "soon" is not a duration`,
		}},
		{[]string{"--smtp-host", "h", "--smtp-tls", "none", "--smtp-user", "u", "--mail-from", "a@b.org", "--public-url", "https://x.org"}, nil, []string{
			"--smtp-tls: none sends in plain text, and a password is never sent so",
		}},
		{[]string{"--mail-from", "a@b.org", "--smtp-user", "u"}, map[string]string{"CASETRACK_SMTP_PASSWORD": "hunter2", "CASETRACK_MAIL_LEASE": "1m"}, []string{
			"--mail-from: is set, but no SMTP server is (--smtp-url or --smtp-host)",
			"--smtp-user: is set, but no SMTP server is",
			"--smtp-password (from CASETRACK_SMTP_PASSWORD): is set, but no SMTP server is",
			"--mail-lease (from CASETRACK_MAIL_LEASE): is set, but no SMTP server is",
		}},
	} {
		_, err := parseServe(tt.args, env(tt.env), &bytes.Buffer{})
		if err == nil {
			t.Errorf("%q: no error", tt.args)
			continue
		}
		for _, want := range tt.want {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%q: error does not report %q:\n%v", tt.args, want, err)
			}
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%q: the error shows the password:\n%v", tt.args, err)
		}
	}
}

func TestMailHelp(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"serve", "--help"}, env(nil), &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	for _, want := range []string{
		"--smtp-url URL", "CASETRACK_SMTP_URL", "--smtp-host HOST", "--smtp-port PORT", "--smtp-user NAME",
		"--smtp-password SECRET", "CASETRACK_SMTP_PASSWORD", "prefer the environment variable", "--smtp-tls MODE", "starttls",
		"--mail-from ADDRESS", "CASETRACK_MAIL_FROM", "--mail-poll DURATION", "--mail-lease DURATION",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("help lacks %q", want)
		}
	}
}

// TestStartMail: without an SMTP server nothing starts; with one, the
// composer writes links to the public address and the sender, woken,
// sends what was queued, and stops when asked.
func TestStartMail(t *testing.T) {
	log := slog.New(slog.DiscardHandler)
	st := storetest.SQLite(t)
	composer, wake, stop, err := startMail(t.Context(), mailSettings{}, "", st, log)
	if composer != nil || wake != nil || err != nil {
		t.Fatalf("mail started without an SMTP server: %v, %v", composer, err)
	}
	stop()

	srv := mailtest.Start(t)
	// The poll is long, so the message goes out on the wake (or the
	// first look at start), not at a poll.
	cfg := mailSettings{SMTP: srv.SMTP(), From: "no-reply@ct.example.org", Poll: time.Hour, Lease: time.Minute}
	composer, wake, stop, err = startMail(t.Context(), cfg, "https://ct.example.org", st, log)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	if got := composer.Site(); got.URL != "https://ct.example.org" || got.Name != "CaseTrack" {
		t.Errorf("composer site %+v", got)
	}
	if err := st.CreateAccount(t.Context(), store.Account{ID: "a_1", Email: "ana@ct.example.org"}); err != nil {
		t.Fatal(err)
	}
	m, err := composer.Compose("a_1", "reset", map[string]string{"Reset": composer.Link("/reset?t=x"), "Valid": "an hour"}, "", "You asked for it.")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Queue(t.Context(), store.Mailing{Mails: []store.OutMail{m}}); err != nil {
		t.Fatal(err)
	}
	wake()
	if got := srv.Wait(t, 1)[0]; got.To[0] != "ana@ct.example.org" || !strings.Contains(got.Text, "https://ct.example.org/reset?t=x") {
		t.Errorf("to %v, text %q", got.To, got.Text)
	}
}
