package main

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
	"github.com/casetrack/casetrack/internal/timeline"
)

// TestIndexSyncResync checks the two ways the statistics index follows the
// database: one case announced by id, and a full resync (empty id) after
// notifications may have been missed, which must also drop cases deleted
// meanwhile by another instance.
func TestIndexSyncResync(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		cat := catalog.Default()
		var ids []string
		for i := 0; i < 3; i++ {
			ids = append(ids, createPendingCase(t, st).ID)
		}
		x := newIndexSync(st, cat, slog.New(slog.NewTextHandler(io.Discard, nil)))
		// The listener's first announcement only says it is listening.
		x.changed(ctx, "")
		select {
		case <-x.listening:
		default:
			t.Fatal("the first notification did not close listening")
		}
		ix, err := x.build(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if ix.Len() != 3 {
			t.Fatalf("index after build holds %d cases, want 3", ix.Len())
		}

		// Another instance deletes two cases; this one hears of one only.
		for _, id := range ids[:2] {
			if err := st.DeleteCase(ctx, id); err != nil {
				t.Fatal(err)
			}
		}
		x.changed(ctx, ids[0])
		if ix.Len() != 2 {
			t.Fatalf("index after one announced delete holds %d cases, want 2", ix.Len())
		}
		x.changed(ctx, "")
		if ix.Len() != 1 {
			t.Fatalf("index after a resync holds %d cases, want 1", ix.Len())
		}

		// A reconnect announced during a load queues one more reload after it.
		x.mu.Lock()
		x.loading = true
		x.mu.Unlock()
		x.changed(ctx, "")
		if err := st.DeleteCase(ctx, ids[2]); err != nil {
			t.Fatal(err)
		}
		x.finishLoad(ctx)
		if ix.Len() != 0 {
			t.Fatalf("index after a reload queued during a load holds %d cases, want 0", ix.Len())
		}
	})
}

// TestIndexSyncOwnSubmissionIsNotARevision: the notification of a case
// this instance submitted comes back to it (on both databases). Applying
// it must not count as a revision, or every submission would empty the
// home page's and the feeds' caches (web: pagecache.Cache.PurgeOn); a
// later notification of the same case, a change made elsewhere, must.
func TestIndexSyncOwnSubmissionIsNotARevision(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		cat := catalog.Default()
		x := newIndexSync(st, cat, slog.New(slog.NewTextHandler(io.Discard, nil)))
		x.changed(ctx, "")
		ix, err := x.build(ctx)
		if err != nil {
			t.Fatal(err)
		}
		c := createPendingCase(t, st)
		before := ix.Revisions()
		ix.Upsert(c) // as the web handler does after its write
		x.changed(ctx, c.ID)
		if ix.Revisions() != before {
			t.Error("the notification of this instance's own submission counted as a revision")
		}
		if ix.Len() != 1 {
			t.Fatalf("index holds %d cases, want 1", ix.Len())
		}
		x.changed(ctx, c.ID)
		if ix.Revisions() == before {
			t.Error("a later notification of the case did not count as a revision")
		}
	})
}

// createPendingCase stores a new pending eb2-niw case, as a submission
// through any instance would.
func createPendingCase(t *testing.T, st *store.Store) *timeline.Case {
	t.Helper()
	c, fe := timeline.Validate(catalog.Default(), timeline.Submission{Category: "eb2-niw", Country: "IN", Filed: "2025-01"}, time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC))
	if fe != nil {
		t.Fatal(fe)
	}
	c.ID = timeline.NewCaseID()
	_, hash := timeline.NewEditKey()
	if err := st.CreateCase(context.Background(), c, hash); err != nil {
		t.Fatal(err)
	}
	return c
}
