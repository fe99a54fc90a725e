package seed

import (
	"errors"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/timeline"
)

// testNow is a fixed "today" in the middle of a month, at a time of day
// that must not matter.
var testNow = time.Date(2025, time.June, 17, 15, 4, 5, 0, time.UTC)

func collect(t testing.TB, cat *catalog.Catalog, n int, now time.Time, seed uint64) []*timeline.Case {
	t.Helper()
	out := make([]*timeline.Case, 0, n)
	err := Generate(cat, n, now, seed, func(c *timeline.Case) error {
		out = append(out, c)
		return nil
	})
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	if len(out) != n {
		t.Fatalf("Generate made %d cases, want %d", len(out), n)
	}
	return out
}

func TestGenerateDeterministic(t *testing.T) {
	cat := catalog.Default()
	a := collect(t, cat, 3000, testNow, 42)
	// The time of day of now must not change anything, only its date.
	b := collect(t, cat, 3000, timeline.Today(testNow).Add(23*time.Hour), 42)
	if !reflect.DeepEqual(a, b) {
		for i := range a {
			if !reflect.DeepEqual(a[i], b[i]) {
				t.Fatalf("same seed, case %d differs:\n%+v\n%+v", i, a[i], b[i])
			}
		}
	}
	c := collect(t, cat, 3000, testNow, 43)
	same := 0
	for i := range a {
		if a[i].ID == c[i].ID {
			same++
		}
	}
	if same > 0 {
		t.Errorf("seeds 42 and 43 share %d ids", same)
	}
	// A prefix of a longer run is the shorter run.
	d := collect(t, cat, 1000, testNow, 42)
	if !reflect.DeepEqual(a[:1000], d) {
		t.Error("the first 1000 cases of a 3000-case run differ from a 1000-case run")
	}
}

// TestGenerateFollowsRules checks 20,000 cases against the rules written out
// in caseProblems and against timeline.Validate itself, and the notes
// against the note guard.
func TestGenerateFollowsRules(t *testing.T) {
	cat := catalog.Default()
	for _, now := range []time.Time{testNow, time.Date(2026, time.March, 1, 0, 0, 0, 0, time.UTC)} {
		cases := collect(t, cat, 20000, now, 7)
		ids := map[string]bool{}
		failures := 0
		for _, c := range cases {
			if ids[c.ID] {
				t.Errorf("duplicate id %s", c.ID)
			}
			ids[c.ID] = true
			problems := caseProblems(cat, c, now)
			got, fe := timeline.Validate(cat, submissionOf(c), now)
			if fe != nil {
				problems = append(problems, "timeline.Validate: "+fe.Error())
			} else if !reflect.DeepEqual(got.Milestones, c.Milestones) && len(c.Milestones) > 0 {
				problems = append(problems, "timeline.Validate orders the milestones differently")
			}
			if len(problems) > 0 {
				failures++
				if failures <= 5 {
					t.Errorf("now %s, case %+v:\n  %s", now.Format(time.DateOnly), c, strings.Join(problems, "\n  "))
				}
			}
		}
		if failures > 0 {
			t.Errorf("now %s: %d of %d cases break the rules", now.Format(time.DateOnly), failures, len(cases))
		}
	}
}

func TestNotesPassTheGuard(t *testing.T) {
	pools := [][]string{notesGeneric, notesApproved, notesDenied, notesRFE, notesInterview, notesPremium, notesTransferred}
	for _, p := range notesByForm {
		pools = append(pools, p)
	}
	cat := catalog.Default()
	forms := map[string]bool{}
	for _, c := range cat.Categories {
		forms[c.Form] = true
	}
	for form := range notesByForm {
		if !forms[form] {
			t.Errorf("notes for form %s, which no catalog category uses", form)
		}
	}
	for code, p := range notesByCategory {
		if _, ok := cat.Category(code); !ok {
			t.Errorf("notes for category %s, which is not in the catalog", code)
		}
		pools = append(pools, p)
	}
	for _, p := range pools {
		for _, note := range p {
			if err := timeline.CheckNote(note); err != nil {
				t.Errorf("note %q refused by the note guard: %v", note, err)
			}
		}
	}
}

