package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// journeyDetails: an I-485 applicant opens "What splits the wait", sees
// (with JavaScript) only the fields of an adjustment, gives the field
// office and the priority date, and the case page says whether the
// priority date was current when filed, with the date as its year only.
// Without JavaScript every field is there with the forms it is for.
func journeyDetails(t *testing.T, s *browserSuite, tb *tab) {
	s.load(tb, "/submit", http.StatusOK)
	if tb.scripts && tb.count(".case-details[hidden]") != 1 {
		t.Error("the details show before a category is chosen")
	}
	tb.must(chromedp.SetValue(chromedp.CSS("#f-category"), "i485-family"))
	if tb.scripts {
		eval[bool](tb, `document.querySelector("#f-category").dispatchEvent(new Event("change"))`)
		if tb.count(".case-details[hidden]") != 0 {
			t.Error("the details stay hidden after choosing an adjustment")
		}
	}
	tb.must(chromedp.Click(chromedp.CSS(".case-details summary")))
	visible := func(sel string) bool {
		return eval[bool](tb, `document.querySelector(`+jsString(sel)+`).checkVisibility()`)
	}
	for sel, want := range map[string]bool{
		"#f-interview_office": true, "#f-priority_date": true, "#f-priority_date_current": true, "#f-chargeability": true,
		"#f-premium": !tb.scripts, "#f-premium_upgrade_day": !tb.scripts, "#f-filing_method": !tb.scripts,
	} {
		if got := visible(sel); got != want {
			t.Errorf("%s visible = %v, want %v", sel, got, want)
		}
	}
	if !tb.scripts && !strings.Contains(tb.text(".case-details"), "only for I-140, I-765, I-129 and I-539") {
		t.Error("without JavaScript the premium field does not say which forms it is for")
	}
	// The milestones: the category's checklist (without JavaScript, its
	// second step, which keeps what was chosen above).
	fillSubmit(tb, submission{category: "i485-family", country: "MX", filed: "2024-03", code: "received", date: "2024-03-20", note: "Waiting for the visa bulletin."})
	if tb.count(".case-details[open]") == 0 {
		tb.must(chromedp.Click(chromedp.CSS(".case-details summary")))
	}
	tb.must(
		chromedp.SetValue(chromedp.CSS("#f-interview_office"), "NEW"),
		chromedp.SetValue(chromedp.CSS("#f-priority_date"), "2001-06"),
		chromedp.SetValue(chromedp.CSS("#f-priority_date_current"), "no"),
	)
	s.submit(tb, "adjustment with its details", submitButton, http.StatusCreated)
	link := tb.attr(`main a[href^="/cases/c_"]`, "href")
	s.load(tb, link, http.StatusOK)
	facts := tb.text("dl.facts")
	for _, want := range []string{"Newark, NJ", "Priority date not current when filed", "2001 (year only)"} {
		if !strings.Contains(facts, want) {
			t.Errorf("case page facts %q lack %q", facts, want)
		}
	}
	if strings.Contains(facts, "2001-06") {
		t.Error("the case page shows the priority month")
	}
}
