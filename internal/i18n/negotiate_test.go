package i18n

import (
	"testing"
	"unicode/utf8"
)

// TestNegotiate checks the order: lang parameter, then cookie, then
// Accept-Language, then the source language.
func TestNegotiate(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		param, cookie, accept string
		want                  string
		fromParam             bool
	}{
		{"", "", "", "en", false},
		{"", "", "es-MX,es;q=0.9,en;q=0.5", "es", false},
		{"", "", "en-US,en;q=0.9,es;q=0.8", "en", false},
		{"", "", "de-DE,de;q=0.9", "en", false},
		{"", "", "de;q=0.9,es;q=0.5", "es", false},
		{"", "", "garbage;;;q=x", "en", false},
		{"", "es", "en", "es", false},
		{"", "xx-invalid!", "es", "es", false},
		{"", "de", "es", "es", false},
		{"en", "es", "es", "en", true},
		{"es", "en", "en", "es", true},
		{"es-AR", "", "", "es", true},
		{"klingon", "es", "en", "es", false},
		{"de", "", "es", "es", false},
		{"", "", "*", "en", false},
	} {
		got := c.Negotiate(tc.param, tc.cookie, tc.accept)
		if got.Locale.Code() != tc.want || got.FromParam != tc.fromParam {
			t.Errorf("Negotiate(%q, %q, %q) = %s (param %v), want %s (param %v)",
				tc.param, tc.cookie, tc.accept, got.Locale.Code(), got.FromParam, tc.want, tc.fromParam)
		}
	}
}

// FuzzNegotiate checks that no parameter, cookie or header makes the
// choice fail or pick a language that is not offered.
func FuzzNegotiate(f *testing.F) {
	c, err := Load()
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{"", "es", "en-US,en;q=0.9", "zh-Hans-CN;q=0.1", "*;q=0", "es-419", "x-klingon", "a;q=1e9999"} {
		f.Add(s, s, s)
	}
	f.Fuzz(func(t *testing.T, param, cookie, accept string) {
		got := c.Negotiate(param, cookie, accept)
		if got.Locale == nil || c.Locale(got.Locale.Code()) != got.Locale {
			t.Fatalf("Negotiate(%q, %q, %q) gave a language not offered", param, cookie, accept)
		}
		if got.FromParam && c.Exact(param) == nil {
			t.Fatalf("FromParam set for %q", param)
		}
		if !utf8.ValidString(got.Locale.Code()) {
			t.Fatal("bad code")
		}
	})
}
