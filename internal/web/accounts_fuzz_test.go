package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/casetrack/casetrack/internal/auth"
	"github.com/casetrack/casetrack/internal/store/storetest"
)

// FuzzAccountForms posts arbitrary bodies to the sign-up and sign-in
// forms: bad input must never produce a server error, never sign anyone
// in without a matching password, and a sign-up either is refused with
// 422 or answers exactly like every other sign-up.
func FuzzAccountForms(f *testing.F) {
	for _, seed := range []string{
		"email=ana%40example.org&password=correct+horse+battery&name=Ana",
		"email=ANA%40EXAMPLE.ORG&password=correct+horse+battery",
		"email=&password=",
		"email=a%40b.c&password=%00%00%00%00%00%00%00%00%00%00",
		"email=%FF%FE%40x.org&password=xxxxxxxxxxxx&name=%0A",
		"email=ana%40example.org&email=bob%40example.org&password=1234567890",
		"%zz=1&email",
		"name=" + strings.Repeat("n", 200),
		"",
	} {
		f.Add(seed, true)
		f.Add(seed, false)
	}
	e := newEnv(f, storetest.SQLite(f))
	e.signup("ana@example.org", testPassword, "Ana")
	h := e.server.Handler()
	// passwords are the accounts created so far: the first sign-up of an
	// address sets its password, later ones change nothing.
	passwords := map[string]string{"ana@example.org": testPassword}
	f.Fuzz(func(t *testing.T, body string, signup bool) {
		path := "/signin"
		if signup {
			path = "/signup"
		}
		r := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code >= 500 {
			t.Fatalf("%s: status %d for %q", path, w.Code, body)
		}
		form, _ := url.ParseQuery(body)
		switch {
		case signup && w.Code == http.StatusSeeOther:
			if w.Header().Get("Location") != "/signin?done=signedup" || w.Header().Get("Set-Cookie") != "" {
				t.Fatalf("sign-up answered differently: %v", w.Header())
			}
			if _, ok := passwords[auth.EmailKey(form.Get("email"))]; !ok {
				passwords[auth.EmailKey(form.Get("email"))] = form.Get("password")
			}
		case signup:
			if w.Code != http.StatusUnprocessableEntity && w.Code != http.StatusBadRequest {
				t.Fatalf("sign-up: status %d for %q", w.Code, body)
			}
		case w.Code == http.StatusSeeOther:
			if pw, ok := passwords[auth.EmailKey(form.Get("email"))]; !ok || pw != form.Get("password") {
				t.Fatalf("signed in with %q", body)
			}
		default:
			switch w.Code {
			case http.StatusUnauthorized, http.StatusUnprocessableEntity, http.StatusBadRequest:
			default:
				t.Fatalf("sign-in: status %d for %q", w.Code, body)
			}
		}
	})
}

// FuzzCaseIDIn: whatever is pasted into the claim form, the id found is
// either a well-formed case id or refused before any query.
func FuzzCaseIDIn(f *testing.F) {
	for _, seed := range []string{
		"c_AAAAAAAAAAAAAAAAAAAAAAAAAA",
		"https://casetrack.example.org/cases/c_AAAAAAAAAAAAAAAAAAAAAAAAAA?done=x#top",
		" /cases/c_AAAAAAAAAAAAAAAAAAAAAAAAAA/ ",
		"/cases/", "", "c_", "\xff/cases/c_\x00",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id := caseIDIn(s)
		if validCaseID(id) && (!utf8.ValidString(id) || !strings.Contains(s, id)) {
			t.Fatalf("caseIDIn(%q) = %q", s, id)
		}
	})
}

// FuzzAccountFields: the email and name checks never panic, accept only
// what they promise, and never let a control character into a name.
func FuzzAccountFields(f *testing.F) {
	for _, seed := range []string{"ana@example.org", "Ana <ana@example.org>", "a\x00b@x.org", "\tAna\n", "é@é.é"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if auth.CheckEmail(s) == "" {
			if len(strings.TrimSpace(s)) > auth.MaxEmailBytes || !strings.Contains(s, "@") {
				t.Fatalf("CheckEmail accepted %q", s)
			}
		}
		name, msg := auth.CleanName(s)
		if msg == "" {
			if utf8.RuneCountInString(name) > auth.MaxNameRunes || !utf8.ValidString(name) {
				t.Fatalf("CleanName(%q) = %q", s, name)
			}
			for _, r := range name {
				if r < 0x20 || r == 0x7f {
					t.Fatalf("CleanName(%q) kept a control character", s)
				}
			}
		}
	})
}
