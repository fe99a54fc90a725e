package web

import (
	"context"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
	"github.com/casetrack/casetrack/internal/timeline"
)

// TestBurstSparesTheOriginal: copies of a public timeline submitted in a
// burst are flagged, but the timeline they copy is not, whether it was
// shared the same day or earlier; a burst of fresh copies is still caught.
func TestBurstSparesTheOriginal(t *testing.T) {
	tests := []struct {
		name string
		// before is how long before the copies the first submission
		// came; copies is how many identical ones follow it.
		before  time.Duration
		copies  int
		flagged int // how many of the copies the burst flags
	}{
		{"original the same day, then four copies", 0, burstSize - 1, burstSize - 1},
		{"original the day before, then four copies", 24 * time.Hour, burstSize - 1, burstSize - 1},
		// Five fresh copies look exactly like the first case above: the
		// store keeps no time of day, so the first of them is taken for
		// the original and the burst flags the other four.
		{"original, then five copies", 0, burstSize, burstSize},
		{"three copies: no burst", 0, burstSize - 2, 0},
		{"original older than the window: four copies are no burst", burstDays * 24 * time.Hour, burstSize - 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, st *store.Store) {
				e := newEnv(t, st)
				first := e.create(validSubmission()).ID
				e.clock.Add(tt.before)
				var copies []string
				for range tt.copies {
					copies = append(copies, e.create(validSubmission()).ID)
				}
				if m := moderationOf(t, st, first); !m.Visible() {
					t.Errorf("the first submission is %s (%s), want visible", m.State, m.Reason)
				}
				flagged := 0
				for _, id := range copies {
					switch m := moderationOf(t, st, id); {
					case m.State == timeline.ModerationFlagged && m.Reason == reasonBurst:
						flagged++
					case !m.Visible():
						t.Errorf("copy %s is %s (%s)", id, m.State, m.Reason)
					}
				}
				if flagged != tt.flagged {
					t.Errorf("%d of %d copies flagged, want %d", flagged, len(copies), tt.flagged)
				}
				if want := 1 + len(copies) - tt.flagged; e.ix.Len() != want {
					t.Errorf("the statistics count %d cases, want %d", e.ix.Len(), want)
				}
			})
		})
	}
}

// moderationOf reads a case's moderation state from the store.
func moderationOf(t *testing.T, st *store.Store, id string) timeline.Moderation {
	t.Helper()
	c, err := st.Case(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return c.Moderation
}

// TestBurstFlagsEachCopyOnce: in a long burst, each copy is flagged once.
// A further copy finds the earlier ones already flagged and asks the store
// to flag none of them again, so n copies cost n updates, not n².
func TestBurstFlagsEachCopyOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		first := e.create(validSubmission()).ID
		for range 3 * burstSize {
			e.create(validSubmission())
		}
		probe, fe := timeline.Validate(e.server.cat, timeline.Submission{
			Category: "eb2-niw", Country: "IN", ServiceCenter: "TSC", Filed: "2024-03",
			Milestones: []timeline.MilestoneInput{{Code: "received", Date: "2024-03-20"}, {Code: "rfe", Date: "2024-09"}},
			Note:       "Premium processing was not used.",
		}, e.server.now())
		if len(fe) > 0 {
			t.Fatal(fe)
		}
		probe.ID = timeline.NewCaseID()
		check := e.server.copyCheck()
		similar, err := st.SimilarRecent(context.Background(), probe, check.Since)
		if err != nil {
			t.Fatal(err)
		}
		burst, copies := check.Decide(similar)
		if !burst || len(copies) != 0 {
			t.Errorf("a further copy: burst %v, copies to flag again %v; want a burst and none", burst, copies)
		}
		if m := moderationOf(t, st, first); !m.Visible() {
			t.Errorf("the first submission is %s, want visible", m.State)
		}
	})
}
