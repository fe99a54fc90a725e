package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
	"github.com/casetrack/casetrack/internal/timeline"
)

// listener collects what Listen delivers.
type listener struct {
	ids  chan string
	done chan error
}

func listen(t *testing.T, s *store.Store) *listener {
	t.Helper()
	lctx, cancel := context.WithCancel(context.Background())
	l := &listener{ids: make(chan string, 1000), done: make(chan error, 1)}
	// Other schemas' writes are heard too; once the test stops reading,
	// they must not block the listener (see listenIDs).
	go func() {
		l.done <- s.Listen(lctx, func(id string) {
			select {
			case l.ids <- id:
			case <-lctx.Done():
			}
		})
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-l.done:
			if err != nil {
				t.Errorf("Listen returned %v when its context ended", err)
			}
		case <-time.After(time.Minute): // a guard against hanging, not a timing
			t.Error("Listen did not return after its context ended")
		}
	})
	return l
}

// ready waits for the "" that Listen sends once it is listening, then
// lets the test write.
func (l *listener) ready(t *testing.T) {
	t.Helper()
	select {
	case id := <-l.ids:
		if id != "" {
			t.Fatalf("first call of fn with %q, want \"\"", id)
		}
	case <-time.After(time.Minute): // a guard against hanging, not a timing
		t.Fatal("Listen did not start listening within a minute")
	}
}

// expect waits for the given ids, in any order, ignoring others (another
// test's schema may share the PostgreSQL channel).
func (l *listener) expect(t *testing.T, ids ...string) {
	t.Helper()
	want := map[string]int{}
	for _, id := range ids {
		want[id]++
	}
	deadline := time.After(time.Minute) // a guard against hanging, not a timing
	for len(want) > 0 {
		select {
		case id := <-l.ids:
			if want[id]--; want[id] <= 0 {
				delete(want, id)
			}
		case <-deadline:
			t.Fatalf("did not hear %v within a minute", want)
		}
	}
}

func writeAll(t *testing.T, s *store.Store) []string {
	t.Helper()
	c := sampleCase()
	mustCreate(t, s, c)
	if _, err := s.UpdateCase(ctx(t), c.ID, func(u *timeline.Case) error {
		u.Note = "updated"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteCase(ctx(t), c.ID); err != nil {
		t.Fatal(err)
	}
	bulk := []*timeline.Case{sampleCase(), sampleCase(), sampleCase()}
	if err := s.CreateCases(ctx(t), bulk, make([][]byte, len(bulk))); err != nil {
		t.Fatal(err)
	}
	// A failed update announces nothing; the listener must not need it.
	if _, err := s.UpdateCase(ctx(t), bulk[0].ID, func(*timeline.Case) error { return context.Canceled }); err == nil {
		t.Fatal("failed update succeeded")
	}
	return []string{c.ID, c.ID, c.ID, bulk[0].ID, bulk[1].ID, bulk[2].ID}
}

// TestListen: a store hears its own writes, on both databases.
func TestListen(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		l := listen(t, s)
		l.ready(t)
		l.expect(t, writeAll(t, s)...)
	})
}

// TestListenOtherInstance: on PostgreSQL an instance hears the writes of
// another instance on the same schema.
func TestListenOtherInstance(t *testing.T) {
	url := storetest.PostgresURL(t)
	reader, err := store.Open(ctx(t), url)
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	writer, err := store.Open(ctx(t), url)
	if err != nil {
		t.Fatal(err)
	}
	defer writer.Close()
	l := listen(t, reader)
	l.ready(t)
	l.expect(t, writeAll(t, writer)...)
}

// TestListenLargeBulk: a bulk insert larger than one NOTIFY payload is
// heard in full.
func TestListenLargeBulk(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		l := listen(t, s)
		l.ready(t)
		cases := make([]*timeline.Case, 700) // about 20 KB of ids
		var ids []string
		for i := range cases {
			cases[i] = sampleCase()
			ids = append(ids, cases[i].ID)
		}
		if err := s.CreateCases(ctx(t), cases, make([][]byte, len(cases))); err != nil {
			t.Fatal(err)
		}
		l.expect(t, ids...)
	})
}

// TestListenResyncAfterReconnect: when the server drops the listening
// connection, Listen reconnects, says "" (resynchronise) and keeps
// delivering.
func TestListenResyncAfterReconnect(t *testing.T) {
	s := storetest.Postgres(t)
	db := store.DB(s)
	listeners := func() []int {
		rows, err := db.QueryContext(ctx(t), `SELECT pid FROM pg_stat_activity
			WHERE datname = current_database() AND query = 'LISTEN casetrack_cases'`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var pids []int
		for rows.Next() {
			var pid int
			if err := rows.Scan(&pid); err != nil {
				t.Fatal(err)
			}
			pids = append(pids, pid)
		}
		return pids
	}
	before := listeners()
	l := listen(t, s)
	l.ready(t)
	var ours []int
	for _, pid := range listeners() {
		if !slices.Contains(before, pid) {
			ours = append(ours, pid)
		}
	}
	if len(ours) != 1 {
		t.Fatalf("found %d new listening connections, want 1", len(ours))
	}
	if _, err := db.ExecContext(ctx(t), "SELECT pg_terminate_backend($1)", ours[0]); err != nil {
		t.Fatal(err)
	}
	l.expect(t, "")
	c := sampleCase()
	mustCreate(t, s, c)
	l.expect(t, c.ID)
}
