package stats

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/stats/survival"
	"github.com/casetrack/casetrack/internal/timeline"
)

// randomCase makes a case of one of the test categories with random
// country, center, filing month, outcome and milestones, dates possibly
// month-only.
func randomCase(rng *rand.Rand, cat *catalog.Catalog, id string) *timeline.Case {
	categories := []string{"eb2-niw", "eb2-niw", "i485-employment", "plain"}
	c := &timeline.Case{
		ID:       id,
		Category: categories[rng.IntN(len(categories))],
		Country:  []string{"CN", "IN", "MX", "NG", "ZZ"}[rng.IntN(5)],
		Filed:    timeline.Month{Year: 2022 + rng.IntN(3), Month: time.Month(1 + rng.IntN(12))},
	}
	if r := rng.IntN(4); r < 3 {
		c.ServiceCenter = cat.ServiceCenters[r].Code
	}
	at := func(days int) timeline.ApproxDate {
		d := timeline.DateOf(c.Filed.Mid().AddDate(0, 0, days))
		if rng.IntN(4) == 0 {
			d.Day = 0
		}
		return d
	}
	// Few distinct durations, so ties between events and censorings are
	// common.
	dur := 10 * rng.IntN(60)
	category, _ := cat.Category(c.Category)
	for _, m := range category.Milestones {
		if m.Terminal || rng.IntN(3) == 0 {
			continue
		}
		c.Milestones = append(c.Milestones, timeline.Milestone{Code: m.Code, Date: at(rng.IntN(dur + 1))})
	}
	switch rng.IntN(3) {
	case 0:
		c.AsOf = c.Filed.Mid().AddDate(0, 0, dur)
	case 1:
		c.Milestones = append(c.Milestones, timeline.Milestone{Code: "approved", Date: at(dur)})
		c.AsOf = c.Filed.Mid().AddDate(0, 0, dur)
	default:
		c.Milestones = append(c.Milestones, timeline.Milestone{Code: "denied", Date: at(dur)})
		c.AsOf = c.Filed.Mid().AddDate(0, 0, dur)
	}
	// How it was shared: on a random day up to its as-of date (early more
	// often), and for a decided case shared before its decision, a last
	// "still pending" day in between.
	shared := rng.IntN(dur + 1)
	if rng.IntN(2) == 0 {
		shared = rng.IntN(min(dur, 30) + 1)
	}
	c.Created = c.Filed.Mid().AddDate(0, 0, shared)
	if _, decided := c.Decision(); decided && shared < dur && rng.IntN(3) > 0 {
		c.LastPending = c.Filed.Mid().AddDate(0, 0, shared+rng.IntN(dur-shared))
	}
	return c
}

// referenceToday is the day the reference tests compute for: after every
// date randomCase makes.
var referenceToday = time.Date(2027, time.March, 3, 0, 0, 0, 0, time.UTC)

// refMatch is the filter written plainly against a case.
func refMatch(cat *catalog.Catalog, f Filter, c *timeline.Case) bool {
	if c.Category != f.Category {
		return false
	}
	if f.Country != "" && c.Country != f.Country {
		return false
	}
	switch f.ServiceCenter {
	case "":
	case NoServiceCenter:
		if c.ServiceCenter != "" {
			return false
		}
	default:
		if c.ServiceCenter != f.ServiceCenter {
			return false
		}
	}
	if !f.FiledFrom.IsZero() && c.Filed.Before(f.FiledFrom) {
		return false
	}
	if !f.FiledTo.IsZero() && f.FiledTo.Before(c.Filed) {
		return false
	}
	return true
}

// refDays is the duration rule written plainly.
func refDays(c *timeline.Case, to time.Time) int {
	d := int(to.Sub(c.Filed.Mid()).Hours() / 24)
	return min(max(d, 0), MaxDays)
}

