package stats

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSortEntries compares the radix sort with a comparison sort, on
// lists small and large enough for each of its stages, with repeated keys
// whose order must follow the handles, removed entries last.
func TestSortEntries(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{0, 1, 7, 255, 256, 257, 5000, 200_000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			es := make([]idEntry, n)
			for i := range es {
				id := fmt.Sprintf("c_%d", rng.IntN(n/3+1)) // about three entries per id
				es[i] = idEntry{key: keyOf(id), ref: rowRef{lo: uint32(i + 1), part: uint16(rng.IntN(3))}}
				if rng.IntN(10) == 0 {
					// Removed after the entry before it.
					es[i].ref = rowRef{lo: uint32(i), part: removedPart}
				}
			}
			want := slices.Clone(es)
			slices.SortStableFunc(want, func(a, b idEntry) int { return compareKeys(&a.key, &b.key) })
			sortEntries(es)
			if !slices.Equal(es, want) {
				t.Fatal("sortEntries differs from a stable sort by key of the entries in the order added")
			}
		})
	}
}

// TestIDTable drives the sorted part, the added map and the merge against
// a plain map.
func TestIDTable(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	key := func(i int) idKey { return keyOf(fmt.Sprintf("id_%d", i)) }
	want := map[idKey]rowRef{}
	loaded := make([]idEntry, 0, 1000)
	for i := range 1000 {
		r := rowRef{lo: uint32(i + 1), part: uint16(i % 5)}
		loaded = append(loaded, idEntry{key(i), r})
		want[key(i)] = r
	}
	sortEntries(loaded)
	tab := idTable{sorted: loaded, added: map[idKey]rowRef{}}
	check := func(when string) {
		t.Helper()
		if tab.len() != len(want) {
			t.Fatalf("%s: len %d, want %d", when, tab.len(), len(want))
		}
		n := 0
		for k, r := range tab.all() {
			n++
			if w, ok := want[k]; !ok || w != r {
				t.Fatalf("%s: all lists %x → %+v, want %+v (present %v)", when, k, r, w, ok)
			}
		}
		if n != len(want) {
			t.Fatalf("%s: all lists %d ids, want %d", when, n, len(want))
		}
		for i := range 2000 + 2*mergeMin {
			g, gok := tab.get(key(i))
			w, wok := want[key(i)]
			if gok != wok || g != w {
				t.Fatalf("%s: get(id_%d) = %+v %v, want %+v %v", when, i, g, gok, w, wok)
			}
		}
	}
	check("loaded")
	merged := false
	for step := range 2*mergeMin + 5000 {
		i := rng.IntN(2000)
		if step >= 5000 {
			i = 2000 + step - 5000 // new ids, until the map is merged in
		}
		if rng.IntN(3) == 0 {
			tab.delete(key(i))
			delete(want, key(i))
			continue
		}
		r := rowRef{lo: uint32(step + 1), part: uint16(rng.IntN(5))}
		before := len(tab.added)
		tab.set(key(i), r)
		want[key(i)] = r
		if before > 0 && len(tab.added) == 0 {
			merged = true
			if tab.removed != 0 {
				t.Fatalf("a merge left %d removed entries", tab.removed)
			}
		}
		if step%10000 == 0 {
			check(fmt.Sprintf("step %d", step))
		}
	}
	if !merged {
		t.Fatal("the added ids were never merged")
	}
	check("after the merge")
}

