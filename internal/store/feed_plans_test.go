package store_test

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
	"github.com/casetrack/casetrack/internal/timeline"
)

// feedCorpus makes cases for the feed plans: a common country and a few
// rare ones, cases without a service center, a cohort filed long ago whose
// milestones are all old, month-only dates and a step listed twice on one
// day; every tenth case hidden or flagged.
func feedCorpus(rng *rand.Rand, n int) []*timeline.Case {
	categories := []string{"eb2-niw", "i485-employment", "n400"}
	countries := []string{"IN", "IN", "IN", "IN", "CN", "CN", "MX", "BR"}
	centers := []string{"TSC", "TSC", "NBC", "NSC", ""}
	codes := []string{"biometrics", "rfe", "rfe_response", "interview", "approved", "denied"}
	var out []*timeline.Case
	for i := range n {
		filed := timeline.Month{Year: 2023 + rng.IntN(2), Month: time.Month(1 + rng.IntN(12))}
		if i%17 == 0 {
			filed = timeline.Month{Year: 2019, Month: time.January}
		}
		c := &timeline.Case{
			ID: timeline.NewCaseID(), Category: categories[rng.IntN(len(categories))],
			Country: countries[rng.IntN(len(countries))], ServiceCenter: centers[rng.IntN(len(centers))],
			Filed: filed, Note: fmt.Sprintf("note %d", i),
			AsOf: time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC), Created: time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC),
		}
		d := time.Date(filed.Year, filed.Month, 1+rng.IntN(28), 0, 0, 0, 0, time.UTC)
		c.Milestones = append(c.Milestones, timeline.Milestone{Code: "received", Date: timeline.DateOf(d)})
		for range rng.IntN(5) {
			d = d.AddDate(0, 0, rng.IntN(90))
			date := timeline.DateOf(d)
			if rng.IntN(4) == 0 {
				date.Day = 0
			}
			code := codes[rng.IntN(len(codes))]
			c.Milestones = append(c.Milestones, timeline.Milestone{Code: code, Date: date})
			if rng.IntN(10) == 0 {
				c.Milestones = append(c.Milestones, timeline.Milestone{Code: code, Date: date})
			}
		}
		switch i % 10 {
		case 3:
			c.Moderation = timeline.Moderation{State: timeline.ModerationHidden, Reason: "spam"}
		case 7:
			c.Moderation = timeline.Moderation{State: timeline.ModerationFlagged, Reason: "burst_of_copies"}
		}
		out = append(out, c)
	}
	return out
}

// referenceFeed is the feed q selects, computed from the cases themselves.
func referenceFeed(cases []*timeline.Case, q store.FeedQuery) []store.FeedKey {
	var out []store.FeedKey
	for _, c := range cases {
		if c.Moderation.State != "" && c.Moderation.State != timeline.ModerationVisible ||
			q.Category != "" && c.Category != q.Category || q.Country != "" && c.Country != q.Country ||
			q.ServiceCenter != "" && c.ServiceCenter != q.ServiceCenter || !q.Filed.IsZero() && c.Filed != q.Filed {
			continue
		}
		for _, m := range c.Milestones {
			if q.Milestone == "" || m.Code == q.Milestone {
				out = append(out, store.FeedKey{Date: m.Date.String(), CaseID: c.ID, Code: m.Code})
			}
		}
	}
	slices.SortFunc(out, func(a, b store.FeedKey) int {
		return -cmp.Or(strings.Compare(a.Date, b.Date), strings.Compare(a.CaseID, b.CaseID), strings.Compare(a.Code, b.Code))
	})
	return slices.Compact(out)
}