// TestGenerateDistribution checks that 50,000 cases look like the real
// thing in the ways the Explore page and the benchmarks rely on.
func TestGenerateDistribution(t *testing.T) {
	cat := catalog.Default()
	cases := collect(t, cat, 50000, testNow, 1)
	today := timeline.Today(testNow)
	n := float64(len(cases))

	var pending, noCenter, withNote, dates, monthOnly int
	perCategory := map[string]int{}
	perCountry := map[string]int{}
	byMonth := map[int]int{}
	type group struct{ decided, approved, rfe, n int }
	groups := map[string]*group{}
	// Decision days of eb2-niw cases filed 30 to 48 months ago, by center:
	// that cohort is nearly all decided, so its median is barely biased by
	// censoring.
	niwDays := map[string][]int{}
	cur := timeline.MonthOf(today).Ordinal()
	for _, c := range cases {
		perCategory[c.Category]++
		perCountry[c.Country]++
		byMonth[cur-c.Filed.Ordinal()]++
		if c.ServiceCenter == "" {
			noCenter++
		}
		if c.Note != "" {
			withNote++
		}
		for _, m := range c.Milestones {
			dates++
			if m.Date.MonthOnly() {
				monthOnly++
			}
		}
		g := groups[c.Category]
		if g == nil {
			g = &group{}
			groups[c.Category] = g
		}
		g.n++
		if _, ok := c.Milestone("rfe"); ok {
			g.rfe++
		}
		d, decided := c.Decision()
		if !decided {
			pending++
			continue
		}
		g.decided++
		if d.Code == catalog.OutcomeApproved {
			g.approved++
		}
		if age := cur - c.Filed.Ordinal(); c.Category == "eb2-niw" && age >= 30 {
			days := timeline.DaysBetween(c.Filed.Mid(), d.Date.Time())
			niwDays[c.ServiceCenter] = append(niwDays[c.ServiceCenter], days)
			niwDays["all"] = append(niwDays["all"], days)
		}
	}

	between := func(name string, got, lo, hi float64) {
		t.Helper()
		if got < lo || got > hi {
			t.Errorf("%s = %.3f, want between %.3f and %.3f", name, got, lo, hi)
		}
	}
	between("pending share", float64(pending)/n, 0.15, 0.45)
	between("share without service center", float64(noCenter)/n, 0.07, 0.13)
	between("share with a note", float64(withNote)/n, 0.07, 0.13)
	between("share of month-only dates", float64(monthOnly)/float64(dates), 0.12, 0.28)

	for _, c := range cat.Categories {
		if perCategory[c.Code] == 0 {
			t.Errorf("category %s missing", c.Code)
		}
	}
	if perCategory["i485-employment"] < 5*perCategory["eb1c"] || perCategory["n400"] < 5*perCategory["i90"] {
		t.Errorf("popular categories are not dominant: %v", perCategory)
	}

	countries := make([]string, 0, len(perCountry))
	for code := range perCountry {
		countries = append(countries, code)
	}
	sort.Slice(countries, func(i, j int) bool { return perCountry[countries[i]] > perCountry[countries[j]] })
	if countries[0] != "IN" {
		t.Errorf("most common country %s, want IN", countries[0])
	}
	if len(countries) < 150 {
		t.Errorf("only %d countries: the long tail is missing", len(countries))
	}
	if perCountry["US"] > 0 {
		t.Errorf("%d cases born in the United States", perCountry["US"])
	}

	recent, old := 0, 0
	for age := 1; age <= 12; age++ {
		recent += byMonth[age]
	}
	for age := 36; age <= 47; age++ {
		old += byMonth[age]
	}
	if recent <= old || old == 0 {
		t.Errorf("filings in the last year %d, three years earlier %d: want recent months denser but the old ones present", recent, old)
	}
	if byMonth[48] > 0 || byMonth[-1] > 0 {
		t.Errorf("filings outside the four-year window: %v", byMonth)
	}

	share := func(a, b int) float64 { return float64(a) / float64(b) }
	between("eb2-niw approval share", share(groups["eb2-niw"].approved, groups["eb2-niw"].decided), 0.78, 0.93)
	between("eb1a approval share", share(groups["eb1a"].approved, groups["eb1a"].decided), 0.60, 0.80)
	between("n400 approval share", share(groups["n400"].approved, groups["n400"].decided), 0.85, 0.95)
	between("eb2-niw RFE share", share(groups["eb2-niw"].rfe, groups["eb2-niw"].n), 0.20, 0.40)
	between("n400 RFE share", share(groups["n400"].rfe, groups["n400"].n), 0.02, 0.15)

	median := func(xs []int) float64 {
		s := slices.Clone(xs)
		slices.Sort(s)
		return float64(s[len(s)/2])
	}
	// About 14 months, premium processing included.
	between("eb2-niw median decision days (filed 30+ months ago)", median(niwDays["all"]), 330, 520)
	if median(niwDays["NSC"]) <= median(niwDays["TSC"]) {
		t.Errorf("eb2-niw median at NSC %.0f days, at TSC %.0f: want NSC slower", median(niwDays["NSC"]), median(niwDays["TSC"]))
	}
}

