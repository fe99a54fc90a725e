package web

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// stallTimeout is how long a tab may go without a word from the browser
// (an event, a finished request, a log line) before it counts as hung and
// its subtest fails. It is a guard against a hang, not a time budget: a
// page on a busy machine that is slow but moving never hits it, however
// long it takes, because every step of a load makes the browser speak.
const stallTimeout = 2 * time.Minute

// startTimeout bounds the start of the browser: a guard against a start
// that hangs, far above what a start takes even on a loaded machine.
const startTimeout = 2 * time.Minute

// chromiumPath finds the browser: CASETRACK_CHROMIUM, then
// /usr/bin/chromium, then chromium on PATH. Without one the browser tests
// are skipped, except under CI=true, where they must run.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CASETRACK_CHROMIUM"); p != "" {
		found, err := exec.LookPath(p)
		if err != nil {
			t.Fatalf("CASETRACK_CHROMIUM=%q is not an executable: %v", p, err)
		}
		return found
	}
	for _, p := range []string{"/usr/bin/chromium", "chromium"} {
		if found, err := exec.LookPath(p); err == nil {
			return found
		}
	}
	msg := "no Chromium found (looked at CASETRACK_CHROMIUM, /usr/bin/chromium and chromium on PATH); " +
		"install Chromium or set CASETRACK_CHROMIUM to run the browser tests"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg + " (CI=true: browser tests must run)")
	}
	t.Skip("skipping: " + msg)
	return ""
}

// startBrowser starts one headless Chromium for the whole test and returns
// a context whose children open tabs in it. The browser and its profile
// directory go away when the test ends.
func startBrowser(t *testing.T, execPath string) context.Context {
	t.Helper()
	profile := t.TempDir()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(execPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(profile),
	)
	// The allocator's cancel waits for the browser to exit; it is registered
	// after TempDir, so it runs before the profile directory is removed.
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(cancel)
	// The first Do ties the browser's life to its context, so it cannot
	// take a deadline; a timer cancels a start that hangs instead.
	hung := time.AfterFunc(startTimeout, cancel)
	err := chromedp.Do(ctx)
	if !hung.Stop() {
		t.Fatalf("Chromium at %s did not start within %v: %v", execPath, startTimeout, err)
	}
	if err != nil {
		t.Fatalf("start Chromium at %s: %v", execPath, err)
	}
	return ctx
}

// cspRecorder is a script the browser runs in every document before the
// page's own: it keeps each Content-Security-Policy violation the page
// reports. Scripts injected through DevTools are not subject to the page's
// policy, so it runs under the app's strict script-src too.
const cspRecorder = `window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline") + " at " + e.sourceFile + ":" + e.lineNumber);
});`

// tab is one browser tab with a watch on what the page reports and a
// record of the requests of the page loaded last.
type tab struct {
	t   *testing.T
	ctx context.Context
	// base is the tab's context without a deadline, for tab.in.
	base context.Context
	// close closes the tab and forgets its cookies, as closing a private
	// window does.
	close func()
	watch *pageWatch
	net   *netLog
	// progress is when the browser last spoke in this tab (see guard).
	progress *progress
	// scripts is false when the tab runs with JavaScript disabled; the
	// in-page violation recorder cannot run then.
	scripts bool
	// lang is the language the tab asks for (withLanguage), empty for
	// the site's default; a screenshot is named after it, so that one
	// page in several languages makes several files.
	lang string
}

// newTab opens a tab in the browser, closed when the test ends. Each tab
// has a browser context of its own, as a private window does: its own
// cookies, so tabs signed in to different accounts, or signed out, run in
// parallel without seeing each other's session. Its cache is off, so every
// load transfers the whole page, as a first visit does; focus is
// emulated, so keyboard focus works in a tab in the background while
// other tabs run in parallel.
func newTab(t *testing.T, browser context.Context, scripts bool) *tab {
	t.Helper()
	return openTab(t, t, browser, scripts)
}

