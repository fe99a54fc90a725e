package mail_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/mail"
	"github.com/casetrack/casetrack/internal/mail/mailtest"
	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
)

// TestTwoSendersShareTheOutbox runs two senders, each on a store handle
// of its own as two instances have, on one database: SQLite (one file)
// and PostgreSQL (one schema). Each sender's first message waits until
// the other is sending too, so both hold claims at the same time; then
// they empty the outbox in small batches, and every message arrives
// exactly once.
func TestTwoSendersShareTheOutbox(t *testing.T) {
	storetest.EachURL(t, func(t *testing.T, url string) {
		const messages, batch = 200, 5
		stores := []*store.Store{openStore(t, url), openStore(t, url)}
		srv := mailtest.Start(t)
		client, err := mail.NewClient(srv.SMTP())
		if err != nil {
			t.Fatal(err)
		}
		want := queueNumbered(t, stores[0], messages)

		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		meet := newMeeting(2)
		var sent [2]atomic.Int64
		var wg sync.WaitGroup
		for i, st := range stores {
			sender := &mail.Sender{Store: st, From: "CaseTrack <no-reply@casetrack.example.org>", Batch: batch, Poll: 10 * time.Millisecond,
				Transport: &meetingTransport{Transport: client, meet: meet, ctx: ctx, sent: &sent[i]}}
			wg.Add(1)
			go func() {
				defer wg.Done()
				sender.Run(ctx) //nolint:errcheck // ends with ctx
			}()
		}
		srv.Wait(t, messages)
		waitEmpty(t, stores[1])
		cancel()
		wg.Wait()

		checkExactlyOnce(t, srv.Messages(), want)
		if sent[0].Load() == 0 || sent[1].Load() == 0 {
			t.Errorf("one sender did all the work: %d and %d messages", sent[0].Load(), sent[1].Load())
		}
		t.Logf("the senders sent %d and %d messages", sent[0].Load(), sent[1].Load())
	})
}

// openStore opens another handle on the database at url.
func openStore(t *testing.T, url string) *store.Store {
	t.Helper()
	st, err := store.Open(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// queueNumbered queues n messages to a few accounts, each saying its
// number, and returns the number of each by Message-ID.
func queueNumbered(t *testing.T, st *store.Store, n int) map[string]int {
	t.Helper()
	ctx := t.Context()
	const accounts = 4
	for a := range accounts {
		if err := st.CreateAccount(ctx, store.Account{ID: fmt.Sprintf("a_%d", a), Email: fmt.Sprintf("person%d@example.org", a)}); err != nil {
			t.Fatal(err)
		}
	}
	want := map[string]int{}
	var m store.Mailing
	for i := range n {
		id := store.NewMailID()
		want["<"+strings.ToLower(id)+"@casetrack.example.org>"] = i
		m.Mails = append(m.Mails, store.OutMail{ID: id, AccountID: fmt.Sprintf("a_%d", i%accounts), Kind: "test",
			Subject: fmt.Sprintf("Message %d", i), Text: fmt.Sprintf("This is message %d.", i)})
	}
	if err := st.Queue(ctx, m); err != nil {
		t.Fatal(err)
	}
	return want
}

// checkExactlyOnce checks that the messages that arrived are those of
// want (by Message-ID), each once, with its own subject and body.
func checkExactlyOnce(t *testing.T, got []mailtest.Received, want map[string]int) {
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
		if s := m.Header.Get("Subject"); s != fmt.Sprintf("Message %d", i) || !strings.Contains(m.Text, fmt.Sprintf("This is message %d.", i)) {
			t.Errorf("%s: subject %q, body %q; want message %d", id, s, m.Text, i)
		}
	}
	for id, n := range seen {
		if n > 1 {
			t.Errorf("%s arrived %d times", id, n)
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

// waitEmpty waits until the outbox is empty: the last message may have
// arrived a moment before its sender removed it.
func waitEmpty(t *testing.T, st *store.Store) {
	t.Helper()
	for {
		n, err := st.OutboxSize(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
		select {
		case <-t.Context().Done():
			t.Fatalf("the outbox still holds %d messages", n)
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// meeting lets a number of parties wait until all have arrived.
type meeting struct {
	mu      sync.Mutex
	waiting int
	all     chan struct{}
}

func newMeeting(n int) *meeting { return &meeting{waiting: n, all: make(chan struct{})} }

// arrive counts one party in and waits for the others (or for ctx).
func (m *meeting) arrive(ctx context.Context) {
	m.mu.Lock()
	m.waiting--
	if m.waiting == 0 {
		close(m.all)
	}
	m.mu.Unlock()
	select {
	case <-m.all:
	case <-ctx.Done():
	}
}

// meetingTransport holds its sender's first message at the meeting, and
// counts what it sends.
type meetingTransport struct {
	mail.Transport
	meet *meeting
	ctx  context.Context
	once sync.Once
	sent *atomic.Int64
}

func (m *meetingTransport) Send(ctx context.Context, msg mail.Message) error {
	m.once.Do(func() { m.meet.arrive(m.ctx) })
	err := m.Transport.Send(ctx, msg)
	if err == nil {
		m.sent.Add(1)
	}
	return err
}
