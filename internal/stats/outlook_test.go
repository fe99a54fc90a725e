package stats

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"reflect"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/stats/survival"
	"github.com/casetrack/casetrack/internal/timeline"
)

// TestConditionalAgainstR: the outlook's conditional estimates, the share
// still waiting at a and the days by which a tenth, half and nine tenths
// of those still waiting are decided, equal R's survfit with start.time
// (testdata/outlook.R).
func TestConditionalAgainstR(t *testing.T) {
	raw, err := os.ReadFile("testdata/outlook.json")
	if err != nil {
		t.Fatal(err)
	}
	var fx struct {
		Sets []struct {
			Name               string
			Start, Stop, Event []int
			At                 []struct {
				Day      int
				Surv     float64
				Quantile []float64
			}
		}
	}
	if err := json.Unmarshal(raw, &fx); err != nil {
		t.Fatal(err)
	}
	if len(fx.Sets) < 4 {
		t.Fatalf("fixture has %d sets, want at least 4", len(fx.Sets))
	}
	checked := 0
	for _, set := range fx.Sets {
		maxDay := 0
		for _, s := range set.Stop {
			maxDay = max(maxDay, s)
		}
		c := survival.NewCounts(maxDay, 1)
		for i := range set.Start {
			kind := -1
			if set.Event[i] == 1 {
				kind = 0
			}
			c.Add(set.Start[i], set.Stop[i], kind, 1)
		}
		p := &paceData{}
		p.tally(c)
		// A ladder of one group is the group's own curve.
		cv, segs := splice([]*paceData{p}, 1)
		if want := c.Curve(); len(cv.Points) != len(want.Points) || cv.LastDay != want.LastDay {
			t.Fatalf("%s: spliced curve has %d points to day %d, the group's %d to day %d",
				set.Name, len(cv.Points), cv.LastDay, len(want.Points), want.LastDay)
		}
		for _, sg := range segs {
			if sg.Rung != 0 {
				t.Fatalf("%s: segment %+v from a rung that does not exist", set.Name, sg)
			}
		}
		for _, at := range set.At {
			if got := cv.At(at.Day); math.Abs(got-at.Surv) > 1e-9 {
				t.Errorf("%s: S(%d) = %v, R %v", set.Name, at.Day, got, at.Surv)
			}
			med, rng := conditional(cv, at.Day)
			for i, got := range []*int{rng[0], med, rng[1]} {
				want := at.Quantile[i]
				switch {
				case want < 0 && got == nil:
				case want < 0 || got == nil:
					t.Errorf("%s: a=%d quantile %d: got %v, R %v", set.Name, at.Day, i, fmtPtr(got), want)
				case float64(at.Day+*got) == want:
				// R returns the middle of a stretch flat at exactly the
				// level; CaseTrack its first day.
				case want != math.Trunc(want) && float64(at.Day+*got) < want:
				default:
					t.Errorf("%s: a=%d quantile %d: day %d, R %v", set.Name, at.Day, i, at.Day+*got, want)
				}
				checked++
			}
		}
	}
	t.Logf("%d conditional quantiles checked against R", checked)
}

// outlookIndex is an index whose today is fixed, with a helper adding a
// case filed in a month, shared on filing and followed: decided on day
// decided after the month's 15th (-1: pending), last confirmed on day asOf.
type outlookIndex struct {
	t     *testing.T
	ix    *Index
	today time.Time
	n     int
}

func newOutlookIndex(t *testing.T, today time.Time) *outlookIndex {
	ix := NewIndex(testCatalog(t))
	ix.SetClock(func() time.Time { return today })
	return &outlookIndex{t: t, ix: ix, today: today}
}

func (o *outlookIndex) add(country, center string, filed timeline.Month, decided, asOf int) {
	o.n++
	start := filed.Mid()
	c := &timeline.Case{ID: "c" + string(rune('a'+o.n/26)) + string(rune('a'+o.n%26)), Category: "eb2-niw",
		Country: country, ServiceCenter: center, Filed: filed, Created: start, AsOf: start.AddDate(0, 0, asOf)}
	if decided >= 0 {
		c.Milestones = []timeline.Milestone{{Code: "approved", Date: timeline.DateOf(start.AddDate(0, 0, decided))}}
		c.LastPending = start.AddDate(0, 0, decided-10)
		c.AsOf = start.AddDate(0, 0, decided)
	}
	o.ix.Upsert(c)
}

