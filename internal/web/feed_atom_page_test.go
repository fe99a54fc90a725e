package web

import (
	"context"
	"encoding/xml"
	"errors"
	"io"
	"mime"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/auth"
	"github.com/casetrack/casetrack/internal/mail"
	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
	"github.com/casetrack/casetrack/internal/timeline"
)

func init() {
	templateSamples["feed_atom.html"] = func(s *Server) any {
		it := feedItem{CaseID: "c_AAAAAAAAAAAAAAAAAAAAAAAAAA", Category: s.cat.Categories[0], CountryName: "India", Filed: "2024-03",
			FiledMonth: timeline.Month{Year: 2024, Month: time.March}, Day: time.Date(2025, time.June, 15, 0, 0, 0, 0, time.UTC),
			Milestone: "approved", MilestoneName: "Approved", Date: "2025-06", MonthOnly: true, Terminal: true, Note: "note <b>"}
		return &feedAtomPageData{FeedTitle: "CaseTrack: latest milestones, EB-2", AtomURL: "https://casetrack.example.org/feed.atom?category=eb2-niw",
			PageURL: "/feed?category=eb2-niw", AlertsURL: "/me/alerts/new?category=eb2-niw", MailOn: true, Items: []feedItem{it}}
	}
}

// Accept headers as clients send them.
const (
	acceptFirefox = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
	acceptChrome  = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"
	acceptSafari  = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
	// acceptFeedparser is Python feedparser's default.
	acceptFeedparser = "application/atom+xml,application/rdf+xml,application/rss+xml,application/x-netcdf,application/xml;q=0.9,text/xml;q=0.2,*/*;q=0.1"
	// acceptSimplePie is SimplePie's (FreshRSS and others), which names
	// HTML too, below the feed types.
	acceptSimplePie = "application/atom+xml, application/rss+xml, application/rdf+xml;q=0.9, application/xml;q=0.8, text/xml;q=0.8, text/html;q=0.7, unknown/unknown;q=0.1, application/unknown;q=0.1, */*;q=0.1"
)

func TestPrefersHTML(t *testing.T) {
	for _, tt := range []struct {
		name, accept string
		html         bool
	}{
		{"no Accept (Go, many feed readers)", "", false},
		{"curl and wget", "*/*", false},
		{"Firefox navigating", acceptFirefox, true},
		{"Chrome navigating", acceptChrome, true},
		{"Safari navigating", acceptSafari, true},
		{"Firefox before 128", "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8", true},
		{"feedparser", acceptFeedparser, false},
		{"SimplePie", acceptSimplePie, false},
		{"Atom only", "application/atom+xml", false},
		{"any XML", "application/xml, text/xml", false},
		{"RSS first", "application/rss+xml, application/atom+xml;q=0.9, */*;q=0.5", false},
		{"a fetch() in a page", "*/*", false},
		{"HTML only", "text/html", true},
		{"HTML with parameters", "text/html; charset=utf-8; q=0.8, */*; q=0.1", true},
		{"HTML in capitals", "TEXT/HTML", true},
		{"HTML below Atom", "text/html;q=0.5, application/atom+xml", false},
		{"HTML and Atom tied", "text/html, application/atom+xml", false},
		{"HTML and XML tied", "application/xml, text/html", false},
		{"HTML refused", "text/html;q=0, */*", false},
		{"any text", "text/*", false},
		{"HTML with a quality that does not parse", "text/html;q=high", false},
		{"HTML with a quality out of range", "text/html;q=2", false},
		{"nonsense", "garbage,;;,=", false},
	} {
		if got := prefersHTML(tt.accept); got != tt.html {
			t.Errorf("%s (%q): prefersHTML = %v, want %v", tt.name, tt.accept, got, tt.html)
		}
	}
}

// mailComposer is a composer for a test server that sends mail.
func mailComposer(t testing.TB) func(*Config) {
	c, err := mail.NewComposer(mail.Site{URL: "https://casetrack.test"})
	if err != nil {
		t.Fatal(err)
	}
	return func(cfg *Config) { cfg.Mail = c }
}

// sessionFor stores an account (verified) and a session for it, and
// returns the session token: signed in without going through the forms.
func sessionFor(t testing.TB, e *testEnv, email string) string {
	t.Helper()
	ctx := context.Background()
	id := auth.NewAccountID()
	if err := e.st.CreateAccount(ctx, store.Account{ID: id, Email: email}); err != nil {
		t.Fatal(err)
	}
	token, hash := auth.NewToken()
	if err := e.st.CreateSession(ctx, hash, id, auth.Day(e.clock.Now())); err != nil {
		t.Fatal(err)
	}
	return token
}

// varyHas reports whether a response's Vary header names a header.
func varyHas(h http.Header, name string) bool {
	for _, v := range h.Values("Vary") {
		for f := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(f), name) {
				return true
			}
		}
	}
	return false
}

