package timeline

import (
	"testing"
	"time"
)

// TestCheckFilingMonth: the strict-input promise for filters refuses
// filing months no case can have.
func TestCheckFilingMonth(t *testing.T) {
	now := time.Date(2025, 6, 20, 15, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		m  Month
		ok bool
	}{
		{Month{0, 1}, false},
		{Month{1989, 12}, false},
		{Month{1990, 1}, true},
		{Month{2024, 3}, true},
		{Month{2025, 6}, true},
		{Month{2025, 7}, false},
		{Month{9999, 12}, false},
	} {
		if err := CheckFilingMonth(tt.m, now); (err == nil) != tt.ok {
			t.Errorf("CheckFilingMonth(%s) = %v, want ok %v", tt.m, err, tt.ok)
		}
	}
}
