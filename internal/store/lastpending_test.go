package store_test

import (
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
	"github.com/casetrack/casetrack/internal/timeline"
)

// TestLastPendingRoundTrip: the last "still pending" day is stored and
// read back by every write path, and an update can set and clear it.
func TestLastPendingRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		decided := func() *timeline.Case {
			c := sampleCase()
			c.Milestones = append(c.Milestones, ms("approved", "2025-03"))
			c.AsOf = day(2025, time.March, 20)
			c.LastPending = day(2025, time.February, 28)
			return c
		}

		one := decided()
		one.LastPending = time.Date(2025, 2, 28, 17, 45, 0, 0, time.UTC) // the day only is kept
		mustCreate(t, s, one)
		got := mustGet(t, s, one.ID)
		if !got.LastPending.Equal(day(2025, time.February, 28)) || got.LastPending.Location() != time.UTC {
			t.Errorf("CreateCase: LastPending = %v, want 2025-02-28 UTC", got.LastPending)
		}

		pending := sampleCase()
		mustCreate(t, s, pending)
		assertSame(t, mustGet(t, s, pending.ID), pending)

		bulk := []*timeline.Case{decided(), sampleCase()}
		if err := s.CreateCases(ctx(t), bulk, make([][]byte, len(bulk))); err != nil {
			t.Fatal(err)
		}
		for _, c := range bulk {
			assertSame(t, mustGet(t, s, c.ID), c)
		}

		streamed := []*timeline.Case{decided(), sampleCase()}
		if _, err := s.CreateCasesFrom(ctx(t), cases(streamed...), nil); err != nil {
			t.Fatal(err)
		}
		for _, c := range streamed {
			assertSame(t, mustGet(t, s, c.ID), c)
		}

		// UpdateCase and EditCase write it back, set or cleared.
		upd, err := s.UpdateCase(ctx(t), pending.ID, func(c *timeline.Case) error {
			c.Update(func(c *timeline.Case) {
				c.Milestones = append(c.Milestones, ms("denied", "2025-02-01"))
				c.AsOf = day(2025, time.February, 3)
			})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if !upd.LastPending.Equal(pending.AsOf) {
			t.Errorf("UpdateCase returned LastPending %v, want the earlier as-of %v", upd.LastPending, pending.AsOf)
		}
		assertSame(t, mustGet(t, s, pending.ID), upd)

		edited, err := s.EditCase(ctx(t), one.ID, func(c *timeline.Case) error {
			c.Update(func(c *timeline.Case) { c.Milestones = c.Milestones[:1] })
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if !edited.LastPending.IsZero() {
			t.Errorf("EditCase removed the decision but LastPending = %v", edited.LastPending)
		}
		assertSame(t, mustGet(t, s, one.ID), edited)

		// ScanCases reads it too.
		scanned := map[string]time.Time{}
		if err := s.ScanCases(ctx(t), func(c *timeline.Case) error {
			scanned[c.ID] = c.LastPending
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		for _, c := range []*timeline.Case{bulk[0], bulk[1], streamed[0], upd, edited} {
			if !scanned[c.ID].Equal(c.LastPending) {
				t.Errorf("ScanCases: case %s LastPending %v, want %v", c.ID, scanned[c.ID], c.LastPending)
			}
		}
	})
}

// TestLastPendingBackfill stores cases as the schema before migration 4
// had them and checks what the migration derives: the day a case was
// shared, for a case whose decision came after it.
func TestLastPendingBackfill(t *testing.T) {
	tests := []struct {
		name       string
		created    string
		milestones []string // code:date
		want       string   // "" for none
	}{
		{"decided after it was shared", "2025-01-10", []string{"received:2024-03-20", "approved:2025-02-01"}, "2025-01-10"},
		{"denied after it was shared", "2025-01-10", []string{"denied:2025-01-11"}, "2025-01-10"},
		{"decided the day it was shared", "2025-01-10", []string{"received:2024-03-20", "approved:2025-01-10"}, ""},
		{"shared already decided", "2025-01-10", []string{"approved:2024-12-30"}, ""},
		{"month-only decision after the 15th it stands for", "2025-01-14", []string{"approved:2025-01"}, "2025-01-14"},
		{"month-only decision on the day it was shared", "2025-01-15", []string{"approved:2025-01"}, ""},
		{"month-only decision before it was shared", "2025-01-20", []string{"approved:2025-01"}, ""},
		{"pending", "2025-01-10", []string{"received:2024-03-20", "rfe:2025-03"}, ""},
		{"no milestones", "2025-01-10", nil, ""},
	}
	storetest.EachURL(t, func(t *testing.T, url string) {
		if err := store.MigrateTo(ctx(t), url, 3); err != nil {
			t.Fatal(err)
		}
		db := rawDB(t, url)
		ids := make([]string, len(tests))
		for i, tt := range tests {
			// Ids, codes and dates are plain tokens: literals need no
			// placeholders, which differ between the databases.
			ids[i] = timeline.NewCaseID()
			execSQL(t, db, fmt.Sprintf("INSERT INTO cases (id, category, country, filed, as_of, created, milestone_list) VALUES ('%s', 'eb2-niw', 'IN', '2024-03', '2025-03-01', '%s', '%s')",
				ids[i], tt.created, strings.Join(tt.milestones, ";")))
			for seq, m := range tt.milestones {
				code, date, _ := strings.Cut(m, ":")
				execSQL(t, db, fmt.Sprintf("INSERT INTO milestones (case_id, seq, code, date) VALUES ('%s', %d, '%s', '%s')", ids[i], seq, code, date))
			}
		}
		s, err := store.Open(ctx(t), url) // migrates to the latest version
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		for i, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got := mustGet(t, s, ids[i]).LastPending
				want := time.Time{}
				if tt.want != "" {
					want, _ = time.Parse(time.DateOnly, tt.want)
				}
				if !got.Equal(want) {
					t.Errorf("LastPending = %v, want %v", got, want)
				}
			})
		}
	})
}

// rawDB opens a connection pool of its own to the database at url.
func rawDB(t *testing.T, url string) *sql.DB {
	t.Helper()
	var db *sql.DB
	var err error
	if path, ok := strings.CutPrefix(url, "sqlite:"); ok {
		db, err = sql.Open("sqlite", path)
	} else {
		db, err = sql.Open("pgx", url)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func execSQL(t *testing.T, db *sql.DB, q string) {
	t.Helper()
	if _, err := db.ExecContext(ctx(t), q); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}
