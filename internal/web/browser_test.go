package web

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/casetrack/casetrack/internal/store/storetest"
)

// TestBrowser drives the real handler in headless Chromium: what a phone
// shows on the explore page, the submit form with JavaScript off, and the
// Content-Security-Policy on every page. One browser serves every subtest,
// each in its own tab; the store is SQLite, which is enough for what a
// browser can see.
func TestBrowser(t *testing.T) {
	execPath := chromiumPath(t)
	e := newEnv(t, storetest.SQLite(t))
	seeded := seedExplore(e)
	browser := startBrowser(t, execPath)

	t.Run("harness sees violations and turns scripts off", func(t *testing.T) { testHarness(t, browser) })
	t.Run("explore on a phone", func(t *testing.T) { testExplorePhone(t, browser, e, seeded) })
	t.Run("submit without JavaScript", func(t *testing.T) { testSubmitWithoutJavaScript(t, browser, e) })
	t.Run("no CSP violation on any page", func(t *testing.T) { testPagesClean(t, browser, e, seeded) })
}

// exploreSeed describes the cases seedExplore submitted.
type exploreSeed struct {
	category, group string
	cases, pending  int
	byCountry       map[string]int // country name → cases
	caseIDs         []string
}

// seedExplore submits 60 EB-2 NIW cases through the API, as contributors
// would: born in India (40) or China (20), at two service centers, filed
// over 15 months from January 2023; 36 approved, 6 denied and 18 still
// pending (6 of them with an RFE). The category, each country, center and
// filing quarter have well over the minimum of 5 cases, so their
// statistics are shown (single filing months, with 4 cases, are not), and
// 70% of the cases are decided, so the median is reached.
func seedExplore(e *testEnv) exploreSeed {
	e.t.Helper()
	s := exploreSeed{category: "eb2-niw", group: "EB-2 National Interest Waiver cases",
		byCountry: map[string]int{}}
	first := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 60 {
		filed := first.AddDate(0, i%15, 0)
		country, name := "IN", "India"
		if i%3 == 2 {
			country, name = "CN", "China"
		}
		center := "TSC"
		if i%2 == 1 {
			center = "NSC"
		}
		ms := []map[string]string{{"code": "received", "date": filed.AddDate(0, 0, 19).Format(time.DateOnly)}}
		switch i % 10 {
		case 7, 8:
			s.pending++
		case 9:
			s.pending++
			ms = append(ms, map[string]string{"code": "rfe", "date": filed.AddDate(0, 3, 0).Format("2006-01")})
		case 6:
			ms = append(ms, map[string]string{"code": "denied", "date": filed.AddDate(0, 5+i%7, 9).Format(time.DateOnly)})
		default:
			ms = append(ms, map[string]string{"code": "approved", "date": filed.AddDate(0, 4+i%9, 9).Format(time.DateOnly)})
		}
		c := e.create(map[string]any{"category": s.category, "country": country, "service_center": center,
			"filed": filed.Format("2006-01"), "milestones": ms})
		s.caseIDs = append(s.caseIDs, c.ID)
		s.byCountry[name]++
		s.cases++
	}
	return s
}

// testHarness shows that the checks below are not blind: a page with
// inline code under the app's policy is reported, both by the browser log
// and by the in-page recorder; and a tab with JavaScript off really runs no
// script, even one the policy allows.
func testHarness(t *testing.T, browser context.Context) {
	bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", contentSecurityPolicy)
		switch r.URL.Path {
		case "/inline":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, `<!doctype html><html lang="en"><head><title>t</title><link rel="icon" href="data:,"><style>p{color:red}</style></head>`+
				`<body><p>inline</p><script>document.title = "ran"</script></body></html>`)
		case "/external":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, `<!doctype html><html lang="en"><head><title>t</title><link rel="icon" href="data:,"></head>`+
				`<body><p>external</p><script src="/title.js"></script></body></html>`)
		case "/title.js":
			w.Header().Set("Content-Type", "text/javascript")
			fmt.Fprint(w, `document.title = "ran";`)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(bad.Close)

	tb := newTab(t, browser, true)
	if st := tb.open(bad.URL + "/inline"); st != http.StatusOK {
		t.Fatalf("status %d", st)
	}
	problems := tb.problems()
	var logged, recorded bool
	for _, p := range problems {
		logged = logged || strings.HasPrefix(p, "browser log") && strings.Contains(p, "Content Security Policy")
		recorded = recorded || strings.HasPrefix(p, "securitypolicyviolation:")
	}
	if !logged || !recorded {
		t.Errorf("inline style and script under the app's policy: browser log reported %v, page recorder %v; problems: %q", logged, recorded, problems)
	}
	if title := eval[string](tb, `document.title`); title != "t" {
		t.Errorf("title %q: the inline script ran, the policy was not enforced", title)
	}
	if st := tb.open(bad.URL + "/external"); st != http.StatusOK {
		t.Fatalf("status %d", st)
	}
	tb.checkClean("allowed external script")
	if title := eval[string](tb, `document.title`); title != "ran" {
		t.Errorf("title %q with JavaScript on: the allowed script did not run", title)
	}

	off := newTab(t, browser, false)
	if st := off.open(bad.URL + "/external"); st != http.StatusOK {
		t.Fatalf("status %d", st)
	}
	off.checkClean("allowed external script, JavaScript off")
	if title := eval[string](off, `document.title`); title != "t" {
		t.Errorf("title %q with JavaScript off: the page's script ran", title)
	}
}

