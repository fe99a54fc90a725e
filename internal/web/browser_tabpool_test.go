package web

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/storage"
	"github.com/chromedp/chromedp"
)

// tabPool lends tabs with JavaScript on to the page checks, so a page
// reuses a tab a page before it left, instead of opening one of its own.
// Opening a tab costs more than checking most pages: a browser context,
// a renderer process to start, and axe-core to compile from nothing,
// where a renderer that has run it before finds it in its code cache.
// The pool holds as many tabs as subtests ran at once (-test.parallel).
//
// A lent tab is as a new one is for what the checks see: no cookies, no
// extra request headers, and its screen set by the check itself (resize).
// Its cache stays off, like every tab's. What the page it held last
// reported late, after its own checks, fails that page, not the next.
type tabPool struct {
	browser context.Context
	// owner is the test the tabs live as long as.
	owner *testing.T
	mu    sync.Mutex
	idle  []*tab
}

// borrow lends t a tab until t ends: an idle one, or a new one when
// every tab is lent.
func (p *tabPool) borrow(t *testing.T) *tab {
	t.Helper()
	p.mu.Lock()
	var tb *tab
	if n := len(p.idle); n > 0 {
		tb, p.idle = p.idle[n-1].in(t), p.idle[:n-1]
	}
	p.mu.Unlock()
	if tb == nil {
		tb = openTab(t, p.owner, p.browser, true)
	}
	// Registered after the tab's hang guard, so it runs while the tab
	// still answers.
	t.Cleanup(func() { p.giveBack(t, tb) })
	tb.must(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		// The browser's own command, for the tab's browser context only:
		// Network.clearBrowserCookies, sent to the tab, never answers
		// once there are cookies to clear.
		c := chromedp.FromContext(ctx)
		if _, err := cdp.Call(ctx, c.Browser, storage.ClearCookies, storage.ClearCookiesParams{BrowserContextID: c.BrowserContextID}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, tg, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: network.Headers{}})
		return err
	}))
	tb.lang = ""
	return tb
}

// giveBack returns the tab to the pool once t is done with it, after a
// last look at what its page reported since its checks. A tab whose test
// failed is closed: it may be in the middle of anything.
func (p *tabPool) giveBack(t *testing.T, tb *tab) {
	late, err := chromedp.Run(tb.ctx, chromedp.Evaluate[[]string](`(window.__cspViolations || []).splice(0)`))
	for _, v := range late {
		tb.watch.add("securitypolicyviolation: " + v)
	}
	problems := tb.watch.take()
	for _, pr := range problems {
		t.Errorf("after the checks: %s", pr)
	}
	if err != nil || t.Failed() || len(problems) > 0 {
		tb.close()
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.idle = append(p.idle, tb)
}

// withLanguage makes the tab ask for pages in a language, as a browser
// set to it does (Accept-Language).
func (tb *tab) withLanguage(code string) {
	tb.t.Helper()
	tb.must(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{
			Headers: network.Headers{"Accept-Language": code}})
		return err
	}))
	tb.lang = code
}

// cookieNames lists the cookies the tab's browser context holds for a
// site.
func (tb *tab) cookieNames(site string) []string {
	tb.t.Helper()
	var names []string
	tb.must(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		res, err := cdp.Call(ctx, tg, network.GetCookies, network.GetCookiesParams{URLs: []string{site}})
		for _, c := range res.Cookies {
			names = append(names, c.Name)
		}
		return err
	}))
	return names
}

// testTabPool shows that a lent tab forgets what the page before it
// left: the cookies of a signed-in page and the language asked for.
func testTabPool(t *testing.T, s *browserSuite) {
	pool := &tabPool{browser: s.browser, owner: t}
	var first *tab
	t.Run("sign in", func(t *testing.T) {
		tb := pool.borrow(t)
		first = tb
		tb.withLanguage("es")
		s.useSession(tb, s.accounts.member)
		if names := tb.cookieNames(s.url("/")); len(names) == 0 {
			t.Fatal("the session cookie was not set")
		}
	})
	t.Run("borrow again", func(t *testing.T) {
		tb := pool.borrow(t)
		if tb.base != first.base {
			t.Fatal("the pool opened a new tab although one was idle")
		}
		if names := tb.cookieNames(s.url("/")); len(names) != 0 {
			t.Errorf("the lent tab still holds cookies %q", names)
		}
		s.load(tb, "/", 200)
		if lang := eval[string](tb, `document.documentElement.lang`); !strings.HasPrefix(lang, "en") {
			t.Errorf("the lent tab still asks for another language: the page is lang=%q", lang)
		}
	})
}
