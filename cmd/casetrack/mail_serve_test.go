package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/casetrack/casetrack/internal/mail/mailtest"
	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
)

// TestBinaryMailSurvivesKill queues mail, lets the real binary send part
// of its first batch, kills it with SIGKILL while the SMTP server holds
// the next message before taking it, and starts it again: every message
// arrives exactly once and the outbox ends empty. The sender removes each
// message as soon as the server has taken it, so the kill loses nothing
// and repeats nothing; the held message and the rest of the batch go out
// once the dead process's claim has expired.
func TestBinaryMailSurvivesKill(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildBinary(t)
	storetest.EachURL(t, func(t *testing.T, url string) {
		// The kill falls in the first batch (20 messages).
		const messages, killAt = 30, 7
		srv := mailtest.Start(t)
		// The binary checks the server's certificate against the system's
		// roots, which SSL_CERT_FILE replaces.
		ca := filepath.Join(t.TempDir(), "smtp-ca.pem")
		if err := os.WriteFile(ca, srv.CertificatePEM(), 0o600); err != nil {
			t.Fatal(err)
		}
		want := queueMail(t, url, messages)
		held := srv.Hold(killAt)

		env := []string{"SSL_CERT_FILE=" + ca, "CASETRACK_SMTP_PASSWORD=" + mailtest.Password}
		args := []string{"--database", url, "--contact", "ops@casetrack.test", "--reorganize-every", "0",
			"--public-url", "https://casetrack.test", "--mail-from", "CaseTrack <no-reply@casetrack.test>",
			"--smtp-url", fmt.Sprintf("smtp://%s@127.0.0.1:%d", mailtest.User, srv.Port()),
			// A claim left by the killed process expires in a second, and
			// the restarted one looks for it often.
			"--mail-lease", "1s", "--mail-poll", "50ms"}
		p := startBinaryEnv(t, bin, env, args...)
		held.Wait(t)
		// The sender is in the middle of message killAt: it has not sent
		// its content, and every message before it has been taken.
		if got := len(srv.Messages()); got != killAt-1 {
			t.Fatalf("%d messages arrived before the held one, want %d", got, killAt-1)
		}
		p.kill(t)
		held.Release()
		if n := outboxSize(t, url); n != messages-(killAt-1) {
			t.Errorf("after the kill the outbox holds %d messages, want %d: each message taken leaves it at once", n, messages-(killAt-1))
		}

		p = startBinaryEnv(t, bin, env, args...)
		srv.Wait(t, messages)
		// A clean stop lets the sender finish what it is doing.
		p.stop(t)
		checkMailOnce(t, srv.Messages(), want)
		if n := outboxSize(t, url); n != 0 {
			t.Errorf("the outbox still holds %d messages", n)
		}
		logs := p.logs.String()
		if want := fmt.Sprintf("smtp=\"%s@127.0.0.1:%d (STARTTLS)\"", mailtest.User, srv.Port()); !strings.Contains(logs, want) {
			t.Errorf("the log does not name the SMTP server (%s):\n%s", want, logs)
		}
		if strings.Contains(logs, mailtest.Password) {
			t.Errorf("the log shows the SMTP password:\n%s", logs)
		}
	})
}

// queueMail creates an account and queues n numbered messages to it in
// the database at url, and returns the number of each by Message-ID.
func queueMail(t *testing.T, url string, n int) map[string]int {
	t.Helper()
	st, err := store.Open(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.CreateAccount(t.Context(), store.Account{ID: "a_mail", Email: "ana@casetrack.test"}); err != nil {
		t.Fatal(err)
	}
	want := map[string]int{}
	var m store.Mailing
	for i := range n {
		id := store.NewMailID()
		want["<"+strings.ToLower(id)+"@casetrack.test>"] = i
		m.Mails = append(m.Mails, store.OutMail{ID: id, AccountID: "a_mail", Kind: "test",
			Subject: fmt.Sprintf("Message %d", i), Text: fmt.Sprintf("This is message %d.", i)})
	}
	if err := st.Queue(t.Context(), m); err != nil {
		t.Fatal(err)
	}
	return want
}

// outboxSize counts the messages waiting in the database at url.
func outboxSize(t *testing.T, url string) int {
	t.Helper()
	st, err := store.Open(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	n, err := st.OutboxSize(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// checkMailOnce checks that the messages that arrived are those of want
// (by Message-ID), each once, with its own subject and body.
func checkMailOnce(t *testing.T, got []mailtest.Received, want map[string]int) {
	t.Helper()
	seen := map[string]int{}
	for _, m := range got {
		id := m.Header.Get("Message-Id")
		seen[id]++
		i, ok := want[id]
		if !ok {
			t.Errorf("unexpected message %s", id)
			continue
		}
		if seen[id] > 1 {
			t.Errorf("%s (message %d) arrived %d times", id, i, seen[id])
		}
		if s := m.Header.Get("Subject"); s != fmt.Sprintf("Message %d", i) || !strings.Contains(m.Text, fmt.Sprintf("This is message %d.", i)) {
			t.Errorf("%s: subject %q, body %q; want message %d", id, s, m.Text, i)
		}
	}
	for id, i := range want {
		if seen[id] == 0 {
			t.Errorf("message %d (%s) never arrived", i, id)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d messages arrived, want %d", len(got), len(want))
	}
}