// testExplorePhone opens the explore page at a phone's size: a readable
// headline, no sideways scrolling of the page, charts that load with text
// alternatives, the breakdown tables, and nothing in the console.
func testExplorePhone(t *testing.T, browser context.Context, e *testEnv, s exploreSeed) {
	tb := newTab(t, browser, true)
	const phoneWidth = 375
	tb.must(chromedp.EmulateViewport(phoneWidth, 812, chromedp.EmulateMobile, chromedp.EmulateTouch))
	if st := tb.open(e.srv.URL + "/explore?category=" + s.category); st != http.StatusOK {
		t.Fatalf("status %d", st)
	}
	tb.checkClean("/explore on a phone")

	headline := eval[string](tb, `(document.querySelector(".headline") || {textContent: ""}).textContent.trim()`)
	wantStart := "Half of " + s.group + " were decided within "
	wantFrom := fmt.Sprintf("from %d cases, %d still pending.", s.cases, s.pending)
	if !strings.HasPrefix(headline, wantStart) || !strings.HasSuffix(headline, wantFrom) {
		t.Errorf("headline = %q, want %q … %q", headline, wantStart, wantFrom)
	}

	type layout struct {
		ScrollWidth int      `json:"scrollWidth"`
		InnerWidth  int      `json:"innerWidth"`
		Wide        []string `json:"wide"`
		Unscrolled  []string `json:"unscrolled"`
	}
	// A phone zooms out a page wider than the screen, which widens
	// window.innerWidth with it: the page must fit the device's own width.
	l := eval[layout](tb, `((vw) => {
  const wide = [], unscrolled = [];
  const name = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.classList.length ? "." + Array.from(el.classList).join(".") : "");
  for (const el of document.querySelectorAll("body *")) {
    if (el.parentElement && el.parentElement.closest(".table-scroll")) continue;
    const r = el.getBoundingClientRect();
    if (r.right > vw + 0.5) wide.push(name(el) + " reaches " + Math.round(r.right) + "px");
  }
  for (const el of document.querySelectorAll(".table-scroll")) {
    const ox = getComputedStyle(el).overflowX;
    if (el.scrollWidth > el.clientWidth && ox !== "auto" && ox !== "scroll") unscrolled.push(name(el) + " overflow-x " + ox);
  }
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, wide: wide.slice(0, 10), unscrolled};
})(`+fmt.Sprint(phoneWidth)+`)`)
	if l.ScrollWidth > l.InnerWidth || l.InnerWidth != phoneWidth {
		t.Errorf("the page does not fit a %dpx phone: scrollWidth %d, innerWidth %d; too wide: %q", phoneWidth, l.ScrollWidth, l.InnerWidth, l.Wide)
	}
	if len(l.Unscrolled) > 0 {
		t.Errorf("table containers wider than the screen that cannot scroll: %q", l.Unscrolled)
	}

	type image struct {
		Src          string `json:"src"`
		Alt          string `json:"alt"`
		Complete     bool   `json:"complete"`
		NaturalWidth int    `json:"naturalWidth"`
	}
	images := eval[[]image](tb, `Array.from(document.querySelectorAll("img"), i => ({src: i.getAttribute("src"), alt: i.alt, complete: i.complete, naturalWidth: i.naturalWidth}))`)
	if len(images) < 3 {
		t.Errorf("%d images, want the survival, histogram and trend charts", len(images))
	}
	for _, img := range images {
		if !img.Complete || img.NaturalWidth == 0 {
			t.Errorf("chart %s did not load (complete %v, naturalWidth %d)", img.Src, img.Complete, img.NaturalWidth)
		}
		if strings.TrimSpace(img.Alt) == "" {
			t.Errorf("chart %s has no alt text", img.Src)
		}
	}

	for _, id := range []string{"by-country", "by-service_center", "by-quarter"} {
		if n := tb.count(`section[aria-labelledby="` + id + `"] table tbody tr`); n == 0 {
			t.Errorf("breakdown table %s is missing or empty", id)
		}
	}
	rows := eval[[][]string](tb, `Array.from(document.querySelectorAll('section[aria-labelledby="by-country"] tbody tr'), r => Array.from(r.children, c => c.textContent.trim()))`)
	got := map[string]string{}
	for _, r := range rows {
		if len(r) > 1 {
			got[r[0]] = r[1]
		}
	}
	for name, n := range s.byCountry {
		if got[name] != fmt.Sprint(n) {
			t.Errorf("country table: %s has %q cases, want %d (rows %q)", name, got[name], n, rows)
		}
	}
}

