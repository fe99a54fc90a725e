package web

import (
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/casetrack/casetrack/internal/store/storetest"
)

func TestSecurityHeaders(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	for _, path := range []string{"/", "/submit", "/privacy", "/nowhere", "/api/v1/catalog", "/api/v1/nowhere", "/healthz"} {
		res := e.get(path)
		csp := res.header.Get("Content-Security-Policy")
		if csp == "" || strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
			t.Errorf("%s: Content-Security-Policy %q", path, csp)
		}
		for _, d := range []string{"default-src 'self'", "frame-ancestors 'none'", "script-src 'self'", "style-src 'self'", "form-action 'self'", "base-uri 'none'"} {
			if !strings.Contains(csp, d) {
				t.Errorf("%s: CSP lacks %q", path, d)
			}
		}
		if v := res.header.Get("X-Content-Type-Options"); v != "nosniff" {
			t.Errorf("%s: X-Content-Type-Options %q", path, v)
		}
		if v := res.header.Get("Referrer-Policy"); v != "no-referrer" {
			t.Errorf("%s: Referrer-Policy %q", path, v)
		}
		if v := res.header.Get("Strict-Transport-Security"); v != "" {
			t.Errorf("%s: HSTS over plain HTTP: %q", path, v)
		}
	}
}

func TestHSTSOverTLS(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	srv := httptest.NewTLSServer(e.server.Handler())
	defer srv.Close()
	res, err := srv.Client().Get(srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.TLS == nil || !strings.Contains(res.Header.Get("Strict-Transport-Security"), "max-age=") {
		t.Errorf("HSTS over TLS: %q", res.Header.Get("Strict-Transport-Security"))
	}
}

func TestTemplatesHaveNoInlineScriptOrStyle(t *testing.T) {
	files, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil || len(files) == 0 {
		t.Fatalf("templates: %v %v", files, err)
	}
	for _, f := range files {
		b, _ := templateFS.ReadFile(f)
		s := strings.ToLower(string(b))
		// A script file served by the site itself, through asset, is
		// allowed (script-src 'self'); nothing else is.
		s = strings.ReplaceAll(s, `<script src="{{asset "`, "")
		for _, bad := range []string{"<script>", "<script ", "style=", "<style", " onclick=", " onload=", " onsubmit=", "javascript:", `src="http`, `src="//`, "@import"} {
			if strings.Contains(s, bad) {
				t.Errorf("%s contains %q (CSP forbids inline code; pages load nothing from other hosts)", f, bad)
			}
		}
	}
}

func TestCrossOriginWritesRefused(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	created := e.create(validSubmission())
	json := mustJSON(t, validSubmission())
	tests := []struct {
		name    string
		method  string
		path    string
		body    string
		headers []string
	}{
		{"form submit cross-site", "POST", "/submit", validForm().Encode(), []string{"Content-Type", "application/x-www-form-urlencoded", "Sec-Fetch-Site", "cross-site"}},
		{"form submit same-site other origin", "POST", "/submit", validForm().Encode(), []string{"Content-Type", "application/x-www-form-urlencoded", "Sec-Fetch-Site", "same-site"}},
		{"form submit foreign Origin", "POST", "/submit", validForm().Encode(), []string{"Content-Type", "application/x-www-form-urlencoded", "Origin", "https://evil.example"}},
		{"API create cross-site", "POST", "/api/v1/cases", json, []string{"Content-Type", "application/json", "Sec-Fetch-Site", "cross-site"}},
		{"API delete cross-site", "DELETE", "/api/v1/cases/" + created.ID, "", append([]string{"Sec-Fetch-Site", "cross-site"}, editKey(created.EditKey)...)},
		{"form delete cross-site", "POST", "/cases/" + created.ID + "/delete", url.Values{"edit_key": {created.EditKey}, "confirm": {"yes"}}.Encode(), []string{"Content-Type", "application/x-www-form-urlencoded", "Sec-Fetch-Site", "cross-site"}},
	}
	for _, tt := range tests {
		res := e.do(tt.method, tt.path, strings.NewReader(tt.body), tt.headers...)
		if res.status != http.StatusForbidden {
			t.Errorf("%s: status %d, want 403", tt.name, res.status)
		}
		if strings.HasPrefix(tt.path, "/api/") && res.apiError(t).Error != "forbidden" {
			t.Errorf("%s: not a JSON error: %s", tt.name, res.body)
		}
	}
	if n := e.ix.Len(); n != 1 {
		t.Errorf("refused requests changed the data: %d cases", n)
	}
	// The same requests from the site itself work.
	if res := e.postForm("/submit", validForm(), "Sec-Fetch-Site", "same-origin"); res.status != http.StatusCreated {
		t.Errorf("same-origin form: %d", res.status)
	}
	if res := e.postForm("/submit", validForm(), "Origin", e.srv.URL); res.status != http.StatusCreated {
		t.Errorf("form with own Origin: %d", res.status)
	}
	// Reading is allowed from anywhere.
	if res := e.get("/api/v1/cases/"+created.ID, "Sec-Fetch-Site", "cross-site"); res.status != http.StatusOK {
		t.Errorf("cross-site GET: %d", res.status)
	}
}

func TestFormBodyTooLarge(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	form := validForm()
	form.Set("note", strings.Repeat("x", maxBodyBytes))
	res := e.postForm("/submit", form)
	if res.status != http.StatusRequestEntityTooLarge {
		t.Errorf("status %d, want 413", res.status)
	}
	if ct := res.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("form error as %q, want an HTML page", ct)
	}
}

