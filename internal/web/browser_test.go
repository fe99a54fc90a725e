package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"
)

// exploreSeed describes the cases seedExplore submitted.
type exploreSeed struct {
	category, group string
	cases, pending  int
	byCountry       map[string]int // country name → cases
	byCell          map[string]int // "IN/TSC" → cases
	caseIDs         []string
}

// seedExplore submits 90 EB-2 NIW cases through the API, as contributors
// would: born in India (60) or China (30), at two service centers, filed
// over 15 months from January 2023; 54 approved, 9 denied and 27 still
// pending (9 of them with an RFE). The category, each country, center,
// filing quarter and filing month have at least the minimum of 5 cases,
// so their statistics are shown, and 70% of the cases are decided, so the
// median is reached and the charts have a shape worth a screenshot.
func seedExplore(e *testEnv) exploreSeed {
	e.t.Helper()
	s := exploreSeed{category: "eb2-niw", group: "EB-2 National Interest Waiver cases",
		byCountry: map[string]int{}, byCell: map[string]int{}}
	first := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 90 {
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
		s.byCell[country+"/"+center]++
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
		case "/clipped":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, `<!doctype html><html lang="en"><head><title>t</title><link rel="icon" href="data:,"><link rel="stylesheet" href="/clip.css"></head>`+
				`<body><p class="cut">A label far too long for its box</p><p>Room enough</p><p class="vh">Hidden on purpose, far too long</p></body></html>`)
		case "/clip.css":
			w.Header().Set("Content-Type", "text/css")
			fmt.Fprint(w, `.cut, .vh { width: 40px; overflow: hidden; white-space: nowrap; }`)
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

	if st := tb.open(bad.URL + "/clipped"); st != http.StatusOK {
		t.Fatalf("status %d", st)
	}
	if clipped := eval[[]string](tb, clippedScript); len(clipped) != 1 || !strings.HasPrefix(clipped[0], "p.cut ") {
		t.Errorf("clipped text on a page with one cut label: %q", clipped)
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

// journeyExplorePhone reads the statistics of the seeded category on a
// phone: the headline in words, charts that load with text alternatives,
// and breakdown tables with the seeded numbers.
func journeyExplorePhone(t *testing.T, s *browserSuite, tb *tab) {
	tb.resize(phone)
	s.load(tb, "/explore?category="+s.seed.category, http.StatusOK)
	seed := s.seed
	// Without filing months the headline answers for people filing now,
	// and the facts count the group.
	headline := tb.text(".headline")
	if want := "Filing now: at the pace of the last six months, "; !strings.HasPrefix(headline, want) && !strings.HasPrefix(headline, "Fewer than ") {
		t.Errorf("headline = %q, want it to start %q", headline, want)
	}
	facts := eval[exploreShown](tb, readExploreView).Facts
	for _, want := range []string{fmt.Sprintf("Cases%d", seed.cases), fmt.Sprintf("Still pending%d", seed.pending)} {
		if !slices.Contains(facts, want) {
			t.Errorf("facts %q lack %q", facts, want)
		}
	}
	for _, p := range fitsScreen(tb, phone) {
		t.Error(p)
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

	// Every chart has its numbers in a table beside it.
	bare := eval[[]string](tb, `Array.from(document.querySelectorAll("figure.chart"))
  .filter(f => !f.closest("section").querySelector("table tbody tr"))
  .map(f => f.querySelector("img").getAttribute("src"))`)
	for _, src := range bare {
		t.Errorf("chart %s has no table of its numbers", src)
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
	for name, n := range seed.byCountry {
		if got[name] != fmt.Sprint(n) {
			t.Errorf("country table: %s has %q cases, want %d (rows %q)", name, got[name], n, rows)
		}
	}
}
