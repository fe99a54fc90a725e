package i18n

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
)

// TestPseudoText checks that letters become look-alikes while
// placeholders, tags and entities stay usable.
func TestPseudoText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Receipt notice", "Ŕéçéíþţ ñóţíçé"},
		{"{{.Count}} cases", "{{.Count}} çášéš"},
		{`See <a href="/explore">Explore</a> &amp; more`, `Šéé <a href="/explore">Éẋþĺóŕé</a> &amp; ɱóŕé`},
		{"8 in 10", "8 íñ 10"},
	} {
		if got := pseudoText(tc.in); got != tc.want {
			t.Errorf("pseudoText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestPseudoCatalogComplete checks that the pseudo language is offered
// (every message, placeholder and plural form present) and that none of
// its messages keeps a plain ASCII word outside markup.
func TestPseudoCatalogComplete(t *testing.T) {
	c, err := Pseudo("zh-Hans")
	if err != nil {
		t.Fatal(err)
	}
	if p := c.Problems(); len(p) > 0 {
		t.Fatalf("pseudo catalog incomplete: %q", p)
	}
	l := c.Locale("zh-Hans")
	if l == nil {
		t.Fatal("pseudo language not offered")
	}
	if got := l.T("units.days", "Count", 3); got != "3 đáýš" {
		t.Errorf("units.days = %q", got)
	}
	markup := regexp.MustCompile(`\{\{[^}]*\}\}|<[^>]*>|&[A-Za-z0-9#]+;`)
	for id, m := range c.messages["zh-Hans"] {
		text := markup.ReplaceAllString(strings.Join(slices.Collect(mapValues(forms(m))), " "), "")
		for _, w := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) }) {
			if strings.IndexFunc(w, func(r rune) bool { return r < unicode.MaxASCII }) >= 0 {
				t.Errorf("%s: ASCII letters left in %q", id, w)
				break
			}
		}
	}
	if _, err := Pseudo(Source); err == nil {
		t.Error("Pseudo(en) accepted")
	}
}