// TestFeedPlansMatchReference reads every page of many filters, under
// bounds that force each plan and each early stop, and compares the items
// with the feed computed by brute force: nothing may be skipped, repeated
// or out of order, on both databases.
func TestFeedPlansMatchReference(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		cases := feedCorpus(rand.New(rand.NewPCG(12, 3)), 200)
		var bulk []*timeline.Case
		var hashes [][]byte
		for _, c := range cases {
			if c.Moderation.State != "" {
				mustCreate(t, s, c)
				continue
			}
			bulk = append(bulk, c)
			hashes = append(hashes, timeline.HashEditKey(c.ID))
		}
		if err := s.CreateCases(ctx(t), bulk, hashes); err != nil {
			t.Fatal(err)
		}
		byID := map[string]*timeline.Case{}
		for _, c := range cases {
			byID[c.ID] = c
		}
		filed := timeline.Month{Year: 2024, Month: time.March}
		queries := []store.FeedQuery{
			{},
			{Milestone: "approved"},
			{Milestone: "denied", Country: "IN"},
			{Category: "eb2-niw"},
			{Country: "IN"},
			{Country: "ZW"}, // no cases at all
			{Country: "BR"},
			{ServiceCenter: "TSC", Milestone: "rfe"},
			{Category: "eb2-niw", Filed: filed},
			{Category: "i485-employment", Country: "IN", ServiceCenter: "TSC", Filed: filed},
			{Filed: timeline.Month{Year: 2019, Month: time.January}},
			{Country: "CN", Filed: timeline.Month{Year: 2030, Month: time.January}}, // nothing matches
			{Category: "n400", Country: "MX", Milestone: "rfe_response"},
		}
		bounds := []struct {
			name                           string
			rangeMax, firstWindow, walkMax int
		}{
			{"default", 4000, 256, 2048},
			{"walk", 0, 256, 1 << 20},
			{"short walks", 0, 3, 12},
			{"mixed", 30, 5, 40},
		}
		sawShort := false
		for _, b := range bounds {
			store.SetFeedBounds(s, b.rangeMax, b.firstWindow, b.walkMax)
			for _, q := range queries {
				want := referenceFeed(cases, q)
				for _, limit := range []int{6, 100} {
					name := fmt.Sprintf("%s/%+v/limit=%d", b.name, q, limit)
					q := q
					q.Limit = limit
					var got []store.FeedKey
					pages := 0
					for {
						p, err := s.FeedPage(ctx(t), q)
						if err != nil {
							t.Fatalf("%s: %v", name, err)
						}
						pages++
						if len(p.Items) > limit {
							t.Fatalf("%s: page of %d items, limit %d", name, len(p.Items), limit)
						}
						for _, it := range p.Items {
							got = append(got, it.FeedKey)
							c := byID[it.CaseID]
							if c == nil || it.Category != c.Category || it.Country != c.Country || it.ServiceCenter != c.ServiceCenter ||
								it.Filed != c.Filed || it.Note != c.Note {
								t.Fatalf("%s: item %+v does not show its case", name, it)
							}
						}
						if p.Next == nil {
							break
						}
						if len(p.Items) < limit {
							sawShort = true
							if b.name == "default" || b.name == "walk" {
								t.Errorf("%s: page %d has %d items and a next page under generous bounds", name, pages, len(p.Items))
							}
						}
						if pages > 5000 {
							t.Fatalf("%s: the feed never ends", name)
						}
						q.After = p.Next
					}
					if !slices.Equal(got, want) {
						t.Errorf("%s: %d items over %d pages, want %d\n got %v\nwant %v", name, len(got), pages, len(want), head(got), head(want))
					}
				}
			}
		}
		if !sawShort {
			t.Error("no walk stopped early: the tight bounds did not reach the early stop")
		}
	})
}

func head(keys []store.FeedKey) []store.FeedKey { return keys[:min(len(keys), 5)] }

// TestFeedStartsAfterAnyKey continues the feed after keys that are items
// and after keys that are not (a hidden case's milestone, a date between
// milestones), as a cursor left by an early stop may be.
func TestFeedStartsAfterAnyKey(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		cases := feedCorpus(rand.New(rand.NewPCG(5, 8)), 60)
		for _, c := range cases {
			mustCreate(t, s, c)
		}
		q := store.FeedQuery{Country: "IN"}
		all := referenceFeed(cases, q)
		hidden := cases[3] // i%10 == 3
		for _, after := range []store.FeedKey{
			all[len(all)/2],
			{Date: hidden.Milestones[0].Date.String(), CaseID: hidden.ID, Code: hidden.Milestones[0].Code},
			{Date: "2024-06-15x", CaseID: "", Code: ""},
			{Date: "2099-01-01"},
			{Date: "1999-01-01"},
		} {
			for _, rangeMax := range []int{4000, 0} {
				store.SetFeedBounds(s, rangeMax, 256, 16384)
				q := q
				q.After, q.Limit = &after, 1000
				p, err := s.FeedPage(ctx(t), q)
				if err != nil {
					t.Fatal(err)
				}
				var got []store.FeedKey
				for _, it := range p.Items {
					got = append(got, it.FeedKey)
				}
				var want []store.FeedKey
				for _, k := range all {
					if k.Before(after) {
						want = append(want, k)
					}
				}
				if !slices.Equal(got, want) || p.Next != nil {
					t.Errorf("after %+v (range max %d): %d items, next %v; want %d", after, rangeMax, len(got), p.Next, len(want))
				}
			}
		}
	})
}

