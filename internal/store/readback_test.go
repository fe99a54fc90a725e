package store_test

import (
	"context"
	"testing"

	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
	"github.com/casetrack/casetrack/internal/timeline"
)

// listenIDs runs Listen until the test ends and passes on every id it
// announces, after the first "resynchronise" call. A listener on
// PostgreSQL also hears the writes of every other schema of the database
// (the channel is the database's), so when nobody reads the ids any more
// the rest are dropped rather than left to block the listener, which the
// cleanup waits for.
func listenIDs(t *testing.T, s *store.Store) <-chan string {
	t.Helper()
	ids := make(chan string, 100)
	ready := make(chan struct{})
	lctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		first := true
		s.Listen(lctx, func(id string) {
			if first {
				first = false
				close(ready)
				return
			}
			select {
			case ids <- id:
			case <-lctx.Done():
			}
		})
	}()
	t.Cleanup(func() { cancel(); <-done })
	select {
	case <-ready:
	case <-ctx(t).Done():
		t.Fatal("Listen never started")
	}
	return ids
}

// TestReadBackServesTheCreatedCaseOnce: the statistics index reads back
// every announced case; for a case this process created, the first
// read-back is the case as created (the very value, no query), and any
// later one reads the database, so an edit is never hidden by it.
func TestReadBackServesTheCreatedCaseOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ids := listenIDs(t, s)
		c := sampleCase()
		mustCreate(t, s, c)
		if id := <-ids; id != c.ID {
			t.Fatalf("announced %q, want %q", id, c.ID)
		}
		got, err := s.ReadBack(ctx(t), c.ID)
		if err != nil || got != c {
			t.Fatalf("first read-back: %p, %v; want the created case %p itself", got, err, c)
		}
		updated, err := s.UpdateCase(ctx(t), c.ID, func(u *timeline.Case) error {
			u.Milestones = append(u.Milestones, ms("approved", "2024-09-01"))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if id := <-ids; id != c.ID {
			t.Fatalf("announced %q, want %q", id, c.ID)
		}
		got, err = s.ReadBack(ctx(t), c.ID)
		if err != nil || got == c || len(got.Milestones) != len(updated.Milestones) {
			t.Fatalf("read-back after an edit: %+v, %v; want the edited case from the database", got, err)
		}
	})
}

// TestReadBackWithoutListener: nothing is kept when nobody listens, so a
// store without a listener holds no memory for its writes.
func TestReadBackWithoutListener(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := sampleCase()
		mustCreate(t, s, c)
		got, err := s.ReadBack(ctx(t), c.ID)
		if err != nil || got == c || got.ID != c.ID {
			t.Fatalf("read-back: %p %v; want a copy read from the database", got, err)
		}
	})
}
