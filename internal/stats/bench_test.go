package stats

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/timeline"
)

// benchCases is the size of the benchmark index.
const benchCases = 1_000_000

// benchCatalog has eight categories, 100 countries and 7 service centers.
// Category c0 has the I-485 milestone list, the longest in the real
// catalog, so the broad benchmark pays for five milestone estimates.
func benchCatalog(b *testing.B) *catalog.Catalog {
	b.Helper()
	long := `[{"code":"received","name":"r"},{"code":"transferred","name":"t"},{"code":"biometrics","name":"b"},
		{"code":"rfe","name":"rfe"},{"code":"rfe_response","name":"rr"},{"code":"interview","name":"i"},
		{"code":"approved","name":"a","terminal":true,"outcome":"approved"},{"code":"denied","name":"d","terminal":true,"outcome":"denied"}]`
	short := `[{"code":"received","name":"r"},{"code":"rfe","name":"rfe"},{"code":"rfe_response","name":"rr"},
		{"code":"approved","name":"a","terminal":true,"outcome":"approved"},{"code":"denied","name":"d","terminal":true,"outcome":"denied"}]`
	var cats, countries []string
	for i := range 8 {
		ms := short
		if i%2 == 0 {
			ms = long
		}
		cats = append(cats, fmt.Sprintf(`{"code":"c%d","name":"C%d","form":"F","group":"G","milestones":%s}`, i, i, ms))
	}
	for i := range 100 {
		countries = append(countries, fmt.Sprintf(`{"code":"%c%c","name":"Country %d"}`, 'A'+i/26, 'A'+i%26, i))
	}
	js := fmt.Sprintf(`{"categories":[%s],"countries":[%s],"service_centers":[
		{"code":"CSC","name":"c"},{"code":"NSC","name":"n"},{"code":"PSC","name":"p"},{"code":"TSC","name":"t"},
		{"code":"VSC","name":"v"},{"code":"NBC","name":"b"},{"code":"ONLINE","name":"o"}]}`,
		strings.Join(cats, ","), strings.Join(countries, ","))
	cat, err := catalog.Parse([]byte(js))
	if err != nil {
		b.Fatal(err)
	}
	return cat
}

// benchGen makes deterministic synthetic cases: c0 holds 25% of cases, the
// first country 30% and the next two 10% each, filing months spread over
// 2019-2025, decision times around a year with a long tail; a case whose
// decision would fall after now is pending, confirmed in the last 90 days.
type benchGen struct {
	rng *rand.Rand
	cat *catalog.Catalog
	now time.Time
}

func newBenchGen(cat *catalog.Catalog, seed uint64) *benchGen {
	return &benchGen{rng: rand.New(rand.NewPCG(seed, 0x5eed)), cat: cat,
		now: time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC)}
}

func (g *benchGen) next(id string) *timeline.Case {
	r := g.rng
	ci := 0
	if r.IntN(4) != 0 {
		ci = 1 + r.IntN(7)
	}
	co := r.IntN(100)
	switch u := r.IntN(10); {
	case u < 3:
		co = 0
	case u < 4:
		co = 1
	case u < 5:
		co = 2
	}
	c := &timeline.Case{
		ID:       id,
		Category: g.cat.Categories[ci].Code,
		Country:  g.cat.Countries[co].Code,
		Filed:    timeline.Month{Year: 2019 + r.IntN(7), Month: time.Month(1 + r.IntN(10))},
	}
	if sc := r.IntN(8); sc < 7 {
		c.ServiceCenter = g.cat.ServiceCenters[sc].Code
	}
	filed := c.Filed.Mid()
	dur := int(math.Exp(5.9 + 0.45*r.NormFloat64())) // median ~365 days
	for _, m := range g.cat.Categories[ci].Milestones {
		if m.Terminal || m.Code == "received" || r.IntN(5) < 2 {
			continue
		}
		d := filed.AddDate(0, 0, r.IntN(dur+1))
		if d.After(g.now) {
			continue
		}
		c.Milestones = append(c.Milestones, timeline.Milestone{Code: m.Code, Date: timeline.DateOf(d)})
	}
	// Details without drawing from the generator, so the other columns
	// stay what they were: a third each regular, premium, not given.
	c.Details.Premium = [3]string{timeline.PremiumRegular, timeline.PremiumFromFiling, ""}[dur%3]
	if decided := filed.AddDate(0, 0, dur); !decided.After(g.now) {
		code := "approved"
		if r.IntN(10) == 0 {
			code = "denied"
		}
		c.Milestones = append(c.Milestones, timeline.Milestone{Code: code, Date: timeline.DateOf(decided)})
		c.AsOf = decided
	} else {
		c.AsOf = g.now.AddDate(0, 0, -r.IntN(90))
		if c.AsOf.Before(filed) {
			c.AsOf = filed
		}
	}
	return c
}

