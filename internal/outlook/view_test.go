package outlook

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/i18n"
	"github.com/casetrack/casetrack/internal/stats"
	"github.com/casetrack/casetrack/internal/timeline"
)

func ip(n int) *int { return &n }

// english is the source language, in which the tests below read the
// outlook.
var english = mustLocale("en")

// mustLocale is a language of the site's catalog.
func mustLocale(code string) *i18n.Locale {
	c, err := i18n.Load()
	if err != nil {
		panic(err)
	}
	l := c.Locale(code)
	if l == nil {
		panic("no language " + code + ": " + strings.Join(c.Problems()[code], "; "))
	}
	return l
}

// testLink addresses a group for the tests.
func testLink(f stats.Filter) string {
	return "/explore?category=" + f.Category + "&country=" + f.Country + "&center=" + f.ServiceCenter
}

// example is the outlook of someone from India who filed EB-2 NIW in
// March 2024 (day 0 = 2024-03-15), still waiting on 2026-11-14 (day 974,
// 32.0 months): the group of India without a center is used.
func example() stats.Outlook {
	mar := timeline.Month{Year: 2024, Month: time.March}
	approval := 0.96
	return stats.Outlook{
		Request: stats.OutlookRequest{Category: "eb2-niw", Country: "IN", ServiceCenter: "TSC", Filed: mar,
			AsOf: time.Date(2026, 11, 14, 0, 0, 0, 0, time.UTC)},
		Day: 974,
		Ladder: []stats.Rung{
			{Filter: stats.Filter{Category: "eb2-niw", Country: "IN", ServiceCenter: "TSC",
				FiledFrom: timeline.Month{Year: 2023, Month: time.September}, FiledTo: timeline.Month{Year: 2024, Month: time.September}}, Suppressed: true},
			{Filter: stats.Filter{Category: "eb2-niw", Country: "IN",
				FiledFrom: timeline.Month{Year: 2023, Month: time.September}, FiledTo: timeline.Month{Year: 2024, Month: time.September}},
				Cases: 140, AtRiskBeyond: 31, Enough: true},
			{Filter: stats.Filter{Category: "eb2-niw", Country: "IN"}, Cases: 400, AtRiskBeyond: 60, Enough: true},
		},
		Used:         1,
		Segments:     []stats.Segment{{From: 0, To: 1100, Rung: 1}, {From: 1101, To: 1400, Rung: 2}},
		DecidedByNow: 0.62, Remaining: ip(125), Range: [2]*int{ip(27), ip(350)},
		Approval: &approval, Decided: 93, Shorter: 66,
	}
}

func TestViewSentence(t *testing.T) {
	cat := catalog.Default()
	base := example()
	tests := []struct {
		name   string
		modify func(o *stats.Outlook)
		want   string
	}{
		{"closed range", func(*stats.Outlook) {},
			"Of similar cases, 62% were decided by the 32.0 months you have waited. Half of those still waiting at 32.0 months were decided within another 4.1 months; 8 in 10 between 27 days and 11.5 months — between December 2026 and October 2027."},
		{"open-ended range", func(o *stats.Outlook) { o.Range[1], o.AtLeast = nil, 400 },
			"Of similar cases, 62% were decided by the 32.0 months you have waited. Half of those still waiting at 32.0 months were decided within another 4.1 months; 8 in 10 between 27 days and at least 13.1 months — between December 2026 and December 2027 or later."},
		{"median not reached", func(o *stats.Outlook) { o.Remaining, o.Range[1], o.AtLeast = nil, nil, 400 },
			"Of similar cases, 62% were decided by the 32.0 months you have waited. A tenth of those still waiting at 32.0 months were decided within another 27 days, but fewer than half within the 13.1 months the data reach: half of them wait at least another 13.1 months, until December 2027 or later."},
		{"nothing decided after the day", func(o *stats.Outlook) { o.Remaining, o.Range, o.AtLeast = nil, [2]*int{}, 45 },
			"Of similar cases, 62% were decided by the 32.0 months you have waited. None of those still waiting at 32.0 months was decided within the 45 days the data reach: the rest of the wait is at least 45 days, until December 2026 or later."},
		{"days for a short wait", func(o *stats.Outlook) { o.Day, o.DecidedByNow = 45, 0.05 },
			"Of similar cases, 5% were decided by the 45 days you have waited."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := base
			o.Range = base.Range
			tc.modify(&o)
			v := NewView(english, cat, o, 5, testLink)
			if !strings.HasPrefix(v.Sentence, tc.want) {
				t.Errorf("sentence\n got %q\nwant %q", v.Sentence, tc.want)
			}
			if v.Bar == nil || v.Bar.Label == "" {
				t.Fatal("no bar, or a bar without a text alternative")
			}
		})
	}
}

