package web

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/casetrack/casetrack/internal/store/storetest"
)

// browserSuite is what every page check and journey shares: one Chromium,
// the server under test with its seeded cases, and axe-core.
//
// The server is the real handler (web.New, with every middleware) on an
// httptest server over a fresh SQLite file. The casetrack binary adds only
// flag parsing, the index sync and http.Server timeouts around the same
// handler, and cmd/casetrack tests those; in process, the suite needs no
// build step, runs its tabs in parallel and can look into the store (a
// refused note must leave no case behind).
type browserSuite struct {
	browser context.Context
	env     *testEnv
	seed    exploreSeed
	// axe is the axe-core script; empty when it is not installed outside
	// CI, and then axeMissing says why.
	axe, axeMissing string
	// caseID and caseKey are a case, with its edit key, for the case pages.
	caseID, caseKey string
	// accounts sign in to the pages that need an account.
	accounts *browserAccounts
	// feed holds the cohorts of the feed journey (browser_feed_journeys_test.go).
	feed feedSeed
	// mailSite serves the pages of a site that sends mail (mailPages).
	mailSite *mailSite
	// busy serves Explore with the cases of a busy site
	// (browser_explore_phone_test.go).
	busy *busySite
	// tabs lends tabs to the page checks.
	tabs *tabPool
}

// newBrowserSuite seeds the server and starts the browser.
func newBrowserSuite(t *testing.T, execPath string) *browserSuite {
	t.Helper()
	e := newEnv(t, storetest.SQLite(t))
	s := &browserSuite{env: e, seed: seedExplore(e)}
	// Not EB-2 NIW: the journeys and the page checks assert the seeded
	// category's numbers.
	c := e.create(map[string]any{
		"category": "n400", "country": "MX", "service_center": "NBC", "filed": "2024-02",
		"milestones": []map[string]string{
			{"code": "received", "date": "2024-02-20"},
			{"code": "biometrics", "date": "2024-04-09"},
		},
		"note": "Interview was scheduled quickly.",
	})
	s.caseID, s.caseKey = c.ID, c.EditKey
	s.accounts = seedAccounts(e)
	s.feed = seedFeed(e, s.seed.caseIDs[:2])
	s.mailSite = seedMailSite(t)
	s.busy = seedBusySite(t)
	s.axe, s.axeMissing = axeSource(t)
	s.browser = startBrowser(t, execPath)
	s.tabs = &tabPool{browser: s.browser, owner: t}
	return s
}

// url is the address of a path on the server under test.
func (s *browserSuite) url(path string) string { return s.env.srv.URL + path }

// newTab opens a tab in the suite's browser.
func (s *browserSuite) newTab(t *testing.T, scripts bool) *tab { return newTab(t, s.browser, scripts) }

// load opens a path in the tab and checks the page as every step of every
// journey is checked (see loaded).
func (s *browserSuite) load(tb *tab, path string, want int64) {
	tb.t.Helper()
	s.loaded(tb, path, want, tb.open(s.url(path)))
}

// submit clicks a submit button and checks the page it leads to.
func (s *browserSuite) submit(tb *tab, what, button string, want int64) {
	tb.t.Helper()
	s.loaded(tb, what, want, tb.navigate(what, chromedp.Click(chromedp.CSS(button))))
}

// loaded checks a page the tab has just loaded: the status, nothing in the
// console (beyond the browser noting an error status the test asked for)
// and no request to another host.
func (s *browserSuite) loaded(tb *tab, what string, want, got int64) {
	tb.t.Helper()
	s.loadedOn(s.env.srv.URL, tb, what, want, got)
}

// loadedOn is loaded for a page of the server at site (a journey that
// needs a server of its own, such as one that sends mail).
func (s *browserSuite) loadedOn(site string, tb *tab, what string, want, got int64) {
	tb.t.Helper()
	if got != want {
		tb.t.Fatalf("%s: status %d, want %d", what, got, want)
	}
	tb.checkClean(what, expectedReports(want)...)
	for _, p := range offHostRequests(site, tb.net.requests()) {
		tb.t.Errorf("%s: %s", what, p)
	}
}

// expectedReports are what the browser reports about a page with a
// status the test asked for: its note of an error status.
func expectedReports(status int64) []string {
	if status >= 400 {
		return []string{fmt.Sprintf("status of %d", status)}
	}
	return nil
}

// TestBrowser drives the server in headless Chromium: first that the
// checks catch the problems they look for, then every page at desktop and
// phone size (status, console, other hosts, weight, fit, axe-core,
// screenshots), then the journeys, each with JavaScript on and, where the
// page promises to work without it, off. One browser serves every subtest,
// in parallel: each page in a tab of its own, its screens in turn, and
// each journey in a tab of its own.
func TestBrowser(t *testing.T) {
	execPath := chromiumPath(t)
	s := newBrowserSuite(t, execPath)

	t.Run("checks catch planted problems", func(t *testing.T) { testPlanted(t, s) })
	t.Run("axe-core", func(t *testing.T) {
		if s.axe == "" {
			t.Skip("skipping the accessibility check: " + s.axeMissing)
		}
	})
	t.Run("pages", func(t *testing.T) {
		for _, p := range append(browserPages[:len(browserPages):len(browserPages)], mailPages...) {
			t.Run(p.name, func(t *testing.T) {
				t.Parallel()
				// A tab from the pool, its screens in turn: each screen
				// still gets a fresh load with the cache off and its own
				// checks, but the tab's renderer, already running, neither
				// starts up again nor compiles axe-core anew.
				tb := s.tabs.borrow(t)
				for _, v := range viewports {
					t.Run(v.name, func(t *testing.T) { s.checkPage(tb.in(t), p, v) })
				}
			})
		}
	})
	t.Run("languages", func(t *testing.T) { testLanguages(t, s) })
	t.Run("journeys", func(t *testing.T) {
		for _, j := range journeys {
			modes := []bool{true}
			if j.withoutJS {
				modes = append(modes, false)
			}
			for _, scripts := range modes {
				name := j.name + "/JavaScript on"
				if !scripts {
					name = j.name + "/JavaScript off"
				}
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					j.run(t, s, s.newTab(t, scripts))
				})
			}
		}
	})
}

// checkPage loads one page at one screen size in the tab and applies
// every check.
func (s *browserSuite) checkPage(tb *tab, p browserPage, v viewport) {
	t := tb.t
	tb.resize(v)
	site := s.env.srv.URL
	if slices.ContainsFunc(mailPages, func(m browserPage) bool { return m.name == p.name }) {
		site = s.mailSite.env.srv.URL
	}
	s.loadedOn(site, tb, p.name, p.status, p.open(s, tb))
	tb.settle()
	total, problems := pageWeight(tb.net.requests(), maxPageBytes)
	// What the page reported after its load event, such as a failed
	// icon, is as much a problem as what it reported before.
	tb.checkClean(p.name+" after loading", expectedReports(p.status)...)
	t.Logf("%s at %s size: %.1f KB on the wire in %d requests", p.name, v.name, total/1000, len(tb.net.requests()))
	problems = append(problems, fitsScreen(tb, v)...)
	if s.axe != "" {
		problems = append(problems, axeCheck(tb, s.axe)...)
	}
	for _, p := range problems {
		t.Error(p)
	}
	screenshot(tb, p.name, v)
}