// testSubmitWithoutJavaScript fills and sends the submit form with
// JavaScript disabled, as a plain HTML form must work: the success page
// with the edit key, the case page with the milestone, and a refused note
// that keeps everything typed.
func testSubmitWithoutJavaScript(t *testing.T, browser context.Context, e *testEnv) {
	tb := newTab(t, browser, false)
	submitURL := e.srv.URL + "/submit"
	fill := func(note string) {
		t.Helper()
		if st := tb.open(submitURL); st != http.StatusOK {
			t.Fatalf("GET /submit: status %d", st)
		}
		tb.must(
			chromedp.SetValue(chromedp.CSS("#f-category"), "n400"),
			chromedp.SetValue(chromedp.CSS("#f-country"), "MX"),
			chromedp.SetValue(chromedp.CSS("#f-filed"), "2024-02"),
			chromedp.SetValue(chromedp.CSS("#f-m0-code"), "biometrics"),
			chromedp.SetValue(chromedp.CSS("#f-m0-date"), "2024-04-09"),
			chromedp.SetValue(chromedp.CSS("#f-note"), note),
		)
	}
	send := func() int64 {
		t.Helper()
		return tb.navigate("the submitted form", chromedp.Click(chromedp.CSS(`form.case-form button[type="submit"]`)))
	}

	fill("Interview was waived.")
	if st := send(); st != http.StatusCreated {
		t.Fatalf("submit: status %d: %s", st, tb.html("main"))
	}
	tb.checkClean("submit success page")
	key := keyPattern.FindStringSubmatch(tb.html("#edit-key"))
	if key == nil || !strings.HasPrefix(key[1], "ek_") {
		t.Errorf("success page shows no edit key: %s", tb.html("#edit-key"))
	}
	link := tb.attr(`main a[href^="/cases/c_"]`, "href")
	if !caseLinkPattern.MatchString(`href="` + link + `"`) {
		t.Fatalf("case link %q", link)
	}

	if st := tb.open(e.srv.URL + link); st != http.StatusOK {
		t.Fatalf("case page %s: status %d", link, st)
	}
	tb.checkClean("case page")
	item := tb.html("ol.timeline li.m-biometrics")
	for _, want := range []string{"Biometrics appointment", `datetime="2024-04-09"`} {
		if !strings.Contains(item, want) {
			t.Errorf("timeline item lacks %q: %s", want, item)
		}
	}

	n, err := e.st.CountCases(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	note := "Approved quickly, receipt EAC2190012345 if you want to check."
	fill(note)
	if st := send(); st != http.StatusUnprocessableEntity {
		t.Fatalf("note with a receipt number: status %d", st)
	}
	tb.checkClean("refused form", "status of 422 (Unprocessable Entity) "+submitURL)
	if tb.count("#f-note + #e-note") != 1 {
		t.Error("no error message right after the note")
	} else if msg := html.UnescapeString(tb.html("#e-note")); !strings.Contains(msg, "receipt number") {
		t.Errorf("note message = %s", msg)
	}
	if v := tb.attr("#f-note", "aria-invalid"); v != "true" {
		t.Errorf("note aria-invalid = %q", v)
	}
	if v := tb.attr("#f-note", "aria-describedby"); !strings.Contains(v, "e-note") {
		t.Errorf("note aria-describedby = %q, want it to name e-note", v)
	}
	for _, sel := range []string{
		`#f-category option[value="n400"][selected]`,
		`#f-country option[value="MX"][selected]`,
		`#f-m0-code option[value="biometrics"][selected]`,
		`#f-filed[value="2024-02"]`,
		`#f-m0-date[value="2024-04-09"]`,
	} {
		if tb.count(sel) != 1 {
			t.Errorf("refused form did not keep %s", sel)
		}
	}
	if got := html.UnescapeString(tb.html("#f-note")); !strings.Contains(got, ">"+note+"</textarea>") {
		t.Errorf("refused form did not keep the note: %s", got)
	}
	if after, err := e.st.CountCases(context.Background()); err != nil || after != n {
		t.Errorf("cases after the refused form: %d (%v), want %d", after, err, n)
	}
}

// testPagesClean loads every public page and fails on any console error or
// Content-Security-Policy violation.
func testPagesClean(t *testing.T, browser context.Context, e *testEnv, s exploreSeed) {
	tb := newTab(t, browser, true)
	for _, path := range []string{
		"/", "/submit", "/explore", "/explore?category=" + s.category + "&country=IN",
		"/methodology", "/privacy", "/cases/" + s.caseIDs[0],
	} {
		if st := tb.open(e.srv.URL + path); st != http.StatusOK {
			t.Errorf("%s: status %d", path, st)
		}
		tb.checkClean(path)
	}
}
