package web

import (
	"encoding/xml"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
)

// getHost sends GET path with the given Host header and extra headers.
func (e *testEnv) getHost(path, host string, headers ...string) response {
	e.t.Helper()
	req, err := http.NewRequest(http.MethodGet, e.srv.URL+path, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Host = host
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := e.client.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return response{status: res.StatusCode, header: res.Header, body: string(b)}
}

// TestHSTSFollowsPublicURL: an https:// public URL sends HSTS on every
// response, even when TLS ends at a proxy the server does not trust; an
// http:// one never does; without one, only TLS (or a trusted proxy that
// says https) does.
func TestHSTSFollowsPublicURL(t *testing.T) {
	st := storetest.SQLite(t)
	for _, tt := range []struct {
		name      string
		publicURL string
		trust     bool
		proto     string
		want      bool
	}{
		{"https public URL", "https://casetrack.test", false, "", true},
		{"https public URL with a trailing slash", "https://casetrack.test/", false, "", true},
		{"https public URL, proxy says http", "https://casetrack.test", true, "http", true},
		{"http public URL", "http://casetrack.test", false, "", false},
		{"http public URL, trusted proxy says https", "http://casetrack.test", true, "https", false},
		{"no public URL, plain HTTP", "", false, "", false},
		{"no public URL, untrusted proxy says https", "", false, "https", false},
		{"no public URL, trusted proxy says https", "", true, "https", true},
	} {
		e := newEnv(t, st, func(c *Config) { c.PublicURL = tt.publicURL; c.TrustProxy = tt.trust })
		for _, path := range []string{"/", "/api/v1/catalog", "/nowhere"} {
			var h []string
			if tt.proto != "" {
				h = []string{"X-Forwarded-Proto", tt.proto}
			}
			got := e.get(path, h...).header.Get("Strict-Transport-Security")
			if (got != "") != tt.want || (tt.want && got != "max-age=63072000; includeSubDomains") {
				t.Errorf("%s: %s: HSTS %q, want sent: %v", tt.name, path, got, tt.want)
			}
		}
	}
}

// TestAtomLinksFromPublicURL: with a public URL, every link of the Atom
// feed starts with it whatever Host header or forwarded scheme a client
// sends; without one, links follow the request (the behaviour the README
// documents).
func TestAtomLinksFromPublicURL(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, func(c *Config) { c.PublicURL = "https://casetrack.test/"; c.TrustProxy = true })
		e.createFixture()
		for _, host := range []string{"evil.example", "evil.example:8443", "casetrack.test.evil.example"} {
			res := e.getHost("/feed.atom?category=eb2-niw", host, "X-Forwarded-Proto", "http", "X-Forwarded-Host", "evil.example")
			if res.status != http.StatusOK {
				t.Fatalf("Host %s: %d", host, res.status)
			}
			var doc atomDoc
			if err := xml.Unmarshal([]byte(res.body), &doc); err != nil {
				t.Fatal(err)
			}
			links := []string{doc.ID}
			for _, l := range doc.Links {
				links = append(links, l.Href)
			}
			for _, en := range doc.Entries {
				links = append(links, en.ID, en.Link.Href)
			}
			if len(doc.Entries) == 0 || len(doc.Links) != 2 {
				t.Fatalf("Host %s: feed has %d entries, %d links", host, len(doc.Entries), len(doc.Links))
			}
			for _, l := range links {
				if !strings.HasPrefix(l, "https://casetrack.test/") {
					t.Errorf("Host %s: link %q does not start with the public URL", host, l)
				}
			}
			if strings.Contains(res.body, "evil") {
				t.Errorf("Host %s: the Host header reached the feed", host)
			}
		}

		// Without a public URL the request's host is used.
		e = newEnv(t, st)
		res := e.getHost("/feed.atom", "casetrack.local:8080")
		var doc atomDoc
		if err := xml.Unmarshal([]byte(res.body), &doc); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(doc.ID, "http://casetrack.local:8080/feed.atom") {
			t.Errorf("feed id without a public URL: %q", doc.ID)
		}
	})
}

// TestFeedCacheControl: feed answers may be kept for a minute by anyone;
// the HTML feed, which shows who is signed in, is not; errors are never
// kept as if they were feeds.
func TestFeedCacheControl(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	e.createFixture()
	for _, tt := range []struct {
		path, want string
		status     int
	}{
		{"/feed.atom", "public, max-age=60", http.StatusOK},
		{"/feed.atom?country=IN&milestone=approved", "public, max-age=60", http.StatusOK},
		{"/api/v1/feed", "public, max-age=60", http.StatusOK},
		{"/api/v1/feed?category=eb2-niw&limit=2", "public, max-age=60", http.StatusOK},
		{"/feed", "no-cache", http.StatusOK},
		{"/api/v1/feed?category=nope", "", http.StatusBadRequest},
		{"/feed.atom?filed=someday", "", http.StatusBadRequest},
	} {
		res := e.get(tt.path, "Accept-Encoding", "gzip")
		if res.status != tt.status {
			t.Errorf("%s: status %d, want %d", tt.path, res.status, tt.status)
			continue
		}
		got := res.header.Get("Cache-Control")
		if tt.want != "" && got != tt.want || tt.want == "" && strings.Contains(got, "public") {
			t.Errorf("%s: Cache-Control %q, want %q", tt.path, got, tt.want)
		}
	}
	// HEAD answers carry it too.
	if res := e.do(http.MethodHead, "/feed.atom", nil); res.header.Get("Cache-Control") != "public, max-age=60" {
		t.Errorf("HEAD /feed.atom: Cache-Control %q", res.header.Get("Cache-Control"))
	}
}
