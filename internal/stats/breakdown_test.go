package stats

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/casetrack/casetrack/internal/timeline"
)

// TestBreakdownByHand uses the cases of handCases (see result_test.go).
func TestBreakdownByHand(t *testing.T) {
	ix := handCases(t)
	all := Filter{Category: "eb2-niw"}
	tests := []struct {
		name string
		by   Dimension
		k    int
		want string
	}{
		// IN is the country filter of TestStatsByHand: median 90, CI from 90,
		// 3 of 4 decided approved. CN has one case: suppressed at k = 2.
		{"country", ByCountry, 2, `{"filter": {"category": "eb2-niw"}, "by": "country", "min_cases": 2, "rows": [
			{"key": "IN", "label": "India", "cases": 6, "median": 90, "median_ci": [90, null], "approval_rate": 0.75, "suppressed": false},
			{"key": "CN", "label": "China", "cases": null, "median": null, "median_ci": null, "approval_rate": null, "suppressed": true}]}`},
		// TSC: 60E 90E 100E 180C 210E. S = 4/5, 3/5, 2/5 (t=100), 0.
		// Lower limit at 90: exp(log .6 - 1.96·sqrt(1/20+1/12)) = 0.293.
		// NSC: C denied at 90 alone: S = 0 at 90, limits undefined.
		// none: D pending, nothing decided. The two one-case rows tie on
		// size and follow in key order.
		{"service center", ByServiceCenter, 1, `{"filter": {"category": "eb2-niw"}, "by": "service_center", "min_cases": 1, "rows": [
			{"key": "TSC", "label": "Texas Service Center", "cases": 5, "median": 100, "median_ci": [90, null], "approval_rate": 1, "suppressed": false},
			{"key": "NSC", "label": "Nebraska Service Center", "cases": 1, "median": 90, "median_ci": [null, null], "approval_rate": 0, "suppressed": false},
			{"key": "none", "label": "Not given", "cases": 1, "decided": 0, "median": null, "median_ci": [null, null], "approval_rate": null,
			 "cautions": ["silent"], "suppressed": false}]}`},
		// Suppressed rows go last, in key order, whatever their size.
		{"service center suppressed", ByServiceCenter, 2, `{"filter": {"category": "eb2-niw"}, "by": "service_center", "min_cases": 2, "rows": [
			{"key": "TSC", "label": "Texas Service Center", "cases": 5, "median": 100, "median_ci": [90, null], "approval_rate": 1, "suppressed": false},
			{"key": "NSC", "label": "Nebraska Service Center", "cases": null, "median": null, "median_ci": null, "approval_rate": null, "suppressed": true},
			{"key": "none", "label": "Not given", "cases": null, "median": null, "median_ci": null, "approval_rate": null, "suppressed": true}]}`},
		// All seven were filed in 2024 Q1: the numbers of the whole group.
		{"quarter", ByQuarter, 5, `{"filter": {"category": "eb2-niw"}, "by": "quarter", "min_cases": 5, "rows": [
			{"key": "2024-Q1", "label": "2024 Q1", "cases": 7, "median": 100, "median_ci": [90, null], "approval_rate": 0.8, "suppressed": false}]}`},
		// January: the six IN cases; February: G alone, suppressed at k = 2.
		{"month", ByMonth, 2, `{"filter": {"category": "eb2-niw"}, "by": "month", "min_cases": 2, "rows": [
			{"key": "2024-01", "label": "January 2024", "cases": 6, "median": 90, "median_ci": [90, null], "approval_rate": 0.75, "suppressed": false},
			{"key": "2024-02", "label": "February 2024", "cases": null, "median": null, "median_ci": null, "approval_rate": null, "suppressed": true}]}`},
		{"month k=1", ByMonth, 1, `{"filter": {"category": "eb2-niw"}, "by": "month", "min_cases": 1, "rows": [
			{"key": "2024-01", "label": "January 2024", "cases": 6, "median": 90, "median_ci": [90, null], "approval_rate": 0.75, "suppressed": false},
			{"key": "2024-02", "label": "February 2024", "cases": 1, "median": 100, "median_ci": [null, null], "approval_rate": 1, "suppressed": false}]}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := ix.Breakdown(all, tc.by, tc.k)
			if err != nil {
				t.Fatal(err)
			}
			jsonSubset(t, b, tc.want)
		})
	}

	empty, err := ix.Breakdown(Filter{Category: "plain"}, ByCountry, 1)
	if err != nil {
		t.Fatal(err)
	}
	jsonEqual(t, empty, `{"filter": {"category": "plain"}, "by": "country", "min_cases": 1, "rows": []}`)
	if _, err := ix.Breakdown(all, Dimension("weekday"), 1); err == nil {
		t.Error("unknown dimension accepted")
	}
}

func TestParseDimension(t *testing.T) {
	for _, s := range []string{"country", "service_center", "quarter", "month"} {
		if d, err := ParseDimension(s); err != nil || string(d) != s {
			t.Errorf("ParseDimension(%q) = %q, %v", s, d, err)
		}
	}
	for _, s := range []string{"", "Country", "year", "center"} {
		if _, err := ParseDimension(s); err == nil {
			t.Errorf("ParseDimension(%q) accepted", s)
		}
	}
}

// TestBreakdownAgainstStats checks every breakdown row against Stats on the
// same filter narrowed to that row's value, on random data spanning many
// quarters.
func TestBreakdownAgainstStats(t *testing.T) {
	cat := testCatalog(t)
	rng := rand.New(rand.NewPCG(11, 12))
	ix := NewIndex(cat)
	for i := range 3000 {
		ix.Upsert(randomCase(rng, cat, fmt.Sprintf("c_%d", i)))
	}
	for iter := range 30 {
		f := randomFilter(rng, cat)
		k := []int{0, 1, 5, 20}[iter%4]
		for _, by := range []Dimension{ByCountry, ByServiceCenter, ByQuarter, ByMonth} {
			b, err := ix.Breakdown(f, by, k)
			if err != nil {
				t.Fatal(err)
			}
			total := 0
			for _, row := range b.Rows {
				g := f
				switch by {
				case ByCountry:
					if f.Country != "" && f.Country != row.Key {
						t.Fatalf("row %s outside filter %+v", row.Key, f)
					}
					if row.Key == "unknown" {
						continue // cases with codes not in the catalog; no filter selects them
					}
					g.Country = row.Key
				case ByServiceCenter:
					g.ServiceCenter = row.Key
				case ByQuarter:
					var y, q int
					if _, err := fmt.Sscanf(row.Key, "%d-Q%d", &y, &q); err != nil {
						t.Fatalf("quarter key %q: %v", row.Key, err)
					}
					from := timeline.MonthFromOrdinal(y*12 + (q-1)*3)
					to := timeline.MonthFromOrdinal(y*12 + (q-1)*3 + 2)
					if f.FiledFrom.IsZero() || f.FiledFrom.Before(from) {
						g.FiledFrom = from
					}
					if f.FiledTo.IsZero() || to.Before(f.FiledTo) {
						g.FiledTo = to
					}
				case ByMonth:
					m, err := timeline.ParseMonth(row.Key)
					if err != nil {
						t.Fatal(err)
					}
					g.FiledFrom, g.FiledTo = m, m
				}
				want := ix.Stats(g, k)
				if want.Suppressed != row.Suppressed {
					t.Fatalf("iter %d %s %s: suppressed %v, Stats says %v", iter, by, row.Key, row.Suppressed, want.Suppressed)
				}
				if row.Suppressed {
					if row.Cases != 0 || row.Median != nil || row.ApprovalRate != nil {
						t.Fatalf("suppressed row carries numbers: %+v", row)
					}
					continue
				}
				total += row.Cases
				if row.Cases != want.Cases || !sameInt(row.Median, want.Decision.Median) ||
					!sameInt(row.MedianCI[0], want.Decision.MedianCI[0]) || !sameInt(row.MedianCI[1], want.Decision.MedianCI[1]) ||
					!sameFloat(row.ApprovalRate, want.ApprovalRate) {
					t.Fatalf("iter %d %s %s: row %+v, Stats %+v", iter, by, row.Key, row, want)
				}
			}
			if k == 0 && by != ByCountry {
				if all := ix.Stats(f, 0).Cases; total != all {
					t.Fatalf("iter %d %s: rows add up to %d cases, group has %d", iter, by, total, all)
				}
			}
		}
	}
}

func sameInt(a, b *int) bool { return (a == nil && b == nil) || (a != nil && b != nil && *a == *b) }
func sameFloat(a, b *float64) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}

// TestHistogramByHand: decided cases of handCases at 60, 90, 90, 100 and
// 210 days fall in 30-day bins 2, 3, 3, 3 and 7.
func TestHistogramByHand(t *testing.T) {
	ix := handCases(t)
	f := Filter{Category: "eb2-niw"}
	jsonEqual(t, ix.Histogram(f, 5), `{"filter": {"category": "eb2-niw"}, "bin_days": 30, "decided": 5,
		"bins": [{"from": 0, "to": 30, "count": 0}, {"from": 30, "to": 60, "count": 0},
		         {"from": 60, "to": 90, "count": 1}, {"from": 90, "to": 120, "count": 3},
		         {"from": 120, "to": 150, "count": 0}, {"from": 150, "to": 180, "count": 0},
		         {"from": 180, "to": 210, "count": 0}, {"from": 210, "to": 240, "count": 1}],
		"suppressed": false, "min_cases": 5}`)
	// Seven cases but five decided: k = 6 suppresses the histogram.
	jsonEqual(t, ix.Histogram(f, 6), `{"filter": {"category": "eb2-niw"}, "bin_days": 30, "decided": null,
		"bins": null, "suppressed": true, "min_cases": 6}`)
	jsonEqual(t, ix.Histogram(Filter{Category: "plain"}, 0), `{"filter": {"category": "plain"}, "bin_days": 30, "decided": 0,
		"bins": [], "suppressed": false, "min_cases": 0}`)
}

func FuzzParseDimension(f *testing.F) {
	for _, s := range []string{"country", "service_center", "quarter", "month", "", "COUNTRY", "month\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDimension(s)
		if err != nil {
			if d != "" {
				t.Fatalf("ParseDimension(%q) = %q with error %v", s, d, err)
			}
			return
		}
		switch d {
		case ByCountry, ByServiceCenter, ByQuarter, ByMonth:
		default:
			t.Fatalf("ParseDimension(%q) = %q", s, d)
		}
		if string(d) != s {
			t.Fatalf("ParseDimension(%q) = %q", s, d)
		}
	})
}
