package stats

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/timeline"
)

// refApprovedSince is ApprovedSince written plainly over the live cases.
func refApprovedSince(live map[string]*timeline.Case, since time.Time) map[string]int {
	out := map[string]int{}
	for _, c := range live {
		m, ok := c.Milestone("approved")
		if ok && !m.Date.MonthOnly() && !m.Date.Time().Before(since) && c.Counts() {
			out[c.Category]++
		}
	}
	return out
}

// TestApprovedSince follows random inserts, replacements (some moving a
// case to another category) and removals, on an index kept by Upsert and
// on one built by a Loader from the same operations, and checks the
// counts of several windows against the plain count after each batch.
// It also checks that a category's version moves with its own changes
// only.
func TestApprovedSince(t *testing.T) {
	cat := testCatalog(t)
	rng := rand.New(rand.NewPCG(3, 4))
	ix := NewIndex(cat)
	l := NewLoader(cat)
	live := map[string]*timeline.Case{}
	var ids []string
	check := func(at string, ix *Index) {
		t.Helper()
		for _, since := range []time.Time{
			time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC),
			time.Date(2023, 6, 15, 0, 0, 0, 0, time.UTC),
			time.Date(2024, 11, 1, 0, 0, 0, 0, time.UTC),
			time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC),
		} {
			got, want := ix.ApprovedSince(since), refApprovedSince(live, since)
			if !maps.Equal(got, want) {
				t.Fatalf("%s: ApprovedSince(%s) = %v, want %v", at, since.Format(time.DateOnly), got, want)
			}
		}
	}
	for step := range 3000 {
		var c *timeline.Case
		switch r := rng.IntN(10); {
		case r < 6 || len(ids) == 0:
			c = randomCase(rng, cat, fmt.Sprintf("c_%d", step))
			ids = append(ids, c.ID)
		case r < 8:
			c = randomCase(rng, cat, ids[rng.IntN(len(ids))])
		default:
			i := rng.IntN(len(ids))
			old := live[ids[i]]
			before := ix.CategoryVersion(old.Category)
			ix.Remove(old.ID)
			if ix.CategoryVersion(old.Category) == before {
				t.Fatalf("step %d: removing a case of %s left its version at %d", step, old.Category, before)
			}
			// The Loader has no Remove; a case that does not count
			// drops the earlier one the same way.
			l.Add(&timeline.Case{ID: old.ID, Category: old.Category, Moderation: timeline.Moderation{State: timeline.ModerationHidden}})
			delete(live, old.ID)
			ids[i] = ids[len(ids)-1]
			ids = ids[:len(ids)-1]
		}
		if c != nil {
			others := map[string]uint64{}
			for _, code := range []string{"eb2-niw", "i485-employment", "plain"} {
				others[code] = ix.CategoryVersion(code)
			}
			old := live[c.ID]
			ix.Upsert(c)
			l.Add(c)
			live[c.ID] = c
			for code, v := range others {
				changed := ix.CategoryVersion(code) != v
				want := code == c.Category || old != nil && code == old.Category
				if changed != want {
					t.Fatalf("step %d: upserting a case of %s changed %s's version: %v, want %v", step, c.Category, code, changed, want)
				}
			}
		}
		if step%300 == 299 {
			check(fmt.Sprintf("step %d", step), ix)
		}
	}
	check("loader", l.Index())
	fresh := NewIndex(cat)
	v := fresh.CategoryVersion("plain")
	fresh.Replace(ix)
	if fresh.CategoryVersion("plain") == v {
		t.Error("Replace left a category's version unchanged")
	}
	check("replaced", fresh)
}
