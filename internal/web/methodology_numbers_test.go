package web

import (
	"testing"

	"github.com/casetrack/casetrack/internal/i18n"
)

// TestMethodologyNumbers: the truth lab's numbers keep the English digits
// the page always had, and take each language's decimal mark, percent
// sign, digits and sign placement (Arabic and Persian put a direction
// mark before the sign, plus or minus alike).
func TestMethodologyNumbers(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		code string
		got  func(n numbers) string
		want string
	}{
		{"en", func(n numbers) string { return n.signedPercent(0.0031) }, "+0.3%"},
		{"en", func(n numbers) string { return n.signedPercent(-0.1414) }, "-14.1%"},
		{"en", func(n numbers) string { return n.signedPercent(0) }, "+0.0%"},
		{"en", func(n numbers) string { return n.percent(0.9250) }, "92%"},
		{"en", func(n numbers) string { return n.signedWhole(-0.004) }, "0"},
		{"en", func(n numbers) string { return n.signedWhole(1.125) }, "+112"},
		{"en", func(n numbers) string { return n.share(8.0 / 15) }, "53.3%"},
		{"en", func(n numbers) string { return n.months(333) }, "10.9"},
		{"en", func(n numbers) string { return n.decimal(30.436875, 2) }, "30.44"},
		{"es", func(n numbers) string { return n.percent(0.93) }, "93\u00a0%"},
		{"es", func(n numbers) string { return n.signedPercent(0.272) }, "+27,2\u00a0%"},
		{"es", func(n numbers) string { return n.months(333) }, "10,9"},
		{"ar", func(n numbers) string { return n.signedPercent(0) }, "\u061c+٠٫٠٪\u061c"},
		{"ar", func(n numbers) string { return n.signedWhole(0.22) }, "\u061c+٢٢"},
		{"ar", func(n numbers) string { return n.signedWhole(-0.22) }, "\u061c-٢٢"},
		{"fa", func(n numbers) string { return n.signedPercent(-0.141) }, "\u200e\u2212۱۴٫۱٪"},
		{"fa", func(n numbers) string { return n.signedPercent(0.141) }, "\u200e+۱۴٫۱٪"},
	}
	for _, tt := range tests {
		if got := tt.got(newNumbers(cat.Locale(tt.code))); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.code, got, tt.want)
		}
	}
}
