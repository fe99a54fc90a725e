package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// outlookShown is what the page shows of an outlook.
type outlookShown struct {
	Sentence string  `json:"sentence"`
	BarLabel string  `json:"barLabel"`
	BarWidth float64 `json:"barWidth"`
	Legend   string  `json:"legend"`
	Ladder   int     `json:"ladder"`
	Href     string  `json:"href"`
}

const readOutlook = `(() => {
  const s = document.querySelector("#outlook .ol-sentence");
  const svg = document.querySelector("#outlook figure.ol-bar svg[role=img]");
  const legend = document.querySelector("#outlook .ol-legend");
  return {
    sentence: s ? s.textContent.trim().replace(/\s+/g, " ") : "",
    barLabel: svg ? svg.getAttribute("aria-label") : "",
    barWidth: svg ? svg.getBoundingClientRect().width : 0,
    legend: legend ? legend.textContent.trim().replace(/\s+/g, " ") : "",
    ladder: document.querySelectorAll("#outlook .ol-ladder a[href^='/explore?']").length,
    href: location.href,
  };
})()`

// journeyOutlookPhone: on a phone, from the home page to where one's case
// stands in three actions (choose the category, type the filing month,
// send), with or without JavaScript: the sentence and the bar are there,
// the bar has a text alternative and fills the width, the groups it
// compares with are linked, the page fits the phone, and its address
// opens the same outlook in a fresh tab.
func journeyOutlookPhone(t *testing.T, s *browserSuite, tb *tab) {
	tb.resize(phone)
	s.load(tb, "/", http.StatusOK)
	// The three actions.
	tb.must(chromedp.SetValue(chromedp.CSS("#h-category"), s.seed.category))
	tb.must(chromedp.SetValue(chromedp.CSS("#h-filed"), "2024-06"))
	s.submit(tb, "the home page's outlook form", `form.home-outlook button[type="submit"]`, http.StatusOK)

	got := eval[outlookShown](tb, readOutlook)
	if !strings.HasPrefix(got.Sentence, "Of similar cases, ") || !strings.Contains(got.Sentence, "you have waited") {
		t.Errorf("sentence %q", got.Sentence)
	}
	if !strings.HasPrefix(got.BarLabel, "Where you stand: filed June 2024, waiting 12.2 months as of June 20, 2025.") {
		t.Errorf("the bar's text alternative is %q", got.BarLabel)
	}
	// The phone is 375 pixels wide; the bar takes the width of its box.
	if got.BarWidth < 250 {
		t.Errorf("the bar is %.0f pixels wide on a phone", got.BarWidth)
	}
	if !strings.Contains(got.Legend, "You: 12.2 months since filing") {
		t.Errorf("legend %q", got.Legend)
	}
	if got.Ladder == 0 {
		t.Error("the groups compared with are not linked")
	}
	for _, want := range []string{"category=" + s.seed.category, "filed=2024-06", "#outlook"} {
		if !strings.Contains(got.Href, want) {
			t.Errorf("address %s lacks %s", got.Href, want)
		}
	}
	// axe-core checks this page, and the outlook's other states, among
	// the pages (explore-outlook, explore-outlook-not-enough,
	// explore-outlook-refused, case and me) at every screen size.
	for _, p := range fitsScreen(tb, phone) {
		t.Error(p)
	}

	// The address is the outlook: a fresh tab shows the same.
	fresh := s.newTab(t, tb.scripts)
	fresh.resize(phone)
	s.loaded(fresh, "shared outlook", http.StatusOK, fresh.open(got.Href))
	if again := eval[outlookShown](fresh, readOutlook); again.Sentence != got.Sentence || again.BarLabel != got.BarLabel {
		t.Errorf("the shared address shows another outlook:\n%+v\n%+v", got, again)
	}

	// A month in the future is refused beside the field, the input kept.
	fresh.must(chromedp.SetValue(chromedp.CSS("#f-filed"), "2030-01"))
	s.submit(fresh, "the explore page's outlook form", `form.outlook-form button[type="submit"]`, http.StatusUnprocessableEntity)
	expectFieldError(t, fresh, "f-filed", "e-filed", "in the future")
	if v := eval[string](fresh, `document.querySelector("#f-filed").value`); v != "2030-01" {
		t.Errorf("the refused month was not kept: %q", v)
	}
}
