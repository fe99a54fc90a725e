package stats

import (
	"fmt"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/timeline"
)

// TestReadingRules checks how one timeline is read, rule by rule: the
// row the index keeps of it (rowOf) and what DefaultPolicy's reading makes
// of that row on a given day. Days count from the 15th of the filing
// month, 2024-01-15.
func TestReadingRules(t *testing.T) {
	cat := testCatalog(t)
	ix := NewIndex(cat)
	p := ix.partition("eb2-niw")
	day := func(d int) time.Time { return time.Date(2024, 1, 15, 0, 0, 0, 0, time.UTC).AddDate(0, 0, d) }
	dated := func(d int) timeline.ApproxDate { return timeline.DateOf(day(d)) }
	pol := Policy{DelayedEntry: true, Histories: true, Grace: 60, ReturnRate: 0.25}
	const age = 400 // today is day 400
	tests := []struct {
		name string
		// The case: shared on day created, last "still pending" on day
		// lastPending (-1: none), as of day asOf, decided on day decided
		// (-1: pending).
		created, lastPending, asOf, decided int
		monthOnly                           bool
		want                                reading
		wantOK                              bool
	}{
		{name: "shared early, pending, confirmed lately: waiting until today",
			created: 10, lastPending: -1, asOf: 380, decided: -1,
			want: reading{start: 10, stop: age}, wantOK: true},
		{name: "pending, silent since day 200: waiting until then, and for the grace with the return rate",
			created: 10, lastPending: -1, asOf: 200, decided: -1,
			want: reading{start: 10, stop: 200, silentUntil: 260}, wantOK: true},
		{name: "shared on filing: followed from filing",
			created: 0, lastPending: -1, asOf: 390, decided: -1,
			want: reading{start: -1, stop: age}, wantOK: true},
		{name: "shared while waiting, decided within the grace of the last report: an event",
			created: 100, lastPending: 250, asOf: 300, decided: 290,
			want: reading{start: 100, stop: 290, event: true}, wantOK: true},
		{name: "decided after a silence longer than the grace: waiting until the grace ends",
			created: 100, lastPending: 150, asOf: 330, decided: 320,
			want: reading{start: 100, stop: 210}, wantOK: true},
		{name: "no confirmation after sharing: the sharing day is the last report",
			created: 100, lastPending: -1, asOf: 140, decided: 140,
			want: reading{start: 100, stop: 140, event: true}, wantOK: true},
		{name: "shared already decided: a history, from filing",
			created: 300, lastPending: -1, asOf: 300, decided: 250,
			want: reading{start: -1, stop: 250, event: true}, wantOK: true},
		{name: "decided on the day it was shared: a history",
			created: 250, lastPending: -1, asOf: 250, decided: 250,
			want: reading{start: -1, stop: 250, event: true}, wantOK: true},
		{name: "a decision dated on or before the last pending day comes the day after it",
			created: 10, lastPending: 200, asOf: 210, decided: 195,
			want: reading{start: 10, stop: 201, event: true}, wantOK: true},
		{name: "shared pending and never confirmed on the sharing day: nothing at risk",
			created: 200, lastPending: -1, asOf: 200, decided: -1,
			want: reading{start: 200, stop: 200, silentUntil: 260}, wantOK: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := &timeline.Case{ID: "c", Category: "eb2-niw", Country: "IN", Filed: timeline.Month{Year: 2024, Month: time.January},
				Created: day(tc.created), AsOf: day(tc.asOf)}
			if tc.lastPending >= 0 {
				c.LastPending = day(tc.lastPending)
			}
			if tc.decided >= 0 {
				d := dated(tc.decided)
				if tc.monthOnly {
					d.Day = 0
				}
				c.Milestones = []timeline.Milestone{{Code: "approved", Date: d}}
			}
			r := ix.rowOf(p, c)
			got, ok := pol.read(r.key, r.seen, age)
			if got != tc.want || ok != tc.wantOK {
				t.Errorf("read = %+v, %v; want %+v, %v", got, ok, tc.want, tc.wantOK)
			}
		})
	}
}

// TestMonthOnlyNeverAfterReport: an approval "in December" reported on
// December 3rd is placed on the 3rd, not on the 15th.
func TestMonthOnlyNeverAfterReport(t *testing.T) {
	cat := testCatalog(t)
	ix := NewIndex(cat)
	c := &timeline.Case{ID: "c", Category: "eb2-niw", Country: "IN", Filed: timeline.Month{Year: 2025, Month: time.December},
		Created: time.Date(2025, 12, 3, 0, 0, 0, 0, time.UTC), AsOf: time.Date(2025, 12, 3, 0, 0, 0, 0, time.UTC),
		Milestones: []timeline.Milestone{{Code: "approved", Date: timeline.ApproxDate{Year: 2025, Month: time.December}}}}
	r := ix.rowOf(ix.partition("eb2-niw"), c)
	// The 15th of the filing month is day 0; the 3rd is before it: day 0.
	if d := rowDur(r.key); d != 0 {
		t.Errorf("decision day = %d, want 0 (the report day, clamped to filing)", d)
	}
	c.Filed = timeline.Month{Year: 2025, Month: time.October}
	r = ix.rowOf(ix.partition("eb2-niw"), c)
	if d, want := rowDur(r.key), timeline.DaysBetween(c.Filed.Mid(), c.AsOf); int(d) != want {
		t.Errorf("decision day = %d, want %d (December 3rd, not the 15th)", d, want)
	}
}

