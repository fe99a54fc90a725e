package web

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// maxPageBytes is the most one page may cost on the wire, everything it
// loads included, so it opens quickly on a slow phone connection.
const maxPageBytes = 150_000

// viewport is a screen the suite looks at every page on: its size, and
// whether it is a phone and asks for the dark colour scheme.
type viewport struct {
	name          string
	width, height int64
	mobile, dark  bool
}

var (
	desktop   = viewport{name: "desktop", width: 1280, height: 800}
	phone     = viewport{name: "phone", width: 375, height: 667, mobile: true}
	phoneDark = viewport{name: "phone-dark", width: 375, height: 667, mobile: true, dark: true}
)

// viewports are the screens every page is checked on. The dark one is
// there for colour contrast: style.css has a second palette for it.
var viewports = []viewport{desktop, phone, phoneDark}

// resize makes the tab a screen of the viewport's size; a phone also gets
// a phone's touch input and meta-viewport handling.
func (tb *tab) resize(v viewport) {
	tb.t.Helper()
	if v.mobile {
		tb.must(chromedp.EmulateViewport(v.width, v.height, chromedp.EmulateMobile, chromedp.EmulateTouch))
	} else {
		tb.must(chromedp.EmulateViewport(v.width, v.height))
	}
	scheme := "light"
	if v.dark {
		scheme = "dark"
	}
	tb.must(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
		})
		return err
	}))
}

// fitLayout is what fitsScreenScript reports.
type fitLayout struct {
	ScrollWidth int      `json:"scrollWidth"`
	InnerWidth  int      `json:"innerWidth"`
	Wide        []string `json:"wide"`
	Unscrolled  []string `json:"unscrolled"`
	Unwrapped   []string `json:"unwrapped"`
	BigCharts   []string `json:"bigCharts"`
}

// fitsScreenScript measures the page against the screen: the page's own
// width, the elements that reach past the right edge (inside a scrolling
// table container that is allowed), table containers that are wider than
// their box but cannot scroll, tables outside such a container, and chart
// images wider than the column they sit in.
const fitsScreenScript = `(() => {
  const vw = document.documentElement.clientWidth;
  const name = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.classList.length ? "." + Array.from(el.classList).join(".") : "");
  const wide = [], unscrolled = [], unwrapped = [], bigCharts = [];
  for (const el of document.querySelectorAll("body *")) {
    if (el.parentElement && el.parentElement.closest(".table-scroll")) continue;
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > vw + 0.5) wide.push(name(el) + " reaches " + Math.round(r.right) + "px");
  }
  for (const el of document.querySelectorAll(".table-scroll")) {
    const ox = getComputedStyle(el).overflowX;
    if (ox !== "auto" && ox !== "scroll") unscrolled.push(name(el) + " overflow-x " + ox);
  }
  for (const el of document.querySelectorAll("table")) {
    if (!el.parentElement.closest(".table-scroll")) unwrapped.push(name(el) + (el.caption ? " (" + el.caption.textContent.trim() + ")" : ""));
  }
  for (const img of document.querySelectorAll("img")) {
    const box = img.parentElement.getBoundingClientRect();
    if (img.getBoundingClientRect().width > box.width + 0.5) bigCharts.push(img.getAttribute("src") + " is " + Math.round(img.getBoundingClientRect().width) + "px in a " + Math.round(box.width) + "px column");
  }
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
    wide: wide.slice(0, 10), unscrolled, unwrapped, bigCharts};
})()`

// fitsScreen lists what makes the page scroll sideways on a screen of the
// viewport's width. A phone zooms out a page wider than the screen, which
// widens window.innerWidth with it: the page must fit the device's width.
func fitsScreen(tb *tab, v viewport) []string {
	tb.t.Helper()
	l := eval[fitLayout](tb, fitsScreenScript)
	var problems []string
	if l.ScrollWidth > l.InnerWidth || int64(l.InnerWidth) != v.width {
		problems = append(problems, fmt.Sprintf("the page does not fit a %dpx screen: scrollWidth %d, innerWidth %d; too wide: %q",
			v.width, l.ScrollWidth, l.InnerWidth, l.Wide))
	}
	for _, u := range l.Unscrolled {
		problems = append(problems, "table container cannot scroll sideways: "+u)
	}
	for _, u := range l.Unwrapped {
		problems = append(problems, "table outside a scrolling container (.table-scroll): "+u)
	}
	for _, b := range l.BigCharts {
		problems = append(problems, "chart does not shrink to its column: "+b)
	}
	return problems
}

// screenshot writes a PNG of the whole page to CASETRACK_SCREENSHOTS, if
// set, as NAME-VIEWPORT.png, or NAME-LANG-VIEWPORT.png when the tab asked
// for a language (withLanguage): the language checks show every page in
// every language, and without it each would overwrite the one before.
func screenshot(tb *tab, name string, v viewport) {
	tb.t.Helper()
	dir := os.Getenv("CASETRACK_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(tb.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		tb.t.Fatalf("screenshot of %s: %v", name, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.t.Fatal(err)
	}
	base := strings.ReplaceAll(name, "/", "-")
	if tb.lang != "" {
		base += "-" + tb.lang
	}
	file := filepath.Join(dir, base+"-"+v.name+".png")
	if err := os.WriteFile(file, png, 0o644); err != nil {
		tb.t.Fatal(err)
	}
}