// openTab is newTab for a tab that outlives the test using it first: t
// uses it now, and the tab stays open until owner ends (see tabPool).
func openTab(t, owner *testing.T, browser context.Context, scripts bool) *tab {
	t.Helper()
	w := &pageWatch{}
	nl := &netLog{}
	pr := &progress{}
	pr.mark()
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext(), chromedp.WithListener(func(ev any) {
		pr.mark()
		w.listen(ev)
		nl.listen(ev)
	}))
	owner.Cleanup(cancel)
	// The first Do opens the tab and ties the tab's life to its context,
	// as the browser's does: it runs on the tab's own context, not on one
	// that ends with t, and a timer closes a tab whose opening hangs.
	hung := time.AfterFunc(startTimeout, cancel)
	err := chromedp.Do(ctx)
	if !hung.Stop() {
		t.Fatalf("a tab did not open within %v: %v", startTimeout, err)
	}
	if err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	base := ctx
	tb := &tab{t: t, base: base, close: cancel, watch: w, net: nl, progress: pr, scripts: scripts}
	tb.ctx = tb.guard(t)
	tb.must(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := cdp.Call(ctx, tg, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, tg, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true})
		return err
	}))
	if scripts {
		tb.must(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, cdppage.AddScriptToEvaluateOnNewDocument, cdppage.AddScriptToEvaluateOnNewDocumentParams{Source: cspRecorder})
			return err
		}))
	} else {
		tb.must(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
			return err
		}))
	}
	return tb
}

// in hands the tab to a subtest of the test that opened it: failures go
// to the subtest, and it has a hang guard of its own. The subtests must
// take turns (not run in parallel); the tab stays open until the test that
// opened it ends.
func (tb *tab) in(t *testing.T) *tab {
	sub := *tb
	sub.t, sub.ctx = t, tb.guard(t)
	return &sub
}

// guard returns the tab's context for the test t: it ends with the test,
// or when the browser has been silent in this tab for stallTimeout, with
// an error that says so. Deadlines follow the work this way, where a
// fixed deadline per screen failed on a loaded machine while the page was
// still loading.
func (tb *tab) guard(t *testing.T) context.Context {
	ctx, cancel := context.WithCancelCause(tb.base)
	done := make(chan struct{})
	t.Cleanup(func() {
		close(done)
		cancel(nil)
	})
	tb.progress.mark() // a new test starts its own wait
	go func() {
		// Checking a few times per stallTimeout is enough for a hang
		// guard; it does not time the page.
		tick := time.NewTicker(stallTimeout / 8)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				if quiet := tb.progress.quiet(); quiet > stallTimeout {
					cancel(fmt.Errorf("the browser said nothing in this tab for %v: the page or the test is hung", quiet.Round(time.Second)))
					return
				}
			}
		}
	}()
	return ctx
}

// progress records when the browser last sent an event for a tab.
type progress struct{ last atomic.Int64 }

func (p *progress) mark() { p.last.Store(time.Now().UnixNano()) }

// quiet is how long the browser has been silent.
func (p *progress) quiet() time.Duration {
	return time.Since(time.Unix(0, p.last.Load()))
}

// must runs actions in the tab and fails the test on an error.
func (tb *tab) must(steps ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	if err := chromedp.Do(tb.ctx, steps...); err != nil {
		tb.t.Fatalf("browser: %v", tb.failure(err))
	}
}

// failure explains an error of a browser step: when the hang guard ended
// the step, its reason rather than a bare "context canceled".
func (tb *tab) failure(err error) error {
	if cause := context.Cause(tb.ctx); cause != nil && cause != context.Canceled && tb.ctx.Err() != nil {
		return fmt.Errorf("%w (%v)", err, cause)
	}
	return err
}

// open loads a page and returns its HTTP status.
func (tb *tab) open(url string) int64 {
	tb.t.Helper()
	return tb.navigate(url, chromedp.Navigate(url))
}

// navigate runs steps that load a page (a navigation, a click on a submit
// button) and returns the status of the new document. The tab's request
// record starts afresh, so it holds the requests of the new page only.
func (tb *tab) navigate(what string, steps ...chromedp.Action[chromedp.Void]) int64 {
	tb.t.Helper()
	tb.net.reset()
	res, err := chromedp.RunResponse(tb.ctx, steps...)
	if err != nil {
		tb.t.Fatalf("load %s: %v", what, tb.failure(err))
	}
	if res == nil {
		tb.t.Fatalf("load %s: no response", what)
	}
	return res.Status
}

