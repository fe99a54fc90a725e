package store_test

import (
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
)

// TestSimilarRecentKnowsTheFirst: CreateCase records whether an identical
// case was already stored, and SimilarRecent reports it, so that a burst
// of copies can spare the case they copy even when all share one day.
func TestSimilarRecentKnowsTheFirst(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		first := sampleCase()
		mustCreate(t, s, first)
		other := sampleCase() // differs in one milestone date: not a copy
		other.Milestones[0] = ms("received", "2024-03-21")
		mustCreate(t, s, other)
		var copies []string
		for range 2 {
			c := sampleCase()
			mustCreate(t, s, c)
			copies = append(copies, c.ID)
		}
		probe := sampleCase()
		got, err := s.SimilarRecent(ctx(t), probe, day(2025, time.January, 10))
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]bool{first.ID: false, copies[0]: true, copies[1]: true}
		if len(got) != len(want) {
			t.Fatalf("SimilarRecent = %+v, want the first and its two copies", got)
		}
		for _, x := range got {
			if r, ok := want[x.ID]; !ok || r != x.RepeatsEarlier {
				t.Errorf("%s: RepeatsEarlier %v, want %v (known: %v)", x.ID, x.RepeatsEarlier, r, ok)
			}
		}
		// The window is whole days of creation.
		if got, err := s.SimilarRecent(ctx(t), probe, day(2025, time.January, 11)); err != nil || len(got) != 0 {
			t.Errorf("cases created before the window: %+v, %v", got, err)
		}
	})
}

// TestSimilarRecentSaysWhatIsPublished: SimilarRecent tells a published
// copy from one a burst already flagged, so a burst flags each copy once.
func TestSimilarRecentSaysWhatIsPublished(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		first := sampleCase()
		mustCreate(t, s, first)
		flagged := sampleCase()
		mustCreate(t, s, flagged)
		if _, err := s.Flag(ctx(t), []string{flagged.ID}, "burst_of_copies", day(2025, time.January, 12)); err != nil {
			t.Fatal(err)
		}
		got, err := s.SimilarRecent(ctx(t), sampleCase(), day(2025, time.January, 10))
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]bool{first.ID: true, flagged.ID: false}
		if len(got) != len(want) {
			t.Fatalf("SimilarRecent = %+v, want the first and the flagged copy", got)
		}
		for _, x := range got {
			if x.Visible != want[x.ID] {
				t.Errorf("%s: Visible %v, want %v", x.ID, x.Visible, want[x.ID])
			}
		}
	})
}

// TestBurstCheckReadsOnlyCopies: both questions a submission asks about
// identical cases (is one stored already; which came in the last days)
// seek the index on category, filing month, country and milestones, so
// their cost does not grow with the cases of a busy group. SQLite only:
// PostgreSQL's planner rightly prefers a scan of a test's tiny table.
func TestBurstCheckReadsOnlyCopies(t *testing.T) {
	storetest.EachRaw(t, func(t *testing.T, s *store.Store, db *sql.DB, path string) {
		if path == "" {
			t.Skip("plans are checked on SQLite")
		}
		for _, c := range []struct {
			name, query string
			args        []any
		}{
			{"repeats_earlier", store.IdenticalStored, []any{"i485-employment", "2024-03", "IN", "", "received:2024-03-20"}},
			{"SimilarRecent", store.SimilarRecentQuery, []any{"i485-employment", "2024-03", "IN", "", "received:2024-03-20", "2025-01-01", "c_X"}},
		} {
			rows, err := db.QueryContext(ctx(t), "EXPLAIN QUERY PLAN "+c.query, c.args...)
			if err != nil {
				t.Fatal(err)
			}
			var plan []string
			for rows.Next() {
				var id, parent, unused int
				var detail string
				if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
					t.Fatal(err)
				}
				plan = append(plan, detail)
			}
			rows.Close()
			joined := strings.Join(plan, "; ")
			if !strings.Contains(joined, "cases_identical (category=? AND filed=? AND country=? AND milestone_list=?") {
				t.Errorf("%s: plan %q does not seek the copies by their milestones", c.name, joined)
			}
		}
	})
}