func TestViewParts(t *testing.T) {
	cat := catalog.Default()
	v := NewView(english, cat, example(), 5, testLink)
	if v.Suppressed || v.Waited != "32.0 months" || v.AsOf != "November 14, 2026" {
		t.Errorf("view %+v", v)
	}
	if want := "You have waited longer than 71% of the 93 similar cases that were decided."; v.Rank != want {
		t.Errorf("rank %q, want %q", v.Rank, want)
	}
	if want := "96% of those decided were approved."; v.Approval != want {
		t.Errorf("approval %q, want %q", v.Approval, want)
	}
	if want := "EB-2 National Interest Waiver cases from India filed between September 2023 and September 2024"; v.Group != want {
		t.Errorf("group %q, want %q", v.Group, want)
	}
	if v.GroupLink != "/explore?category=eb2-niw&country=IN&center=" {
		t.Errorf("group link %q", v.GroupLink)
	}
	// The group needs stats.OutlookAtRisk cases still waiting, not only k.
	if !strings.Contains(v.Why, "at least 20 cases still waiting after 32.0 months") {
		t.Errorf("why %q", v.Why)
	}
	if want := "Beyond the waits its own cases have reached, the outlook follows the pace of EB-2 National Interest Waiver cases from India."; v.Borrowed != want {
		t.Errorf("borrowed %q, want %q", v.Borrowed, want)
	}
	wantLadder := []Rung{
		{Label: "EB-2 National Interest Waiver cases from India (service center: Texas Service Center) filed between September 2023 and September 2024",
			Link: "/explore?category=eb2-niw&country=IN&center=TSC", Suppressed: true, Counts: "too few cases to show", Narrower: true},
		{Label: v.Group, Link: v.GroupLink, Counts: "140 cases, 31 still waiting after 32.0 months", Used: true},
		{Label: "EB-2 National Interest Waiver cases from India", Link: "/explore?category=eb2-niw&country=IN&center=", Counts: "400 cases, 60 still waiting after 32.0 months"},
	}
	if len(v.Ladder) != len(wantLadder) {
		t.Fatalf("ladder %+v", v.Ladder)
	}
	for i, w := range wantLadder {
		if v.Ladder[i] != w {
			t.Errorf("rung %d\n got %+v\nwant %+v", i, v.Ladder[i], w)
		}
	}

	// Fewer than k decided: no rank, no approval share.
	o := example()
	o.Decided, o.Shorter = 4, 1
	if v := NewView(english, cat, o, 5, testLink); v.Rank != "" || v.Approval != "" {
		t.Errorf("rank %q and approval %q from 4 decided cases", v.Rank, v.Approval)
	}
}

func TestViewBar(t *testing.T) {
	b := NewView(english, catalog.Default(), example(), 5, testLink).Bar
	// The scale ends a tenth past the range's end: 974+350 = 1324, +132
	// = 1456 days.
	if b.Now != 669 || b.From != 688 || b.To != 909 || b.Median != 755 || b.OpenEnded {
		t.Errorf("bar %+v", b)
	}
	if !(0 <= b.Now && b.Now < b.From && b.From < b.Median && b.Median < b.To && b.To <= 1000) {
		t.Errorf("marks out of order: %+v", b)
	}
	if b.Start != "Filed March 2024" || b.End != "March 2028" {
		t.Errorf("ends %q – %q", b.Start, b.End)
	}
	wantLegend := []LegendItem{
		{"now", "You: 32.0 months since filing, as of November 14, 2026"},
		{"range", "8 in 10 of those still waiting are decided between December 2026 and October 2027"},
		{"median", "Half of them are decided by March 2027"},
	}
	if len(b.Legend) != len(wantLegend) {
		t.Fatalf("legend %+v", b.Legend)
	}
	for i, w := range wantLegend {
		if b.Legend[i] != w {
			t.Errorf("legend %d = %+v, want %+v", i, b.Legend[i], w)
		}
	}
	for _, piece := range []string{"filed March 2024", "waiting 32.0 months", "between December 2026 and October 2027", "by March 2027"} {
		if !strings.Contains(b.Label, piece) {
			t.Errorf("text alternative %q lacks %q", b.Label, piece)
		}
	}

	// Open-ended: the band runs to the end of the data.
	o := example()
	o.Range[1], o.AtLeast = nil, 400
	b = NewView(english, catalog.Default(), o, 5, testLink).Bar
	if !b.OpenEnded || b.To <= b.Median || b.To > 1000 || !strings.Contains(b.Label, "or later") {
		t.Errorf("open-ended bar %+v", b)
	}
}