// TestOutlookByHand works the outlook of one group through by hand.
func TestOutlookByHand(t *testing.T) {
	// Six cases filed in 2024-01 (day 0 = 2024-01-15); today is day 532
	// and the recent pace's window starts on day 350.
	today := time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)
	ox := newOutlookIndex(t, today)
	filed := timeline.Month{Year: 2024, Month: time.January}
	ox.add("IN", "", filed, 100, 0) // decided before the window
	ox.add("IN", "", filed, 400, 0)
	ox.add("IN", "", filed, 450, 0)
	ox.add("IN", "", filed, 500, 0)
	ox.add("IN", "", filed, -1, 530)
	ox.add("IN", "", filed, -1, 520)
	// The applicant filed in 2024-01 too, last known waiting on day 420.
	asOf := filed.Mid().AddDate(0, 0, 420)
	o := ox.ix.OutlookWith(OutlookRequest{Category: "eb2-niw", Country: "IN", Filed: filed, AsOf: asOf}, 4, 4)
	if o.Suppressed() || o.Used != 0 || o.Day != 420 {
		t.Fatalf("outlook used rung %d on day %d; want rung 0 on day 420 (ladder %v)", o.Used, o.Day, o.Ladder)
	}
	// In the window: five cases. S: 400 → .8, 450 → .6, 500 → .4; the
	// last case leaves on day 530. Still at risk after day 420: four.
	if r := o.Ladder[0]; r.Cases != 5 || r.AtRiskBeyond != 4 || !r.Enough {
		t.Errorf("rung 0 = %+v, want 5 cases, 4 beyond day 420", r)
	}
	if math.Abs(o.DecidedByNow-0.2) > 1e-12 {
		t.Errorf("decided by now = %v, want 0.2", o.DecidedByNow)
	}
	// Conditioned on waiting after 420: S(450)/S(420) = .75 ≤ .9 → 30
	// days; S(500)/S(420) = .5 → 80 days; never .1: at least 532-420,
	// as the two pending cases, confirmed within the grace, count as
	// waiting until today.
	if fmtPtr(o.Range[0]) != "30" || fmtPtr(o.Remaining) != "80" || o.Range[1] != nil || o.AtLeast != 112 {
		t.Errorf("range %s–%s, median %s, at least %d; want 30–nil, 80, 112",
			fmtPtr(o.Range[0]), fmtPtr(o.Range[1]), fmtPtr(o.Remaining), o.AtLeast)
	}
	// Of the four decided cases, two took fewer than 420 days.
	if o.Decided != 4 || o.Shorter != 2 || o.Approval == nil || *o.Approval != 1 {
		t.Errorf("decided %d, sooner %d, approval %v; want 4, 2, 1", o.Decided, o.Shorter, fmtPtr(o.Approval))
	}
	if got := o.Date(*o.Remaining); !got.Equal(asOf.AddDate(0, 0, 80)) {
		t.Errorf("median date %v", got)
	}
	jsonSubset(t, o, `{"category":"eb2-niw","country":"IN","filed":"2024-01","as_of":"2025-03-10","days_waited":420,
		"suppressed":false,"group":{"category":"eb2-niw","country":"IN","filed_from":"2023-07","filed_to":"2024-07"},
		"remaining_median":80,"remaining_range":[30,null],"remaining_at_least":112,
		"dates":{"median":"2025-05-29","range":["2025-04-09",null]},"approval_share":1,"decided":4,"decided_sooner":2,
		"wider_beyond":[]}`)

	// With k = 5 no group has five cases waiting after day 420.
	s := ox.ix.OutlookWith(OutlookRequest{Category: "eb2-niw", Country: "IN", Filed: filed, AsOf: asOf}, 5, 5)
	if !s.Suppressed() {
		t.Fatalf("outlook with k=5 used rung %d", s.Used)
	}
	jsonSubset(t, s, `{"suppressed":true,"group":null,"decided_by_now":null,"remaining_median":null,"remaining_range":null}`)
	for _, r := range s.Ladder {
		if r.Enough || r.Cases != 5 || r.AtRiskBeyond != 4 {
			t.Errorf("rung %v = %+v, want 5 cases with 4 beyond", r, r)
		}
	}
}

