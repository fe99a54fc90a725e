package store_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
	"github.com/casetrack/casetrack/internal/timeline"
)

// submitRows submits n cases, each flagged (a log entry) and reported,
// with an account and a session: 7 rows each, the way TestStoredOrder
// does.
func submitRows(t *testing.T, s *store.Store, n int, now time.Time) {
	t.Helper()
	today := timeline.Today(now)
	for i := range n {
		a := store.Account{ID: newAccountID(), Email: strings.ToLower(rand.Text()) + "@example.org"}
		if err := s.CreateAccount(ctx(t), a); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateSession(ctx(t), []byte(rand.Text()), a.ID, 20000); err != nil {
			t.Fatal(err)
		}
		k := sampleCase()
		k.Created, k.AsOf = today, today
		if i%2 == 0 {
			k.OwnerID = a.ID
		}
		k.Moderation = timeline.Moderation{State: timeline.ModerationFlagged, Reason: "burst"}
		if err := s.CreateCase(ctx(t), k, timeline.HashEditKey("ek_"+k.ID)); err != nil {
			t.Fatal(err)
		}
		if err := s.AddReport(ctx(t), k.ID, "spam", now); err != nil {
			t.Fatal(err)
		}
	}
}

// TestReorganizeBatchesCoverEveryRow: with batches far smaller than the
// recent rows, every one of them is rewritten, once; on PostgreSQL each
// then carries the transaction id of one of the run's batches, the
// batches follow key order, and the next run finds nothing left to do.
func TestReorganizeBatchesCoverEveryRow(t *testing.T) {
	storetest.EachRaw(t, func(t *testing.T, s *store.Store, db *sql.DB, _ string) {
		const n = 40
		now := time.Now().UTC()
		submitRows(t, s, n, now)
		batches := 0
		store.SetReorganizeSteps(s, 9, nil, func(int) { batches++ })
		r, err := s.Reorganize(ctx(t), now)
		if err != nil {
			t.Fatal(err)
		}
		if r.Rows != n*7 {
			t.Errorf("Reorganize rewrote %d rows, want %d", r.Rows, n*7)
		}
		if batches < 4 {
			t.Errorf("%d batches, want at least 4 of at most 9 rows or cases", batches)
		}
		if s.Dialect() != "postgres" {
			return
		}
		var doneList string
		if err := db.QueryRowContext(ctx(t), "SELECT array_to_string(done, ',') FROM reorganized").Scan(&doneList); err != nil {
			t.Fatal(err)
		}
		done := map[int64]bool{}
		for _, x := range strings.Split(doneList, ",") {
			var v int64
			if _, err := fmt.Sscan(x, &v); err != nil {
				t.Fatalf("reorganized.done = %q: %v", doneList, err)
			}
			done[v%(1<<32)] = true
		}
		if len(done) != batches {
			t.Errorf("reorganized.done lists %d transactions, want the %d batches", len(done), batches)
		}
		for _, q := range []struct{ table, part, key string }{
			{"cases", "id", "id"},
			{"milestones", "case_id", "case_id, seq"},
			{"reports", "case_id", "id"},
			{"moderation_log", "case_id", "id"},
			{"accounts", "id", "id"},
			{"sessions", "account_id", "token_hash"},
		} {
			rows, err := db.QueryContext(ctx(t), fmt.Sprintf("SELECT xmin::text::bigint FROM %s ORDER BY %s, %s", q.table, q.part, q.key))
			if err != nil {
				t.Fatal(err)
			}
			var prev int64
			for rows.Next() {
				var xmin int64
				if err := rows.Scan(&xmin); err != nil {
					t.Fatal(err)
				}
				if !done[xmin] {
					t.Errorf("%s: a row written by transaction %d, not by a batch of the reorganisation", q.table, xmin)
				}
				if xmin < prev {
					t.Errorf("%s: transaction %d after %d in key order: the batches do not follow key order", q.table, xmin, prev)
				}
				prev = xmin
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			rows.Close()
		}
		if r, err := s.Reorganize(ctx(t), now); err != nil || r.Rows != 0 {
			t.Errorf("second Reorganize = %+v, %v; want nothing left to do", r, err)
		}
	})
}

// TestReorganizeKeepsWritesDuringRun: on PostgreSQL, writes go on while
// the recent rows are listed and between batches. A case written after
// the list and an edit of a listed one are kept; a write that comes while
// a batch holds the tables waits for it and then changes the rewritten
// row instead of losing its change to the deleted one. Every row written
// during the run is rewritten by that run or the next, after which
// nothing is left to do.
func TestReorganizeKeepsWritesDuringRun(t *testing.T) {
	url := storetest.PostgresURL(t)
	s, err := store.Open(ctx(t), url)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	db := rawDB(t, url)
	var ids []string
	for range 6 {
		c := sampleCase()
		mustCreate(t, s, c)
		ids = append(ids, c.ID)
	}
	// The first batch (three rows: a case and its two milestones) holds
	// the smallest id.
	first := ids[0]
	for _, id := range ids {
		first = min(first, id)
	}
	edited := ids[0]
	if edited == first {
		edited = ids[1]
	}
	late := sampleCase()
	xminOf := func(id string) int64 {
		t.Helper()
		var x int64
		if err := db.QueryRowContext(ctx(t), "SELECT xmin::text::bigint FROM cases WHERE id = $1", id).Scan(&x); err != nil {
			t.Fatal(err)
		}
		return x
	}
	var lateXid int64
	listed := func() {
		mustCreate(t, s, late)
		lateXid = xminOf(late.ID)
		if _, err := s.UpdateCase(ctx(t), edited, func(c *timeline.Case) error {
			c.Note = "edited after the list"
			return nil
		}); err != nil {
			t.Error(err)
		}
	}
	waited := make(chan error, 1)
	inBatch := func(i int) {
		if i != 0 {
			return
		}
		go func() {
			res, err := db.ExecContext(context.Background(), "UPDATE cases SET note = 'edited during a batch' WHERE id = $1 -- write during a batch", first)
			if err == nil {
				if n, _ := res.RowsAffected(); n != 1 {
					err = fmt.Errorf("%d rows updated, want 1", n)
				}
			}
			waited <- err
		}()
		for {
			var n int
			if err := db.QueryRowContext(ctx(t), "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%-- write during a batch'").Scan(&n); err != nil {
				t.Error(err)
				return
			}
			if n == 1 {
				return
			}
			select {
			case <-ctx(t).Done():
				t.Error("the write never waited for the batch")
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
	}
	store.SetReorganizeSteps(s, 3, listed, inBatch)
	if _, err := s.Reorganize(ctx(t), time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := <-waited; err != nil {
		t.Errorf("write during a batch: %v", err)
	}
	if got := mustGet(t, s, first).Note; got != "edited during a batch" {
		t.Errorf("case written during a batch has note %q: the write was lost", got)
	}
	if got := mustGet(t, s, edited).Note; got != "edited after the list" {
		t.Errorf("case edited after the list has note %q: the edit was lost", got)
	}
	assertSame(t, mustGet(t, s, late.ID), late)
	batchXid := xminOf(first)
	store.SetReorganizeSteps(s, 3, nil, nil)

	if _, err := s.Reorganize(ctx(t), time.Now()); err != nil {
		t.Fatal(err)
	}
	for _, x := range []int64{lateXid, batchXid} {
		for _, table := range []string{"cases", "milestones"} {
			var n int
			if err := db.QueryRowContext(ctx(t), fmt.Sprintf("SELECT count(*) FROM %s WHERE xmin::text::bigint = $1", table), x%(1<<32)).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != 0 {
				t.Errorf("%s: %d rows written during the first run by transaction %d are not rewritten by the second", table, n, x)
			}
		}
	}
	if r, err := s.Reorganize(ctx(t), time.Now()); err != nil || r.Rows != 0 {
		t.Errorf("third Reorganize = %+v, %v; want nothing left to do", r, err)
	}
}

// TestReorganizeLeavesSyntheticCases: on PostgreSQL, cases stored by
// CreateCases (seeding) are written in id order with one transaction id,
// as the reorganisation would leave them, and recorded so: the next run
// rewrites only the real cases written around them.
func TestReorganizeLeavesSyntheticCases(t *testing.T) {
	s := storetest.Postgres(t)
	mustCreate(t, s, sampleCase())
	var seeded []*timeline.Case
	var hashes [][]byte
	for range 5 {
		c := sampleCase()
		seeded = append(seeded, c)
		hashes = append(hashes, timeline.HashEditKey("ek_"+c.ID))
	}
	if err := s.CreateCases(ctx(t), seeded, hashes); err != nil {
		t.Fatal(err)
	}
	mustCreate(t, s, sampleCase())
	if r, err := s.Reorganize(ctx(t), time.Now()); err != nil || r.Rows != 6 {
		t.Errorf("Reorganize = %+v, %v; want the two real cases and their milestones rewritten (6 rows)", r, err)
	}
	for _, c := range seeded {
		assertSame(t, mustGet(t, s, c.ID), c)
	}
}