func TestViewSuppressed(t *testing.T) {
	o := example()
	o.Used = -1
	for i := range o.Ladder {
		o.Ladder[i].Enough = false
	}
	v := NewView(english, catalog.Default(), o, 5, testLink)
	if !v.Suppressed || v.Sentence != "" || v.Bar != nil || v.Rank != "" {
		t.Fatalf("suppressed view shows numbers: %+v", v)
	}
	if !strings.Contains(v.NotEnough, "Not enough similar cases have waited as long as you") || !strings.Contains(v.NotEnough, "20 cases still waiting after 32.0 months") {
		t.Errorf("not enough: %q", v.NotEnough)
	}
	if len(v.Ladder) != 3 || v.Ladder[2].Link == "" || v.Ladder[2].Counts != "400 cases, 60 still waiting after 32.0 months" {
		t.Errorf("the ladder is not offered with its counts: %+v", v.Ladder)
	}
	for _, r := range v.Ladder {
		if r.Used || !r.Narrower {
			t.Errorf("rung %+v marked used or wider in a suppressed outlook", r)
		}
	}
}

func TestDecided(t *testing.T) {
	o := example()
	o.DecidedByNow = 0.36
	d := NewDecided(english, catalog.Default(), o, 5, testLink)
	if d.Sentence != "Decided faster than 64% of similar cases" {
		t.Errorf("sentence %q", d.Sentence)
	}
	if d.Detail != "It was decided 32.0 months after filing; at that point 64% of similar cases were still waiting." {
		t.Errorf("detail %q", d.Detail)
	}
	if d.Group == "" || d.GroupLink == "" || len(d.Ladder) != 3 {
		t.Errorf("decided %+v", d)
	}
	o.Used = -1
	d = NewDecided(english, catalog.Default(), o, 5, testLink)
	if !d.Suppressed || d.Sentence != "" || !strings.Contains(d.NotEnough, "Not enough similar cases") || len(d.Ladder) != 3 {
		t.Errorf("suppressed decided %+v", d)
	}
}

// TestViewTrendAndCautions: a category whose waits move says so and
// that the outlook allows for it; cautions come with the outlook.
func TestViewTrendAndCautions(t *testing.T) {
	cat := catalog.Default()
	for _, c := range []struct {
		perYear float64
		want    string
	}{
		{1.2, "Waits here have been growing: cases filed a year later have taken about 20% longer."},
		{0.9, "Waits here have been getting shorter: cases filed a year later have taken about 10% less time."},
		{1.01, ""},
		{1, ""},
	} {
		o := example()
		o.Drift = math.Log(c.perYear) / 365.25
		v := NewView(english, cat, o, 5, testLink)
		if c.want == "" && v.Trend != "" || !strings.HasPrefix(v.Trend, c.want) {
			t.Errorf("drift %.2f a year: trend %q, want %q", c.perYear, v.Trend, c.want)
		}
	}
	o := example()
	o.Cautions = []stats.Caution{stats.CautionSharedDecided, stats.CautionSilent}
	v := NewView(english, cat, o, 5, testLink)
	if len(v.Cautions) != 2 || !strings.Contains(v.Cautions[0], "shared only after their decision") || !strings.Contains(v.Cautions[1], "stopped confirming") {
		t.Errorf("cautions %q", v.Cautions)
	}
	if v := NewView(english, cat, example(), 5, testLink); len(v.Cautions) != 0 {
		t.Errorf("an outlook without cautions has %q", v.Cautions)
	}
}
