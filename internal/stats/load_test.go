package stats

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/timeline"
)

// loadCase is randomCase, but about one case in twenty has a category the
// catalog does not know.
func loadCase(rng *rand.Rand, ix *Index, id string) *timeline.Case {
	c := randomCase(rng, ix.cat, id)
	if rng.IntN(20) == 0 {
		c.Category = "no-such-category"
	}
	return c
}

// TestLoaderMatchesUpsert adds the same random cases, with repeated ids and
// unknown categories, through a Loader and through Upsert, and compares
// the two indexes row by row and by their answers; then it keeps writing
// to both and compares again, so the loaded blocks must take inserts,
// splits and merges like any others.
func TestLoaderMatchesUpsert(t *testing.T) {
	cat := testCatalog(t)
	rng := rand.New(rand.NewPCG(11, 12))
	l := NewLoader(cat)
	want := NewIndex(cat)
	// 1500 distinct ids over 5000 cases: most ids come back, some several
	// times, some moving between categories or to an unknown one.
	var ids []string
	l.Grow(1000)
	for i := range 5000 {
		if i == 2500 {
			l.Grow(2500) // with cases in: the id table is copied
		}
		id := fmt.Sprintf("c_%d", rng.IntN(1500))
		if i%3 == 0 {
			id = fmt.Sprintf("n_%d", i) // seen once
		}
		c := loadCase(rng, want, id)
		l.Add(c)
		want.Upsert(c)
		ids = append(ids, id)
	}
	l.Add(nil)
	got := l.Index()
	checkInvariants(t, got)
	checkLoaded(t, got)
	compareIndexes(t, rng, got, want, "after load")

	for step := range 3000 {
		id := ids[rng.IntN(len(ids))]
		if step%4 == 0 {
			got.Remove(id)
			want.Remove(id)
			continue
		}
		if step%3 == 0 {
			id = fmt.Sprintf("u_%d", step)
			ids = append(ids, id)
		}
		c := loadCase(rng, want, id)
		got.Upsert(c)
		want.Upsert(c)
		if step%1000 == 999 {
			checkInvariants(t, got)
			compareIndexes(t, rng, got, want, fmt.Sprintf("after %d more writes", step+1))
		}
	}
}

// TestLoaderSmall checks a few sequences by hand: the count left, and that
// the index answers and takes writes.
func TestLoaderSmall(t *testing.T) {
	cat := testCatalog(t)
	approved := mkCase(t, "c_a", "eb2-niw", "IN", "TSC", "2024-01", "2025-01-10", "approved", "2024-12-01")
	pending := mkCase(t, "c_a", "eb2-niw", "IN", "TSC", "2024-01", "2025-01-10")
	moved := mkCase(t, "c_a", "plain", "CN", "", "2024-02", "2025-01-10", "denied", "2024-11")
	unknown := mkCase(t, "c_a", "nope", "CN", "", "2024-02", "2025-01-10")
	other := mkCase(t, "c_b", "eb2-niw", "MX", "NSC", "2023-05", "2025-01-10", "denied", "2024-11")
	tests := []struct {
		name  string
		cases []*timeline.Case
		want  int
	}{
		{"empty", nil, 0},
		{"nil case", []*timeline.Case{nil}, 0},
		{"one", []*timeline.Case{approved}, 1},
		{"replaced in place", []*timeline.Case{approved, pending}, 1},
		{"moved to another category", []*timeline.Case{approved, other, moved}, 2},
		{"dropped by unknown category", []*timeline.Case{approved, other, unknown}, 1},
		{"unknown then known", []*timeline.Case{unknown, other, pending}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := NewLoader(cat)
			want := NewIndex(cat)
			for _, c := range tt.cases {
				l.Add(c)
				want.Upsert(c)
			}
			ix := l.Index()
			if ix.Len() != tt.want {
				t.Fatalf("Len = %d, want %d", ix.Len(), tt.want)
			}
			checkInvariants(t, ix)
			compareIndexes(t, rand.New(rand.NewPCG(1, 2)), ix, want, "loaded")
			ix.Upsert(other)
			want.Upsert(other)
			ix.Remove("c_a")
			want.Remove("c_a")
			checkInvariants(t, ix)
			compareIndexes(t, rand.New(rand.NewPCG(3, 4)), ix, want, "after writes")
		})
	}
}

// checkLoaded checks what a Loader adds to the block invariants: as few
// blocks as hold the rows at loadFill each, sizes differing by one row at
// most; and every id leads to its row.
func checkLoaded(t *testing.T, ix *Index) {
	t.Helper()
	for _, p := range ix.parts {
		if want := (p.n + loadFill - 1) / loadFill; len(p.blocks) != want {
			t.Fatalf("%s: %d rows in %d blocks, want %d", p.code, p.n, len(p.blocks), want)
		}
		lo, hi := maxBlock, 0
		for _, b := range p.blocks {
			lo, hi = min(lo, len(b.key)), max(hi, len(b.key))
		}
		if len(p.blocks) > 0 && (hi > loadFill || hi-lo > 1) {
			t.Fatalf("%s: blocks hold %d to %d rows, want equal sizes up to %d", p.code, lo, hi, loadFill)
		}
	}
	for id, ref := range ix.ids.all() {
		p := ix.parts[ref.part]
		b := p.blocks[p.blockFor(ref.key())]
		if _, found := slices.BinarySearch(b.key, ref.key()); !found {
			t.Fatalf("id %x: key %x not in partition %s", id, ref.key(), p.code)
		}
	}
}