// TestOutlookLadder: the outlook uses the most specific group with k
// cases still waiting after the applicant's day, and beyond the days its
// cases have reached takes the decision rates of the next wider group
// that has k at risk.
func TestOutlookLadder(t *testing.T) {
	today := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	ox := newOutlookIndex(t, today)
	mine := timeline.Month{Year: 2025, Month: time.June}
	b := timeline.Month{Year: 2025, Month: time.April}
	c := timeline.Month{Year: 2024, Month: time.June}
	waited := func(m timeline.Month) int { return timeline.DaysBetween(m.Mid(), today) }
	// Three like the applicant (India, NSC, filed 2025-06), ten from India
	// at TSC filed two months earlier, all waiting; twenty from India
	// filed a year earlier, decided 8 days apart from 8 days into the
	// window of the recent pace on.
	for range 3 {
		ox.add("IN", "NSC", mine, -1, waited(mine))
	}
	for range 10 {
		ox.add("IN", "TSC", b, -1, waited(b))
	}
	windowStart := waited(c) - HeadlineWindow
	for i := range 20 {
		ox.add("IN", "TSC", c, windowStart+8+8*i, 0)
	}
	// Nigeria's cases only widen the last rungs.
	for range 30 {
		ox.add("NG", "NSC", mine, -1, waited(mine))
	}
	a := waited(mine)
	o := ox.ix.OutlookWith(OutlookRequest{Category: "eb2-niw", Country: "IN", ServiceCenter: "NSC", Filed: mine}, 5, 5)
	want := []struct {
		filter        string
		suppressed    bool
		cases, atRisk int
		enough        bool
	}{
		{"eb2-niw/IN/NSC 2024-12–2025-12", true, 0, 0, false},
		{"eb2-niw/IN/ 2024-12–2025-12", false, 13, 10, true},
		{"eb2-niw/IN/ 2024-06–2026-06", false, 33, 30, true},
		{"eb2-niw/IN/ 2023-06–2027-06", false, 33, 30, true},
		{"eb2-niw/IN/ every month", false, 33, 30, true},
		{"eb2-niw// 2024-06–2026-06", false, 63, 30, true},
		{"eb2-niw// 2023-06–2027-06", false, 63, 30, true},
		{"eb2-niw// every month", false, 63, 30, true},
	}
	if len(o.Ladder) != len(want) {
		t.Fatalf("ladder has %d rungs, want %d: %v", len(o.Ladder), len(want), o.Ladder)
	}
	for i, w := range want {
		r := o.Ladder[i]
		if r.String() != w.filter || r.Suppressed != w.suppressed || r.Cases != w.cases || r.AtRiskBeyond != w.atRisk || r.Enough != w.enough {
			t.Errorf("rung %d = %v %+v, want %+v", i, r, r, w)
		}
	}
	if o.Used != 1 || o.Day != a {
		t.Fatalf("used rung %d on day %d, want 1 on day %d", o.Used, o.Day, a)
	}
	// The curve: until the cases from India filed in April enter the
	// window, only the three like the applicant are at risk in the group
	// used, and Nigeria's make the ±12-month group of every country the
	// first with five; then India's group filed around June 2025, up to
	// day waited(b); the year-earlier cases, in the ±12-month rung, are
	// at risk from the window's start on: their twenty decisions make the
	// range, 1/20 each.
	wantSegs := []Segment{{a - HeadlineWindow, waited(b) - HeadlineWindow - 1, 5}, {waited(b) - HeadlineWindow, waited(b), 1},
		{windowStart, windowStart + 8 + 8*19, 2}}
	if !reflect.DeepEqual(o.Segments, wantSegs) {
		t.Fatalf("segments %+v, want %+v", o.Segments, wantSegs)
	}
	decision := func(i int) int { return windowStart + 8 + 8*i - a }
	if o.DecidedByNow != 0 || fmtPtr(o.Range[0]) != fmtPtr(intPtr(decision(1))) ||
		fmtPtr(o.Remaining) != fmtPtr(intPtr(decision(9))) || fmtPtr(o.Range[1]) != fmtPtr(intPtr(decision(17))) {
		t.Errorf("decided by now %v, range %s–%s, median %s; want 0, %d–%d, %d", o.DecidedByNow,
			fmtPtr(o.Range[0]), fmtPtr(o.Range[1]), fmtPtr(o.Remaining), decision(1), decision(17), decision(9))
	}
	// The group used has no decided case: no rank, no approval share.
	if o.Decided != 0 || o.Approval != nil {
		t.Errorf("decided %d, approval %v; want 0, nil", o.Decided, fmtPtr(o.Approval))
	}
	jsonSubset(t, o, `{"wider_beyond":[{"group":{"category":"eb2-niw","country":"IN","filed_from":"2024-06","filed_to":"2026-06"}}]}`)

	// Without a service center the ladder starts with the country.
	o = ox.ix.OutlookWith(OutlookRequest{Category: "eb2-niw", Country: "IN", Filed: mine}, 5, 5)
	if len(o.Ladder) != 7 || o.Used != 0 {
		t.Errorf("without a center: %d rungs, used %d; want 7, 0", len(o.Ladder), o.Used)
	}
	// A larger k climbs further: 30 still waiting after day a are in the
	// ±12-month group.
	if o = ox.ix.OutlookWith(OutlookRequest{Category: "eb2-niw", Country: "IN", ServiceCenter: "NSC", Filed: mine}, 20, 20); o.Used != 2 {
		t.Errorf("k=20 used rung %d, want 2", o.Used)
	}
	// A case decided on the day of the tenth decision of its twenty
	// peers: half of them were decided by then, nine of them sooner.
	day := windowStart + 8 + 8*9
	o = ox.ix.OutlookWith(OutlookRequest{Category: "eb2-niw", Country: "IN", Filed: c, AsOf: c.Mid().AddDate(0, 0, day)}, 5, 5)
	if o.Used != 0 || o.Day != day || math.Abs(o.DecidedByNow-0.5) > 1e-12 || o.Decided != 20 || o.Shorter != 9 {
		t.Errorf("at day %d: rung %d, day %d, decided by then %v, %d of %d sooner; want rung 0, 0.5, 9 of 20",
			day, o.Used, o.Day, o.DecidedByNow, o.Shorter, o.Decided)
	}
}

