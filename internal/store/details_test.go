package store_test

import (
	"slices"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
	"github.com/casetrack/casetrack/internal/timeline"
)

// detailedCase is an adjustment with every detail that applies to it, and
// an H-1B upgraded to premium processing.
func detailedCases() []*timeline.Case {
	a := sampleCase()
	a.Details = timeline.Details{InterviewOffice: "NEW", PriorityDate: timeline.Month{Year: 2019, Month: time.March},
		Chargeability: "IN", PDCurrent: timeline.PDCurrentNo}
	b := sampleCase()
	b.Category, b.ServiceCenter = "h1b", "CSC"
	b.Milestones = []timeline.Milestone{ms("received", "2024-03-20"), ms("approved", "2024-09-02")}
	b.Details = timeline.Details{Premium: timeline.PremiumUpgraded, UpgradeDay: 160, FilingMethod: timeline.FiledOnline}
	c := sampleCase()
	c.Category = "eb2-niw"
	c.Milestones = []timeline.Milestone{ms("received", "2024-03-20")}
	c.Details = timeline.Details{Premium: timeline.PremiumFromFiling}
	return []*timeline.Case{a, b, c}
}

// The details go through every path a case takes in and out of the store,
// on both databases: create, read, the start-up scan, the bulk paths, the
// owner's edit (which writes them) and an update (which keeps them).
func TestDetailsRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		for _, c := range detailedCases() {
			mustCreate(t, s, c)
			assertSame(t, mustGet(t, s, c.ID), c)
		}
		bulk := detailedCases()
		if err := s.CreateCases(ctx(t), bulk, make([][]byte, len(bulk))); err != nil {
			t.Fatal(err)
		}
		want := map[string]*timeline.Case{}
		for _, c := range bulk {
			want[c.ID] = c
			assertSame(t, mustGet(t, s, c.ID), c)
		}
		err := s.ScanCases(ctx(t), func(c *timeline.Case) error {
			if w, ok := want[c.ID]; ok {
				assertSame(t, c, w)
				delete(want, c.ID)
			}
			return nil
		})
		if err != nil || len(want) > 0 {
			t.Fatalf("ScanCases: %v; not seen %d", err, len(want))
		}

		c := bulk[0]
		edited, err := s.EditCase(ctx(t), c.ID, func(e *timeline.Case) error {
			e.Details = timeline.Details{PDCurrent: timeline.PDCurrentYes}
			return nil
		})
		if err != nil || edited.Details != (timeline.Details{PDCurrent: timeline.PDCurrentYes}) {
			t.Fatalf("EditCase: %+v, %v", edited, err)
		}
		assertSame(t, mustGet(t, s, c.ID), edited)
		updated, err := s.UpdateCase(ctx(t), c.ID, func(e *timeline.Case) error {
			e.Details = timeline.Details{}
			e.Note = "Updated."
			return nil
		})
		if err != nil || updated.Details != edited.Details {
			t.Fatalf("UpdateCase changed the details: %+v, %v", updated, err)
		}
	})
}

// The store refuses details that would corrupt its columns.
func TestDetailsRejected(t *testing.T) {
	s := storetest.SQLite(t)
	for name, d := range map[string]timeline.Details{
		"unknown premium":     {Premium: "fast"},
		"day without upgrade": {Premium: timeline.PremiumFromFiling, UpgradeDay: 3},
		"negative day":        {Premium: timeline.PremiumUpgraded, UpgradeDay: -1},
		"unknown method":      {FilingMethod: "fax"},
		"office with a space": {InterviewOffice: "N Y"},
		"unknown answer":      {PDCurrent: "maybe"},
		"bad priority date":   {PriorityDate: timeline.Month{Year: 2019, Month: 13}},
	} {
		c := sampleCase()
		c.Details = d
		if err := s.CreateCase(ctx(t), c, nil); err == nil {
			t.Errorf("%s: stored %+v", name, d)
		}
	}
}

// The migration adds the columns empty: cases stored before it read back
// with no details.
func TestDetailsMigration(t *testing.T) {
	storetest.EachURL(t, func(t *testing.T, url string) {
		if err := store.MigrateTo(ctx(t), url, 9); err != nil {
			t.Fatal(err)
		}
		c := sampleCase()
		db, err := store.Open(ctx(t), url)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		mustCreate(t, db, c)
		got := mustGet(t, db, c.ID)
		if !got.Details.IsZero() {
			t.Errorf("details of an older case: %+v", got.Details)
		}
		cols := []string{}
		rows, err := store.DB(db).QueryContext(ctx(t), "SELECT * FROM cases WHERE 1 = 0")
		if err != nil {
			t.Fatal(err)
		}
		cols, _ = rows.Columns()
		rows.Close()
		for _, want := range []string{"premium", "premium_day", "filing_method", "interview_office", "priority_date", "chargeability", "pd_current"} {
			if !slices.Contains(cols, want) {
				t.Errorf("no column %s", want)
			}
		}
	})
}

// The feed filters by the details a case page shows, in both of its plans
// (reading a small category's cases, and walking the milestones), on both
// databases.
func TestFeedByDetails(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		cases := detailedCases()
		for _, c := range cases {
			mustCreate(t, s, c)
		}
		plain := sampleCase()
		plain.Category = "h1b"
		mustCreate(t, s, plain)
		for _, tc := range []struct {
			name string
			q    store.FeedQuery
			want []string // case ids, in feed order, one per milestone
		}{
			{"premium, walking", store.FeedQuery{Premium: timeline.PremiumUpgraded}, []string{cases[1].ID, cases[1].ID}},
			{"premium, from the category", store.FeedQuery{Category: "h1b", Premium: timeline.PremiumUpgraded}, []string{cases[1].ID, cases[1].ID}},
			{"filing method", store.FeedQuery{Category: "h1b", FilingMethod: timeline.FiledOnline}, []string{cases[1].ID, cases[1].ID}},
			{"paper matches none", store.FeedQuery{FilingMethod: timeline.FiledPaper}, nil},
			{"office", store.FeedQuery{InterviewOffice: "NEW"}, []string{cases[0].ID, cases[0].ID}},
			{"office and country", store.FeedQuery{Country: "IN", InterviewOffice: "NEW"}, []string{cases[0].ID, cases[0].ID}},
			{"priority date current", store.FeedQuery{Category: "i485-employment", PDCurrent: timeline.PDCurrentNo}, []string{cases[0].ID, cases[0].ID}},
			{"premium from filing", store.FeedQuery{Premium: timeline.PremiumFromFiling}, []string{cases[2].ID}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				tc.q.Limit = 10
				items, err := s.Feed(ctx(t), tc.q)
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, it := range items {
					got = append(got, it.CaseID)
				}
				if !slices.Equal(got, tc.want) {
					t.Errorf("feed %+v = %v, want %v", tc.q, got, tc.want)
				}
			})
		}
	})
}

// Privacy promise 1 for the details: the priority date is kept as a
// month, like the filing date, and the upgrade as a number of days after
// filing, never as a date.
func TestDetailsMonthOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := detailedCases()[0]
		mustCreate(t, s, c)
		var pd string
		if err := store.DB(s).QueryRowContext(ctx(t), "SELECT priority_date FROM cases WHERE id = "+placeholder(s), c.ID).Scan(&pd); err != nil {
			t.Fatal(err)
		}
		if pd != "2019-03" {
			t.Errorf("priority_date column holds %q, want the month 2019-03", pd)
		}
	})
}