// TestRevisions: the index counts changes to cases it holds, removals and
// replacements, but not new cases (pages that may lag a new case watch it),
// nor the notification of a case this process added (Refresh).
func TestRevisions(t *testing.T) {
	cat := testCatalog(t)
	ix := NewIndex(cat)
	pending := mkCase(t, "c_a", "eb2-niw", "IN", "TSC", "2024-01", "2025-01-10")
	approved := mkCase(t, "c_a", "eb2-niw", "IN", "TSC", "2024-01", "2025-01-10", "approved", "2024-12-01")
	other := mkCase(t, "c_b", "eb2-niw", "MX", "NSC", "2023-05", "2025-01-10")
	otherApproved := mkCase(t, "c_b", "eb2-niw", "MX", "NSC", "2023-05", "2025-01-10", "approved", "2024-12-01")
	newer := mkCase(t, "c_c", "eb2-niw", "IN", "TSC", "2024-02", "2025-01-10")
	elsewhere := mkCase(t, "c_d", "eb2-niw", "IN", "TSC", "2024-03", "2025-01-10")
	third := mkCase(t, "c_e", "eb2-niw", "IN", "TSC", "2024-04", "2025-01-10")
	steps := []struct {
		what    string
		do      func()
		changed bool
	}{
		{"a new case", func() { ix.Upsert(pending) }, false},
		{"another new case", func() { ix.Upsert(other) }, false},
		{"a case changed", func() { ix.Upsert(approved) }, true},
		{"a case removed", func() { ix.Remove("c_b") }, true},
		{"an unknown id removed", func() { ix.Remove("c_none") }, false},
		{"the index replaced", func() { ix.Replace(NewIndex(cat)) }, true},
		{"a case that does not count, never indexed", func() {
			flagged := *other
			flagged.Moderation.State = "flagged"
			ix.Upsert(&flagged)
		}, false},
		// The notification of this process's own addition comes back.
		{"a new case", func() { ix.Upsert(newer) }, false},
		{"its own notification applied", func() { ix.Refresh(newer) }, false},
		{"a later notification of it", func() { ix.Refresh(newer) }, true},
		// A change made here before the notification came back counts,
		// and so does the notification after it.
		{"another new case", func() { ix.Upsert(other) }, false},
		{"it changed here at once", func() { ix.Upsert(otherApproved) }, true},
		{"the notification of its addition", func() { ix.Refresh(otherApproved) }, true},
		// A case another instance added, then changed.
		{"a case added elsewhere", func() { ix.Refresh(elsewhere) }, false},
		{"changed elsewhere", func() { ix.Refresh(elsewhere) }, true},
		// A case added here and removed before its notification.
		{"a third new case", func() { ix.Upsert(third) }, false},
		{"removed", func() { ix.Remove(third.ID) }, true},
		{"added again elsewhere", func() { ix.Refresh(third) }, false},
		{"its notification", func() { ix.Refresh(third) }, true},
	}
	for _, s := range steps {
		before := ix.Revisions()
		s.do()
		if got := ix.Revisions() != before; got != s.changed {
			t.Errorf("%s: Revisions changed %v, want %v", s.what, got, s.changed)
		}
	}
}

// TestEchoesBounded: a process whose additions never come back as
// notifications keeps at most maxEchoes of them in mind.
func TestEchoesBounded(t *testing.T) {
	ix := NewIndex(testCatalog(t))
	for i := range maxEchoes + 10 {
		ix.Upsert(mkCase(t, fmt.Sprintf("c_%d", i), "eb2-niw", "IN", "TSC", "2024-01", "2025-01-10"))
	}
	if n := len(ix.echoes); n > maxEchoes || n == 0 {
		t.Errorf("echo set holds %d keys, want 1..%d", n, maxEchoes)
	}
	if ix.Len() != maxEchoes+10 {
		t.Errorf("index holds %d cases, want %d", ix.Len(), maxEchoes+10)
	}
}

// TestCategoryLen: the lock-free count of each category follows
// additions, changes of category, removals, a replacement and a load.
func TestCategoryLen(t *testing.T) {
	cat := testCatalog(t)
	ix := NewIndex(cat)
	check := func(what string, niw, all int) {
		t.Helper()
		if got := ix.CategoryLen("eb2-niw"); got != niw {
			t.Errorf("%s: CategoryLen(eb2-niw) = %d, want %d", what, got, niw)
		}
		if got := ix.CategoryLen("no-such-category"); got != all {
			t.Errorf("%s: CategoryLen of an unknown category = %d, want all %d", what, got, all)
		}
	}
	check("empty", 0, 0)
	ix.Upsert(mkCase(t, "c_1", "eb2-niw", "IN", "TSC", "2024-01", "2025-01-10"))
	ix.Upsert(mkCase(t, "c_2", "eb2-niw", "IN", "TSC", "2024-01", "2025-01-10"))
	ix.Upsert(mkCase(t, "c_3", "i485-employment", "IN", "TSC", "2024-01", "2025-01-10"))
	check("three added", 2, 3)
	ix.Upsert(mkCase(t, "c_2", "i485-employment", "IN", "TSC", "2024-01", "2025-01-10"))
	check("one moved to another category", 1, 3)
	ix.Remove("c_1")
	check("one removed", 0, 2)
	l := NewLoader(cat)
	for i := range 5 {
		l.Add(mkCase(t, fmt.Sprintf("c_l%d", i), "eb2-niw", "IN", "TSC", "2024-01", "2025-01-10"))
	}
	ix.Replace(l.Index())
	check("replaced by a load of five", 5, 5)
}