func TestGenerateStopsOnError(t *testing.T) {
	stop := errors.New("stop")
	calls := 0
	err := Generate(catalog.Default(), 100, testNow, 1, func(*timeline.Case) error {
		calls++
		if calls == 3 {
			return stop
		}
		return nil
	})
	if err != stop || calls != 3 {
		t.Errorf("Generate returned %v after %d calls, want the callback's error after 3", err, calls)
	}
}

func TestGenerateRejects(t *testing.T) {
	empty, err := catalog.Parse([]byte(`{"categories":[],"service_centers":[],"countries":[]}`))
	if err != nil {
		t.Fatal(err)
	}
	noop := func(*timeline.Case) error { return nil }
	for name, f := range map[string]func() error{
		"negative n":    func() error { return Generate(catalog.Default(), -1, testNow, 1, noop) },
		"nil catalog":   func() error { return Generate(nil, 1, testNow, 1, noop) },
		"empty catalog": func() error { return Generate(empty, 1, testNow, 1, noop) },
	} {
		if err := f(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	calls := 0
	if err := Generate(catalog.Default(), 0, testNow, 1, func(*timeline.Case) error { calls++; return nil }); err != nil || calls != 0 {
		t.Errorf("n=0: err %v, %d calls", err, calls)
	}
}

// TestGenerateSmallCatalog runs the generator on a catalog it has no
// profiles for: an unknown category, one center, countries outside the
// weight table.
func TestGenerateSmallCatalog(t *testing.T) {
	cat, err := catalog.Parse([]byte(`{
	  "categories": [{"code": "x1", "name": "X", "form": "X-1", "group": "G", "milestones": [
	    {"code": "received", "name": "Receipt notice", "terminal": false},
	    {"code": "approved", "name": "Approved", "terminal": true, "outcome": "approved"},
	    {"code": "denied", "name": "Denied", "terminal": true, "outcome": "denied"}]}],
	  "service_centers": [{"code": "ZZ", "name": "Z"}],
	  "countries": [{"code": "US", "name": "United States"}, {"code": "AQ", "name": "Antarctica"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range collect(t, cat, 2000, testNow, 3) {
		if p := caseProblems(cat, c, testNow); len(p) > 0 {
			t.Fatalf("case %+v: %v", c, p)
		}
		if c.ServiceCenter != "" {
			t.Fatalf("service center %q from no profile", c.ServiceCenter)
		}
	}
}

// BenchmarkGenerate measures a full million-case run.
func BenchmarkGenerate(b *testing.B) {
	cat := catalog.Default()
	const n = 1_000_000
	for b.Loop() {
		count := 0
		if err := Generate(cat, n, testNow, 1, func(*timeline.Case) error { count++; return nil }); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "cases/s")
}
