package sharecard

import (
	"bytes"
	"cmp"
	"image"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode"

	"github.com/go-text/typesetting/font"
)

// requireCJK skips a test that needs the system's Chinese font when it
// is not installed, except in CI (.ci/run installs it), where its
// absence is a failure.
func requireCJK(t testing.TB) {
	t.Helper()
	if fontLibrary().speaks("zh-Hans") {
		return
	}
	msg := "no Noto Sans CJK font under " + cmp.Or(os.Getenv(FontsDirEnv), DefaultFontsDir) + ": install the Debian package fonts-noto-cjk (or set " + FontsDirEnv + ") to test Chinese cards"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// scriptCards are a card in each language with names written in it, as
// the site gives them, and the letters its text must show.
var scriptCards = []struct {
	code, category, country, group string
	script                         *unicode.RangeTable
	letters                        string // for Latin scripts: letters only the language uses
}{
	{code: "es", category: "EB-2 Exención por Interés Nacional", country: "India", group: "casos EB-2 de la India", letters: "ó"},
	{code: "pt-BR", category: "EB-2 Dispensa por Interesse Nacional", country: "Índia", group: "casos EB-2 da Índia", letters: "ô"},
	{code: "vi", category: "EB-2 Miễn trừ vì Lợi ích Quốc gia", country: "Ấn Độ", group: "hồ sơ EB-2 từ Ấn Độ", letters: "ượ"},
	{code: "hi", category: "EB-2 राष्ट्रीय हित छूट", country: "भारत", group: "भारत के EB-2 केस", script: unicode.Devanagari},
	{code: "ar", category: "EB-2 الإعفاء للمصلحة الوطنية", country: "الهند", group: "قضايا EB-2 من الهند", script: unicode.Arabic},
	{code: "fa", category: "EB-2 معافیت منافع ملی", country: "هند", group: "پرونده‌های EB-2 از هند", script: unicode.Arabic},
	{code: "zh-Hans", category: "EB-2 国家利益豁免", country: "印度", group: "来自印度的 EB-2 案件", script: unicode.Han},
}

// scriptCard is the approved sample card in code's language.
func scriptCard(t testing.TB, code, category, country, group string) Card {
	t.Helper()
	if code == "zh-Hans" {
		requireCJK(t)
	}
	cat := loadCatalog(t)
	c := sampleCards()["approved"]
	c.Locale, c.Category, c.Country, c.Cohort.Group = cat.Locale(code), category, country, group
	c.Milestones = []Milestone{{category, 5, false}, {country, 214, true}}
	return c
}

// TestCardInEveryScript: a card in each language is drawn in it (its
// sentences, in its script), with a glyph for every character (no
// missing-glyph box), and every line's ink inside the card.
func TestCardInEveryScript(t *testing.T) {
	english := sampleCards()["approved"]
	for _, tt := range scriptCards {
		t.Run(tt.code, func(t *testing.T) {
			c := scriptCard(t, tt.code, tt.category, tt.country, tt.group)
			if c.Lang() != tt.code {
				t.Fatalf("card drawn in %s", c.Lang())
			}
			cv, err := render(c)
			if err != nil {
				t.Fatal(err)
			}
			texts := map[string]bool{}
			for _, l := range cv.drawn {
				texts[l.text] = true
				checkGlyphs(t, l)
				if !l.ink.In(image.Rect(0, 0, Width, Height)) {
					t.Errorf("%q: ink %v outside the card", l.text, l.ink)
				}
				if l.ink.Min.X < margin-8 || l.ink.Max.X > Width-margin+8 {
					t.Errorf("%q: ink %v outside the margins", l.text, l.ink)
				}
			}
			for _, s := range []string{c.StatusText(), c.CohortText(), c.brandText()} {
				if !texts[s] {
					t.Errorf("%q was not drawn (drawn: %q)", s, slices.Sorted(mapKeys(texts)))
				}
			}
			if c.StatusText() == english.StatusText() || c.CohortText() == english.CohortText() {
				t.Errorf("English sentences: %q, %q", c.StatusText(), c.CohortText())
			}
			all := strings.Join(slices.Collect(mapKeys(texts)), " ")
			if tt.script != nil && !strings.ContainsFunc(c.StatusText()+c.CohortText(), func(r rune) bool { return unicode.Is(tt.script, r) }) {
				t.Errorf("no letter of the language's script in %q", all)
			}
			if !strings.ContainsAny(all, tt.letters) && tt.letters != "" {
				t.Errorf("none of %q in %q", tt.letters, all)
			}
		})
	}
}

func mapKeys(m map[string]bool) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// checkGlyphs fails for a drawn line with a missing-glyph box, or a
// character the face chosen for it has no glyph for.
func checkGlyphs(t *testing.T, l drawnLine) {
	t.Helper()
	for _, g := range l.glyphs {
		if g.id == 0 {
			t.Errorf("%q: a missing-glyph box (.notdef) in %s", l.text, g.face.Describe().Family)
		}
	}
	for _, r := range l.text {
		if unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) {
			continue
		}
		if !slices.ContainsFunc(l.glyphs, func(g drawnGlyph) bool { _, ok := g.face.NominalGlyph(r); return ok }) {
			t.Errorf("%q: no face of the line has %q", l.text, r)
		}
	}
}

