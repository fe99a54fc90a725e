package main

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/mail"
	"github.com/casetrack/casetrack/internal/stats"
	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
	"github.com/casetrack/casetrack/internal/timeline"
)

// TestStartAlerts: with mail, the scheduler runs at once and queues the
// reminder that is due, waking the sender; without mail nothing starts.
func TestStartAlerts(t *testing.T) {
	ctx := context.Background()
	st := storetest.SQLite(t)
	cat := catalog.Default()
	ix := stats.NewIndex(cat)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	startAlerts(ctx, st, ix, cat, nil, 5, log, func() { t.Error("woken without mail") })()

	if err := st.CreateAccount(ctx, store.Account{ID: "a_1", Email: "a@example.org"}); err != nil {
		t.Fatal(err)
	}
	then := timeline.Today(time.Now()).AddDate(0, 0, -40)
	c := &timeline.Case{ID: timeline.NewCaseID(), Category: "eb3", Country: "IN", Filed: timeline.MonthOf(then.AddDate(0, -6, 0)),
		AsOf: then, Created: then, OwnerID: "a_1"}
	if err := st.CreateCase(ctx, c, nil); err != nil {
		t.Fatal(err)
	}
	composer, err := mail.NewComposer(mail.Site{URL: "https://casetrack.example.org"})
	if err != nil {
		t.Fatal(err)
	}
	woken := make(chan struct{})
	var once sync.Once
	stop := startAlerts(ctx, st, ix, cat, composer, 5, log, func() { once.Do(func() { close(woken) }) })
	defer stop()
	select {
	case <-woken:
	case <-time.After(time.Minute):
		t.Fatal("the scheduler queued nothing within a minute")
	}
	if n, err := st.OutboxSize(ctx); err != nil || n != 1 {
		t.Errorf("outbox holds %d messages, %v; want the reminder", n, err)
	}
}