// periodCurve is the recent-pace curve of a population filing the same
// number of cases every day whose decision days are log-normal with
// median med(x) for filers of x days ago (sigma 0.45): the exact
// period estimate over the last HeadlineWindow days, with no sampling
// noise.
func periodCurve(med func(x float64) float64, days int) survival.Curve {
	cdf := func(x, t float64) float64 {
		if t < 0 {
			return 0
		}
		return 0.5 * math.Erfc(-math.Log((t+1)/med(x))/0.45/math.Sqrt2)
	}
	cv := survival.Curve{LastDay: days - 1}
	s := 1.0
	for t := 0; t < days; t++ {
		events, atRisk := 0.0, 0.0
		// Filers of x days ago are at duration t during the window when
		// t <= x <= t+window.
		for x := t; x <= t+HeadlineWindow; x++ {
			atRisk += 1 - cdf(float64(x), float64(t-1))
			events += cdf(float64(x), float64(t)) - cdf(float64(x), float64(t-1))
		}
		s *= 1 - events/atRisk
		cv.Points = append(cv.Points, survival.Point{T: t, S: s, AtRisk: atRisk, Events: events})
	}
	return cv
}

// TestForecastUnderDrift: when every day's filers take longer than the
// day before's by a steady factor, the recent pace of older filers
// promises the applicant too short a wait; read with the drift it gives
// the applicant's own remaining wait.
func TestForecastUnderDrift(t *testing.T) {
	const perYear = 1.2
	gamma := math.Log(perYear) / daysPerYear
	// Filers of now have a median of 600 days.
	med := func(x float64) float64 { return 600 * math.Exp(-gamma*x) }
	cv := periodCurve(med, 4000)
	for _, a := range []int{60, 200, 400, 700, 1000} {
		// The applicant filed a days ago: median med(a), still waiting.
		m := med(float64(a))
		fa := 0.5 * math.Erfc(-math.Log(float64(a+1)/m)/0.45/math.Sqrt2)
		truth := func(level float64) float64 {
			// The day by which the share still waiting after a falls to
			// level: F(t) = 1 - level(1-F(a)).
			z := math.Sqrt2 * math.Erfinv(2*(1-level*(1-fa))-1)
			return m*math.Exp(0.45*z) - 1 - float64(a)
		}
		med, rng, _ := forecast(cv, a, gamma)
		plain, _ := conditional(cv, a)
		if med == nil || rng[0] == nil || rng[1] == nil || plain == nil {
			t.Fatalf("a=%d: forecast %s [%s, %s], plain %s", a, fmtPtr(med), fmtPtr(rng[0]), fmtPtr(rng[1]), fmtPtr(plain))
		}
		for _, c := range []struct {
			name  string
			got   int
			level float64
		}{{"10%", *rng[0], 0.9}, {"median", *med, 0.5}, {"90%", *rng[1], 0.1}} {
			want := truth(c.level)
			if rel := (float64(c.got) - want) / want; math.Abs(float64(c.got)-want) > max(0.03*want, 1.5) {
				t.Errorf("a=%d: %s of the remaining wait %d days, truth %.0f (%+.1f%%)", a, c.name, c.got, want, 100*rel)
			}
		}
		// Without the drift the median is well short, but for the oldest
		// filers, whose remaining wait is short.
		if want := truth(0.5); a < 1000 && float64(*plain) > 0.95*want {
			t.Errorf("a=%d: the plain median %d is not short of the truth %.0f: the test shows nothing", a, *plain, want)
		}
	}
	// With no drift the forecast is the curve's own conditional reading.
	for _, a := range []int{0, 100, 500} {
		m1, r1, _ := forecast(cv, a, 0)
		m2, r2 := conditional(cv, a)
		if fmtPtr(m1) != fmtPtr(m2) || fmtPtr(r1[0]) != fmtPtr(r2[0]) || fmtPtr(r1[1]) != fmtPtr(r2[1]) {
			t.Errorf("a=%d: forecast without drift %s %s %s, conditional %s %s %s", a,
				fmtPtr(m1), fmtPtr(r1[0]), fmtPtr(r1[1]), fmtPtr(m2), fmtPtr(r2[0]), fmtPtr(r2[1]))
		}
	}
}