// TestArabicIsShaped: the letters of a joined Arabic or Persian word
// take their joining forms, so the shaped glyphs differ from the ones
// each letter has on its own.
func TestArabicIsShaped(t *testing.T) {
	cat := loadCatalog(t)
	for _, code := range []string{"ar", "fa"} {
		words := strings.Fields(cat.Locale(code).T("card.cohort.not_enough"))
		word := slices.MaxFunc(words, func(a, b string) int { return len([]rune(a)) - len([]rune(b)) })
		ts, err := newTypesetter(code, true)
		if err != nil {
			t.Fatal(err)
		}
		line := ts.line(word, styleCohort, Width)
		var shaped, alone []font.GID
		for _, run := range line.runs {
			for _, g := range run.Glyphs {
				shaped = append(shaped, g.GlyphID)
			}
		}
		face := ts.fonts[true][0]
		for _, r := range word {
			id, _ := face.NominalGlyph(r)
			alone = append(alone, id)
		}
		slices.Reverse(alone) // shaped glyphs run from the left
		if slices.Equal(shaped, alone) {
			t.Errorf("%s: %q drawn letter by letter, unjoined: %v", code, word, shaped)
		}
		ts.release()
	}
}

// TestRightToLeftLinesAreRightAligned: in Arabic and Persian the lines
// of the text column end at the right margin; in English they start at
// the left one.
func TestRightToLeftLinesAreRightAligned(t *testing.T) {
	for _, tt := range scriptCards {
		c := scriptCard(t, tt.code, tt.category, tt.country, tt.group)
		rtl := c.locale().RTL()
		cv, err := render(c)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range []string{c.CohortText(), c.Subtitle(), c.brandText()} {
			l, ok := drawnText(cv, s)
			if !ok {
				t.Errorf("%s: %q not drawn", tt.code, s)
				continue
			}
			left, right := l.ink.Min.X-margin, Width-margin-l.ink.Max.X
			switch {
			case rtl && (right > 6 || left <= right):
				t.Errorf("%s: %q at %v, want it against the right margin (%d)", tt.code, s, l.ink, Width-margin)
			case !rtl && (left > 6 || right <= left):
				t.Errorf("%s: %q at %v, want it against the left margin (%d)", tt.code, s, l.ink, margin)
			}
		}
	}
}

// drawnText is the drawn line whose text is s.
func drawnText(cv *canvas, s string) (drawnLine, bool) {
	i := slices.IndexFunc(cv.drawn, func(l drawnLine) bool { return l.text == s })
	if i < 0 {
		return drawnLine{}, false
	}
	return cv.drawn[i], true
}

// BenchmarkDraw is the cost of drawing one card in each script.
func BenchmarkDraw(b *testing.B) {
	for _, tt := range scriptCards {
		b.Run(tt.code, func(b *testing.B) {
			c := scriptCard(b, tt.code, tt.category, tt.country, tt.group)
			for b.Loop() {
				if _, err := Render(c); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestMissingCJKFont: without a Chinese font in the fonts directory,
// Chinese is not spoken (its cards stay English) and the library says
// which package to install; the embedded scripts are always there.
func TestMissingCJKFont(t *testing.T) {
	lib := findFonts(t.TempDir())
	if lib.speaks("zh-Hans") {
		t.Error("Chinese spoken without a Chinese font")
	}
	for _, code := range []string{"en", "es", "pt-BR", "vi", "hi", "ar", "fa"} {
		if !lib.speaks(code) {
			t.Errorf("%s: not spoken with the embedded fonts", code)
		}
	}
	if len(lib.missing) != 1 || !strings.Contains(lib.missing[0], "fonts-noto-cjk") {
		t.Errorf("missing-font messages %q, want one naming fonts-noto-cjk", lib.missing)
	}
}

// TestArabicNumbersKeepTheirOrder: a number inside a right-to-left line
// still reads from the left: in "٦٢٪" (62%) the 6 is drawn left of the 2.
func TestArabicNumbersKeepTheirOrder(t *testing.T) {
	c := scriptCard(t, "ar", "EB-2", "الهند", "قضايا EB-2")
	cv, err := render(c)
	if err != nil {
		t.Fatal(err)
	}
	l, ok := drawnText(cv, c.CohortText())
	if !ok || !strings.Contains(l.text, "٦٢") {
		t.Fatalf("cohort line %q, want one with ٦٢", c.CohortText())
	}
	at := func(r rune) int {
		return slices.IndexFunc(l.glyphs, func(g drawnGlyph) bool { id, ok := g.face.NominalGlyph(r); return ok && id == g.id })
	}
	six, two := at('٦'), at('٢')
	if six < 0 || two < 0 || six > two {
		t.Errorf("glyphs of 6 and 2 at %d and %d from the left, want the 6 first", six, two)
	}
}

// TestConcurrentCards: cards in several scripts drawn at once come out
// as drawn alone (faces and shapers are not shared between drawings;
// run with -race).
func TestConcurrentCards(t *testing.T) {
	want := map[string][]byte{}
	for _, tt := range scriptCards[2:6] {
		b, err := Render(scriptCard(t, tt.code, tt.category, tt.country, tt.group))
		if err != nil {
			t.Fatal(err)
		}
		want[tt.code] = b
	}
	var wg sync.WaitGroup
	for range 3 {
		for _, tt := range scriptCards[2:6] {
			c := scriptCard(t, tt.code, tt.category, tt.country, tt.group)
			wg.Go(func() {
				if b, err := Render(c); err != nil || !bytes.Equal(b, want[tt.code]) {
					t.Errorf("%s: drawn at the same time as others, a different card (%v)", tt.code, err)
				}
			})
		}
	}
	wg.Wait()
}
