package stats

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestReplace checks that Replace swaps in a freshly built index whole: the
// cases only the old index had are gone, the new ones count, and the old
// index keeps working for writes afterwards.
func TestReplace(t *testing.T) {
	cat := testCatalog(t)
	ix := NewIndex(cat)
	ix.Upsert(mkCase(t, "c_a", "eb2-niw", "IN", "TSC", "2024-01", "2025-01-10", "approved", "2024-12-01"))
	ix.Upsert(mkCase(t, "c_b", "eb2-niw", "IN", "TSC", "2024-01", "2025-01-10"))

	fresh := NewIndex(cat)
	fresh.Upsert(mkCase(t, "c_b", "eb2-niw", "IN", "TSC", "2024-01", "2025-01-10"))
	fresh.Upsert(mkCase(t, "c_c", "eb2-niw", "CN", "NSC", "2024-02", "2025-01-10", "denied", "2024-11"))
	ix.Replace(fresh)

	if got := ix.Len(); got != 2 {
		t.Fatalf("Len after Replace = %d, want 2", got)
	}
	r := ix.Stats(Filter{Category: "eb2-niw"}, 1)
	if r.Suppressed || r.Cases != 2 || r.Denied != 1 || r.Approved != 0 {
		t.Fatalf("Stats after Replace = %+v, want 2 cases, 1 denied, 0 approved", r)
	}
	ix.Remove("c_b")
	ix.Upsert(mkCase(t, "c_d", "eb2-niw", "IN", "TSC", "2024-03", "2025-01-10"))
	if got := ix.Len(); got != 2 {
		t.Fatalf("Len after further writes = %d, want 2", got)
	}
	checkInvariants(t, ix)
}

// TestCountMatchesStats checks Count against the case count of Stats for
// random filters, including an unknown category.
func TestCountMatchesStats(t *testing.T) {
	cat := testCatalog(t)
	rng := rand.New(rand.NewPCG(3, 4))
	ix := NewIndex(cat)
	for i := range 3000 {
		ix.Upsert(randomCase(rng, cat, fmt.Sprintf("c_%d", i)))
	}
	for range 200 {
		f := randomFilter(rng, cat)
		if got, want := ix.Count(f), ix.Stats(f, 0).Cases; got != want {
			t.Fatalf("Count(%+v) = %d, Stats says %d cases", f, got, want)
		}
	}
	if n := ix.Count(Filter{Category: "no-such-category"}); n != 0 {
		t.Fatalf("Count of an unknown category = %d", n)
	}
}