// refPlain computes the counts and the plain Kaplan-Meier parts of a
// Result from a plain list of cases with the exported estimator,
// independently of the index's columns, blocks and tallies.
func refPlain(cat *catalog.Catalog, cases map[string]*timeline.Case, f Filter, k int) Result {
	res := Result{Filter: f, MinCases: k}
	category, known := cat.Category(f.Category)
	var obs []Observation
	rfe := 0
	for _, c := range cases {
		if !refMatch(cat, f, c) {
			continue
		}
		res.Cases++
		var o Observation
		if m, ok := c.Decision(); ok {
			o = Observation{Days: refDecision(c, m), Event: true}
			res.Decided++
			if m.Code == "approved" {
				res.Approved++
			} else {
				res.Denied++
			}
		} else {
			o = Observation{Days: refDays(c, c.AsOf)}
		}
		obs = append(obs, o)
		if _, ok := c.Milestone("rfe"); ok {
			rfe++
		}
	}
	if res.Cases < k {
		return Result{Filter: f, MinCases: k, Suppressed: true}
	}
	res.Pending = res.Cases - res.Decided
	res.ApprovalRate = rate(res.Approved, res.Decided)
	if known && category.HasRFE() {
		res.RFE = intPtr(rfe)
		res.RFERate = rate(rfe, res.Cases)
	}
	res.Decision = &Decision{Sensitivity: Sensitivity{PlainKM: alternativeOf(KaplanMeier(obs))}}
	if v, ok := NaiveMedian(obs); ok {
		res.Decision.NaiveMedianDecided = intPtr(v)
	}
	return res
}

// refDecision is the decision day rule written plainly: a month-only date
// never after the as-of date, never on or before the last day known
// pending.
func refDecision(c *timeline.Case, m timeline.Milestone) int {
	t := m.Date.Time()
	if m.Date.Day == 0 && t.After(c.AsOf) {
		t = c.AsOf
	}
	d := refDays(c, t)
	if !c.LastPending.IsZero() {
		d = max(d, refDays(c, c.LastPending)+1)
	}
	return min(d, MaxDays)
}

func randomFilter(rng *rand.Rand, cat *catalog.Catalog) Filter {
	f := Filter{Category: []string{"eb2-niw", "i485-employment", "plain"}[rng.IntN(3)]}
	if rng.IntN(2) == 0 {
		f.Country = []string{"CN", "IN", "MX", "NG"}[rng.IntN(4)]
	}
	if rng.IntN(3) == 0 {
		f.ServiceCenter = []string{"NSC", "TSC", "NBC", NoServiceCenter}[rng.IntN(4)]
	}
	if rng.IntN(3) == 0 {
		f.FiledFrom = timeline.Month{Year: 2022 + rng.IntN(2), Month: time.Month(1 + rng.IntN(12))}
	}
	if rng.IntN(3) == 0 {
		f.FiledTo = timeline.Month{Year: 2023 + rng.IntN(2), Month: time.Month(1 + rng.IntN(12))}
	}
	return f
}

// checkInvariants verifies the block structure: keys strictly increasing
// across blocks, no empty or oversized block, counts consistent.
func checkInvariants(t *testing.T, ix *Index) {
	t.Helper()
	total := 0
	for _, p := range ix.parts {
		n := 0
		var last uint64
		for bi, b := range p.blocks {
			if len(b.key) == 0 || len(b.key) > maxBlock {
				t.Fatalf("%s block %d has %d rows", p.code, bi, len(b.key))
			}
			if len(b.month) != len(b.key) || len(b.place) != len(b.key) || len(b.ms) != len(b.key)*len(p.milestones) {
				t.Fatalf("%s block %d: ragged columns", p.code, bi)
			}
			for i, k := range b.key {
				if (bi > 0 || i > 0) && k <= last {
					t.Fatalf("%s block %d row %d: key %x after %x", p.code, bi, i, k, last)
				}
				last = k
			}
			n += len(b.key)
		}
		if n != p.n {
			t.Fatalf("%s: %d rows, n = %d", p.code, n, p.n)
		}
		total += n
	}
	if total != ix.ids.len() {
		t.Fatalf("%d rows, %d ids", total, ix.ids.len())
	}
}

