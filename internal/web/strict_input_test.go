package web

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/casetrack/casetrack/internal/store/storetest"
)

// TestStrictInput checks the strict-input promise (API.md "Errors"):
// text that is not valid UTF-8 anywhere in a query string, form body or
// JSON body answers 400 naming the field, and nothing is stored; a filing
// month no case can have answers 422 naming the filter field.
func TestStrictInput(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	jsonWith := func(field, raw string) string {
		sub := mustJSON(t, validSubmission())
		switch field {
		case "note":
			return strings.Replace(sub, `"note":"Premium processing was not used."`, `"note":"`+raw+`"`, 1)
		case "milestones[1].date":
			return strings.Replace(sub, `"date":"2024-09"`, `"date":"`+raw+`"`, 1)
		}
		t.Fatalf("no such field %s", field)
		return ""
	}
	form := validForm()
	form.Set("note", "caf\xe9")
	tests := []struct {
		name, method, path, ctype, body string
		status                          int
		field                           string
	}{
		{"JSON note, invalid byte", "POST", "/api/v1/cases", "application/json", jsonWith("note", "caf\xe9"), 400, "note"},
		{"JSON note, lone surrogate", "POST", "/api/v1/cases", "application/json", jsonWith("note", `\udc00`), 400, "note"},
		{"JSON milestone date", "POST", "/api/v1/cases", "application/json; charset=utf-8", jsonWith("milestones[1].date", "2024-0\xff"), 400, "milestones[1].date"},
		{"form note", "POST", "/submit", "application/x-www-form-urlencoded", form.Encode(), 400, "note"},
		{"stats query", "GET", "/api/v1/stats?category=eb2-niw&country=%C3", "", "", 400, "country"},
		{"explore query", "GET", "/explore?category=eb2%FF", "", "", 400, "category"},
		{"feed query", "GET", "/api/v1/feed?country=I%FFN", "", "", 400, "country"},
		{"filed_from year 0", "GET", "/api/v1/stats?category=eb2-niw&filed_from=0000-01", "", "", 422, "filed_from"},
		{"filed_to far future", "GET", "/api/v1/stats?category=eb2-niw&filed_to=2999-12", "", "", 422, "filed_to"},
		{"feed filed year 0", "GET", "/api/v1/feed?filed=0000-01", "", "", 400, ""},
		{"explore filed_from year 0", "GET", "/explore?category=eb2-niw&filed_from=0000-01", "", "", 422, "filed_from"},
		{"valid text with U+FFFD", "POST", "/api/v1/cases", "application/json", jsonWith("note", "caf\u00e9 \ufffd"), 201, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var headers []string
			if tt.ctype != "" {
				headers = []string{"Content-Type", tt.ctype}
			}
			res := e.do(tt.method, tt.path, strings.NewReader(tt.body), headers...)
			if res.status != tt.status {
				t.Fatalf("status %d, want %d: %.300s", res.status, tt.status, res.body)
			}
			if tt.field == "" {
				return
			}
			if strings.HasPrefix(tt.path, "/api/") {
				eb := res.apiError(t)
				if _, ok := eb.Fields[tt.field]; !ok {
					t.Errorf("error does not name %s: %+v", tt.field, eb)
				}
			} else if want := map[string]string{"filed_from": "Filed from: 0000-01 is before"}[tt.field]; !strings.Contains(res.body, tt.field) && (want == "" || !strings.Contains(res.body, want)) {
				t.Errorf("page does not name %s: %.500s", tt.field, res.body)
			}
		})
	}
	for _, tc := range []struct{ path, want string }{
		{"/api/v1/feed?filed=0000-01", `Filed in (YYYY-MM) "0000-01" is before January 1990, the earliest filing month`},
		{"/api/v1/feed?filed=2999-12", `Filed in (YYYY-MM) "2999-12" is after this month`},
	} {
		if res := e.get(tc.path); res.status != http.StatusBadRequest || !strings.Contains(res.apiError(t).Message, tc.want) {
			t.Errorf("%s: status %d, want 400 saying %q: %s", tc.path, res.status, tc.want, res.body)
		}
	}
	// Months out of range are explained in the reader's language, the
	// typed month quoted and the bounds in words.
	for _, tc := range []struct{ lang, path, field, want string }{
		{"es", "/api/v1/stats?category=eb2-niw&filed_from=0000-01", "filed_from", `"0000-01" es anterior a enero de 1990`},
		{"es", "/api/v1/stats?category=eb2-niw&filed_to=2999-12", "filed_to", `"2999-12" es posterior a este mes`},
		{"ar", "/api/v1/stats?category=eb2-niw&filed_from=0000-01", "filed_from", `"0000-01" قبل يناير ١٩٩٠`},
	} {
		res := e.do("GET", tc.path, nil, "Accept-Language", tc.lang)
		if msg := res.apiError(t).Fields[tc.field]; !strings.Contains(msg, tc.want) {
			t.Errorf("%s %s: %s says %q, want %q", tc.lang, tc.path, tc.field, msg, tc.want)
		}
	}
	if page := e.do("GET", "/explore?category=eb2-niw&filed_to=2999-12", nil, "Accept-Language", "es").body; !strings.Contains(page, "es posterior a este mes") {
		t.Errorf("Explore does not explain the month in Spanish: %.500s", between(page, `id="e-filed_to"`, "</p>"))
	}
	// The refusal names the field in the reader's language, the field's
	// code kept as it is.
	for _, lang := range []struct{ code, words string }{{"es", "no es UTF-8 válido"}, {"ar", "ليس UTF-8 صالحًا"}} {
		res := e.do("GET", "/api/v1/feed?country=I%FFN", nil, "Accept-Language", lang.code)
		if msg := res.apiError(t).Fields["country"]; !strings.Contains(msg, lang.words) || !strings.Contains(msg, `"country"`) {
			t.Errorf("%s: field message %q, want the field quoted in the language", lang.code, msg)
		}
		page := e.do("GET", "/explore?category=eb2%FF", nil, "Accept-Language", lang.code)
		if !strings.Contains(page.body, lang.words) {
			t.Errorf("%s: the page does not say it in the language: %.400s", lang.code, page.body)
		}
	}
	n, err := e.st.CountCases(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("%d cases stored, want only the valid one", n)
	}
}

