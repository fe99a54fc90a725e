package web

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/casetrack/casetrack/internal/i18n"
	"github.com/casetrack/casetrack/internal/store/storetest"
)

// outlookSection is the "where you stand" section of a page, with its
// text alternatives: what the outlook and phrase areas write.
var outlookSection = regexp.MustCompile(`(?s)<section id="outlook".*?</section>`)

// formCode matches the codes that stay Latin in every language (EB-2,
// I-485) and the typed values that are quoted back as typed.
var latinCode = regexp.MustCompile(`\b[A-Z]{1,3}-[0-9A-Z]+\b|\b\d{4}-\d{2}(-\d{2})?\b`)

// areaPieces are the fixed words (three or more, between placeholders) of
// the English messages with the given prefixes that the language writes
// differently.
func areaPieces(c *i18n.Catalog, l *i18n.Locale, prefixes ...string) []string {
	var out []string
	for _, id := range c.IDs() {
		match := false
		for _, p := range prefixes {
			match = match || strings.HasPrefix(id, p)
		}
		en, tr := c.Default().T(id, "Count", 5), l.T(id, "Count", 5)
		if !match || en == tr {
			continue
		}
		for _, piece := range strings.Split(en, "<no value>") {
			piece = strings.TrimSpace(strings.Trim(piece, " ,.;:()"))
			if len(strings.Fields(piece)) >= 3 && !strings.Contains(tr, piece) {
				out = append(out, piece)
			}
		}
	}
	return out
}

// TestOutlookPagesSpeakTheLanguage: the outlook of a pending case, the
// comparison of a decided one, Explore's outlook (suppressed, with its
// wider groups, and its form's messages) show none of their English
// sentences in another language, and Arabic writes every number of the
// outlook in Arabic digits.
func TestOutlookPagesSpeakTheLanguage(t *testing.T) {
	c, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, storetest.SQLite(t))
	cases := seedOutlook(e)
	pages := []struct {
		name, path string
		status     int
	}{
		{"pending case", "/cases/" + cases[40].ID, http.StatusOK},
		{"decided case", "/cases/" + cases[0].ID, http.StatusOK},
		{"explore outlook", "/explore?category=eb2-niw&country=IN&service_center=TSC&filed=2023-06&as_of=2025-01-01", http.StatusOK},
		{"explore suppressed", "/explore?category=eb2-niw&country=IN&filed=2023-06", http.StatusOK},
		{"explore form errors", "/explore?category=eb2-niw&filed=2025-09&as_of=2025-13-01", http.StatusUnprocessableEntity},
	}
	for _, code := range []string{"es", "zh-Hans", "ar"} {
		l := c.Locale(code)
		if l == nil {
			t.Fatalf("%s is not offered: %v", code, c.Problems()[code])
		}
		pieces := areaPieces(c, l, "outlook.", "phrase.")
		for _, p := range pages {
			res := e.get(p.path + sep(p.path) + "lang=" + code)
			mustStatus(t, res, p.status)
			section := outlookSection.FindString(res.body)
			if section == "" {
				t.Fatalf("%s %s: no outlook section", code, p.name)
			}
			shown := text(section) + " " + strings.Join(regexp.MustCompile(`aria-label="([^"]*)"`).FindAllString(section, -1), " ")
			for _, piece := range pieces {
				if strings.Contains(shown, piece) {
					t.Errorf("%s %s: English %q", code, p.name, piece)
				}
			}
			if l.RTL() {
				digits := latinCode.ReplaceAllString(shown, "")
				digits = regexp.MustCompile(`[a-z_]+="[^"]*"`).ReplaceAllString(digits, "")
				if m := regexp.MustCompile(`\S*[0-9]\S*`).FindAllString(digits, -1); len(m) > 0 {
					t.Errorf("%s %s: Latin digits in %q", code, p.name, m)
				}
			}
		}
	}
	// The check finds the English outlook, so it can fail.
	res := e.get("/cases/" + cases[40].ID + "?lang=en")
	found := 0
	for _, piece := range areaPieces(c, c.Locale("es"), "outlook.", "phrase.") {
		if strings.Contains(text(outlookSection.FindString(res.body)), piece) {
			found++
		}
	}
	if found < 5 {
		t.Errorf("only %d English pieces found on the English case page", found)
	}
}

// sep is the separator before one more query parameter.
func sep(path string) string {
	if strings.Contains(path, "?") {
		return "&"
	}
	return "?"
}
