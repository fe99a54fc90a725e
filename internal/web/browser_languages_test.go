package web

import (
	"fmt"
	"testing"
)

// testLanguages opens every page in every offered language but the
// source at phone width, asking for the language the way a browser does
// (Accept-Language), and applies the page checks: no sideways scrolling,
// no axe violation, no clipped text, the page in the language asked for, and for a
// right-to-left language a mirrored layout. The languages come from the
// registry, so each new catalog is covered without a change here.
func testLanguages(t *testing.T, s *browserSuite) {
	for _, loc := range s.env.server.lang.Offered()[1:] {
		for _, p := range append(browserPages[:len(browserPages):len(browserPages)], mailPages...) {
			t.Run(loc.Code()+"/"+p.name, func(t *testing.T) {
				t.Parallel()
				tb := s.tabs.borrow(t)
				tb.withLanguage(loc.Code())
				s.checkPage(tb, p, phone)
				for _, c := range eval[[]string](tb, clippedScript) {
					t.Errorf("clipped text: %s", c)
				}
				if p.name == "feed-atom" || p.name == "feed-atom-signed-in" {
					return // the feed's XSL page has no site layout
				}
				for _, problem := range directionProblems(tb, loc.Code(), loc.Dir()) {
					t.Error(problem)
				}
			})
		}
	}
}

// clippedScript lists the elements whose own text is cut off: wider or
// taller than their box where the box hides what overflows (overflow
// hidden or clip, or text-overflow: ellipsis). A longer translation of a
// button or a label shows up here, not to a reader who cannot see the
// end of the word. Visually hidden text (.vh, the skip link, the form
// trap) is meant to be clipped.
const clippedScript = `(() => {
  const name = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.classList.length ? "." + Array.from(el.classList).join(".") : "");
  const out = [];
  for (const el of document.querySelectorAll("body *")) {
    if (el.closest(".skip, .hp, .vh")) continue;
    if (!Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim() !== "")) continue;
    const cs = getComputedStyle(el);
    if (cs.display === "none" || cs.visibility === "hidden") continue;
    const hidesX = cs.overflowX === "hidden" || cs.overflowX === "clip" || cs.textOverflow === "ellipsis";
    const hidesY = cs.overflowY === "hidden" || cs.overflowY === "clip";
    const wide = hidesX && el.scrollWidth > el.clientWidth + 1;
    const tall = hidesY && el.scrollHeight > el.clientHeight + 1;
    if (wide || tall) out.push(name(el) + " " + JSON.stringify(el.textContent.trim().slice(0, 60)) +
      (wide ? " is " + el.scrollWidth + "px wide in " + el.clientWidth : " is " + el.scrollHeight + "px tall in " + el.clientHeight));
  }
  return out.slice(0, 10);
})()`

// directionLayout is what directionScript reports.
type directionLayout struct {
	Lang      string   `json:"lang"`
	Dir       string   `json:"dir"`
	Width     float64  `json:"width"`
	BrandLeft float64  `json:"brandLeft"`
	BrandRite float64  `json:"brandRight"`
	PastStart []string `json:"pastStart"`
}

// directionScript reports the page's language and direction, where the
// brand (the header's first item) sits, and the elements that reach past
// the left edge, which scrolls a right-to-left page sideways.
const directionScript = `(() => {
  const vw = document.documentElement.clientWidth;
  const name = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.classList.length ? "." + Array.from(el.classList).join(".") : "");
  const past = [];
  for (const el of document.querySelectorAll("body *")) {
    if (el.closest(".skip, .hp, .vh") || (el.parentElement && el.parentElement.closest(".table-scroll"))) continue;
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.left < -0.5) past.push(name(el) + " starts at " + Math.round(r.left) + "px");
  }
  const b = document.querySelector("header.site .brand");
  const br = b ? b.getBoundingClientRect() : {left: 0, right: 0};
  return {lang: document.documentElement.lang, dir: document.documentElement.dir, width: vw,
    brandLeft: br.left, brandRight: br.right, pastStart: past.slice(0, 10)};
})()`

// directionProblems checks that the page is in the language and direction
// asked for; a right-to-left page must start at the right: the brand, the
// header's first item, sits at the right edge and nothing reaches past
// the left one.
func directionProblems(tb *tab, lang, dir string) []string {
	tb.t.Helper()
	l := eval[directionLayout](tb, directionScript)
	var problems []string
	if l.Lang != lang || l.Dir != dir {
		problems = append(problems, fmt.Sprintf(`page is lang=%q dir=%q, want lang=%q dir=%q`, l.Lang, l.Dir, lang, dir))
	}
	if dir == "rtl" {
		if l.Width-l.BrandRite > l.BrandLeft {
			problems = append(problems, fmt.Sprintf("right-to-left page not mirrored: the brand spans %.0f–%.0fpx of %.0fpx", l.BrandLeft, l.BrandRite, l.Width))
		}
		for _, p := range l.PastStart {
			problems = append(problems, "reaches past the left edge: "+p)
		}
	}
	return problems
}
