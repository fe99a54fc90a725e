package web

import (
	"context"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/casetrack/casetrack/internal/store/storetest"
)

// feedAtomQuery is the filter the Atom journey opens the feed with.
const feedAtomQuery = "category=eb2-niw&country=IN"

// journeyFeedAtom: someone opens the address of an Atom feed in the
// browser, as a link to it invites, and sees a page rather than XML:
// the feed's title, what a feed is for and its address to copy, the same
// entries as the feed, and a way to get them by email that says an
// account is needed, becoming a "Subscribe by email" button once signed
// in. It runs on a server of its own that sends mail (the suite's does
// not). Where this Chromium still applies XSLT, the feed's own
// stylesheet is checked too, on the same Atom served as XML: it shows the
// same, with the site's look, under the site's Content-Security-Policy.
func journeyFeedAtom(t *testing.T, s *browserSuite, tb *tab) {
	e := newEnv(t, storetest.SQLite(t), mailComposer(t))
	e.createFixture()
	var feed atomDoc
	if err := xml.Unmarshal([]byte(e.get("/feed.atom?"+feedAtomQuery).body), &feed); err != nil || len(feed.Entries) == 0 {
		t.Fatalf("the feed: %v, %d entries", err, len(feed.Entries))
	}
	site := httptest.NewServer(asXMLFeed(e.server.Handler()))
	t.Cleanup(site.Close)
	address := site.URL + "/feed.atom?" + feedAtomQuery
	alerts := "/me/alerts/new?" + feedAtomQuery

	check := func(what string) {
		t.Helper()
		tb.checkClean(what)
		for _, p := range offHostRequests(site.URL, tb.net.requests()) {
			t.Errorf("%s: %s", what, p)
		}
		if s.axe != "" {
			for _, p := range axeCheck(tb, s.axe) {
				t.Errorf("%s: %s", what, p)
			}
		}
	}
	shows := func(what string) {
		t.Helper()
		if h := tb.text("h1"); h != feed.Title {
			t.Errorf("%s: heading %q, want the feed's title %q", what, h, feed.Title)
		}
		if got := tb.text("code.feed-address"); got != address {
			t.Errorf("%s: feed address %q, want %q", what, got, address)
		}
		if n := tb.count("ol.feed > li"); n != len(feed.Entries) {
			t.Errorf("%s: %d entries, the feed has %d", what, n, len(feed.Entries))
		}
		for i, en := range feed.Entries {
			link, _ := url.Parse(en.Link.Href)
			if n := tb.count(`ol.feed > li:nth-child(` + strconv.Itoa(i+1) + `) a[href$="` + link.Path + `"]`); n != 1 {
				t.Errorf("%s: entry %d does not link to %s", what, i+1, link.Path)
			}
		}
		if href := eval[string](tb, `(a => a ? a.getAttribute("href") : "")(document.querySelector("a.subscribe-email"))`); href != alerts {
			t.Errorf("%s: subscribe-by-email link %q, want %q", what, href, alerts)
		}
	}

	if st := tb.navigate("the Atom feed", chromedp.Navigate(address)); st != http.StatusOK {
		t.Fatalf("the Atom feed in a browser: status %d", st)
	}
	if ct := eval[string](tb, "document.contentType"); ct != "text/html" {
		t.Fatalf("the Atom feed in a browser is %s, not a page", ct)
	}
	shows("the feed's page, signed out")
	if got := tb.text("a.subscribe-email"); got != "Subscribe by email" {
		t.Errorf("subscribe link reads %q", got)
	}
	if p := tb.text("section"); !strings.Contains(p, "with a CaseTrack account") {
		t.Errorf("signed out, the page does not say an account is needed: %q", p)
	}
	check("the feed's page, signed out")

	token := sessionFor(t, e, "atom-reader@casetrack.test")
	tb.must(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		httpOnly := true
		_, err := cdp.Call(ctx, tg, network.SetCookie, network.SetCookieParams{
			Name: sessionCookie, Value: token, URL: site.URL + "/", Path: "/", HTTPOnly: &httpOnly, SameSite: network.CookieSameSiteLax,
		})
		return err
	}))
	if st := tb.navigate("the Atom feed, signed in", chromedp.Navigate(address)); st != http.StatusOK {
		t.Fatalf("the Atom feed signed in: status %d", st)
	}
	shows("the feed's page, signed in")
	if tb.count(`a.button.subscribe-email`) != 1 || !strings.Contains(tb.text("section"), "atom-reader@casetrack.test") {
		t.Errorf("signed in, the page offers no subscribe button for the account: %q", tb.text("section"))
	}
	check("the feed's page, signed in")
	screenshot(tb, "feed-atom-mail-signed-in", desktop)

	// The stylesheet, where XSLT still runs. The page is signed out as
	// far as the stylesheet knows (it cannot tell), so it says an account
	// is needed.
	xmlAddress := site.URL + "/feed.xml?" + feedAtomQuery
	if st := tb.navigate("the feed as XML", chromedp.Navigate(xmlAddress)); st != http.StatusOK {
		t.Fatalf("the feed as XML: status %d", st)
	}
	tb.settle()
	if tb.count("main h1") == 0 {
		t.Logf("this Chromium does not apply XSLT (%s): the stylesheet is not checked in it", eval[string](tb, "navigator.userAgent"))
		return
	}
	address = site.URL + "/feed.atom?" + feedAtomQuery // the feed's self link
	shows("the feed through its stylesheet")
	if h := tb.text(".hint"); !strings.Contains(h, "Needs a CaseTrack account") {
		t.Errorf("through the stylesheet, the page does not say an account is needed: %q", h)
	}
	if b := eval[string](tb, `getComputedStyle(document.querySelector("header.site")).borderBottomStyle`); b != "solid" {
		t.Errorf("the site's CSS did not apply through the stylesheet (header border %q)", b)
	}
	// Chromium adds a banner of its own to a page made by XSLT, saying
	// that XSLT is going away, with inline styles and an inline handler
	// that the site's policy blocks. Those reports are expected; anything
	// inline of the stylesheet's own would be a problem, and any other
	// report too.
	var expected []string
	if tb.count("xslt-warning-banner") > 0 {
		expected = []string{"Applying inline style violates", "Executing inline event handler violates",
			"style-src-attr blocked inline", "script-src-attr blocked inline"}
	}
	if own := eval[[]string](tb, `Array.from(document.querySelectorAll("*")).filter(e => !e.closest("xslt-warning-banner") &&
  Array.from(e.attributes).some(a => a.name == "style" || a.name.startsWith("on"))).map(e => e.outerHTML.slice(0, 200))`); len(own) > 0 {
		t.Errorf("the stylesheet's page has inline styles or handlers: %v", own)
	}
	tb.checkClean("the feed through its stylesheet", expected...)
	if s.axe != "" {
		for _, p := range axeCheck(tb, s.axe) {
			t.Errorf("the feed through its stylesheet: %s", p)
		}
	}
	screenshot(tb, "feed-atom-xslt", desktop)
	for _, p := range offHostRequests(site.URL, tb.net.requests()) {
		t.Errorf("the feed through its stylesheet: %s", p)
	}
}

// asXMLFeed serves the Atom feed also at /feed.xml as application/xml,
// which Chromium, unlike application/atom+xml, renders through the
// stylesheet it names (while it still applies XSLT at all). Every other
// request goes to the site as it is.
func asXMLFeed(site http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/feed.xml" {
			site.ServeHTTP(w, r)
			return
		}
		r = r.Clone(r.Context())
		r.URL.Path = "/feed.atom"
		r.Header.Set("Accept", "application/atom+xml")
		rec := httptest.NewRecorder()
		site.ServeHTTP(rec, r)
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.Header().Set("Content-Type", "application/xml; charset=utf-8")
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	})
}
