package stats

import (
	"testing"

	"github.com/casetrack/casetrack/internal/timeline"
)

// TestModeratedCasesDoNotCount checks that Upsert and the Loader leave out
// (and drop) a case that is flagged or hidden, and take it back once it is
// visible again.
func TestModeratedCasesDoNotCount(t *testing.T) {
	cat := testCatalog(t)
	withState := func(state string) *timeline.Case {
		c := mkCase(t, "c_m", "eb2-niw", "IN", "TSC", "2024-01", "2025-01-10", "approved", "2024-12-01")
		c.Moderation = timeline.Moderation{State: state, Reason: "test"}
		return c
	}
	other := mkCase(t, "c_o", "eb2-niw", "IN", "TSC", "2024-01", "2025-01-10")
	for _, state := range []string{timeline.ModerationFlagged, timeline.ModerationHidden} {
		t.Run(state, func(t *testing.T) {
			ix := NewIndex(cat)
			ix.Upsert(other)
			ix.Upsert(withState(timeline.ModerationVisible))
			if got := ix.Count(Filter{Category: "eb2-niw"}); got != 2 {
				t.Fatalf("visible: Count = %d, want 2", got)
			}
			ix.Upsert(withState(state))
			if got := ix.Count(Filter{Category: "eb2-niw"}); got != 1 {
				t.Errorf("after Upsert of a %s case: Count = %d, want 1", state, got)
			}
			checkInvariants(t, ix)
			ix.Upsert(withState(""))
			if got := ix.Count(Filter{Category: "eb2-niw"}); got != 2 {
				t.Errorf("visible again: Count = %d, want 2", got)
			}

			l := NewLoader(cat)
			l.Add(other)
			l.Add(withState(timeline.ModerationVisible))
			l.Add(withState(state))
			loaded := l.Index()
			if got := loaded.Count(Filter{Category: "eb2-niw"}); got != 1 {
				t.Errorf("Loader: Count = %d, want 1", got)
			}
			checkInvariants(t, loaded)
		})
	}
}
