package web

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/casetrack/casetrack/internal/store/storetest"
)

// TestBrowserFeedAndModeration opens the feed, the home page, a case page
// with its report form and the moderation page in a real browser: no
// console error or Content-Security-Policy violation anywhere, and the
// submit form's honeypot takes no visible space and no keyboard stop.
func TestBrowserFeedAndModeration(t *testing.T) {
	execPath := chromiumPath(t)
	e := newEnv(t, storetest.SQLite(t))
	ids := e.createFixture()
	mustStatus(t, e.postJSON("/api/v1/cases/"+ids[1]+"/reports", map[string]string{"reason": "spam"}), http.StatusAccepted)
	browser := startBrowser(t, execPath)

	tb := newTab(t, browser, true)
	for _, path := range []string{"/", "/feed", "/feed?category=eb2-niw&country=IN&filed=2024-03&limit=1", "/cases/" + ids[0]} {
		if st := tb.open(e.srv.URL + path); st != http.StatusOK {
			t.Errorf("%s: status %d", path, st)
		}
		tb.checkClean(path)
	}

	// The honeypot: in the form, out of sight, out of the tab order.
	if st := tb.open(e.srv.URL + "/submit"); st != http.StatusOK {
		t.Fatalf("/submit: status %d", st)
	}
	type box struct{ Right, Bottom, Width, Height, Tab float64 }
	b := eval[box](tb, `(() => { const el = document.getElementById("f-website"); const r = el.getBoundingClientRect();
		return {Right: r.right, Bottom: r.bottom, Width: r.width, Height: r.height, Tab: el.tabIndex}; })()`)
	if b.Right > 0 && b.Bottom > 0 && b.Width > 1 && b.Height > 1 {
		t.Errorf("the honeypot is visible: %+v", b)
	}
	if b.Tab != -1 {
		t.Errorf("the honeypot is in the tab order: tabIndex %v", b.Tab)
	}
	tb.checkClean("/submit")

	// The moderation page, as an administrator.
	admin := newTab(t, browser, true)
	headers := network.Headers{}
	h := e.adminHeaders()
	headers[h[0]] = h[1]
	admin.must(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := cdp.Call(ctx, tg, network.Enable, network.EnableParams{}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, tg, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: headers})
		return err
	}))
	if st := admin.open(e.srv.URL + "/admin"); st != http.StatusOK {
		t.Fatalf("/admin: status %d", st)
	}
	if n := admin.count(`form[action="/admin/cases/` + url.PathEscape(ids[1]) + `"]`); n != 1 {
		t.Errorf("the reported case has %d action forms, want 1", n)
	}
	admin.checkClean("/admin")
}