// TestAtomFeedNegotiation: feed readers, curl and scripts get the same
// Atom bytes, publicly cacheable and varying on Accept; a browser
// navigating to the address gets a page with the feed's title, its
// address to copy, the same entries and, where the site sends mail, the
// subscribe-by-email link with the same filters, which says who it is
// for and is never kept by a shared cache.
func TestAtomFeedNegotiation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, mailComposer(t))
		ids := e.createFixture()
		const query = "category=eb2-niw&country=IN"
		path := "/feed.atom?" + query

		atom := e.get(path)
		mustStatus(t, atom, http.StatusOK)
		if !strings.HasPrefix(atom.body, xml.Header+atomStylesheetIn(e.server.lang.Default())+"<feed") {
			t.Errorf("Atom does not start with the declaration and the stylesheet:\n%s", atom.body[:min(len(atom.body), 200)])
		}
		for _, accept := range []string{"*/*", "application/atom+xml", acceptFeedparser, acceptSimplePie, "text/html;q=0.5, application/atom+xml"} {
			res := e.get(path, "Accept", accept)
			mustStatus(t, res, http.StatusOK)
			if mt, _, _ := mime.ParseMediaType(res.header.Get("Content-Type")); mt != "application/atom+xml" || res.body != atom.body {
				t.Errorf("Accept %q: %s, not the same Atom", accept, res.header.Get("Content-Type"))
			}
			if cc := res.header.Get("Cache-Control"); cc != feedCacheControl || !varyHas(res.header, "Accept") || varyHas(res.header, "Cookie") {
				t.Errorf("Accept %q: Cache-Control %q, Vary %q", accept, cc, res.header.Values("Vary"))
			}
		}

		var doc atomDoc
		if err := xml.Unmarshal([]byte(atom.body), &doc); err != nil {
			t.Fatal(err)
		}
		self := e.srv.URL + path
		alerts := `href="/me/alerts/new?` + strings.ReplaceAll(query, "&", "&amp;") + `"`
		signedIn := sessionFor(t, e, "reader@casetrack.test")
		for _, tt := range []struct {
			name    string
			headers []string
			wants   []string
			unwant  string
		}{
			{"Firefox, signed out", []string{"Accept", acceptFirefox},
				[]string{alerts + `>Subscribe by email</a> with a CaseTrack account`, `href="/signin"`}, "reader@casetrack.test"},
			{"Chrome, signed in", []string{"Accept", acceptChrome, "Cookie", sessionCookie + "=" + signedIn},
				[]string{`class="button subscribe-email" ` + alerts + `>Subscribe by email</a>`, "reader@casetrack.test", `action="/signout"`}, "sign in or create one"},
		} {
			res := e.get(path, tt.headers...)
			mustStatus(t, res, http.StatusOK)
			if mt, _, _ := mime.ParseMediaType(res.header.Get("Content-Type")); mt != "text/html" {
				t.Fatalf("%s: Content-Type %q", tt.name, res.header.Get("Content-Type"))
			}
			if cc := res.header.Get("Cache-Control"); !strings.HasPrefix(cc, "private") || !varyHas(res.header, "Accept") || !varyHas(res.header, "Cookie") {
				t.Errorf("%s: Cache-Control %q, Vary %q; the page shows who is signed in", tt.name, cc, res.header.Values("Vary"))
			}
			wants := append([]string{"<h1>" + doc.Title + "</h1>", `<code class="key feed-address">` + strings.ReplaceAll(self, "&", "&amp;") + "</code>",
				`href="/feed?` + strings.ReplaceAll(query, "&", "&amp;") + `"`}, tt.wants...)
			for _, w := range wants {
				if !strings.Contains(res.body, w) {
					t.Errorf("%s: the page lacks %q", tt.name, w)
				}
			}
			if strings.Contains(res.body, tt.unwant) {
				t.Errorf("%s: the page shows %q", tt.name, tt.unwant)
			}
			// The same entries, in the same order, as the Atom document.
			links := regexp.MustCompile(`<a href="/cases/(c_[A-Za-z0-9]+)">timeline`).FindAllStringSubmatch(res.body, -1)
			if len(links) != len(doc.Entries) || len(links) == 0 {
				t.Fatalf("%s: %d entries on the page, %d in the feed", tt.name, len(links), len(doc.Entries))
			}
			for i, l := range links {
				if !strings.HasSuffix(doc.Entries[i].Link.Href, "/cases/"+l[1]) {
					t.Errorf("%s: entry %d is %s on the page, %s in the feed", tt.name, i, l[1], doc.Entries[i].Link.Href)
				}
			}
			if !strings.Contains(res.body, "Approved &lt;b&gt;at last&lt;/b&gt;") {
				t.Errorf("%s: the note is missing or not escaped", tt.name)
			}
		}
		if head := e.do(http.MethodHead, path, nil, "Accept", acceptSafari); head.status != http.StatusOK || !strings.HasPrefix(head.header.Get("Content-Type"), "text/html") || head.body != "" {
			t.Errorf("HEAD from a browser: %d %q, %d bytes", head.status, head.header.Get("Content-Type"), len(head.body))
		}
		// A bad filter is the same error for everyone.
		if res := e.get("/feed.atom?category=nope", "Accept", acceptChrome); res.status != http.StatusBadRequest || !varyHas(res.header, "Accept") {
			t.Errorf("bad filter from a browser: %d, Vary %q", res.status, res.header.Values("Vary"))
		}
		_ = ids
	})
}

