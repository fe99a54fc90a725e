package stats

import (
	"slices"
	"testing"
	"time"
)

// handToday is the day the hand-worked statistics are computed for.
var handToday = time.Date(2024, time.December, 1, 0, 0, 0, 0, time.UTC)

// handCases are seven EB-2 NIW timelines whose numbers are worked out by
// hand below. Filing months count from the 15th: 2024-01 is 2024-01-15, so
// 2024-03-15 is day 60, 2024-04-14 day 90, 2024-07-13 day 180 and
// 2024-08-12 day 210; G is filed 2024-02 (day 0 = 2024-02-15) and decided
// on 2024-05-25, day 100.
//
//	case country center filed    outcome            time  rfe   rfe_response
//	A    IN      TSC    2024-01  approved           60 E  30    50
//	B    IN      TSC    2024-01  approved           90 E  -     -
//	C    IN      NSC    2024-01  denied             90 E  -     -
//	D    IN      -      2024-01  pending            90 C  -     -
//	E    IN      TSC    2024-01  pending            180 C 60 (month only: 03-15)
//	F    IN      TSC    2024-01  approved           210 E -     -
//	G    CN      TSC    2024-02  approved           100 E -     -
//
// None has a sharing day (Created), so each counts as followed from
// filing; the pending ones have been silent far longer than the grace,
// and with nobody coming back after a silence (a return rate of 0) they
// count until their as-of date: the published reading is the plain
// Kaplan-Meier one here.
func handCases(t *testing.T) *Index {
	t.Helper()
	ix := NewIndex(testCatalog(t))
	ix.SetClock(func() time.Time { return handToday })
	for _, c := range []struct {
		id, country, center, filed, asOf string
		ms                               []string
	}{
		{"A", "IN", "TSC", "2024-01", "2024-03-15", []string{"received", "2024-01-20", "rfe", "2024-02-14", "rfe_response", "2024-03-05", "approved", "2024-03-15"}},
		{"B", "IN", "TSC", "2024-01", "2024-04-14", []string{"approved", "2024-04-14"}},
		{"C", "IN", "NSC", "2024-01", "2024-04-14", []string{"denied", "2024-04-14"}},
		{"D", "IN", "", "2024-01", "2024-04-14", nil},
		{"E", "IN", "TSC", "2024-01", "2024-07-13", []string{"rfe", "2024-03"}},
		{"F", "IN", "TSC", "2024-01", "2024-08-12", []string{"approved", "2024-08-12"}},
		{"G", "CN", "TSC", "2024-02", "2024-05-25", []string{"approved", "2024-05-25"}},
	} {
		ix.Upsert(mkCase(t, c.id, "eb2-niw", c.country, c.center, c.filed, c.asOf, c.ms...))
	}
	return ix
}

