package stats

import (
	"fmt"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/timeline"
)

// detailCases is the bimodal pool the details exist to split: H-1B
// petitions decided in about two weeks with premium processing and in
// about 200 days without, two upgraded cases (fewer than k), and some
// that did not say. An I-485 group gives offices and priority dates.
func detailCases(t *testing.T) []*timeline.Case {
	var out []*timeline.Case
	add := func(n int, category, decided string, d timeline.Details) {
		for i := range n {
			c := mkCase(t, fmt.Sprintf("%s-%s-%s-%d", category, d.Premium, d.InterviewOffice+d.PDCurrent+d.Chargeability, i),
				category, "IN", "", "2024-01", "2025-06-01", "received", "2024-01-20")
			if decided != "" {
				c.Milestones = append(c.Milestones, timeline.Milestone{Code: "approved", Date: date(t, decided)})
			}
			c.Details = d
			out = append(out, c)
		}
	}
	add(7, "h1b", "2024-01-29", timeline.Details{Premium: timeline.PremiumFromFiling, FilingMethod: timeline.FiledOnline})
	add(8, "h1b", "2024-08-01", timeline.Details{Premium: timeline.PremiumRegular, FilingMethod: timeline.FiledPaper})
	add(2, "h1b", "2024-04-01", timeline.Details{Premium: timeline.PremiumUpgraded, UpgradeDay: 60})
	add(3, "h1b", "2024-08-01", timeline.Details{})
	add(6, "i485-employment", "2025-01-15", timeline.Details{InterviewOffice: "NEW", PDCurrent: timeline.PDCurrentYes, Chargeability: "IN"})
	add(5, "i485-employment", "", timeline.Details{InterviewOffice: "NYC", PDCurrent: timeline.PDCurrentNo, Chargeability: "IN"})
	add(1, "i485-employment", "", timeline.Details{InterviewOffice: "SEA", PDCurrent: timeline.PDCurrentNo, Chargeability: "CN"})
	return out
}

// detailIndexes builds the same cases into an index case by case and
// through the Loader, the two paths the server uses.
func detailIndexes(t *testing.T) map[string]*Index {
	cat := catalog.Default()
	now := func() time.Time { return time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC) }
	byUpsert := NewIndex(cat)
	byUpsert.SetClock(now)
	l := NewLoader(cat)
	for _, c := range detailCases(t) {
		byUpsert.Upsert(c)
		l.Add(c)
	}
	loaded := l.Index()
	loaded.SetClock(now)
	return map[string]*Index{"upsert": byUpsert, "loader": loaded}
}

// Explore and the stats API filter by each detail: premium processing
// separates the 15-day decisions from the 200-day ones.
func TestFilterByDetails(t *testing.T) {
	for name, ix := range detailIndexes(t) {
		t.Run(name, func(t *testing.T) {
			for _, tc := range []struct {
				f     Filter
				cases int
			}{
				{Filter{Category: "h1b"}, 20},
				{Filter{Category: "h1b", Premium: timeline.PremiumFromFiling}, 7},
				{Filter{Category: "h1b", Premium: timeline.PremiumRegular}, 8},
				{Filter{Category: "h1b", Premium: timeline.PremiumUpgraded}, 2},
				{Filter{Category: "h1b", Premium: NotGiven}, 3},
				{Filter{Category: "h1b", FilingMethod: timeline.FiledOnline}, 7},
				{Filter{Category: "h1b", FilingMethod: timeline.FiledPaper, Country: "IN"}, 8},
				{Filter{Category: "h1b", Premium: timeline.PremiumFromFiling, FilingMethod: timeline.FiledPaper}, 0},
				{Filter{Category: "h1b", Premium: "fast"}, 0},
				{Filter{Category: "i485-employment", InterviewOffice: "NEW"}, 6},
				{Filter{Category: "i485-employment", InterviewOffice: "XXX"}, 0},
				{Filter{Category: "i485-employment", PDCurrent: timeline.PDCurrentNo}, 6},
				{Filter{Category: "i485-employment", Chargeability: "IN"}, 11},
				{Filter{Category: "i485-employment", Chargeability: "CN", PDCurrent: timeline.PDCurrentNo}, 1},
				{Filter{Category: "i485-employment", FiledFrom: month(t, "2024-01"), FiledTo: month(t, "2024-01"), InterviewOffice: NotGiven}, 0},
			} {
				if got := ix.Count(tc.f); got != tc.cases {
					t.Errorf("Count(%+v) = %d, want %d", tc.f, got, tc.cases)
				}
			}
			premium := ix.Stats(Filter{Category: "h1b", Premium: timeline.PremiumFromFiling}, 5)
			regular := ix.Stats(Filter{Category: "h1b", Premium: timeline.PremiumRegular}, 5)
			if premium.Decision == nil || regular.Decision == nil || premium.Decision.Median == nil || regular.Decision.Median == nil {
				t.Fatalf("no medians: %+v / %+v", premium.Decision, regular.Decision)
			}
			if p, r := *premium.Decision.Median, *regular.Decision.Median; p > 30 || r < 150 {
				t.Errorf("median premium %d days, regular %d days: not split", p, r)
			}
			if up := ix.Stats(Filter{Category: "h1b", Premium: timeline.PremiumUpgraded}, 5); !up.Suppressed {
				t.Errorf("2 upgraded cases shown: %+v", up)
			}
		})
	}
}