// TestDriftMeasured: a category whose filers of each month take a steady
// factor longer than those of the month before has that factor as its
// drift; a steady one has none, and one too small to tell says 0.
func TestDriftMeasured(t *testing.T) {
	today := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	now := timeline.MonthOf(today)
	build := func(perYear float64, months, perMonth int) *Index {
		ix := NewIndex(testCatalog(t))
		ix.SetClock(func() time.Time { return today })
		n := 0
		for age := range months {
			filed := timeline.MonthFromOrdinal(now.Ordinal() - age)
			start := filed.Mid()
			waited := timeline.DaysBetween(start, today)
			m := 400 / math.Pow(perYear, float64(age)/12)
			for i := range perMonth {
				// Decision days at evenly spaced quantiles of a
				// log-normal with median m.
				z := math.Sqrt2 * math.Erfinv(2*(float64(i)+0.5)/float64(perMonth)-1)
				d := int(m * math.Exp(0.45*z))
				n++
				c := &timeline.Case{ID: fmt.Sprintf("d%05d", n), Category: "plain", Country: "IN", Filed: filed,
					Created: start, AsOf: today}
				if d < waited {
					c.Milestones = []timeline.Milestone{{Code: "approved", Date: timeline.DateOf(start.AddDate(0, 0, d))}}
					c.LastPending, c.AsOf = start.AddDate(0, 0, max(d-10, 0)), start.AddDate(0, 0, d)
				}
				ix.Upsert(c)
			}
		}
		return ix
	}
	for _, c := range []struct {
		name    string
		perYear float64
		months  int
		want    float64
	}{
		{"growing", 1.2, 60, 1.2},
		{"shrinking", 0.9, 60, 0.9},
		{"steady", 1, 60, 1},
		{"too young to tell", 1.2, 9, 1},
	} {
		got := math.Exp(build(c.perYear, c.months, 40).Drift("plain") * daysPerYear)
		if math.Abs(got-c.want) > 0.03 {
			t.Errorf("%s: drift %.3f a year, want %.2f", c.name, got, c.want)
		}
	}
}