// TestIndexAgainstReference applies random upserts, replacements and
// removals, enough to split and merge blocks, and compares Stats for random
// filters with refStats on the plain list of live cases.
func TestIndexAgainstReference(t *testing.T) {
	cat := testCatalog(t)
	rng := rand.New(rand.NewPCG(7, 8))
	ix := NewIndex(cat)
	live := map[string]*timeline.Case{}
	var ids []string
	ix.SetClock(func() time.Time { return referenceToday })
	compare := func(step int) {
		for range 20 {
			f := randomFilter(rng, cat)
			k := rng.IntN(4)
			compareWithReference(t, cat, ix, live, f, k, fmt.Sprintf("step %d", step))
		}
	}
	for step := range 6000 {
		switch r := rng.IntN(10); {
		case r < 6 || len(ids) == 0: // new case
			id := fmt.Sprintf("c_%d", step)
			c := randomCase(rng, cat, id)
			ix.Upsert(c)
			live[id] = c
			ids = append(ids, id)
		case r < 8: // replace an existing case with new values
			id := ids[rng.IntN(len(ids))]
			c := randomCase(rng, cat, id)
			ix.Upsert(c)
			live[id] = c
		default: // remove
			i := rng.IntN(len(ids))
			ix.Remove(ids[i])
			delete(live, ids[i])
			ids[i] = ids[len(ids)-1]
			ids = ids[:len(ids)-1]
		}
		if step%500 == 499 {
			checkInvariants(t, ix)
			compare(step)
		}
	}
	if ix.Len() != len(live) {
		t.Fatalf("Len = %d, want %d", ix.Len(), len(live))
	}
	// Remove almost everything: blocks must merge and vanish.
	for len(ids) > 3 {
		i := rng.IntN(len(ids))
		ix.Remove(ids[i])
		delete(live, ids[i])
		ids[i] = ids[len(ids)-1]
		ids = ids[:len(ids)-1]
		if len(ids)%700 == 0 {
			checkInvariants(t, ix)
			compare(-len(ids))
		}
	}
	checkInvariants(t, ix)
	compare(-1)
}

// referencePolicies are read both by the index under test and by a fresh
// index of the selected cases alone (the return rate is fixed, since a
// fitted one depends on the whole category).
var referencePolicies = []Policy{
	PlainPolicy,
	{DelayedEntry: true, Histories: true, Grace: 60, ReturnRate: 0.4},
	{DelayedEntry: true, Grace: 60, ReturnRate: 0.4, Shared: SharedLeftOut},
}

