package web

import (
	"strings"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/stats"
	"github.com/casetrack/casetrack/internal/timeline"
)

func intp(v int) *int { return &v }

func TestMonthsText(t *testing.T) {
	for days, want := range map[int]string{0: "0.0", 30: "1.0", 152: "5.0", 411: "13.5", 432: "14.2", 365: "12.0", 1: "0.0", 16: "0.5"} {
		if got := monthsText(days); got != want {
			t.Errorf("monthsText(%d) = %s, want %s", days, got, want)
		}
	}
}

func TestCIText(t *testing.T) {
	tests := []struct {
		ci    [2]*int
		long  string
		short string
	}{
		{[2]*int{intp(393), intp(481)}, "95% CI 12.9–15.8 months", "12.9–15.8"},
		{[2]*int{intp(393), nil}, "95% CI from 12.9 months; its upper limit is not reached yet", "12.9–?"},
		{[2]*int{nil, intp(481)}, "95% CI up to 15.8 months", "?–15.8"},
		{[2]*int{nil, nil}, "", ""},
	}
	for _, tt := range tests {
		if got := ciText(tt.ci); got != tt.long {
			t.Errorf("ciText = %q, want %q", got, tt.long)
		}
		if got := shortCI(tt.ci); got != tt.short {
			t.Errorf("shortCI = %q, want %q", got, tt.short)
		}
	}
}

func TestGroupPhrase(t *testing.T) {
	cat := catalog.Default()
	m := func(y int, mo time.Month) timeline.Month { return timeline.Month{Year: y, Month: mo} }
	tests := []struct {
		f    stats.Filter
		want string
	}{
		{stats.Filter{Category: "eb2-niw"}, "EB-2 National Interest Waiver cases"},
		{stats.Filter{Category: "eb2-niw", Country: "IN", FiledFrom: m(2024, 1), FiledTo: m(2024, 12)},
			"EB-2 National Interest Waiver cases from India filed in 2024"},
		{stats.Filter{Category: "k1", ServiceCenter: "CSC", FiledFrom: m(2024, 3), FiledTo: m(2024, 3)},
			"K-1 Fiancé(e) Petition cases (service center: California Service Center) filed in March 2024"},
		{stats.Filter{Category: "k1", ServiceCenter: stats.NoServiceCenter, FiledFrom: m(2023, 3), FiledTo: m(2024, 6)},
			"K-1 Fiancé(e) Petition cases (no service center given) filed between March 2023 and June 2024"},
		{stats.Filter{Category: "n400", FiledFrom: m(2023, 3)}, "N-400 Naturalization cases filed in or after March 2023"},
		{stats.Filter{Category: "n400", FiledTo: m(2023, 3)}, "N-400 Naturalization cases filed in or before March 2023"},
		{stats.Filter{Category: "n400", FiledFrom: m(2023, 1), FiledTo: m(2024, 12)}, "N-400 Naturalization cases filed between January 2023 and December 2024"},
	}
	for _, tt := range tests {
		if got := groupPhrase(cat, tt.f); got != tt.want {
			t.Errorf("groupPhrase(%+v)\n got %q\nwant %q", tt.f, got, tt.want)
		}
	}
}