// eval evaluates a JavaScript expression in the page and decodes the result.
func eval[T any](tb *tab, expr string) T {
	tb.t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		tb.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// attr returns an attribute of the first element matching a CSS selector,
// read from the DOM the server sent (it works without JavaScript).
func (tb *tab) attr(sel, name string) string {
	tb.t.Helper()
	res, err := chromedp.Run(tb.ctx, chromedp.AttributeValue(chromedp.CSS(sel), name))
	if err != nil {
		tb.t.Fatalf("attribute %s of %s: %v", name, sel, err)
	}
	if !res.Exists {
		tb.t.Fatalf("%s has no attribute %s", sel, name)
	}
	return res.Value
}

// html returns the outer HTML of the first element matching a CSS
// selector.
func (tb *tab) html(sel string) string {
	tb.t.Helper()
	s, err := chromedp.Run(tb.ctx, chromedp.OuterHTML(chromedp.CSS(sel)))
	if err != nil {
		tb.t.Fatalf("outer HTML of %s: %v", sel, err)
	}
	return s
}

// count is the number of elements matching a CSS selector, without
// waiting for one to appear. It goes through chromedp's own view of the
// DOM: a direct DOM.getDocument would renumber the nodes behind its back.
func (tb *tab) count(sel string) int {
	tb.t.Helper()
	nodes, err := chromedp.Run(tb.ctx, chromedp.Nodes(chromedp.CSSAll(sel), chromedp.AtLeast(0)))
	if err != nil {
		tb.t.Fatalf("count %s: %v", sel, err)
	}
	return len(nodes)
}

// checkClean fails the test if the page loaded last reported a console
// error, an exception or a Content-Security-Policy violation, and starts
// a fresh watch for the next page. expected lists substrings of reports
// the test asked for, such as the browser logging a 422 answer to a form.
func (tb *tab) checkClean(what string, expected ...string) {
	tb.t.Helper()
	for _, p := range tb.problems() {
		if !slices.ContainsFunc(expected, func(e string) bool { return strings.Contains(p, e) }) {
			tb.t.Errorf("%s: %s", what, p)
		}
	}
}

// problems returns what the page reported since the last call: the
// listener's console errors, exceptions and log errors, and (with
// JavaScript on) the in-page violation records. A round trip to the
// browser comes first: the listener has seen every event sent before a
// command's reply.
func (tb *tab) problems() []string {
	tb.t.Helper()
	if tb.scripts {
		for _, v := range eval[[]string](tb, `(window.__cspViolations || []).splice(0)`) {
			tb.watch.add("securitypolicyviolation: " + v)
		}
	} else {
		tb.count("html")
	}
	return tb.watch.take()
}

// pageWatch collects what a page reports that a visitor should never
// cause: console errors, uncaught exceptions, and browser log errors, which
// include Content-Security-Policy violations and failed loads.
type pageWatch struct {
	mu       sync.Mutex
	problems []string
}

// listen runs in the tab's event loop, so it only records.
func (w *pageWatch) listen(ev any) {
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			var args []string
			for _, a := range ev.Args {
				args = append(args, string(a.Value)+a.Description)
			}
			w.add("console." + string(ev.Type) + ": " + strings.Join(args, " "))
		}
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		text := d.Text
		if d.Exception != nil {
			text += " " + d.Exception.Description
		}
		w.add("uncaught exception: " + text)
	case *log.EventEntryAdded:
		if e := ev.Entry; e.Level == log.EntryLevelError || e.Source == log.EntrySourceSecurity {
			w.add(fmt.Sprintf("browser log (%s, %s): %s %s", e.Source, e.Level, e.Text, e.URL))
		}
	case *network.EventLoadingFailed:
		if !ev.Canceled {
			w.add(fmt.Sprintf("load failed (%s): %s", ev.Type, ev.ErrorText))
		}
	}
}

func (w *pageWatch) add(p string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.problems = append(w.problems, p)
}

func (w *pageWatch) take() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	p := w.problems
	w.problems = nil
	return p
}