// compareWithReference checks one query of ix: its counts and plain
// Kaplan-Meier parts against refPlain, and every reference policy's
// estimate, of the whole history and of the headline's window, against
// the same estimate by an index built afresh, through the Loader, from
// the cases the filter selects.
func compareWithReference(t *testing.T, cat *catalog.Catalog, ix *Index, live map[string]*timeline.Case, f Filter, k int, at string) {
	t.Helper()
	got, want := ix.Stats(f, k), refPlain(cat, live, f, k)
	if got.Suppressed != want.Suppressed {
		t.Fatalf("%s, filter %+v, k %d: suppressed %v, want %v", at, f, k, got.Suppressed, want.Suppressed)
	}
	if !got.Suppressed {
		g := fmt.Sprint(got.Cases, got.Decided, got.Pending, got.Approved, got.Denied, fmtPtr(got.RFE), fmtPtr(got.ApprovalRate), fmtPtr(got.RFERate),
			fmtPtr(got.Decision.NaiveMedianDecided), fmtAlt(got.Decision.Sensitivity.PlainKM))
		w := fmt.Sprint(want.Cases, want.Decided, want.Pending, want.Approved, want.Denied, fmtPtr(want.RFE), fmtPtr(want.ApprovalRate), fmtPtr(want.RFERate),
			fmtPtr(want.Decision.NaiveMedianDecided), fmtAlt(want.Decision.Sensitivity.PlainKM))
		if g != w {
			t.Fatalf("%s, filter %+v, k %d:\n got %s\nwant %s", at, f, k, g, w)
		}
	}
	l := NewLoader(cat)
	for id, c := range live {
		if refMatch(cat, f, c) {
			l.Add(&timeline.Case{ID: id, Category: c.Category, Country: c.Country, ServiceCenter: c.ServiceCenter,
				Filed: c.Filed, Milestones: c.Milestones, AsOf: c.AsOf, Created: c.Created, LastPending: c.LastPending})
		}
	}
	fresh := l.Index()
	fresh.SetClock(ix.now)
	for _, pol := range referencePolicies {
		for _, window := range []int{0, HeadlineWindow} {
			a, b := ix.Estimate(f, pol, window), fresh.Estimate(Filter{Category: f.Category}, pol, window)
			ga, _ := json.Marshal(estimateSummary(a))
			gb, _ := json.Marshal(estimateSummary(b))
			if string(ga) != string(gb) {
				t.Fatalf("%s, filter %+v, policy %+v, window %d:\n index %s\n fresh %s", at, f, pol, window, ga, gb)
			}
		}
	}
}

// estimateSummary is what compareWithReference compares of an estimate.
func estimateSummary(e Estimate) any {
	return struct {
		Median, P25, P75, P90, SilentBound *int
		CI                                 [2]*int
		Points                             []survival.Point
		Reporting                          Reporting
		Cautions                           []Caution
	}{e.Median, e.P25, e.P75, e.P90, e.SilentBound, e.MedianCI, e.Curve.Points, e.Reporting, e.Cautions}
}

func fmtPtr[T any](p *T) string {
	if p == nil {
		return "nil"
	}
	return fmt.Sprint(*p)
}

func fmtAlt(a Alternative) string {
	return fmtPtr(a.Median) + " [" + fmtPtr(a.MedianCI[0]) + " " + fmtPtr(a.MedianCI[1]) + "]"
}

// TestIndexConcurrent runs writers and readers together; under -race it
// checks the locking.
func TestIndexConcurrent(t *testing.T) {
	cat := testCatalog(t)
	ix := NewIndex(cat)
	var wg sync.WaitGroup
	for w := range 2 {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 1))
			for i := range 500 {
				id := fmt.Sprintf("w%d_%d", w, i%200)
				if i%7 == 0 {
					ix.Remove(id)
					continue
				}
				ix.Upsert(randomCase(rng, cat, id))
			}
		})
	}
	for r := range 2 {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(r), 2))
			for range 200 {
				f := randomFilter(rng, cat)
				ix.Stats(f, 1)
				if _, err := ix.Breakdown(f, ByCountry, 1); err != nil {
					t.Error(err)
				}
				ix.Histogram(f, 1)
				ix.Len()
			}
		})
	}
	wg.Wait()
	checkInvariants(t, ix)
}

// TestIDKeysDistinct guards the id digest: distinct ids must stay
// distinct rows.
func TestIDKeysDistinct(t *testing.T) {
	seen := map[idKey]string{}
	for i := range 20000 {
		id := timeline.NewCaseID()
		if i%2 == 0 {
			id = fmt.Sprintf("c_%d", i)
		}
		k := keyOf(id)
		if prev, dup := seen[k]; dup && prev != id {
			t.Fatalf("ids %q and %q share a key", prev, id)
		}
		seen[k] = id
	}
	if keyOf("a") != keyOf("a") || keyOf("a") == keyOf("b") {
		t.Fatal("keyOf is not a function of the id")
	}
}
