package web

import (
	"encoding/xml"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/casetrack/casetrack/internal/i18n"
	"github.com/casetrack/casetrack/internal/store/storetest"
)

// englishLeft lists the English words of the messages whose id starts
// with one of prefixes that show in text although the language l
// translates them: the fixed parts of each message between its
// placeholders, five characters or more.
func englishLeft(t *testing.T, cat *i18n.Catalog, l *i18n.Locale, text string, prefixes ...string) []string {
	t.Helper()
	en := cat.Default()
	var left []string
	for _, id := range cat.IDs() {
		if !hasAnyPrefix(id, prefixes) {
			continue
		}
		translated := l.T(id)
		for _, part := range strings.Split(en.T(id), "<no value>") {
			part = strings.Trim(part, " ,.:;()·")
			if len(part) < 5 || strings.Contains(translated, part) {
				continue
			}
			if strings.Contains(text, part) {
				left = append(left, id+": "+part)
			}
		}
	}
	return left
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// codeWord matches form and category codes (I-485, EB-2, H-1B), which
// keep their Latin digits in every language.
var codeWord = regexp.MustCompile(`[A-Za-z]+[A-Za-z0-9]*-[0-9][A-Za-z0-9]*`)

// latinDigits reports whether text, codes left out, has Latin digits.
func latinDigits(text string) bool {
	return strings.ContainsAny(codeWord.ReplaceAllString(text, ""), "0123456789")
}

// TestAtomFeedInLanguage: the Atom feed of ?lang=X has its title, entry
// titles and texts in X (no English of the feed's catalog where X says
// otherwise; Arabic-Indic digits in Arabic and Persian), names the
// stylesheet of X, and that stylesheet speaks X too. English stays the
// feed of an address without lang.
func TestAtomFeedInLanguage(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t), mailComposer(t))
	e.createFixture()
	cat := e.server.lang
	for _, code := range []string{"es", "zh-Hans", "ar", "fa"} {
		t.Run(code, func(t *testing.T) {
			l := cat.Locale(code)
			res := e.get("/feed.atom?category=eb2-niw&filed=2024-03&lang=" + code)
			mustStatus(t, res, http.StatusOK)
			var doc atomDoc
			if err := xml.Unmarshal([]byte(res.body), &doc); err != nil {
				t.Fatal(err)
			}
			if len(doc.Entries) == 0 {
				t.Fatal("no entries")
			}
			var text strings.Builder
			text.WriteString(doc.Title + "\n")
			for _, en := range doc.Entries {
				body, _, _ := strings.Cut(en.Content.Body, "\n") // the note is the applicant's own text
				text.WriteString(en.Title + "\n" + body + "\n")
			}
			for _, w := range englishLeft(t, cat, l, text.String(), "feed.", "units.", "date.") {
				t.Errorf("English left: %s", w)
			}
			if l.RTL() && latinDigits(text.String()) {
				t.Errorf("Latin digits in:\n%s", text.String())
			}
			xslRef := `href="/feed.xsl?lang=` + code + `"`
			if !strings.Contains(res.body, xslRef) {
				t.Errorf("the feed does not name its stylesheet as %s", xslRef)
			}
			xsl := e.get("/feed.xsl?lang=" + code)
			mustStatus(t, xsl, http.StatusOK)
			if _, err := xmlRoot(xsl.body); err != nil {
				t.Fatalf("stylesheet not well-formed: %v", err)
			}
			page := regexp.MustCompile(`(?s)<!--.*?-->`).ReplaceAllString(xsl.body, "") // comments are for developers
			for _, w := range englishLeft(t, cat, l, page, "feed.xsl.", "atom.", "layout.") {
				t.Errorf("stylesheet: English left: %s", w)
			}
			if !strings.Contains(xsl.body, `lang="`+code+`" dir="`+l.Dir()+`"`) {
				t.Errorf("stylesheet's page is not marked lang=%s dir=%s", code, l.Dir())
			}
		})
	}
	// Without lang, whatever the cookie says, the feed is English.
	res := e.get("/feed.atom?category=eb2-niw", "Cookie", i18n.CookieName+"=es")
	if !strings.Contains(res.body, "<title>CaseTrack: latest milestones, EB-2") || !strings.Contains(res.body, `href="/feed.xsl"`) {
		t.Errorf("the feed without lang is not English:\n%s", res.body[:min(len(res.body), 400)])
	}
}

