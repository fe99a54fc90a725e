package web

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/seed"
	"github.com/casetrack/casetrack/internal/stats"
	"github.com/casetrack/casetrack/internal/store/storetest"
	"github.com/casetrack/casetrack/internal/timeline"
)

// busySite is a server whose statistics hold the synthetic cases of a
// busy site (package seed: thousands of cases, realistic countries of
// birth), for reading Explore as it looks with many countries.
type busySite struct {
	env *testEnv
	// category is the category with the most countries of birth.
	category  string
	countries int
}

// busySiteCases is how many synthetic cases the busy site holds.
const busySiteCases = 20000

// seedBusySite builds the busy site: the cases go straight into the
// statistics index, as the index sync of a running server puts them.
func seedBusySite(t *testing.T) *busySite {
	t.Helper()
	cat := catalog.Default()
	ix := stats.NewIndex(cat)
	countries := map[string]map[string]bool{}
	err := seed.Generate(cat, busySiteCases, testStart, 14, func(c *timeline.Case) error {
		ix.Upsert(c)
		if countries[c.Category] == nil {
			countries[c.Category] = map[string]bool{}
		}
		countries[c.Category][c.Country] = true
		return nil
	})
	if err != nil {
		t.Fatalf("generate the busy site's cases: %v", err)
	}
	b := &busySite{env: newEnv(t, storetest.SQLite(t), func(c *Config) { c.Index = ix })}
	for code, cs := range countries {
		if len(cs) > b.countries || len(cs) == b.countries && code < b.category {
			b.category, b.countries = code, len(cs)
		}
	}
	return b
}

// phoneLayout is what readPhoneLayout measures on Explore.
type phoneLayout struct {
	Height   float64 `json:"height"`
	Screen   float64 `json:"screen"`
	Answer   float64 `json:"answer"`
	NumberAt float64 `json:"numberAt"`
	Chart    float64 `json:"chart"`
	Table    float64 `json:"table"`
	Number   string  `json:"number"`
	Share    string  `json:"share"`
	Cases    string  `json:"cases"`
	// Countries are the country table's rows: name, and whether the row
	// shows numbers.
	Countries  []string `json:"countries"`
	Suppressed int      `json:"suppressed"`
	ShowAll    string   `json:"showAll"`
	// Broken lists row names a line break cuts inside a word.
	Broken []string `json:"broken"`
}

const readPhoneLayout = `(() => {
  const top = sel => { const el = document.querySelector(sel); return el ? el.getBoundingClientRect().top + scrollY : -1; };
  const text = sel => { const el = document.querySelector(sel); return el ? el.textContent.trim().replace(/\s+/g, " ") : ""; };
  const broken = [];
  for (const th of document.querySelectorAll("table th[scope=row]")) {
    const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const re = /\S+/g;
      for (let m = re.exec(n.data); m; m = re.exec(n.data)) {
        const r = document.createRange();
        r.setStart(n, m.index);
        r.setEnd(n, m.index + m[0].length);
        const lines = new Set(Array.from(r.getClientRects(), b => Math.round(b.top)));
        if (lines.size > 1) broken.push(m[0]);
      }
    }
  }
  const country = 'section[aria-labelledby="by-country"]';
  const facts = Array.from(document.querySelectorAll(".ex-facts > div"), d => [d.querySelector("dt").textContent.trim(), d.querySelector("dd").textContent.trim()]);
  const number = document.querySelector(".ex-number");
  return {
    height: document.documentElement.scrollHeight, screen: innerHeight,
    answer: top(".ex-answer"), numberAt: number ? number.getBoundingClientRect().bottom + scrollY : -1,
    chart: top("figure.chart"), table: top("main section table"),
    number: text(".ex-number"), share: text(".ex-share"), cases: (facts.find(f => f[0] === "Cases") || ["", ""])[1],
    countries: Array.from(document.querySelectorAll(country + " tbody th"), th => th.textContent.trim()),
    suppressed: document.querySelectorAll(country + " td.suppressed").length,
    showAll: (document.querySelector(country + " .ex-more-rows a") || {href: ""}).href,
    broken,
  };
})()`

// count3 is a count written with thousands separators, as every count on
// the site is ("30,003").
var count3 = regexp.MustCompile(`^\d{1,3}(,\d{3})*$`)