// Breakdowns by each detail, rows under k suppressed as every breakdown's.
func TestBreakdownByDetails(t *testing.T) {
	for name, ix := range detailIndexes(t) {
		t.Run(name, func(t *testing.T) {
			type row struct {
				key        string
				cases      int
				suppressed bool
			}
			for _, tc := range []struct {
				f    Filter
				by   Dimension
				want []row
			}{
				{Filter{Category: "h1b"}, ByPremium, []row{{NotGiven, 0, true}, {"regular", 8, false}, {"premium", 7, false}, {"upgraded", 0, true}}},
				{Filter{Category: "h1b"}, ByFilingMethod, []row{{NotGiven, 5, false}, {"online", 7, false}, {"paper", 8, false}}},
				{Filter{Category: "h1b", Premium: timeline.PremiumRegular}, ByFilingMethod, []row{{"paper", 8, false}}},
				{Filter{Category: "i485-employment"}, ByInterviewOffice, []row{{"NEW", 6, false}, {"NYC", 5, false}, {"SEA", 0, true}}},
				{Filter{Category: "i485-employment"}, ByPDCurrent, []row{{"yes", 6, false}, {"no", 6, false}}},
			} {
				b, err := ix.Breakdown(tc.f, tc.by, 5)
				if err != nil {
					t.Fatal(err)
				}
				var got []row
				for _, r := range b.Rows {
					got = append(got, row{r.Key, r.Cases, r.Suppressed})
					if r.Suppressed && (r.Median != nil || r.Cases != 0 || r.ApprovalRate != nil) {
						t.Errorf("%s: suppressed row %s carries numbers: %+v", tc.by, r.Key, r)
					}
					if r.Label == "" {
						t.Errorf("%s: row %s has no label", tc.by, r.Key)
					}
				}
				if fmt.Sprint(got) != fmt.Sprint(tc.want) {
					t.Errorf("Breakdown(%+v, %s) = %v, want %v", tc.f, tc.by, got, tc.want)
				}
			}
		})
	}
}

// An edit that changes a case's details moves it between groups.
func TestUpsertChangesDetails(t *testing.T) {
	ix := detailIndexes(t)["upsert"]
	c := detailCases(t)[0]
	c.Details.Premium = timeline.PremiumRegular
	ix.Upsert(c)
	if got := ix.Count(Filter{Category: "h1b", Premium: timeline.PremiumRegular}); got != 9 {
		t.Errorf("regular after the edit: %d, want 9", got)
	}
	if got := ix.Count(Filter{Category: "h1b", Premium: timeline.PremiumFromFiling}); got != 6 {
		t.Errorf("premium after the edit: %d, want 6", got)
	}
}

func TestDetailLabel(t *testing.T) {
	cat := catalog.Default()
	for _, tc := range []struct {
		by        Dimension
		key, want string
		ok        bool
	}{
		{ByPremium, "upgraded", "Upgraded to premium", true},
		{ByInterviewOffice, "NEW", "Newark, NJ", true},
		{ByPDCurrent, NotGiven, "Not given", true},
		{ByFilingMethod, "fax", "", false},
		{ByCountry, "IN", "", false},
	} {
		got, ok := DetailLabel(cat, tc.by, tc.key)
		if got != tc.want || ok != tc.ok {
			t.Errorf("DetailLabel(%s, %s) = %q, %v", tc.by, tc.key, got, ok)
		}
	}
}
