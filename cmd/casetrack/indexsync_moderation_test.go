package main

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
	"github.com/casetrack/casetrack/internal/timeline"
)

// TestIndexSyncFollowsModeration runs two stores on one PostgreSQL
// database, as two instances would (on SQLite, one store): a moderator hides a case through one, and the other
// instance's statistics index drops it when the change notification
// arrives; approving it brings it back. The refresh observer is told.
func TestIndexSyncFollowsModeration(t *testing.T) {
	storetest.EachURL(t, func(t *testing.T, url string) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		open := func() *store.Store {
			st, err := store.Open(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			return st
		}
		// SQLite announces changes within one process only (one store),
		// PostgreSQL to every store on the database.
		writer := open()
		reader := writer
		if !strings.HasPrefix(url, "sqlite:") {
			reader = open()
		}
		cat := catalog.Default()
		now := time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)
		c, other := createPendingCase(t, writer), createPendingCase(t, writer)

		x := newIndexSync(reader, cat, slog.New(slog.NewTextHandler(io.Discard, nil)))
		var refreshes atomic.Int64
		x.setObserver(func(time.Duration) { refreshes.Add(1) })
		listenDone := make(chan struct{})
		go func() {
			defer close(listenDone)
			_ = reader.Listen(ctx, func(id string) { x.changed(ctx, id) })
		}()
		t.Cleanup(func() { cancel(); <-listenDone })
		select {
		case <-x.listening:
		case <-time.After(time.Minute):
			t.Fatal("the listener did not start")
		}
		ix, err := x.build(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if ix.Len() != 2 {
			t.Fatalf("index after build holds %d cases, want 2", ix.Len())
		}
		// waitLen waits for the notification to arrive; the wait bounds
		// a failure, it is not what is tested.
		waitLen := func(want int, what string) {
			t.Helper()
			deadline := time.Now().Add(time.Minute)
			for ix.Len() != want {
				if time.Now().After(deadline) {
					t.Fatalf("%s: the other instance's index holds %d cases, want %d", what, ix.Len(), want)
				}
				time.Sleep(5 * time.Millisecond)
			}
		}
		hidden := timeline.Moderation{State: timeline.ModerationHidden, Reason: "spam"}
		if err := writer.Moderate(ctx, c.ID, store.ActionHide, "spam", hidden, "acct_1", now); err != nil {
			t.Fatal(err)
		}
		waitLen(1, "after hide")
		if err := writer.Moderate(ctx, c.ID, store.ActionApprove, "checked_plausible", timeline.Moderation{}, "acct_1", now); err != nil {
			t.Fatal(err)
		}
		waitLen(2, "after approve")
		if _, err := writer.Flag(ctx, []string{other.ID}, "burst_of_copies", now); err != nil {
			t.Fatal(err)
		}
		waitLen(1, "after an automatic flag")
		if refreshes.Load() < 3 {
			t.Errorf("the refresh observer was told %d times, want at least 3", refreshes.Load())
		}
	})
}