// TestAtomFeedPageWithoutMail: a site that sends no mail offers no email
// subscription, on the page or in the stylesheet.
func TestAtomFeedPageWithoutMail(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	e.createFixture()
	res := e.get("/feed.atom", "Accept", acceptFirefox)
	mustStatus(t, res, http.StatusOK)
	if !strings.Contains(res.body, "Follow it in a feed reader") || strings.Contains(res.body, "Subscribe by email") || strings.Contains(res.body, "/me/alerts") {
		t.Errorf("page of a site without mail:\n%s", res.body)
	}
	xsl := e.get(feedXSLPath)
	mustStatus(t, xsl, http.StatusOK)
	if strings.Contains(xsl.body, "Subscribe by email") || strings.Contains(xsl.body, "/me/alerts") {
		t.Error("the stylesheet of a site without mail offers an email subscription")
	}
}

// TestFeedXSL: the stylesheet the Atom feed names is served from the site
// as well-formed XSLT of an XML type, links the site's current stylesheet
// (which is served), carries no script or inline style, revalidates by its
// ETag, and the Content-Security-Policy of the feed allows everything it
// loads: same-origin scripts (XSLT counts as one) and styles, nothing
// inline.
func TestFeedXSL(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t), mailComposer(t))
	e.createFixture()
	res := e.get(feedXSLPath)
	mustStatus(t, res, http.StatusOK)
	if mt, params, _ := mime.ParseMediaType(res.header.Get("Content-Type")); mt != "text/xsl" || params["charset"] != "utf-8" {
		t.Errorf("Content-Type %q", res.header.Get("Content-Type"))
	}
	if res.header.Get("X-Content-Type-Options") != "nosniff" {
		t.Error("the stylesheet is served without nosniff")
	}
	root, err := xmlRoot(res.body)
	if err != nil {
		t.Fatalf("not well-formed XML: %v\n%s", err, res.body)
	}
	if root != (xml.Name{Space: "http://www.w3.org/1999/XSL/Transform", Local: "stylesheet"}) {
		t.Errorf("root element %v, want xsl:stylesheet", root)
	}
	style, _ := e.server.assets.url("style.css")
	icon, _ := e.server.assets.url("favicon.svg")
	for _, want := range []string{`href="` + style + `"`, `href="` + icon + `"`, `<xsl:attribute name="href">/me/alerts/new<xsl:if test="$query">?`, "Subscribe by email", "Follow it in a feed reader"} {
		if !strings.Contains(res.body, want) {
			t.Errorf("the stylesheet lacks %q", want)
		}
	}
	lower := strings.ToLower(res.body)
	for _, bad := range []string{"<script", "style=", "<style", " onclick=", " onload=", "javascript:", `href="http`, `src="http`, "{{", "}}"} {
		if strings.Contains(lower, bad) {
			t.Errorf("the stylesheet contains %q", bad)
		}
	}
	if css := e.get(style); css.status != http.StatusOK || !strings.HasPrefix(css.header.Get("Content-Type"), "text/css") {
		t.Errorf("the stylesheet's CSS %s: %d %q", style, css.status, css.header.Get("Content-Type"))
	}
	etag := res.header.Get("ETag")
	if etag == "" || !strings.Contains(res.header.Get("Cache-Control"), "no-cache") {
		t.Errorf("ETag %q, Cache-Control %q", etag, res.header.Get("Cache-Control"))
	}
	if again := e.get(feedXSLPath, "If-None-Match", etag); again.status != http.StatusNotModified || again.body != "" {
		t.Errorf("revalidation: %d, %d bytes", again.status, len(again.body))
	}

	// The feed names the stylesheet by a path on the site, and its policy
	// lets the browser load it and what it links.
	atom := e.get("/feed.atom")
	if !strings.Contains(atom.body, `<?xml-stylesheet type="text/xsl" href="`+feedXSLPath+`"?>`) {
		t.Error("the Atom feed does not name its stylesheet")
	}
	for _, r := range []response{atom, res} {
		csp := r.header.Get("Content-Security-Policy")
		if csp != contentSecurityPolicy {
			t.Errorf("Content-Security-Policy %q, want the site's", csp)
		}
	}
	for _, d := range []string{"script-src 'self'", "style-src 'self'", "img-src 'self'"} {
		if !strings.Contains(contentSecurityPolicy, d) {
			t.Errorf("the policy lacks %q, which the stylesheet needs", d)
		}
	}
	if strings.Contains(contentSecurityPolicy, "unsafe") {
		t.Errorf("the policy allows something unsafe: %q", contentSecurityPolicy)
	}
}

// xmlRoot reads a whole document and returns its root element's name.
func xmlRoot(doc string) (xml.Name, error) {
	d := xml.NewDecoder(strings.NewReader(doc))
	d.Strict = true
	var root xml.Name
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return root, nil
		}
		if err != nil {
			return root, err
		}
		if se, ok := tok.(xml.StartElement); ok && root.Local == "" {
			root = se.Name
		}
	}
}