// TestStatsByHand follows the hand-built cases through Upsert, Stats and
// JSON, including a pending case that gets decided and a removal.
func TestStatsByHand(t *testing.T) {
	ix := handCases(t)
	if ix.Len() != 7 {
		t.Fatalf("Len = %d, want 7", ix.Len())
	}

	// All seven. Times: 60E 90E 90E 90C 100E 180C 210E.
	//   t=60:  n=7 d=1  S = 6/7             = 0.8571
	//   t=90:  n=6 d=2  S = 6/7·4/6 = 4/7   = 0.5714 (D, censored at 90, is at risk)
	//   t=100: n=3 d=1  S = 4/7·2/3 = 8/21  = 0.3810
	//   t=210: n=1 d=1  S = 0
	// median = 100 (first S <= .5), p25 = 90, p75 = p90 = 210.
	// Greenwood at 90: 1/42 + 2/24 = 0.10714; lower limit
	// exp(log(4/7) - 1.96·0.3273) = 0.301 <= .5, and at 60 it is 0.634, so
	// the CI starts at 90. The upper limit is 1 until S = 0, where it is
	// undefined: no upper end.
	// Naive median of 60 90 90 100 210 = 90.
	// rfe, with the decision as a competing event (Aalen-Johansen): A got
	// it on day 30 (n=7: 1/7), E on day 60 (n=6, S(59) = 6/7: +1/7), then
	// decisions without it end the others' chances: 2/7 = 0.2857 from day
	// 60 to the last day, 210. The standard error 0.17075 is R's
	// (survfit(Surv(start, stop, state) ~ 1, id = ...) on these seven),
	// the log-scale limits 0.2857·exp(±1.96·0.17075/0.2857). Half of the
	// eventual 2/7 came by day 30, three quarters by day 60.
	// How they were shared: all seven followed from filing, none silent
	// enough to matter (return rate 0: the silent D and E count until
	// their as-of dates, where the silence caution's bound, D and E
	// decided the day after, would move the median to 91: inside nothing
	// lower than the interval's start, 90, so no caution).
	jsonSubset(t, ix.Stats(Filter{Category: "eb2-niw"}, 5), `{
		"filter": {"category": "eb2-niw"}, "as_of": "2024-12-01",
		"cases": 7, "decided": 5, "pending": 2, "approved": 4, "denied": 1, "rfe": 2,
		"approval_rate": 0.8, "rfe_rate": 0.2857,
		"decision": {"median": 100, "median_ci": [90, null], "p25": 90, "p75": 210, "p90": 210,
			"naive_median_decided": 90,
			"survival": [{"t": 60, "s": 0.8571, "at_risk": 7}, {"t": 90, "s": 0.5714, "at_risk": 6},
			             {"t": 100, "s": 0.381, "at_risk": 3}, {"t": 210, "s": 0, "at_risk": 1}],
			"reading": "delayed_entry", "cautions": [],
			"sensitivity": {"plain_km": {"median": 100, "median_ci": [90, null]},
			                "shared_while_pending_only": {"median": 100, "median_ci": [90, null]}}},
		"how_shared": {"shared_while_pending": 7, "shared_after_decision": 0, "shared_after_decision_share": 0,
			"silent": 2, "returned_after_silence": 0, "return_rate": 0, "grace_days": 60},
		"milestones": [
			{"code": "rfe", "name": "Request for evidence (RFE)", "reached": 2,
			 "incidence": [{"months": 3, "days": 91, "share": 0.2857, "ci": [0.0886, 0.9218]},
			               {"months": 6, "days": 183, "share": 0.2857, "ci": [0.0886, 0.9218]}],
			 "eventually": {"days": 210, "share": 0.2857, "ci": [0.0886, 0.9218]},
			 "among_reached": {"p25": 30, "median": 30, "p75": 60}},
			{"code": "rfe_response", "name": "RFE response received", "reached": 1}],
		"suppressed": false, "min_cases": 5}`)

	// Country IN drops G. Times: 60E 90E 90E 90C 180C 210E.
	// (Milestones and how they were shared are checked above.)
	//   t=60: n=6 d=1 S = 5/6; t=90: n=5 d=2 S = 5/6·3/5 = 0.5 exactly, so
	//   the median is 90; t=210: n=1 S = 0.
	// Lower limit at 90: exp(log .5 - 1.96·sqrt(1/30+2/15)) = 0.225.
	// Naive median of 60 90 90 210 = 90. rfe: 30E 60E, censored 90×3 and
	// 210: S = 5/6, 4/6; lower limit at 60 = 0.379.
	jsonSubset(t, ix.Stats(Filter{Category: "eb2-niw", Country: "IN"}, 5), `{
		"filter": {"category": "eb2-niw", "country": "IN"},
		"cases": 6, "decided": 4, "pending": 2, "approved": 3, "denied": 1, "rfe": 2,
		"approval_rate": 0.75, "rfe_rate": 0.3333,
		"decision": {"median": 90, "median_ci": [90, null], "p25": 90, "p75": 210, "p90": 210,
			"naive_median_decided": 90,
			"survival": [{"t": 60, "s": 0.8333, "at_risk": 6}, {"t": 90, "s": 0.5, "at_risk": 5},
			             {"t": 210, "s": 0, "at_risk": 1}]},
		"suppressed": false, "min_cases": 5}`)

	// Filed from 2024-02: only G, fewer than k = 5. Nothing but the filter
	// and k is revealed, not even the count.
	jsonSubset(t, ix.Stats(Filter{Category: "eb2-niw", FiledFrom: month(t, "2024-02")}, 5), `{
		"filter": {"category": "eb2-niw", "filed_from": "2024-02"},
		"cases": null, "decided": null, "pending": null, "approved": null, "denied": null, "rfe": null,
		"approval_rate": null, "rfe_rate": null, "decision": null, "how_shared": null, "milestones": null,
		"suppressed": true, "min_cases": 5}`)

	// D is approved on 2024-06-13, day 150. Times: 60E 90E 90E 100E 150E
	// 180C 210E.
	//   t=60: 6/7; t=90: n=6 d=2 4/7; t=100: n=4 d=1 3/7 = 0.4286;
	//   t=150: n=3 d=1 2/7 = 0.2857; t=210: n=1 S = 0.
	// median 100, p25 90, p75 = p90 = 210; naive median of 60 90 90 100 150
	// 210 = 90, the lower middle (the first time at least half are
	// decided, the rule of every median). Upper limit at 150:
	// exp(log(2/7) + 1.96·sqrt(1/42+2/24+1/12+1/6)) = 0.92 > .5: no upper end.
	ix.Upsert(mkCase(t, "D", "eb2-niw", "IN", "", "2024-01", "2024-06-13", "approved", "2024-06-13"))
	if ix.Len() != 7 {
		t.Fatalf("Len after update = %d, want 7", ix.Len())
	}
	jsonSubset(t, ix.Stats(Filter{Category: "eb2-niw"}, 5), `{
		"filter": {"category": "eb2-niw"},
		"cases": 7, "decided": 6, "pending": 1, "approved": 5, "denied": 1, "rfe": 2,
		"approval_rate": 0.8333, "rfe_rate": 0.2857,
		"decision": {"median": 100, "median_ci": [90, null], "p25": 90, "p75": 210, "p90": 210,
			"naive_median_decided": 90,
			"survival": [{"t": 60, "s": 0.8571, "at_risk": 7}, {"t": 90, "s": 0.5714, "at_risk": 6},
			             {"t": 100, "s": 0.4286, "at_risk": 4}, {"t": 150, "s": 0.2857, "at_risk": 3},
			             {"t": 210, "s": 0, "at_risk": 1}]},
		"suppressed": false, "min_cases": 5}`)

	// F is removed. Times: 60E 90E 90E 100E 150E 180C.
	//   t=60: n=6 5/6; t=90: n=5 d=2 0.5; t=100: n=3 1/3; t=150: n=2 1/6.
	// median 90, p25 90, p75 150, p90 never (1/6 > .1). Naive median of
	// 60 90 90 100 150 = 90. rfe: 30E 60E, censored 90 90 100 150: 5/6, 4/6.
	ix.Remove("F")
	ix.Remove("no-such-case")
	if ix.Len() != 6 {
		t.Fatalf("Len after remove = %d, want 6", ix.Len())
	}
	jsonSubset(t, ix.Stats(Filter{Category: "eb2-niw"}, 5), `{
		"filter": {"category": "eb2-niw"},
		"cases": 6, "decided": 5, "pending": 1, "approved": 4, "denied": 1, "rfe": 2,
		"approval_rate": 0.8, "rfe_rate": 0.3333,
		"decision": {"median": 90, "median_ci": [90, null], "p25": 90, "p75": 150, "p90": null,
			"naive_median_decided": 90,
			"survival": [{"t": 60, "s": 0.8333, "at_risk": 6}, {"t": 90, "s": 0.5, "at_risk": 5},
			             {"t": 100, "s": 0.3333, "at_risk": 3}, {"t": 150, "s": 0.1667, "at_risk": 2}]},
		"suppressed": false, "min_cases": 5}`)
}