// FuzzStrictNote sends arbitrary bytes as the note of a submission, as
// JSON and as a form: text that is not UTF-8 is refused with 400 naming
// "note", and valid text is never refused for its encoding.
func FuzzStrictNote(f *testing.F) {
	for _, s := range []string{"fine", "caf\xe9", "\xff\xfe", "\xed\xa0\x80", "\ufffd", "a\"b\\c\n"} {
		f.Add(s)
	}
	e := newEnv(f, storetest.SQLite(f))
	h := e.server.Handler()
	f.Fuzz(func(t *testing.T, note string) {
		base := mustJSON(t, validSubmission())
		body := strings.Replace(base, `"note":"Premium processing was not used."`, `"note":"`+jsonBytes(note)+`"`, 1)
		form := validForm()
		form.Set("note", note)
		for _, req := range []struct{ path, ctype, body string }{
			{"/api/v1/cases", "application/json", body},
			{"/submit", "application/x-www-form-urlencoded", form.Encode()},
		} {
			r := httptest.NewRequest(http.MethodPost, req.path, bytes.NewReader([]byte(req.body)))
			r.Header.Set("Content-Type", req.ctype)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code >= 500 {
				t.Fatalf("%s: status %d for %q", req.path, w.Code, note)
			}
			refused := w.Code == http.StatusBadRequest && strings.Contains(w.Body.String(), "not valid UTF-8")
			if refused != !utf8.ValidString(note) {
				t.Fatalf("%s: note %q (valid UTF-8: %v) answered %d: %.300s", req.path, note, utf8.ValidString(note), w.Code, w.Body.String())
			}
		}
	})
}

// jsonBytes writes s inside a JSON string, escaping what JSON requires
// but keeping invalid UTF-8 bytes as they are.
func jsonBytes(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20:
			fmt.Fprintf(&b, `\u%04x`, c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