func TestPanicRecovery(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	mux := http.NewServeMux()
	mux.HandleFunc("GET /boom", func(http.ResponseWriter, *http.Request) { panic("secret internal detail") })
	mux.HandleFunc("GET /api/boom", func(http.ResponseWriter, *http.Request) { panic("secret internal detail") })
	srv := httptest.NewServer(e.server.middleware(mux))
	defer srv.Close()
	for _, path := range []string{"/boom", "/api/boom"} {
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		_, _ = ioCopy(&b, res)
		if res.StatusCode != http.StatusInternalServerError {
			t.Errorf("%s: status %d, want 500", path, res.StatusCode)
		}
		if strings.Contains(b.String(), "secret internal detail") || strings.Contains(b.String(), "goroutine") {
			t.Errorf("%s: 500 leaks the cause: %s", path, b.String())
		}
	}
	if !strings.Contains(e.logs.String(), "secret internal detail") {
		t.Error("the panic was not logged")
	}
}

func TestAccessLogHasNoPersonalData(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t), func(c *Config) { c.TrustProxy = true })
	sub := validSubmission()
	sub["note"] = "NoteCanaryText waiting since spring"
	created := e.create(sub, "User-Agent", "UACanary/9.9", "X-Forwarded-For", "198.51.100.77")
	e.get("/cases/"+created.ID, "User-Agent", "UACanary/9.9", "X-Forwarded-For", "198.51.100.77")
	form := validForm()
	form.Set("note", "FormNoteCanary here")
	e.submitForm(form, "User-Agent", "UACanary/9.9", "X-Forwarded-For", "198.51.100.77")
	logs := e.logs.String()
	if !strings.Contains(logs, `route="GET /cases/{id}"`) || !strings.Contains(logs, "status=201") {
		t.Fatalf("access log lines missing:\n%s", logs)
	}
	for _, secret := range []string{"NoteCanaryText", "FormNoteCanary", "UACanary", "198.51.100.77", "127.0.0.1", created.ID, created.EditKey} {
		if strings.Contains(logs, secret) {
			t.Errorf("log contains %q:\n%s", secret, logs)
		}
	}
}

func ioCopy(b *strings.Builder, res *http.Response) (int64, error) {
	defer res.Body.Close()
	return io.Copy(b, res.Body)
}

// TestAPIWrongMethod: a path the API has, asked with a method it does not
// take, is a JSON 405 naming the methods it does take; an unknown path is
// still a JSON 404.
func TestAPIWrongMethod(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	c := e.create(validSubmission())
	for _, tt := range []struct {
		method, path string
		status       int
		allow        string
	}{
		{"GET", "/api/v1/cases", http.StatusMethodNotAllowed, "POST"},
		{"PUT", "/api/v1/cases/" + c.ID, http.StatusMethodNotAllowed, "GET, HEAD, DELETE"},
		{"POST", "/api/v1/stats?category=eb2-niw", http.StatusMethodNotAllowed, "GET, HEAD"},
		{"GET", "/api/v1/no-such-thing", http.StatusNotFound, ""},
		{"DELETE", "/api/v1/no-such-thing", http.StatusNotFound, ""},
	} {
		res := e.do(tt.method, tt.path, nil)
		if res.status != tt.status || res.header.Get("Allow") != tt.allow {
			t.Errorf("%s %s: %d Allow %q, want %d Allow %q", tt.method, tt.path, res.status, res.header.Get("Allow"), tt.status, tt.allow)
			continue
		}
		want := "not_found"
		if tt.status == http.StatusMethodNotAllowed {
			want = "method_not_allowed"
		}
		if got := res.apiError(t); got.Error != want || got.Message == "" {
			t.Errorf("%s %s: error %+v, want code %q with a message", tt.method, tt.path, got, want)
		}
	}
}