// TestStatsFilters checks each filter dimension and the cases that match
// nothing.
func TestStatsFilters(t *testing.T) {
	ix := handCases(t)
	tests := []struct {
		name string
		f    Filter
		want int
	}{
		{"category", Filter{Category: "eb2-niw"}, 7},
		{"other category", Filter{Category: "i485-employment"}, 0},
		{"unknown category", Filter{Category: "nope"}, 0},
		{"country", Filter{Category: "eb2-niw", Country: "CN"}, 1},
		{"unknown country", Filter{Category: "eb2-niw", Country: "ZZ"}, 0},
		{"center", Filter{Category: "eb2-niw", ServiceCenter: "TSC"}, 5},
		{"no center", Filter{Category: "eb2-niw", ServiceCenter: NoServiceCenter}, 1},
		{"unknown center", Filter{Category: "eb2-niw", ServiceCenter: "XYZ"}, 0},
		{"country and center", Filter{Category: "eb2-niw", Country: "IN", ServiceCenter: "TSC"}, 4},
		{"filed to", Filter{Category: "eb2-niw", FiledTo: month(t, "2024-01")}, 6},
		{"filed range", Filter{Category: "eb2-niw", FiledFrom: month(t, "2024-02"), FiledTo: month(t, "2024-02")}, 1},
		{"empty range", Filter{Category: "eb2-niw", FiledFrom: month(t, "2024-03"), FiledTo: month(t, "2024-02")}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := ix.Stats(tc.f, 0)
			if r.Suppressed || r.Cases != tc.want {
				t.Errorf("cases = %d (suppressed %v), want %d", r.Cases, r.Suppressed, tc.want)
			}
			if got := ix.Stats(tc.f, tc.want+1); !got.Suppressed {
				t.Errorf("k = %d: not suppressed", tc.want+1)
			}
			if tc.want > 0 {
				if got := ix.Stats(tc.f, tc.want); got.Suppressed {
					t.Errorf("k = %d: suppressed", tc.want)
				}
			}
		})
	}
}