// TestFeedPageInLanguage: the feed page writes dates, filing months and
// the Atom link in the reader's language.
func TestFeedPageInLanguage(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	e.createFixture()
	for _, tc := range []struct{ code, want string }{
		{"en", "June 10, 2025"},
		{"es", "10 de junio de 2025"},
		{"ar", "٢٠٢٥"},
	} {
		res := e.get("/feed?category=eb2-niw&lang=" + tc.code)
		mustStatus(t, res, http.StatusOK)
		if !strings.Contains(res.body, tc.want) {
			t.Errorf("%s: the feed page lacks %q", tc.code, tc.want)
		}
		items := res.body[strings.Index(res.body, `<ol class="feed">`):]
		items = items[:strings.Index(items, "</ol>")]
		visible := regexp.MustCompile(`<[^>]*>`).ReplaceAllString(items, " ")
		if tc.code == "ar" && latinDigits(visible) {
			t.Errorf("ar: Latin digits in the items:\n%s", visible)
		}
		wantAtom := `href="/feed.atom?category=eb2-niw"`
		if tc.code != "en" {
			wantAtom = `href="/feed.atom?category=eb2-niw&amp;lang=` + tc.code + `"`
		}
		if !strings.Contains(res.body, wantAtom) {
			t.Errorf("%s: the feed page lacks the Atom link %s", tc.code, wantAtom)
		}
	}
}

// TestFeedFilterErrorInLanguage: a refused feed filter says why in the
// reader's language, on the page and in the API's message, naming each
// filter as the feed's form labels it in that language (as Explore's
// field errors do), never by its bare parameter; the API's code stays
// bad_request whatever the language.
func TestFeedFilterErrorInLanguage(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	for _, tc := range []struct{ path, want, unwant string }{
		{"/feed?lang=es&country=ZZ&filed=2024-13", "No se entendió el filtro de novedades: País de nacimiento &#34;ZZ&#34; no es un código de país conocido", "not a known"},
		{"/feed?lang=es&filed=2024-13", "Presentado en (AAAA-MM) &#34;2024-13&#34;: el mes debe estar entre 01 y 12", "must be between"},
		{"/feed?lang=es&country=ZZ", "País de nacimiento &#34;ZZ&#34;", "country &#34;ZZ&#34;"},
		{"/api/v1/feed?lang=es&category=x-1&milestone=nope", `Categoría \"x-1\" no es una categoría conocida; Hito \"nope\" no es un hito`, `category \"x-1\"`},
		{"/api/v1/feed?lang=es&filed=2999-12", `Presentado en (AAAA-MM) \"2999-12\" es posterior a este mes`, `filed \"2999-12\"`},
		{"/api/v1/feed?lang=es&premium=fast", `Procesamiento prioritario (premium) \"fast\" no es ninguno de estos valores`, `premium \"fast\"`},
		{"/api/v1/feed?lang=es&limit=0", "limit debe ser un número entero", "must be a whole number"},
		{"/api/v1/feed?lang=zh-Hans&milestone=nope", `进展 \"nope\" 不是任何类别的进展`, "not a step"},
		{"/api/v1/feed?lang=ar&service_center=XYZ", `مركز الخدمة \"XYZ\" ليس مركز خدمة معروفًا`, `service_center \"XYZ\"`},
		{"/api/v1/feed?milestone=nope&category=eb2-niw", `Milestone \"nope\" is not a step of the category eb2-niw`, `milestone \"nope\"`},
	} {
		res := e.get(tc.path)
		if res.status != http.StatusBadRequest || !strings.Contains(res.body, tc.want) || (tc.unwant != "" && strings.Contains(res.body, tc.unwant)) {
			t.Errorf("%s: %d, want %q without %q:\n%s", tc.path, res.status, tc.want, tc.unwant, res.body[:min(len(res.body), 3000)])
		}
		if strings.HasPrefix(tc.path, "/api/") {
			if eb := res.apiError(t); eb.Error != "bad_request" || len(eb.Fields) > 0 {
				t.Errorf("%s: code %q with fields %v, want bad_request as before", tc.path, eb.Error, eb.Fields)
			}
		}
	}
}
