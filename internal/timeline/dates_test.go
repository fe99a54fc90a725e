package timeline

import (
	"testing"
	"time"
)

// TestDaysSinceFiled: days count from the 15th of the filing month, and a
// step earlier in that month is day 0, never a negative wait.
func TestDaysSinceFiled(t *testing.T) {
	filed := Month{Year: 2024, Month: time.May}
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	for _, tt := range []struct {
		at   time.Time
		want int
	}{
		{day(2024, time.May, 3), 0},
		{day(2024, time.May, 15), 0},
		{day(2024, time.May, 16), 1},
		{day(2024, time.June, 15), 31},
		{day(2025, time.May, 15), 365},
	} {
		if got := filed.DaysSinceFiled(tt.at); got != tt.want {
			t.Errorf("filed %s, at %s: %d days, want %d", filed, tt.at.Format(time.DateOnly), got, tt.want)
		}
	}
}