// buildBenchIndex fills an index with benchCases cases. The heap it holds
// and the time the inserts took are reported as extra metrics once the
// benchmark loop is done (b.Loop resets metrics reported before it).
func buildBenchIndex(b *testing.B, cat *catalog.Catalog) *Index {
	b.Helper()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	ix := NewIndex(cat)
	g := newBenchGen(cat, 1)
	start := time.Now()
	for i := range benchCases {
		ix.Upsert(g.next(fmt.Sprintf("c_%07d", i)))
	}
	elapsed := time.Since(start)
	runtime.GC()
	runtime.ReadMemStats(&after)
	heapMB := float64(after.HeapAlloc-before.HeapAlloc) / 1e6
	b.Cleanup(func() {
		b.ReportMetric(heapMB, "index-MB")
		b.ReportMetric(elapsed.Seconds(), "build-s")
		runtime.KeepAlive(ix)
	})
	return ix
}

// cpuClock measures the CPU time of the benchmark's own thread, so that
// the numbers mean something on a shared machine where wall time also
// counts the time other processes held the CPU.
type cpuClock struct {
	b     *testing.B
	start time.Duration
}

func startCPUClock(b *testing.B) *cpuClock {
	runtime.LockOSThread()
	return &cpuClock{b: b, start: threadCPU(b)}
}

// stop reports CPU nanoseconds per iteration; call it after the b.Loop loop.
func (c *cpuClock) stop() {
	used := threadCPU(c.b) - c.start
	runtime.UnlockOSThread()
	if c.b.N > 0 {
		c.b.ReportMetric(float64(used.Nanoseconds())/float64(c.b.N), "cpu-ns/op")
	}
}

func threadCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_THREAD, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkStatsBroad: one category holding 25% of the 1M cases, no other
// filter, with all five milestone estimates.
func BenchmarkStatsBroad(b *testing.B) {
	cat := benchCatalog(b)
	ix := buildBenchIndex(b, cat)
	f := Filter{Category: "c0"}
	if r := ix.Stats(f, 5); r.Suppressed || r.Cases < benchCases/5 {
		b.Fatalf("broad group has %d cases", r.Cases)
	}
	clock := startCPUClock(b)
	for b.Loop() {
		ix.Stats(f, 5)
	}
	clock.stop()
}

// BenchmarkStatsNarrow: category, country and service center.
func BenchmarkStatsNarrow(b *testing.B) {
	cat := benchCatalog(b)
	ix := buildBenchIndex(b, cat)
	f := Filter{Category: "c0", Country: cat.Countries[1].Code, ServiceCenter: "TSC"}
	if r := ix.Stats(f, 5); r.Suppressed {
		b.Fatal("narrow group suppressed")
	}
	clock := startCPUClock(b)
	for b.Loop() {
		ix.Stats(f, 5)
	}
	clock.stop()
}

// BenchmarkStatsDetail: the broad group narrowed by a detail (a third of
// it), which tests every filter column per row.
func BenchmarkStatsDetail(b *testing.B) {
	cat := benchCatalog(b)
	ix := buildBenchIndex(b, cat)
	f := Filter{Category: "c0", Premium: timeline.PremiumRegular}
	if r := ix.Stats(f, 5); r.Suppressed || r.Cases < benchCases/20 {
		b.Fatalf("detail group has %d cases", r.Cases)
	}
	clock := startCPUClock(b)
	for b.Loop() {
		ix.Stats(f, 5)
	}
	clock.stop()
}

// BenchmarkBreakdownDetail: the broad group's rows by premium processing.
func BenchmarkBreakdownDetail(b *testing.B) {
	cat := benchCatalog(b)
	ix := buildBenchIndex(b, cat)
	f := Filter{Category: "c0"}
	clock := startCPUClock(b)
	for b.Loop() {
		if _, err := ix.Breakdown(f, ByPremium, 5); err != nil {
			b.Fatal(err)
		}
	}
	clock.stop()
}