// TestLaunchLike checks the Histories guard on day tallies.
func TestLaunchLike(t *testing.T) {
	tally := func(n int, at map[int]int32) []int32 {
		s := make([]int32, n)
		for d, c := range at {
			s[d] = c
		}
		return s
	}
	tests := []struct {
		name      string
		entries   map[int]int32 // day+1 -> cases shared waiting
		histories map[int]int32
		cases     int
		want      bool
	}{
		{"no histories", map[int]int32{201: 100}, nil, 100, false},
		{"no case shared waiting", nil, map[int]int32{50: 30}, 30, false},
		{"launch: every pending case entered on day 200, histories decided before",
			map[int]int32{201: 90}, map[int]int32{50: 3, 120: 7}, 100, true},
		{"one history before the entries is not enough",
			map[int]int32{201: 90}, map[int]int32{50: 1}, 91, false},
		{"early entries: the early days have pending cases too",
			map[int]int32{0: 20, 201: 70}, map[int]int32{50: 3, 120: 7}, 100, false},
		{"histories after the entries",
			map[int]int32{201: 90}, map[int]int32{300: 10}, 100, false},
		{"too few to matter in a big group",
			map[int]int32{201: 2000}, map[int]int32{50: 3}, 2003, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := launchLike(tally(402, tc.entries), tally(401, tc.histories), tc.cases); got != tc.want {
				t.Errorf("launchLike = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestHeadlineByHand: a period estimate over the window is the
// product-limit estimate of the days spent waiting in it.
func TestHeadlineByHand(t *testing.T) {
	cat := testCatalog(t)
	ix := NewIndex(cat)
	today := time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)
	ix.SetClock(func() time.Time { return today })
	// Six cases filed in 2024-01 (day 0 = 2024-01-15), each shared on
	// filing and followed; today is day 532, the window starts on day 350.
	filed := timeline.Month{Year: 2024, Month: time.January}
	start := filed.Mid()
	add := func(id string, decided int, asOf int) {
		c := &timeline.Case{ID: id, Category: "eb2-niw", Country: "IN", Filed: filed, Created: start,
			AsOf: start.AddDate(0, 0, asOf)}
		if decided >= 0 {
			c.Milestones = []timeline.Milestone{{Code: "approved", Date: timeline.DateOf(start.AddDate(0, 0, decided))}}
			c.LastPending = start.AddDate(0, 0, decided-10)
		}
		ix.Upsert(c)
	}
	add("a", 100, 110) // decided before the window: not in it
	add("b", 400, 405) // in the window, decided on day 400
	add("c", 450, 455)
	add("d", 500, 505)
	add("e", -1, 530) // waiting until today
	add("f", -1, 520)
	h := ix.Headline(Filter{Category: "eb2-niw"}, 5)
	// In the window (days 350..532): b, c, d, e, f; at day 400 n=5 d=1
	// S=.8; 450 n=4 S=.6; 500 n=3 S=.4: the median is 500.
	if h.Suppressed || h.WindowCases != 5 {
		t.Fatalf("headline suppressed %v, window cases %d; want 5", h.Suppressed, h.WindowCases)
	}
	if h.Median == nil || *h.Median != 500 {
		t.Errorf("median = %v, want 500", h.Median)
	}
	if got, want := h.WindowFrom, today.AddDate(0, 0, -HeadlineWindow); !got.Equal(want) {
		t.Errorf("window from %v, want %v", got, want)
	}
	if h.FiledFrom != filed || h.FiledTo != filed {
		t.Errorf("filed %v to %v, want %v", h.FiledFrom, h.FiledTo, filed)
	}
	// The recent cohort (the last 12 filing months) is empty: suppressed.
	if !h.Recent.Suppressed {
		t.Errorf("recent cohort = %+v, want suppressed", h.Recent)
	}
	if ix.Headline(Filter{Category: "eb2-niw"}, 6).Suppressed != true {
		t.Error("a window with fewer than k cases must be suppressed")
	}
}

// TestReturnRateFitted: with nobody coming back after a silence the
// fitted rate is 0; with every silent case decided and back, it is 1.
func TestReturnRateFitted(t *testing.T) {
	cat := testCatalog(t)
	today := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	filed := timeline.Month{Year: 2024, Month: time.January}
	start := filed.Mid()
	build := func(back bool) *Index {
		ix := NewIndex(cat)
		ix.SetClock(func() time.Time { return today })
		for i := range 40 {
			c := &timeline.Case{ID: string(rune('A'+i%26)) + string(rune('a'+i/26)), Category: "eb2-niw", Country: "IN",
				Filed: filed, Created: start.AddDate(0, 0, 5)}
			last := 20 + 5*i // the last report
			decided := last + 100
			switch {
			case i%2 == 0: // followed faithfully to a decision
				c.LastPending = start.AddDate(0, 0, decided-10)
				c.AsOf = start.AddDate(0, 0, decided)
				c.Milestones = []timeline.Milestone{{Code: "approved", Date: timeline.DateOf(start.AddDate(0, 0, decided))}}
			case back: // silent, then back with the decision
				c.LastPending = start.AddDate(0, 0, last)
				c.AsOf = start.AddDate(0, 0, decided)
				c.Milestones = []timeline.Milestone{{Code: "approved", Date: timeline.DateOf(start.AddDate(0, 0, decided))}}
			default: // silent for good
				c.AsOf = start.AddDate(0, 0, last)
			}
			ix.Upsert(c)
		}
		return ix
	}
	if r := build(false).Habits("eb2-niw", DefaultPolicy).ReturnRate; r != 0 {
		t.Errorf("nobody back: return rate %v, want 0", r)
	}
	if r := build(true).Habits("eb2-niw", DefaultPolicy).ReturnRate; r != 1 {
		t.Errorf("everyone back: return rate %v, want 1", r)
	}
}

// TestReadingAlike: a case shared while waiting counts from filing with
// the share of people sharing alike, and from the day shared with the
// rest; one shared today still counts, from filing.
func TestReadingAlike(t *testing.T) {
	ix := NewIndex(testCatalog(t))
	p := ix.partition("eb2-niw")
	start := time.Date(2024, 1, 15, 0, 0, 0, 0, time.UTC)
	c := &timeline.Case{ID: "c", Category: "eb2-niw", Country: "IN", Filed: timeline.Month{Year: 2024, Month: time.January},
		Created: start.AddDate(0, 0, 300), AsOf: start.AddDate(0, 0, 300)}
	r := ix.rowOf(p, c)
	pol := Policy{DelayedEntry: true, Alike: 0.3}
	got, ok := pol.read(r.key, r.seen, 300)
	if !ok || got.alike != 0.3 {
		t.Fatalf("read = %+v, %v; want alike 0.3 and ok (the part from filing is at risk)", got, ok)
	}
	if parts := got.parts(); len(parts) != 2 || parts[0] != (part{-1, 0.3}) || parts[1] != (part{300, 0.7}) {
		t.Errorf("parts = %v", parts)
	}
	if _, ok := (&Policy{DelayedEntry: true}).read(r.key, r.seen, 300); ok {
		t.Error("without sharing alike, a case shared today has no day at risk")
	}
}

// TestAlikeFitted: where people who find the site share histories long
// after their decision as often as pending timelines, the share fitted
// is high; where nobody shares a history, it is 0.
func TestAlikeFitted(t *testing.T) {
	cat := testCatalog(t)
	today := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	filed := timeline.Month{Year: 2024, Month: time.January}
	start := filed.Mid()
	build := func(histories bool) *Index {
		ix := NewIndex(cat)
		ix.SetClock(func() time.Time { return today })
		for i := range 200 {
			// Everyone finds the site on day 600 + i; half were decided by
			// then (on day 100 + i, more than a year before), half are
			// decided on day 700 + 2i.
			shared := 600 + i
			c := &timeline.Case{ID: fmt.Sprintf("c%d", i), Category: "eb2-niw", Country: "IN", Filed: filed,
				Created: start.AddDate(0, 0, shared)}
			decided := 700 + 2*i
			if i%2 == 0 {
				if !histories {
					continue
				}
				decided = 100 + i
			} else {
				c.LastPending = start.AddDate(0, 0, decided-5)
			}
			c.AsOf = start.AddDate(0, 0, max(decided, shared))
			c.Milestones = []timeline.Milestone{{Code: "approved", Date: timeline.DateOf(start.AddDate(0, 0, decided))}}
			ix.Upsert(c)
		}
		return ix
	}
	if a := build(false).Habits("eb2-niw", DefaultPolicy).Alike; a != 0 {
		t.Errorf("no histories: share sharing alike %v, want 0", a)
	}
	if a := build(true).Habits("eb2-niw", DefaultPolicy).Alike; a < 0.5 {
		t.Errorf("histories as common as pending timelines: share sharing alike %v, want well above 0.5", a)
	}
}
