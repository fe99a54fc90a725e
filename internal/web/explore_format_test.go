package web

import (
	"strings"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/i18n"
	"github.com/casetrack/casetrack/internal/phrase"
	"github.com/casetrack/casetrack/internal/stats"
	"github.com/casetrack/casetrack/internal/stats/survival"
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
		{[2]*int{intp(393), intp(481)}, "95% range 12.9 to 15.8 months", "12.9–15.8 months"},
		{[2]*int{intp(393), nil}, "95% range from 12.9 months; its upper end is not yet known", "12.9 months – not yet known"},
		{[2]*int{nil, intp(481)}, "95% range up to 15.8 months", "not yet known – 15.8 months"},
		{[2]*int{intp(30), intp(481)}, "95% range 30 days to 15.8 months", "30 days–15.8 months"},
		{[2]*int{intp(30), intp(45)}, "95% range 30 to 45 days", "30–45 days"},
		{[2]*int{nil, nil}, "", ""},
	}
	for _, tt := range tests {
		if got := rangeText(testLocale(t, "en"), tt.ci); got != tt.long {
			t.Errorf("rangeText = %q, want %q", got, tt.long)
		}
		if got := shortCI(testLocale(t, "en"), tt.ci); got != tt.short {
			t.Errorf("shortCI = %q, want %q", got, tt.short)
		}
	}
}

// testCurve is a curve that drops by a tenth at each of the days given,
// the last of them also the last day the curve covers.
func testCurve(ts ...int) survival.Curve {
	var c survival.Curve
	s := 1.0
	for _, tt := range ts {
		s *= 0.9
		c.Points = append(c.Points, survival.Point{T: tt, S: s})
		c.LastDay = tt
	}
	return c
}

func TestCohortHeadline(t *testing.T) {
	group := "EB-2 National Interest Waiver cases from India filed in 2024"
	tests := []struct {
		name string
		r    stats.Result
		a    pageAnswer
		want string
	}{
		{"median with range", stats.Result{Cases: 412, Decided: 290, Pending: 122},
			pageAnswer{Median: intp(432), MedianCI: [2]*int{intp(393), intp(481)}, Curve: testCurve(100, 432)},
			"Half of EB-2 National Interest Waiver cases from India filed in 2024 were decided within 14.2 months (95% range 12.9 to 15.8 months), from 412 cases, 122 still pending."},
		{"nothing pending", stats.Result{Cases: 7, Decided: 7},
			pageAnswer{Median: intp(61), Curve: testCurve(30, 61)},
			"Half of " + group + " were decided within 2.0 months, from 7 cases, none still pending."},
		{"median not yet known", stats.Result{Cases: 40, Decided: 10, Pending: 30},
			pageAnswer{Curve: testCurve(100, 250)},
			"Fewer than half of " + group + " have been decided as far as the data reach (8.2 months), so the median waiting time is not yet known (from 40 cases, 30 still pending)."},
		{"nothing decided", stats.Result{Cases: 9, Pending: 9}, pageAnswer{},
			"None of the " + group + " has been decided yet (from 9 cases, 9 still pending), so the waiting time is not yet known."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cohortHeadline(testLocale(t, "en"), group, tt.r, tt.a); got != tt.want {
				t.Errorf("\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

// TestPaceHeadline: without filing months the headline describes someone
// filing now, at the pace of its window, and says what it describes.
func TestPaceHeadline(t *testing.T) {
	cat := catalog.Default()
	f := stats.Filter{Category: "eb2-niw", Country: "IN"}
	h := &stats.Headline{MinCases: 5, WindowFrom: time.Date(2026, 6, 2, 0, 0, 0, 0, time.UTC), WindowTo: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC),
		WindowCases: 812, FiledFrom: timeline.Month{Year: 2021, Month: time.January}, FiledTo: timeline.Month{Year: 2026, Month: time.November}}
	head, describes := paceHeadline(testLocale(t, "en"), phrase.Group(cat, f), h, pageAnswer{Pace: true, Median: intp(545), MedianCI: [2]*int{intp(511), intp(580)}, Curve: testCurve(300, 545)})
	if want := "Filing now: at the pace of the last six months, half of EB-2 National Interest Waiver cases from India would be decided within 17.9 months (95% range 16.8 to 19.1 months)."; head != want {
		t.Errorf("headline\n got %q\nwant %q", head, want)
	}
	if want := "This is a period estimate: it applies the decisions of June 2, 2026 – December 1, 2026 to someone filing today, from the 812 cases (filed January 2021 – November 2026) that were waiting during those months."; !strings.HasPrefix(describes, want) {
		t.Errorf("describes\n got %q\nwant it to start %q", describes, want)
	}
	head, _ = paceHeadline(testLocale(t, "en"), phrase.Group(cat, f), h, pageAnswer{Pace: true, Curve: testCurve(300, 400)})
	if !strings.Contains(head, "the median is not yet known") || !strings.Contains(head, "13.1 months") {
		t.Errorf("median not yet known: %q", head)
	}
	head, _ = paceHeadline(testLocale(t, "en"), phrase.Group(cat, f), h, pageAnswer{Pace: true, Suppressed: true})
	if !strings.HasPrefix(head, "Fewer than 5 EB-2 National Interest Waiver cases from India were waiting during the last six months") {
		t.Errorf("suppressed: %q", head)
	}
}

func TestWaitingRows(t *testing.T) {
	cv := survival.Curve{Points: []survival.Point{{T: 20, S: 0.9}, {T: 100, S: 0.6}, {T: 200, S: 0.3}}}
	var got []string
	for _, r := range waitingRows(testLocale(t, "en"), cv) {
		got = append(got, r.Since+"="+r.Waiting)
	}
	// 1 month = day 30 (S 0.9), 2 = day 60 (0.9), 3 = day 91 (0.9), 6 =
	// day 182 (0.6); 9 months is past the last decision at day 200.
	want := "30 days=90.0%,60 days=90.0%,3.0 months=90.0%,6.0 months=60.0%,6.6 months (last decision)=30.0%"
	if strings.Join(got, ",") != want {
		t.Errorf("rows %s, want %s", strings.Join(got, ","), want)
	}
	if rows := waitingRows(testLocale(t, "en"), survival.Curve{}); rows != nil {
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
	a := pageAnswer{Median: intp(152), Curve: survival.Curve{Points: []survival.Point{
		{T: 91, S: 5.0 / 6, Greenwood: 1.0 / 30},
		{T: 152, S: 0.5, Greenwood: 1.0 / 6},
		{T: 300, S: 0, Greenwood: 0},
	}}}
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	c := survivalChart(cat.Default(), "t", a)
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