// compareIndexes checks that got and want hold the same rows (handles
// aside), the same ids and the same partition bounds, and give the same
// JSON for random filters.
func compareIndexes(t *testing.T, rng *rand.Rand, got, want *Index, when string) {
	t.Helper()
	if got.Len() != want.Len() {
		t.Fatalf("%s: Len = %d, want %d", when, got.Len(), want.Len())
	}
	for id, w := range want.ids.all() {
		g, ok := got.ids.get(id)
		if !ok || g.part != w.part || g.key()&^handleMask != w.key()&^handleMask {
			t.Fatalf("%s: id %x has ref %+v (present %v), want %+v", when, id, g, ok, w)
		}
	}
	for pi, wp := range want.parts {
		gp := got.parts[pi]
		if gp.n != wp.n || gp.maxDur != wp.maxDur || gp.minMonth != wp.minMonth || gp.maxMonth != wp.maxMonth {
			t.Fatalf("%s: partition %s has n %d, maxDur %d, months %d-%d; want %d, %d, %d-%d", when, wp.code,
				gp.n, gp.maxDur, gp.minMonth, gp.maxMonth, wp.n, wp.maxDur, wp.minMonth, wp.maxMonth)
		}
		if g, w := partitionRows(gp), partitionRows(wp); !slices.Equal(g, w) {
			t.Fatalf("%s: partition %s rows differ", when, wp.code)
		}
	}
	same := func(what string, g, w any) {
		t.Helper()
		gj, err := json.Marshal(g)
		if err != nil {
			t.Fatal(err)
		}
		wj, err := json.Marshal(w)
		if err != nil {
			t.Fatal(err)
		}
		if string(gj) != string(wj) {
			t.Fatalf("%s: %s:\n got %s\nwant %s", when, what, gj, wj)
		}
	}
	for range 60 {
		f := randomFilter(rng, got.cat)
		k := rng.IntN(4)
		desc := fmt.Sprintf("filter %+v, k %d", f, k)
		same("Stats "+desc, got.Stats(f, k), want.Stats(f, k))
		same("Histogram "+desc, got.Histogram(f, k), want.Histogram(f, k))
		for _, by := range []Dimension{ByCountry, ByServiceCenter, ByQuarter, ByMonth} {
			gb, gerr := got.Breakdown(f, by, k)
			wb, werr := want.Breakdown(f, by, k)
			if (gerr == nil) != (werr == nil) {
				t.Fatalf("%s: Breakdown %s %s: error %v, want %v", when, by, desc, gerr, werr)
			}
			same(fmt.Sprintf("Breakdown %s %s", by, desc), gb, wb)
		}
	}
}

// flatRow is a row with its handle cleared, for comparing indexes whose
// handles differ.
type flatRow struct {
	key   uint64
	month uint16
	place uint32
	ms    string
}

// partitionRows lists a partition's rows without handles, sorted.
func partitionRows(p *partition) []flatRow {
	m := len(p.milestones)
	var rows []flatRow
	for _, b := range p.blocks {
		for i, k := range b.key {
			rows = append(rows, flatRow{key: k &^ handleMask, month: b.month[i], place: b.place[i],
				ms: fmt.Sprint(b.ms[i*m : (i+1)*m])})
		}
	}
	slices.SortFunc(rows, func(a, b flatRow) int {
		return cmp.Or(cmp.Compare(a.key, b.key), cmp.Compare(a.month, b.month),
			cmp.Compare(a.place, b.place), cmp.Compare(a.ms, b.ms))
	})
	return rows
}

// benchLoadCases makes the benchCases synthetic cases of the benchmarks,
// ahead of the timed part.
func benchLoadCases(b *testing.B) []*timeline.Case {
	b.Helper()
	g := newBenchGen(benchCatalog(b), 1)
	cases := make([]*timeline.Case, benchCases)
	for i := range cases {
		cases[i] = g.next(fmt.Sprintf("c_%07d", i))
	}
	return cases
}

// benchBuild times build over the benchmark cases and reports, besides the
// wall time per build, the CPU time of the whole process per build (the
// Loader sorts on all CPUs; the garbage collector counts too) and the heap
// the last index holds.
func benchBuild(b *testing.B, build func(cat *catalog.Catalog, cases []*timeline.Case) *Index) {
	cat := benchCatalog(b)
	cases := benchLoadCases(b)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	var ix *Index
	cpu0 := processCPU(b)
	for b.Loop() {
		ix = nil
		ix = build(cat, cases)
	}
	b.StopTimer()
	b.ReportMetric(float64((processCPU(b)-cpu0).Nanoseconds())/float64(b.N), "cpu-ns/op")
	if ix.Len() != benchCases {
		b.Fatalf("Len = %d, want %d", ix.Len(), benchCases)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/1e6, "index-MB")
	runtime.KeepAlive(ix)
	runtime.KeepAlive(cases)
}

// processCPU is the CPU time the process has used so far.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkLoad1M builds the one-million-case index through a Loader, as
// the server does at start-up.
func BenchmarkLoad1M(b *testing.B) {
	benchBuild(b, func(cat *catalog.Catalog, cases []*timeline.Case) *Index {
		l := NewLoader(cat)
		for _, c := range cases {
			l.Add(c)
		}
		return l.Index()
	})
}

// BenchmarkUpsert1M builds the same index one Upsert at a time, for
// comparison with BenchmarkLoad1M.
func BenchmarkUpsert1M(b *testing.B) {
	benchBuild(b, func(cat *catalog.Catalog, cases []*timeline.Case) *Index {
		ix := NewIndex(cat)
		for _, c := range cases {
			ix.Upsert(c)
		}
		return ix
	})
}
