package store_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
	"github.com/casetrack/casetrack/internal/timeline"
)

// holdWriteLock keeps every writer of the database waiting, from a
// connection of its own, until the returned function is called: SQLite's
// write lock, or on PostgreSQL a table lock that INSERT waits for.
func holdWriteLock(t *testing.T, db *sql.DB, path string) (release func()) {
	t.Helper()
	conn, err := db.Conn(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	lock := "LOCK TABLE cases IN SHARE ROW EXCLUSIVE MODE"
	if path != "" {
		lock = "" // BEGIN IMMEDIATE takes the lock
	}
	begin := "BEGIN"
	if path != "" {
		begin = "BEGIN IMMEDIATE"
		// The store's own connections may hold the lock for a moment.
		if _, err := conn.ExecContext(ctx(t), "PRAGMA busy_timeout = 10000"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := conn.ExecContext(ctx(t), begin); err != nil {
		t.Fatal(err)
	}
	if lock != "" {
		if _, err := conn.ExecContext(ctx(t), lock); err != nil {
			t.Fatal(err)
		}
	}
	var once sync.Once
	release = func() {
		once.Do(func() {
			if _, err := conn.ExecContext(context.Background(), "ROLLBACK"); err != nil {
				t.Errorf("release the lock: %v", err)
			}
			conn.Close()
		})
	}
	t.Cleanup(release)
	return release
}

// waitWaiting waits until n cases wait for their commit.
func waitWaiting(t *testing.T, s *store.Store, n int) {
	t.Helper()
	c := ctx(t)
	for s.GroupStats().Waiting < n {
		select {
		case <-c.Done():
			t.Fatalf("only %d cases wait for their commit, want %d", s.GroupStats().Waiting, n)
		case <-time.After(time.Millisecond):
		}
	}
}

// createAll submits cases concurrently and returns each one's error.
func createAll(t *testing.T, s *store.Store, cases []*timeline.Case) []error {
	errs := make([]error, len(cases))
	var wg sync.WaitGroup
	for i, c := range cases {
		wg.Go(func() { errs[i] = s.CreateCase(ctx(t), c, timeline.HashEditKey("ek_"+c.ID)) })
	}
	wg.Wait()
	return errs
}

// TestGroupCommitSharesOneTransaction: submissions that arrive while a
// commit runs are written together in the next transaction, and each is
// acknowledged only once it is stored.
func TestGroupCommitSharesOneTransaction(t *testing.T) {
	storetest.EachRaw(t, func(t *testing.T, s *store.Store, db *sql.DB, path string) {
		const n = 40
		release := holdWriteLock(t, db, path)
		before := s.GroupStats()
		cases := make([]*timeline.Case, n)
		for i := range cases {
			cases[i] = sampleCase()
			cases[i].Milestones[0] = ms("received", "2024-03-"+string(rune('1'+i%2))+string(rune('0'+i%10)))
		}
		var errs []error
		done := make(chan struct{})
		go func() {
			errs = createAll(t, s, cases)
			close(done)
		}()
		// The committers (one on SQLite, a few on PostgreSQL) each hold
		// a group and wait for the lock; the rest queue behind them.
		waitWaiting(t, s, n)
		release()
		<-done // every case has its answer
		for _, c := range cases {
			waitStored(t, s, c.ID)
		}
		after := s.GroupStats()
		groups := after.Groups - before.Groups
		if got := after.Cases - before.Cases; got != n {
			t.Errorf("%d cases written in groups, want %d", got, n)
		}
		if groups > 6 {
			t.Errorf("%d cases took %d transactions; want the queued ones in one", n, groups)
		}
		for i, err := range errs {
			if err != nil {
				t.Errorf("case %d: %v", i, err)
			}
		}
	})
}

// waitStored waits for a case to be readable.
func waitStored(t *testing.T, s *store.Store, id string) {
	t.Helper()
	c := ctx(t)
	for {
		if _, err := s.Case(c, id); err == nil {
			return
		}
		select {
		case <-c.Done():
			t.Fatalf("case %s never stored", id)
		case <-time.After(time.Millisecond):
		}
	}
}

// TestGroupCommitRefusesOnlyTheBadCase: when the database refuses one
// case of a group (here a second case with an id already stored), the
// others are still stored and acknowledged, and only that one fails.
func TestGroupCommitRefusesOnlyTheBadCase(t *testing.T) {
	storetest.EachRaw(t, func(t *testing.T, s *store.Store, db *sql.DB, path string) {
		taken := sampleCase()
		mustCreate(t, s, taken)
		release := holdWriteLock(t, db, path)
		cases := make([]*timeline.Case, 12)
		for i := range cases {
			cases[i] = sampleCase()
		}
		dup := sampleCase()
		dup.ID = taken.ID
		cases[len(cases)-1] = dup
		results := make(chan []error, 1)
		go func() { results <- createAll(t, s, cases) }()
		waitWaiting(t, s, len(cases))
		release()
		errs := <-results
		for i, err := range errs[:len(errs)-1] {
			if err != nil {
				t.Errorf("case %d, a good one: %v", i, err)
			} else {
				mustGet(t, s, cases[i].ID)
			}
		}
		if err := errs[len(errs)-1]; err == nil || !strings.Contains(err.Error(), taken.ID) {
			t.Errorf("the case with a taken id: %v, want an error naming it", err)
		}
		if got := mustGet(t, s, taken.ID); got.Milestones[0] != taken.Milestones[0] {
			t.Errorf("the stored case changed: %+v", got)
		}
	})
}

// TestCreateCaseAfterClose: a write that reaches a closed store fails
// with ErrClosed instead of waiting for ever.
func TestCreateCaseAfterClose(t *testing.T) {
	storetest.EachURL(t, func(t *testing.T, url string) {
		s, err := store.Open(ctx(t), url)
		if err != nil {
			t.Fatal(err)
		}
		s.Close()
		err = s.CreateCase(ctx(t), sampleCase(), timeline.HashEditKey("k"))
		if !errors.Is(err, store.ErrClosed) {
			t.Fatalf("CreateCase after Close: %v, want ErrClosed", err)
		}
	})
}

// burstOfFive is a copy check like the site's: five identical cases make
// a burst, which flags the new case and every earlier copy still
// published, never the first of them.
func burstOfFive(since time.Time) store.CopyCheck {
	return store.CopyCheck{Since: since, Reason: "burst_of_copies", Decide: func(similar []store.Similar) (bool, []string) {
		if len(similar)+1 < 5 {
			return false, nil
		}
		var flag []string
		for _, x := range similar {
			if x.RepeatsEarlier && x.Visible {
				flag = append(flag, x.ID)
			}
		}
		return true, flag
	}}
}

// TestCopyCheckSeesCopiesOfTheSameMoment: copies submitted at the same
// moment share transactions, and each one's check still sees the ones
// before it, so a burst sent all at once is caught like one sent slowly:
// the first copy stays published, every other is flagged, and the copies
// the check flagged are announced with the case that completed the burst.
func TestCopyCheckSeesCopiesOfTheSameMoment(t *testing.T) {
	storetest.EachRaw(t, func(t *testing.T, s *store.Store, db *sql.DB, path string) {
		since := day(2025, time.January, 1)
		ids := listenIDs(t, s)
		release := holdWriteLock(t, db, path)
		cases := make([]*timeline.Case, 7)
		for i := range cases {
			cases[i] = sampleCase()
			cases[i].Created = day(2025, time.January, 2)
		}
		type result struct {
			flagged []string
			err     error
		}
		results := make([]result, len(cases))
		var wg sync.WaitGroup
		for i, c := range cases {
			wg.Go(func() {
				f, err := s.CreateCaseChecked(ctx(t), c, timeline.HashEditKey("k"), burstOfFive(since))
				results[i] = result{f, err}
			})
		}
		waitWaiting(t, s, len(cases))
		release()
		wg.Wait()
		flaggedBy := map[string]bool{}
		for i, r := range results {
			if r.err != nil {
				t.Fatalf("case %d: %v", i, r.err)
			}
			for _, id := range r.flagged {
				if flaggedBy[id] {
					t.Errorf("%s flagged twice", id)
				}
				flaggedBy[id] = true
			}
		}
		announced := map[string]bool{}
		for len(announced) < len(cases) {
			announced[<-ids] = true
		}
		visible := 0
		for _, c := range cases {
			got := mustGet(t, s, c.ID)
			if got.Moderation.Visible() {
				visible++
				if flaggedBy[c.ID] {
					t.Errorf("%s reported flagged but is published", c.ID)
				}
			} else if got.Moderation.Reason != "burst_of_copies" {
				t.Errorf("%s: %+v", c.ID, got.Moderation)
			}
		}
		if visible != 1 {
			t.Errorf("%d of %d identical cases sent at once are published, want only the first", visible, len(cases))
		}
		// The fifth copy completes the burst and flags the three copies
		// before it; the sixth and seventh are stored flagged.
		if len(flaggedBy) != 3 {
			t.Errorf("the check flagged %d earlier copies, want 3: %v", len(flaggedBy), flaggedBy)
		}
	})
}
