package store_test

import (
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"testing"

	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
	"github.com/casetrack/casetrack/internal/timeline"
)

// cases yields cs, as an import hands CreateCasesFrom its cases.
func cases(cs ...*timeline.Case) iter.Seq2[*timeline.Case, error] {
	return func(yield func(*timeline.Case, error) bool) {
		for _, c := range cs {
			if !yield(c, nil) {
				return
			}
		}
	}
}

// failing yields cs and then err.
func failing(err error, cs ...*timeline.Case) iter.Seq2[*timeline.Case, error] {
	return func(yield func(*timeline.Case, error) bool) {
		for c := range slices.Values(cs) {
			if !yield(c, nil) {
				return
			}
		}
		yield(nil, err)
	}
}

// TestCreateCasesFrom streams cases in several chunks into one
// transaction, on both databases.
func TestCreateCasesFrom(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		store.SetBulkChunk(s, 7)
		const n = 30 // four full chunks and a partial one
		want := make([]*timeline.Case, n)
		for i := range want {
			want[i] = sampleCase()
			want[i].Milestones = append(want[i].Milestones, ms("rfe", "2024-06-01"), ms("approved", "2024-09"))
			want[i].LastPending = day(2024, 8, 1+i%20)
			if i%3 == 0 {
				want[i].ServiceCenter, want[i].Note = "", ""
			}
		}
		var progress []int
		stored, err := s.CreateCasesFrom(ctx(t), cases(want...), func(written int) { progress = append(progress, written) })
		if err != nil || stored != n {
			t.Fatalf("CreateCasesFrom = %d, %v; want %d", stored, err, n)
		}
		if !slices.Equal(progress, []int{7, 14, 21, 28, 30}) {
			t.Errorf("progress reports %v, want every chunk", progress)
		}
		if got, _ := s.CountCases(ctx(t)); got != n {
			t.Errorf("CountCases = %d, want %d", got, n)
		}
		for _, c := range want {
			assertSame(t, mustGet(t, s, c.ID), c)
			if rows := milestoneRows(t, s, c.ID); rows != len(c.Milestones) {
				t.Errorf("case %s has %d milestone rows, want %d", c.ID, rows, len(c.Milestones))
			}
			if h, err := s.EditKeyHash(ctx(t), c.ID); err != nil || len(h) != 0 {
				t.Errorf("case %s has an edit key hash %x (%v); want none", c.ID, h, err)
			}
		}
		if n, err := s.CreateCasesFrom(ctx(t), cases(), nil); n != 0 || err != nil {
			t.Errorf("CreateCasesFrom of nothing = %d, %v", n, err)
		}
	})
}

// TestCreateCasesFromAllOrNothing: whatever stops a streamed insert, in
// whichever chunk, leaves nothing of it behind.
func TestCreateCasesFromAllOrNothing(t *testing.T) {
	stop := errors.New("row 12: bad date")
	tests := []struct {
		name string
		src  func(existing *timeline.Case) iter.Seq2[*timeline.Case, error]
		want string // in the error
	}{
		{"source fails in a later chunk", func(*timeline.Case) iter.Seq2[*timeline.Case, error] {
			return failing(stop, fresh(10)...)
		}, "row 12: bad date"},
		{"invalid case in a later chunk", func(*timeline.Case) iter.Seq2[*timeline.Case, error] {
			cs := fresh(10)
			cs[8].Country = ""
			return cases(cs...)
		}, "case 9: "},
		{"flagged case", func(*timeline.Case) iter.Seq2[*timeline.Case, error] {
			cs := fresh(5)
			cs[4].Moderation = timeline.Moderation{State: timeline.ModerationFlagged, Reason: "burst"}
			return cases(cs...)
		}, "published cases only"},
		{"duplicate id in a later chunk", func(existing *timeline.Case) iter.Seq2[*timeline.Case, error] {
			return cases(append(fresh(9), existing)...)
		}, ""},
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		store.SetBulkChunk(s, 4)
		existing := sampleCase()
		mustCreate(t, s, existing)
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				n, err := s.CreateCasesFrom(ctx(t), tt.src(existing), nil)
				if err == nil || n != 0 {
					t.Fatalf("CreateCasesFrom = %d, %v; want an error", n, err)
				}
				if tt.want != "" && !strings.Contains(err.Error(), tt.want) {
					t.Errorf("error %q does not say %q", err, tt.want)
				}
				if tt.want == stop.Error() && !errors.Is(err, stop) {
					t.Errorf("error %v does not wrap the source's", err)
				}
				if got, _ := s.CountCases(ctx(t)); got != 1 {
					t.Errorf("%d cases stored after a failed insert, want only the one before it", got)
				}
				var rows int
				if err := store.DB(s).QueryRowContext(ctx(t), "SELECT count(*) FROM milestones").Scan(&rows); err != nil || rows != len(existing.Milestones) {
					t.Errorf("%d milestone rows after a failed insert (%v), want %d", rows, err, len(existing.Milestones))
				}
			})
		}
		// The store still writes afterwards (on SQLite the bulk
		// connection went back to the pool with foreign keys on).
		c := sampleCase()
		mustCreate(t, s, c)
		if err := s.DeleteCase(ctx(t), c.ID); err != nil || milestoneRows(t, s, c.ID) != 0 {
			t.Errorf("delete after a failed bulk insert: %v, %d milestone rows left", err, milestoneRows(t, s, c.ID))
		}
	})
}

// TestCreateCasesFromAnnounces: a streamed insert is heard like any
// write: its ids, once it has committed.
func TestCreateCasesFromAnnounces(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		store.SetBulkChunk(s, 3)
		l := listen(t, s)
		l.ready(t)
		cs := fresh(8)
		if _, err := s.CreateCasesFrom(ctx(t), cases(cs...), nil); err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, c := range cs {
			ids = append(ids, c.ID)
		}
		l.expect(t, ids...)
	})
}

// TestLargeWriteAnnouncesResync: a write of more cases than are
// announced one by one is heard as a resynchronisation ("").
func TestLargeWriteAnnouncesResync(t *testing.T) {
	if testing.Short() {
		t.Skip("writes more than a hundred thousand cases")
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		l := listen(t, s)
		l.ready(t)
		n := store.MaxAnnounced + 1
		src := func(yield func(*timeline.Case, error) bool) {
			for i := range n {
				c := sampleCase()
				c.Note, c.Milestones = fmt.Sprint(i), nil
				if !yield(c, nil) {
					return
				}
			}
		}
		if got, err := s.CreateCasesFrom(ctx(t), src, nil); err != nil || got != n {
			t.Fatalf("CreateCasesFrom = %d, %v", got, err)
		}
		l.expect(t, "")
	})
}

// fresh returns n new sample cases.
func fresh(n int) []*timeline.Case {
	cs := make([]*timeline.Case, n)
	for i := range cs {
		cs[i] = sampleCase()
	}
	return cs
}
