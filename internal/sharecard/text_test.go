package sharecard

import (
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/casetrack/casetrack/internal/i18n"
)

// loadCatalog loads the messages of every language.
func loadCatalog(t testing.TB) *i18n.Catalog {
	t.Helper()
	c, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// cardWords is everything a card in l can write: its messages with
// sample values, month names, and the language's digits.
func cardWords(t *testing.T, cat *i18n.Catalog, l *i18n.Locale) []string {
	t.Helper()
	var out []string
	for _, id := range cat.IDs() {
		if strings.HasPrefix(id, "card.") {
			out = append(out, l.T(id, "Duration", l.Duration(214), "Month", l.MonthYear(time.Now()),
				"Country", "India", "Percent", percent(l, 0.62), "Group", "EB-2"))
		}
	}
	for m := time.January; m <= time.December; m++ {
		out = append(out, l.T(fmt.Sprintf("charts.month_short_%d", int(m))), l.Month(m))
	}
	return append(out, l.Count(1234567), l.Decimal(0.5), l.Duration(3))
}

// missingGlyphs lists the runes of words that no face of the card's
// fonts for the language code has a glyph for, in either weight.
func missingGlyphs(t *testing.T, code string, words []string) []rune {
	t.Helper()
	ts, err := newTypesetter(code, false)
	if err != nil {
		t.Fatal(err)
	}
	defer ts.release()
	var missing []rune
	for _, w := range words {
		for _, r := range w {
			if unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) {
				continue
			}
			for _, bold := range []bool{false, true} {
				if _, ok := ts.fonts[bold].ResolveFace(r).NominalGlyph(r); !ok {
					missing = append(missing, r)
				}
			}
		}
	}
	return missing
}

// TestDrawableLanguagesHaveGlyphs: the card is drawn only in languages
// whose every word its fonts have glyphs for, and every language the
// site offers is drawn once its fonts are found (only Chinese depends on
// the system: see requireCJK).
func TestDrawableLanguagesHaveGlyphs(t *testing.T) {
	cat := loadCatalog(t)
	for _, l := range cat.Offered() {
		t.Run(l.Code(), func(t *testing.T) {
			if l.Code() == "zh-Hans" {
				requireCJK(t)
			}
			if !Speaks(l) {
				t.Fatal("the card cannot be drawn in it")
			}
			if missing := missingGlyphs(t, l.Code(), cardWords(t, cat, l)); len(missing) > 0 {
				t.Errorf("cards are drawn in it, but the fonts lack %q", missing)
			}
		})
	}
}

// TestCardSpeaksTheLanguage: a card in Spanish or Portuguese has no
// English sentence of the card catalog; one in a language the fonts
// cannot draw is the English card; and the language is part of the
// card's version, so the cache and the ETag tell them apart.
func TestCardSpeaksTheLanguage(t *testing.T) {
	cat := loadCatalog(t)
	en := cat.Default()
	english := map[string]bool{}
	for _, id := range cat.IDs() {
		if strings.HasPrefix(id, "card.") {
			english[en.T(id, "Duration", "", "Month", "", "Country", "", "Percent", "", "Group", "")] = true
		}
	}
	texts := func(c Card) []string {
		return []string{c.brandText(), c.StatusText(), c.Subtitle(), c.CohortText(), c.GroupText(), c.filedLabel(),
			c.waitingLabel(time.Date(2025, time.March, 1, 0, 0, 0, 0, time.UTC))}
	}
	for name, base := range sampleCards() {
		for _, code := range []string{"es", "pt-BR", "zh-Hans", "hi", "vi", "ar", "fa"} {
			l := cat.Locale(code)
			c := base
			c.Locale = l
			if !Speaks(l) {
				if c.Lang() != "en" || strings.Join(texts(c), "|") != strings.Join(texts(base), "|") {
					t.Errorf("%s in %s: not the English card: %q", name, code, texts(c))
				}
				continue
			}
			if c.Lang() != code || c.Version() == base.Version() {
				t.Errorf("%s in %s: language %s, version %s like English's", name, code, c.Lang(), c.Version())
			}
			for _, s := range texts(c) {
				for e := range english {
					if e = strings.TrimSpace(e); len(e) > 4 && strings.Contains(s, e) {
						t.Errorf("%s in %s: English %q in %q", name, code, e, s)
					}
				}
				for _, w := range []string{"Filed", "Born in", "Approved", "Denied", "Pending", "months", "days", "Waiting", "compare"} {
					if strings.Contains(s, w) {
						t.Errorf("%s in %s: English %q in %q", name, code, w, s)
					}
				}
			}
		}
	}
}

// TestCacheKeepsEachLanguage: the English and the Spanish card of one
// case are both kept, and forgetting the case drops both.
func TestCacheKeepsEachLanguage(t *testing.T) {
	cat := loadCatalog(t)
	ch := NewCache(4)
	c := sampleCards()["approved"]
	es := c
	es.Locale = cat.Locale("es")
	enPNG, _, err := ch.PNG("c_1", c)
	if err != nil {
		t.Fatal(err)
	}
	esPNG, _, err := ch.PNG("c_1", es)
	if err != nil {
		t.Fatal(err)
	}
	if string(enPNG) == string(esPNG) || ch.Len() != 2 {
		t.Fatalf("English and Spanish cards: same picture %v, %d entries", string(enPNG) == string(esPNG), ch.Len())
	}
	if again, _, _ := ch.PNG("c_1", c); &again[0] != &enPNG[0] {
		t.Error("the Spanish card replaced the English one")
	}
	ch.Forget("c_1")
	if ch.Len() != 0 {
		t.Errorf("%d cards left after Forget", ch.Len())
	}
}