// journeyExploreBusyPhone: on a 375 x 667 phone, Explore for the category
// with the most countries of a busy site answers first (the median in
// large type and the share decided, within the first screen, before the
// charts and tables), writes counts with thousands separators, lists only
// the countries with numbers, by name and never cut inside a word, fits
// in under four screens, and unfolds every country with "show all".
func journeyExploreBusyPhone(t *testing.T, s *browserSuite, tb *tab) {
	var folded phoneLayout
	// Each step has a tab deadline of its own: axe-core takes a while on
	// a page this long, on a busy machine.
	t.Run("folded", func(t *testing.T) { folded = exploreBusyFolded(s, tb.in(t)) })
	if t.Failed() {
		return
	}
	t.Run("show all countries", func(t *testing.T) { exploreBusyShowAll(s, tb.in(t), folded) })
}

// exploreBusyFolded loads Explore for the busy category and checks the
// page as it opens.
func exploreBusyFolded(s *browserSuite, tb *tab) phoneLayout {
	t, b := tb.t, s.busy
	tb.resize(phone)
	path := "/explore?category=" + b.category
	s.loadedOn(b.env.srv.URL, tb, "explore "+b.category, http.StatusOK, tb.open(b.env.srv.URL+path))
	tb.settle()
	l := eval[phoneLayout](tb, readPhoneLayout)
	screens := l.Height / l.Screen
	t.Logf("Explore for %s (%d countries of birth among %d cases of the site) on a %vpx-high phone: %.0fpx, %.2f screens",
		b.category, b.countries, busySiteCases, l.Screen, l.Height, screens)
	screenshot(tb, "explore-busy", phone)
	if screens >= 4 {
		t.Errorf("Explore is %.2f phone screens high, want under 4", screens)
	}
	if l.Answer < 0 || l.Answer > l.Chart || l.Chart > l.Table {
		t.Errorf("order: answer at %v, first chart at %v, first table at %v; want answer, then charts, then tables", l.Answer, l.Chart, l.Table)
	}
	if l.NumberAt < 0 || l.NumberAt > l.Screen {
		t.Errorf("the answer's number ends at %vpx, below the first screen (%vpx)", l.NumberAt, l.Screen)
	}
	if !regexp.MustCompile(`^\d+(\.\d)? (months|days)$`).MatchString(l.Number) {
		t.Errorf("the answer's number is %q, want a duration", l.Number)
	}
	if !regexp.MustCompile(`^\d+\.\d% of the \d{1,3}(,\d{3})+ cases shared are decided; \d{1,3}(,\d{3})* (is|are) still waiting\.$`).MatchString(l.Share) {
		t.Errorf("the share decided reads %q, want a share of thousands of cases written with separators", l.Share)
	}
	if !count3.MatchString(l.Cases) || !strings.Contains(l.Cases, ",") {
		t.Errorf("the count of cases is %q, want thousands separators", l.Cases)
	}
	if len(l.Countries) < 3 || l.Suppressed != 0 {
		t.Errorf("country table: %d rows, %d without numbers; want only rows with numbers, several of them", len(l.Countries), l.Suppressed)
	}
	if !sort.SliceIsSorted(l.Countries, func(i, j int) bool {
		return nameOrder.CompareString(l.Countries[i], l.Countries[j]) < 0
	}) {
		t.Errorf("countries not by name: %q", l.Countries)
	}
	for _, w := range l.Broken {
		t.Errorf("a row name is broken inside the word %q", w)
	}
	for _, p := range fitsScreen(tb, phone) {
		t.Error(p)
	}
	// axe-core is a script: a tab with JavaScript off cannot run it (the
	// page is the same either way).
	if s.axe != "" && tb.scripts {
		for _, p := range axeCheck(tb, s.axe) {
			t.Error(p)
		}
	}
	if l.ShowAll == "" || !strings.Contains(l.ShowAll, "all=country") {
		t.Errorf("no link to show every country (got %q)", l.ShowAll)
	}
	return l
}

