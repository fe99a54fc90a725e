package i18n

import (
	"testing"
	"time"
)

// TestMonthNames checks that the month names read for package dateinput
// are those the pages write, in every language.
func TestMonthNames(t *testing.T) {
	names, err := MonthNames()
	if err != nil {
		t.Fatal(err)
	}
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != len(registry) {
		t.Errorf("%d languages, want %d", len(names), len(registry))
	}
	for _, l := range c.Offered() {
		for m := time.January; m <= time.December; m++ {
			if got, want := names[l.Code()][m-1], l.Month(m); got != want {
				t.Errorf("%s month %d: %q, the pages write %q", l.Code(), m, got, want)
			}
		}
	}
}
