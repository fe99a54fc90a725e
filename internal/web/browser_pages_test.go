package web

import (
	"net/http"

	"github.com/chromedp/chromedp"
)

// browserPage is one page the suite checks at every screen size: how to
// reach it and the status it answers with. Add a page with one line here;
// a page that needs an account or a form first gets an open function.
type browserPage struct {
	name   string
	status int64
	// open loads the page in the tab (with tb.open or tb.navigate, so
	// the tab's request record holds this page only) and returns its
	// status.
	open func(s *browserSuite, tb *tab) int64
}

// browserPages are the pages of the site, in every state worth looking at.
var browserPages = []browserPage{
	{"home", http.StatusOK, get("/")},
	{"submit", http.StatusOK, get("/submit")},
	{"submit-refused", http.StatusUnprocessableEntity, submitted(refusedSubmission)},
	{"submit-done", http.StatusCreated, submitted(goodSubmission)},
	{"case", http.StatusOK, func(s *browserSuite, tb *tab) int64 { return tb.open(s.url("/cases/" + s.caseID)) }},
	{"case-edit-refused", http.StatusForbidden, caseEdit("ek_wrong", `form.edit-form button[type="submit"]:not([formaction])`)},
	{"case-delete-confirm", http.StatusOK, caseEdit("", `button[formaction$="/delete"]`)},
	{"explore", http.StatusOK, get("/explore")},
	{"explore-filtered", http.StatusOK, get("/explore?category=eb2-niw&country=IN&service_center=TSC")},
	{"explore-not-enough-data", http.StatusOK, get("/explore?category=o1")},
	{"explore-outlook", http.StatusOK, get("/explore?category=eb2-niw&country=IN&filed=2024-06")},
	{"explore-outlook-not-enough", http.StatusOK, get("/explore?category=eb2-niw&filed=2023-03")},
	{"explore-outlook-refused", http.StatusUnprocessableEntity, get("/explore?category=eb2-niw&filed=2030-01")},
	{"methodology", http.StatusOK, get("/methodology")},
	{"privacy", http.StatusOK, get("/privacy")},
	{"not-found", http.StatusNotFound, get("/no-such-page")},
	{"signin", http.StatusOK, get("/signin")},
	{"signup", http.StatusOK, get("/signup")},
	{"signup-refused", http.StatusUnprocessableEntity, signupRefused},
	{"me", http.StatusOK, signedInAs(member, at("/me"))},
	{"me-edit", http.StatusOK, signedInAs(member, func(a browserAccount) string { return "/me/cases/" + a.caseIDs[0] + "/edit" })},
	{"me-password", http.StatusOK, signedInAs(member, at("/me/password"))},
	{"me-delete-confirm", http.StatusOK, deleteConfirm},
	{"account-deleted", http.StatusOK, accountDeleted},
	{"admin-forbidden", http.StatusForbidden, signedInAs(member, at("/admin"))},
	{"feed", http.StatusOK, get("/feed")},
	{"feed-cohort", http.StatusOK, get("/feed?category=i485-family&country=PH&filed=2024-08")},
	{"feed-older", http.StatusOK, feedOlder},
	{"feed-empty", http.StatusOK, get("/feed?category=o1")},
	{"feed-atom", http.StatusOK, get("/feed.atom?category=i485-family&country=PH&filed=2024-08")},
	{"feed-atom-signed-in", http.StatusOK, signedInAs(member, at("/feed.atom?category=i485-family"))},
	{"case-report", http.StatusOK, caseReport},
	{"admin", http.StatusOK, signedInAs(admin, at("/admin"))},
}

// get opens a path.
func get(path string) func(*browserSuite, *tab) int64 {
	return func(s *browserSuite, tb *tab) int64 { return tb.open(s.url(path)) }
}

// submitted sends the submit form filled with a submission.
func submitted(sub submission) func(*browserSuite, *tab) int64 {
	return func(s *browserSuite, tb *tab) int64 {
		s.load(tb, "/submit", http.StatusOK)
		fillSubmit(tb, sub)
		return tb.navigate("the submit form", chromedp.Click(chromedp.CSS(submitButton)))
	}
}

// caseEdit sends the edit form of the suite's case with a key (the
// case's own when key is empty) through one of its buttons.
func caseEdit(key, button string) func(*browserSuite, *tab) int64 {
	return func(s *browserSuite, tb *tab) int64 {
		k := key
		if k == "" {
			k = s.caseKey
		}
		s.load(tb, "/cases/"+s.caseID, http.StatusOK)
		openEditForm(tb)
		tb.must(
			chromedp.SetValue(chromedp.CSS("#f-edit_key"), k),
			chromedp.SetValue(chromedp.CSS("#f-code"), "interview"),
			chromedp.SetValue(chromedp.CSS("#f-date"), "2024-06-10"),
		)
		return tb.navigate("the edit form", chromedp.Click(chromedp.CSS(button)))
	}
}

// submitButton is the submit form's button that saves.
const submitButton = `form.case-form button.save`

// submission is what a person types into the submit form.
type submission struct {
	category, country, filed, code, date, note string
}

var (
	goodSubmission    = submission{"n400", "MX", "2024-02", "biometrics", "2024-04-09", "Interview was waived."}
	refusedSubmission = submission{"n400", "MX", "2024-02", "biometrics", "2024-13-45",
		"Approved quickly, receipt EAC2190012345 if you want to check."}
)

// fillSubmit fills the submit form loaded in the tab: the fields above the
// checklist, then the checklist of the category (drawn at once by the
// page's script, or after "Continue" without it), then the one step.
func fillSubmit(tb *tab, sub submission) {
	tb.t.Helper()
	tb.must(
		chromedp.SetValue(chromedp.CSS("#f-category"), sub.category),
		chromedp.SetValue(chromedp.CSS("#f-country"), sub.country),
		chromedp.SetValue(chromedp.CSS("#f-filed"), sub.filed),
		chromedp.SetValue(chromedp.CSS("#f-note"), sub.note),
	)
	if tb.scripts {
		eval[bool](tb, `document.querySelector("#f-category").dispatchEvent(new Event("change", {bubbles: true}))`)
	} else if tb.count(`.step[data-code=`+jsString(sub.code)+`]`) == 0 {
		if st := tb.navigate("show the category's steps", chromedp.Click(chromedp.CSS(`button[name="action"][value="steps"]`))); st != http.StatusOK {
			tb.t.Fatalf("show the category's steps: status %d", st)
		}
	}
	row := `.step[data-code=` + jsString(sub.code) + `] `
	if tb.count(row+`input[type="checkbox"]:checked`) == 0 {
		tb.must(chromedp.Click(chromedp.CSS(row + `input[type="checkbox"]`)))
	}
	tb.must(chromedp.SetValue(chromedp.CSS(row+`input[data-date]`), sub.date))
}

// openEditForm opens the case page's edit section, a <details> element
// that needs no script, by clicking its summary as a person would.
func openEditForm(tb *tab) {
	tb.t.Helper()
	if tb.count("section.edit details[open]") == 0 {
		tb.must(chromedp.Click(chromedp.CSS("#edit-heading")))
	}
}