// BenchmarkStatsBroadJSON adds encoding the result, as the API does.
func BenchmarkStatsBroadJSON(b *testing.B) {
	cat := benchCatalog(b)
	ix := buildBenchIndex(b, cat)
	f := Filter{Category: "c0"}
	clock := startCPUClock(b)
	for b.Loop() {
		if _, err := json.Marshal(ix.Stats(f, 5)); err != nil {
			b.Fatal(err)
		}
	}
	clock.stop()
}

// BenchmarkBreakdownBroad: all country, quarter and month rows of the broad
// group.
func BenchmarkBreakdownBroad(b *testing.B) {
	cat := benchCatalog(b)
	ix := buildBenchIndex(b, cat)
	f := Filter{Category: "c0"}
	clock := startCPUClock(b)
	for b.Loop() {
		for _, by := range []Dimension{ByCountry, ByQuarter, ByMonth} {
			if _, err := ix.Breakdown(f, by, 5); err != nil {
				b.Fatal(err)
			}
		}
	}
	clock.stop()
}

// BenchmarkHistogramBroad: the decision-time histogram of the broad group.
func BenchmarkHistogramBroad(b *testing.B) {
	cat := benchCatalog(b)
	ix := buildBenchIndex(b, cat)
	f := Filter{Category: "c0"}
	clock := startCPUClock(b)
	for b.Loop() {
		ix.Histogram(f, 5)
	}
	clock.stop()
}

// BenchmarkUpsert replaces existing cases of the full index with new
// values (a pending case getting decided, say), moving their rows.
func BenchmarkUpsert(b *testing.B) {
	cat := benchCatalog(b)
	ix := buildBenchIndex(b, cat)
	g := newBenchGen(cat, 2)
	updates := make([]*timeline.Case, 4096)
	for i := range updates {
		updates[i] = g.next(fmt.Sprintf("c_%07d", g.rng.IntN(benchCases)))
	}
	i := 0
	clock := startCPUClock(b)
	for b.Loop() {
		ix.Upsert(updates[i%len(updates)])
		i++
	}
	clock.stop()
	if ix.Len() != benchCases {
		b.Fatalf("Len = %d", ix.Len())
	}
}

// outlookRequests are applicants of the broad category: each of the
// first three countries (30%, 10%, 10% of cases) with a service center,
// filed in each month of the two years before the generator's today.
func outlookRequests(cat *catalog.Catalog) []OutlookRequest {
	var reqs []OutlookRequest
	for co := range 3 {
		for m := 1; m <= 24; m++ {
			reqs = append(reqs, OutlookRequest{Category: "c0", Country: cat.Countries[co].Code, ServiceCenter: "TSC",
				Filed: timeline.MonthFromOrdinal(timeline.Month{Year: 2025, Month: time.November}.Ordinal() - m)})
		}
	}
	return reqs
}

// BenchmarkOutlook: the outlook of applicants of the broad category at
// 1M cases, with the groups of their ladders read already (the cache an
// instance holds between writes).
func BenchmarkOutlook(b *testing.B) {
	cat := benchCatalog(b)
	ix := buildBenchIndex(b, cat)
	today := time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC)
	ix.SetClock(func() time.Time { return today })
	reqs := outlookRequests(cat)
	for _, r := range reqs {
		if o := ix.Outlook(r, 5); o.Suppressed() {
			b.Fatalf("outlook of %+v suppressed", r)
		}
	}
	clock := startCPUClock(b)
	i := 0
	for b.Loop() {
		ix.Outlook(reqs[i%len(reqs)], 5)
		i++
	}
	clock.stop()
}

// BenchmarkOutlookCold: the same with nothing read yet, every group of
// the ladder and the category's drift computed anew (the first request
// after a write).
func BenchmarkOutlookCold(b *testing.B) {
	cat := benchCatalog(b)
	ix := buildBenchIndex(b, cat)
	today := time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC)
	ix.SetClock(func() time.Time { return today })
	reqs := outlookRequests(cat)
	clock := startCPUClock(b)
	i := 0
	for b.Loop() {
		ix.paces.mu.Lock()
		ix.paces.groups = nil
		ix.paces.mu.Unlock()
		ix.Outlook(reqs[i%len(reqs)], 5)
		i++
	}
	clock.stop()
}