// exploreBusyShowAll unfolds the country table, as a person does: open
// it, then follow "show all rows".
func exploreBusyShowAll(s *browserSuite, tb *tab, l phoneLayout) {
	t, b := tb.t, s.busy
	country := `section[aria-labelledby="by-country"] `
	tb.must(chromedp.Click(chromedp.CSS(country + "details > summary")))
	s.loadedOn(b.env.srv.URL, tb, "show all countries", http.StatusOK,
		tb.navigate("show all countries", chromedp.Click(chromedp.CSS(country+".ex-more-rows a"))))
	if open := eval[bool](tb, `document.querySelector('`+country+`details').open`); !open {
		t.Error("after show all, the country table is folded")
	}
	all := eval[phoneLayout](tb, readPhoneLayout)
	t.Logf("with every country shown: %d rows, %d of them under k; %.2f screens", len(all.Countries), all.Suppressed, all.Height/all.Screen)
	if all.Suppressed == 0 || len(all.Countries) != len(l.Countries)+all.Suppressed {
		t.Errorf("show all: %d rows, %d suppressed; want the %d rows with numbers and those under k", len(all.Countries), all.Suppressed, len(l.Countries))
	}
	for _, c := range l.Countries {
		if !slices.Contains(all.Countries, c) {
			t.Errorf("show all lost %s", c)
		}
	}
	for _, w := range all.Broken {
		t.Errorf("show all: a row name is broken inside the word %q", w)
	}
	for _, p := range fitsScreen(tb, phone) {
		t.Error("show all: " + p)
	}
}

// journeyExploreDarkCharts: in the dark colour scheme the charts turn
// dark with light text, in the page (through <img>) as on their own; in
// the light scheme they stay light.
func journeyExploreDarkCharts(t *testing.T, s *browserSuite, tb *tab) {
	path := "/explore?category=" + s.seed.category
	for _, v := range []viewport{phoneDark, phone} {
		tb.resize(v)
		s.load(tb, path, http.StatusOK)
		if _, err := chromedp.Run(tb.ctx, chromedp.Poll[bool](`Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)`)); err != nil {
			t.Fatalf("%s: the charts did not load: %v", v.name, err)
		}
		trend := `img[src^="/explore/chart/trend.svg"]`
		shot, err := chromedp.Run(tb.ctx, chromedp.Screenshot(chromedp.CSS(trend)))
		if err != nil {
			t.Fatalf("%s: screenshot of the trend chart: %v", v.name, err)
		}
		bg, light, dark := chartTones(t, shot)
		t.Logf("%s: trend chart background luminance %.2f, %.1f%% light and %.1f%% dark pixels", v.name, bg, 100*light, 100*dark)
		if v.dark && (bg > 0.2 || light < 0.002) {
			t.Errorf("%s: the chart in the page is not dark with light text (background %.2f, light pixels %.2f%%)", v.name, bg, 100*light)
		}
		if !v.dark && (bg < 0.8 || dark < 0.002) {
			t.Errorf("%s: the chart in the page is not light with dark text (background %.2f, dark pixels %.2f%%)", v.name, bg, 100*dark)
		}

		// Opened on its own, the chart's text takes the scheme's colour.
		src := tb.attr(trend, "src")
		s.load(tb, src, http.StatusOK)
		fill := eval[string](tb, `getComputedStyle(document.querySelector("text")).fill`)
		lum := cssLuminance(t, fill)
		if v.dark != (lum > 0.6) {
			t.Errorf("%s: the chart's text is %s (luminance %.2f)", v.name, fill, lum)
		}
	}
}

// chartTones reads a screenshot: the median luminance (the background)
// and the shares of light and of dark pixels.
func chartTones(t *testing.T, shot []byte) (median, light, dark float64) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatalf("decode screenshot: %v", err)
	}
	var lums []float64
	r := img.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			lums = append(lums, luminance(img, x, y))
		}
	}
	slices.Sort(lums)
	for _, l := range lums {
		if l > 0.75 {
			light++
		}
		if l < 0.25 {
			dark++
		}
	}
	n := float64(len(lums))
	return lums[len(lums)/2], light / n, dark / n
}

// luminance is a pixel's relative brightness, 0 to 1.
func luminance(img image.Image, x, y int) float64 {
	r, g, b, _ := img.At(x, y).RGBA()
	return (0.2126*float64(r) + 0.7152*float64(g) + 0.0722*float64(b)) / 0xffff
}

// cssLuminance is the brightness of a computed CSS colour ("rgb(r, g, b)").
func cssLuminance(t *testing.T, c string) float64 {
	t.Helper()
	var r, g, b float64
	if _, err := fmt.Sscanf(c, "rgb(%g, %g, %g)", &r, &g, &b); err != nil {
		t.Fatalf("colour %q: %v", c, err)
	}
	return (0.2126*r + 0.7152*g + 0.0722*b) / 255
}