// TestStatsEmptyGroup: with k = 0 an empty group is not suppressed, and
// every ratio and quantile is null rather than invented.
func TestStatsEmptyGroup(t *testing.T) {
	ix := handCases(t)
	jsonSubset(t, ix.Stats(Filter{Category: "plain"}, 0), `{
		"filter": {"category": "plain"},
		"cases": 0, "decided": 0, "pending": 0, "approved": 0, "denied": 0, "rfe": null,
		"approval_rate": null, "rfe_rate": null,
		"decision": {"median": null, "median_ci": [null, null], "p25": null, "p75": null, "p90": null,
			"naive_median_decided": null, "survival": [], "cautions": []},
		"milestones": [],
		"suppressed": false, "min_cases": 0}`)
}

// TestUpsertMovesAndDrops checks that an update can move a case to another
// category, that a case of an unknown category is dropped, and that dates
// before filing clamp to day 0.
func TestUpsertMovesAndDrops(t *testing.T) {
	ix := handCases(t)
	// G moves to I-485 with a biometrics date and an interview before its
	// filing month (clamped to 0) and stays pending until 2024-03-15 (day 29
	// from 2024-02-15).
	ix.Upsert(mkCase(t, "G", "i485-employment", "CN", "NBC", "2024-02", "2024-03-15",
		"biometrics", "2024-03-01", "interview", "2024-01-02"))
	if n := ix.Stats(Filter{Category: "eb2-niw"}, 0).Cases; n != 6 {
		t.Errorf("eb2-niw cases = %d, want 6", n)
	}
	r := ix.Stats(Filter{Category: "i485-employment"}, 1)
	if r.Cases != 1 || r.Pending != 1 || len(r.Decision.Survival) != 0 {
		t.Fatalf("i485 = %+v", r)
	}
	var codes []string
	for _, m := range r.Milestones {
		codes = append(codes, m.Code)
		var want *int
		switch m.Code {
		case "biometrics":
			want = intPtr(15) // 2024-02-15 to 2024-03-01
		case "interview":
			want = intPtr(0)
		}
		if got := m.AmongReached.Median; (got == nil) != (want == nil) || (want != nil && *got != *want) {
			t.Errorf("%s median among those who reached it = %v, want %v", m.Code, got, want)
		}
	}
	if got, want := codes, []string{"transferred", "biometrics", "rfe", "rfe_response", "interview"}; !slices.Equal(got, want) {
		t.Errorf("milestones = %v, want %v", got, want)
	}

	ix.Upsert(mkCase(t, "G", "no-such-category", "CN", "", "2024-02", "2024-03-15"))
	if ix.Len() != 6 || ix.Stats(Filter{Category: "i485-employment"}, 0).Cases != 0 {
		t.Errorf("a case moved to an unknown category must leave the index: Len = %d", ix.Len())
	}
	ix.Upsert(nil)
	if ix.Len() != 6 {
		t.Errorf("Upsert(nil) changed the index")
	}
}
