package units

import (
	"math"
	"strconv"
	"strings"
	"testing"
)

// TestCount checks the thousands separators every count on the site is
// written with ("30,003 cases").
func TestCount(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want string
	}{
		{0, "0"},
		{7, "7"},
		{999, "999"},
		{1000, "1,000"},
		{30003, "30,003"},
		{100000, "100,000"},
		{999999, "999,999"},
		{1234567, "1,234,567"},
		{-1, "-1"},
		{-999, "-999"},
		{-1000, "-1,000"},
		{-30003, "-30,003"},
		{math.MaxInt64, "9,223,372,036,854,775,807"},
		{math.MinInt64, "-9,223,372,036,854,775,808"},
	} {
		if got := Count(tc.n); got != tc.want {
			t.Errorf("Count(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
}

// TestCountRoundTrip checks, over a sweep of magnitudes, that removing the
// commas gives back the number and that every group after the first has
// three digits.
func TestCountRoundTrip(t *testing.T) {
	for n := 1; n > 0 && n < math.MaxInt64/7; n = n*7 + 3 {
		for _, v := range []int{n, -n} {
			s := Count(v)
			if back, err := strconv.Atoi(strings.ReplaceAll(s, ",", "")); err != nil || back != v {
				t.Fatalf("Count(%d) = %q reads back as %d (%v)", v, s, back, err)
			}
			groups := strings.Split(strings.TrimPrefix(s, "-"), ",")
			if len(groups[0]) < 1 || len(groups[0]) > 3 {
				t.Errorf("Count(%d) = %q: first group %q", v, s, groups[0])
			}
			for _, g := range groups[1:] {
				if len(g) != 3 {
					t.Errorf("Count(%d) = %q: group %q is not three digits", v, s, g)
				}
			}
		}
	}
}