func TestHeadline(t *testing.T) {
	curve := func(ts ...int) stats.Curve {
		var c stats.Curve
		s := 1.0
		for _, tt := range ts {
			s *= 0.9
			c.Points = append(c.Points, stats.Point{T: tt, S: s})
		}
		return c
	}
	group := "EB-2 National Interest Waiver cases from India filed in 2024"
	tests := []struct {
		name string
		r    stats.Result
		want string
	}{
		{"median with CI", stats.Result{Cases: 412, Decided: 290, Pending: 122,
			Decision: &stats.Decision{Median: intp(432), MedianCI: [2]*int{intp(393), intp(481)}, Curve: curve(100, 432)}},
			"Half of EB-2 National Interest Waiver cases from India filed in 2024 were decided within 14.2 months (95% CI 12.9–15.8 months), from 412 cases, 122 still pending."},
		{"nothing pending", stats.Result{Cases: 7, Decided: 7,
			Decision: &stats.Decision{Median: intp(61), Curve: curve(30, 61)}},
			"Half of " + group + " were decided within 2.0 months, from 7 cases, none still pending."},
		{"median not reached", stats.Result{Cases: 40, Decided: 10, Pending: 30,
			Decision: &stats.Decision{Curve: curve(100, 250)}},
			"Fewer than half of " + group + " have been decided so far, so the median waiting time is not known yet: it is at least 8.2 months (from 40 cases, 30 still pending)."},
		{"nothing decided", stats.Result{Cases: 9, Pending: 9, Decision: &stats.Decision{}},
			"None of the " + group + " has been decided yet (from 9 cases, 9 still pending), so there is no estimate of the waiting time."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := headline(group, tt.r); got != tt.want {
				t.Errorf("\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestWaitingRows(t *testing.T) {
	dec := &stats.Decision{Curve: stats.Curve{Points: []stats.Point{{T: 20, S: 0.9}, {T: 100, S: 0.6}, {T: 200, S: 0.3}}}}
	var got []string
	for _, r := range waitingRows(dec) {
		got = append(got, r.Months+"="+r.Waiting)
	}
	// 1 month = day 30 (S 0.9), 2 = day 60 (0.9), 3 = day 91 (0.9), 6 =
	// day 182 (0.6); 9 months is past the last decision at day 200.
	want := "1=90.0%,2=90.0%,3=90.0%,6=60.0%,6.6 (last decision)=30.0%"
	if strings.Join(got, ",") != want {
		t.Errorf("rows %s, want %s", strings.Join(got, ","), want)
	}
	if rows := waitingRows(&stats.Decision{}); rows != nil {
		t.Errorf("rows without decisions: %v", rows)
	}
}

func TestNarrowLink(t *testing.T) {
	m := func(y int, mo time.Month) timeline.Month { return timeline.Month{Year: y, Month: mo} }
	base := stats.Filter{Category: "eb1a", FiledFrom: m(2024, 2)}
	tests := []struct {
		by   stats.Dimension
		key  string
		want string
	}{
		{stats.ByCountry, "IN", "/explore?category=eb1a&country=IN&filed_from=2024-02"},
		{stats.ByCountry, "unknown", ""},
		{stats.ByServiceCenter, "none", "/explore?category=eb1a&filed_from=2024-02&service_center=none"},
		// The quarter is intersected with the page's range, never widened.
		{stats.ByQuarter, "2024-Q1", "/explore?category=eb1a&filed_from=2024-02&filed_to=2024-03"},
		{stats.ByQuarter, "2024-Q3", "/explore?category=eb1a&filed_from=2024-07&filed_to=2024-09"},
		{stats.ByQuarter, "2024-Q5", ""},
		{stats.ByMonth, "2024-05", "/explore?category=eb1a&filed_from=2024-05&filed_to=2024-05"},
	}
	for _, tt := range tests {
		if got := narrowLink(tt.by, tt.key, base); got != tt.want {
			t.Errorf("narrowLink(%s, %s) = %q, want %q", tt.by, tt.key, got, tt.want)
		}
	}
}

func TestSurvivalChartInput(t *testing.T) {
	dec := &stats.Decision{Median: intp(152), Curve: stats.Curve{Points: []stats.Point{
		{T: 91, S: 5.0 / 6, Greenwood: 1.0 / 30},
		{T: 152, S: 0.5, Greenwood: 1.0 / 6},
		{T: 300, S: 0, Greenwood: 0},
	}}}
	c := survivalChart("t", dec)
	if len(c.Steps) != 3 || !c.MedianReached || c.Median != 152/daysPerMonth || c.FollowUp != 300/daysPerMonth {
		t.Fatalf("chart input %+v", c)
	}
	if s := c.Steps[0]; s.Lower >= s.Share || s.Upper != 1 {
		t.Errorf("first step band %v–%v around %v", s.Lower, s.Upper, s.Share)
	}
	if s := c.Steps[2]; s.Lower != 0 || s.Upper != 0 {
		t.Errorf("undefined band at S = 0 not collapsed: %+v", s)
	}
	if _, err := c.SVG(); err != nil {
		t.Errorf("SVG: %v", err)
	}
}