// TestFeedGivesUpInTime: a feed request that cannot finish in time says
// the database is busy, with the context's error, instead of hanging.
func TestFeedGivesUpInTime(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		mustCreate(t, s, sampleCase())
		c, cancel := context.WithDeadline(ctx(t), time.Now().Add(-time.Second))
		defer cancel()
		_, err := s.FeedPage(c, store.FeedQuery{Country: "ZW", Limit: 20})
		if !errors.Is(err, store.ErrBusy) || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("feed after the deadline: %v, want ErrBusy and DeadlineExceeded", err)
		}
	})
}

// TestFeedWalkLooksCasesUpByID: on PostgreSQL the walk's join can only
// be a nested loop that looks each milestone's case up by id, whatever
// the planner estimates, in a custom plan and in the generic plan a
// prepared statement switches to after five runs. At millions of cases,
// as a plain join, it read every case of the filter instead (a hash join
// of a whole category, or a nested loop over all of them for each
// milestone): seconds per page. A test's few cases cannot make the
// planner estimate as it does at scale, so the test takes the cheap
// alternatives away instead (enable_nestloop off): a plan that still
// walks the milestones and looks their cases up one by one has no other
// to fall back to. SQLite walks with a CROSS JOIN, which fixes its order.
func TestFeedWalkLooksCasesUpByID(t *testing.T) {
	s := storetest.Postgres(t)
	cases := feedCorpus(rand.New(rand.NewPCG(7, 7)), 200)
	for _, c := range cases {
		mustCreate(t, s, c)
	}
	db := store.DB(s)
	conn, err := db.Conn(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, set := range []string{"ANALYZE cases, milestones", "SET enable_nestloop = off"} {
		if _, err := conn.ExecContext(ctx(t), set); err != nil {
			t.Fatalf("%s: %v", set, err)
		}
	}
	all := referenceFeed(cases, store.FeedQuery{})
	pos, end := all[10], all[len(all)/2]
	filed := timeline.Month{Year: 2024, Month: time.March}
	for i, q := range []store.FeedQuery{
		{},
		{Category: "eb2-niw"},
		{Country: "IN"},
		{ServiceCenter: "TSC"},
		{Milestone: "approved"},
		{Filed: filed},
		{Category: "eb2-niw", Country: "IN", Filed: filed},
		{Country: "ZW", ServiceCenter: "NBC", Milestone: "denied"},
	} {
		for _, window := range []struct{ pos, end *store.FeedKey }{{nil, &end}, {&pos, &end}, {&pos, &store.FeedKey{}}} {
			query, args := store.FeedWalkQuery(s, q, window.pos, window.end, 21)
			check := func(mode, explain string, args ...any) {
				t.Helper()
				rows, err := conn.QueryContext(ctx(t), explain, args...)
				if err != nil {
					t.Fatalf("%+v %s: %v", q, mode, err)
				}
				var lines []string
				for rows.Next() {
					var line string
					if err := rows.Scan(&line); err != nil {
						t.Fatal(err)
					}
					lines = append(lines, line)
				}
				rows.Close()
				plan := strings.Join(lines, "\n")
				for _, bad := range []string{"Hash Join", "Merge Join", "Materialize", "Seq Scan on cases"} {
					if strings.Contains(plan, bad) {
						t.Errorf("%+v, %s plan: %s\n%s", q, mode, bad, plan)
					}
				}
				if !strings.Contains(plan, "Nested Loop") || !strings.Contains(plan, "(id = m.case_id)") {
					t.Errorf("%+v, %s plan does not look each case up by id:\n%s", q, mode, plan)
				}
			}
			check("custom", "EXPLAIN "+query, args...)
			// The generic plan, as a prepared statement runs it after its
			// fifth run: the arguments as literals in EXECUTE.
			name := fmt.Sprintf("walk%d", i)
			if _, err := conn.ExecContext(ctx(t), "PREPARE "+name+" AS "+query); err != nil {
				t.Fatal(err)
			}
			var lits []string
			for _, a := range args {
				switch v := a.(type) {
				case string:
					lits = append(lits, "'"+strings.ReplaceAll(v, "'", "''")+"'")
				default:
					lits = append(lits, fmt.Sprint(v))
				}
			}
			for _, set := range []string{"SET plan_cache_mode = force_generic_plan"} {
				if _, err := conn.ExecContext(ctx(t), set); err != nil {
					t.Fatal(err)
				}
			}
			check("generic", "EXPLAIN EXECUTE "+name+"("+strings.Join(lits, ", ")+")")
			for _, reset := range []string{"RESET plan_cache_mode", "DEALLOCATE " + name} {
				if _, err := conn.ExecContext(ctx(t), reset); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
}
