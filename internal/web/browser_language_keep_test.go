package web

import (
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/chromedp/chromedp"
)

// journeyLanguageKeepsTyping: a person whose submission was refused
// switches to Spanish to read the messages; the form comes back in
// Spanish holding everything typed (static/keep.js), the category's
// steps listed again with the RFE row they added, and nothing is kept
// once the page has it back.
// Then a refused milestone on a case page, whose form address takes no
// GET: the switch leads to the case page, with the typed date put back
// and its folded form opened.
func journeyLanguageKeepsTyping(t *testing.T, s *browserSuite, tb *tab) {
	s.load(tb, "/submit", http.StatusOK)
	fillSubmit(tb, refusedSubmission)
	// Two RFEs: the second row exists only because "add another" was
	// pressed, so the page in the new language must add it again.
	const rfe = `.step[data-code="rfe"]`
	tb.must(
		chromedp.Click(chromedp.CSS(rfe+` input[type="checkbox"]`)),
		chromedp.SetValue(chromedp.CSS(rfe+` input[data-date]`), "2024-06"),
		chromedp.Click(chromedp.CSS(rfe+` button[name="add"][value="rfe"]`)),
	)
	if n := tb.count(rfe); n != 2 {
		t.Fatalf("%d RFE rows after adding one, want 2", n)
	}
	tb.must(chromedp.SetValue(chromedp.CSS(rfe+` ~ `+rfe+` input[data-date]`), "2024-09"))
	s.submit(tb, "form with a receipt number and a bad date", submitButton, http.StatusUnprocessableEntity)
	if got := eval[[]string](tb, rfeDates); !slices.Equal(got, []string{"2024-06", "2024-09"}) {
		t.Fatalf("the refused form holds the RFE dates %q", got)
	}
	s.loaded(tb, "the refused form in Spanish", http.StatusOK,
		tb.navigate("switch to Spanish", chromedp.Click(chromedp.CSS(`nav.languages a[hreflang="es"]`))))
	if lang := tb.attr("html", "lang"); lang != "es" {
		t.Fatalf("the switch led to a page in %q", lang)
	}
	const bioDate = `.step[data-code="biometrics"] input[data-date]`
	for sel, want := range map[string]string{
		"#f-category": refusedSubmission.category,
		"#f-country":  refusedSubmission.country,
		"#f-filed":    refusedSubmission.filed,
		"#f-note":     refusedSubmission.note,
		bioDate:       refusedSubmission.date,
	} {
		if got := eval[string](tb, fmt.Sprintf(`(document.querySelector(%s) || {value: "(missing)"}).value`, jsString(sel))); got != want {
			t.Errorf("%s holds %q after the switch, want %q", sel, got, want)
		}
	}
	if !eval[bool](tb, `document.querySelector(`+jsString(`.step[data-code="biometrics"] input[type="checkbox"]`)+`).checked`) {
		t.Error("the biometrics step is no longer ticked")
	}
	if got := eval[[]string](tb, rfeDates); !slices.Equal(got, []string{"2024-06", "2024-09"}) {
		t.Errorf("the RFE rows hold %q after the switch, want both dates in their own rows", got)
	}
	if got := eval[string](tb, `(document.querySelector(`+jsString(`.step[data-code="rfe_response"] input[data-date]`)+`) || {}).value`); got != "" {
		t.Errorf("the RFE response row holds %q after the switch: a date went to the wrong row", got)
	}
	if got := eval[string](tb, `document.activeElement ? document.activeElement.tagName + "#" + document.activeElement.id : ""`); got != "BODY#" {
		t.Errorf("the focus is on %s after the rows came back; nobody moved it", got)
	}
	if kept := eval[bool](tb, `sessionStorage.length > 0`); kept {
		t.Error("what was typed is still in sessionStorage after the page put it back")
	}

	s.load(tb, "/cases/"+s.caseID+"?lang=en", http.StatusOK)
	openEditForm(tb)
	tb.must(
		chromedp.SetValue(chromedp.CSS("#f-edit_key"), s.caseKey),
		chromedp.SetValue(chromedp.CSS("#f-code"), "interview"),
		chromedp.SetValue(chromedp.CSS("#f-date"), "02/30/2024"),
	)
	s.submit(tb, "a milestone on a day that does not exist", `section.edit form[action$="/milestones"] button[type="submit"]`, http.StatusUnprocessableEntity)
	s.loaded(tb, "the case page in Arabic", http.StatusOK,
		tb.navigate("switch to Arabic", chromedp.Click(chromedp.CSS(`nav.languages a[hreflang="ar"]`))))
	if got := eval[string](tb, `location.pathname`); got != "/cases/"+s.caseID {
		t.Errorf("the switch led to %s, want the case page", got)
	}
	if got := eval[string](tb, `document.querySelector("#f-date").value`); got != "02/30/2024" {
		t.Errorf("the typed date is %q after the switch", got)
	}
	if got := eval[string](tb, `document.querySelector("#f-edit_key").value`); got != "" {
		t.Error("the edit key was kept across the switch; keys are never kept")
	}
	if !eval[bool](tb, `!!document.querySelector("#f-date").closest("details[open]")`) {
		t.Error("the form holding the typed date stayed folded")
	}
}

// rfeDates lists the dates of the submit form's RFE rows, in order.
const rfeDates = `Array.from(document.querySelectorAll('.step[data-code="rfe"] input[data-date]'), i => i.value)`
