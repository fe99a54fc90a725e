package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The "manage my case" link in a real browser: the page shown after
// submitting hands it over, and the link alone, in a browser that has
// never seen the site, manages the case on a phone.

func init() {
	journeys = append(journeys,
		journey{"manage a case from its link alone on a phone", true, journeyManageLink},
		journey{"keep a case in an account right from the thank-you page, signing up on the way", true, journeyKeepInAccount},
		journey{"the account forms' email and password fields look like every other field", false, journeyAccountFields})
	browserPages = append(browserPages,
		browserPage{"manage-link", http.StatusOK, func(s *browserSuite, tb *tab) int64 {
			return tb.open(s.url(manageLink(s.caseID, s.caseKey)))
		}},
		browserPage{"manage-link-dead", http.StatusForbidden, func(s *browserSuite, tb *tab) int64 {
			return tb.open(s.url(manageLink(s.caseID, "ek_"+strings.Repeat("A", 52))))
		}},
		browserPage{"manage-edit", http.StatusOK, func(s *browserSuite, tb *tab) int64 {
			return tb.open(s.url(manageLink(s.caseID, s.caseKey) + "/edit"))
		}},
	)
}

// manageKey reads the edit key out of the manage link on the page shown
// after submitting.
func manageKey(tb *tab) string {
	tb.t.Helper()
	_, key, ok := manageLinkIn(tb.attr("#manage-link", "href"))
	if !ok {
		tb.t.Fatalf("the thank-you page has no manage link: %s", tb.html("main"))
	}
	return key
}

// journeyManageLink: submit on a phone, take the manage link from the
// thank-you page, open it in a fresh browser (no cookies, nothing typed)
// and add a milestone, confirm the case still pending, correct its note
// and delete it, every answer coming back to the link; a link cut short
// or used after the case is gone gets a clear message.
func journeyManageLink(t *testing.T, s *browserSuite, tb *tab) {
	tb.resize(phone)
	s.load(tb, "/submit", http.StatusOK)
	fillSubmit(tb, goodSubmission)
	s.submit(tb, "the submit form on a phone", submitButton, http.StatusCreated)
	link := tb.attr("#manage-link", "href")
	shown := tb.text("#manage-link")
	if !strings.HasPrefix(shown, s.url("/m/c_")) || !strings.HasSuffix(shown, link) {
		t.Errorf("the link shown is %q, want the site's address and %s", shown, link)
	}
	if w := tb.text(".manage-box .warning"); !strings.Contains(w, "Anyone with this link can change or delete your case") {
		t.Errorf("the warning says %q", w)
	}
	if tb.count(`.keep-box form[action$="/keep"] input[type="hidden"][name="edit_key"]`) != 1 {
		t.Error("the thank-you page offers no account to keep the case in")
	}
	// The Copy button is there exactly when a script can copy: headless
	// Chromium on 127.0.0.1 (a secure context) has the Clipboard API.
	visible := eval[bool](tb, `(() => { const b = document.querySelector("[data-copy-link]"); return !!b && !b.closest("[hidden]") && !b.hidden; })()`)
	if visible != tb.scripts {
		t.Errorf("Copy button visible = %v with JavaScript %v", visible, tb.scripts)
	}
	for _, p := range fitsScreen(tb, phone) {
		t.Error(p)
	}

	// The link alone, in a browser with no cookies.
	later := s.newTab(t, tb.scripts)
	later.resize(phone)
	s.load(later, link, http.StatusOK)
	if later.count("#f-edit_key") != 0 || later.count(`form.edit-form input[type="hidden"][name="edit_key"]`) != 1 {
		t.Fatalf("the manage page asks for the key: %s", later.html("section.edit"))
	}
	if later.count("section.edit details[open]") != 1 {
		t.Error("the manage page's forms are folded away")
	}
	for _, p := range fitsScreen(later, phone) {
		t.Error(p)
	}
	onLink := func(what string) {
		t.Helper()
		if p := eval[string](later, `location.pathname`); p != link {
			t.Errorf("after %s the browser is at %s, want back at the manage link", what, p)
		}
		if n := later.text(`.notice[role="status"]`); n == "" {
			t.Errorf("no status message after %s", what)
		}
	}

	later.must(
		chromedp.SetValue(chromedp.CSS("#f-code"), "interview"),
		chromedp.SetValue(chromedp.CSS("#f-date"), "2024-06-10"),
	)
	s.submit(later, "add a milestone from the link", `form.edit-form button[type="submit"]:not([formaction])`, http.StatusOK)
	onLink("adding a milestone")
	if item := later.html("ol.timeline li.m-interview"); !strings.Contains(item, `datetime="2024-06-10"`) {
		t.Errorf("timeline lacks the new interview: %s", item)
	}

	// Confirming is one tap, at the top of the page the link opens.
	s.submit(later, "confirm still waiting from the link", `.manage-intro form[action$="/confirm"] button`, http.StatusOK)
	onLink("confirming")
	s.submit(later, "confirm again from the edit form", `button[formaction$="/confirm"]`, http.StatusOK)
	onLink("confirming from the edit form")

	s.submit(later, "open the edit form from the link", `section.edit a[href$="/edit"]`, http.StatusOK)
	later.must(chromedp.SetValue(chromedp.CSS("#f-note"), "Interview scheduled by mail."))
	s.submit(later, "save the corrected note", `form.case-form button.save`, http.StatusOK)
	onLink("correcting the note")
	if n := later.text("p.note"); n != "Interview scheduled by mail." {
		t.Errorf("the note reads %q after the correction", n)
	}

	// A link cut short says so.
	s.load(later, link[:len(link)-5], http.StatusForbidden)
	if m := later.text("main"); !strings.Contains(m, "incomplete") {
		t.Errorf("a cut link answers %q", m)
	}

	s.load(later, link, http.StatusOK)
	s.submit(later, "delete from the link", `button[formaction$="/delete"]`, http.StatusOK)
	s.submit(later, "confirmed delete", `.confirm-delete button[type="submit"]`, http.StatusOK)
	if n := later.text(`.notice[role="status"]`); !strings.Contains(n, "deleted") {
		t.Errorf("home page after deleting says %q", n)
	}
	s.load(later, link, http.StatusNotFound)
	if m := later.text("main"); !strings.Contains(m, "deleted") {
		t.Errorf("the link of a deleted case answers %q", m)
	}
}

// journeyAccountFields: on the sign-up page, which has an email, a text
// and a password field, the email and password fields are drawn exactly
// like the text field (border, padding, corners, colours, size), in light
// and dark mode at phone width.
func journeyAccountFields(t *testing.T, s *browserSuite, tb *tab) {
	const look = `((sel) => { const c = getComputedStyle(document.querySelector(sel));
  return ["border-top-width", "border-top-style", "border-top-color", "border-radius", "padding-top", "padding-left",
    "background-color", "color", "font-size", "font-family", "width", "height"].map(p => p + ": " + c.getPropertyValue(p)).join("; "); })`
	for _, v := range []viewport{phone, phoneDark} {
		tb.resize(v)
		s.load(tb, "/signup", http.StatusOK)
		text := eval[string](tb, look+`("#f-name")`)
		for _, sel := range []string{"#f-email", "#f-password"} {
			if got := eval[string](tb, look+"("+jsString(sel)+")"); got != text {
				t.Errorf("%s at %s: %s is drawn\n  %s\nbut a text field\n  %s", "/signup", v.name, sel, got, text)
			}
		}
	}
}

// journeyKeepInAccount: signed out on a phone, share a case and choose
// "Keep it in an account" on the thank-you page; the sign-in page says
// what happens, signing up and in leads to My timeline, which offers the
// case; keeping it puts it in the account, confirmed beside it, and its
// manage link stops working.
func journeyKeepInAccount(t *testing.T, s *browserSuite, tb *tab) {
	tb.resize(phone)
	s.load(tb, "/submit", http.StatusOK)
	fillSubmit(tb, goodSubmission)
	s.submit(tb, "the submit form, signed out", submitButton, http.StatusCreated)
	link := tb.attr("#manage-link", "href")
	id, _, _ := manageLinkIn(link)
	s.submit(tb, "keep it in an account", `.keep-box button[type="submit"]`, http.StatusOK)
	if path := eval[string](tb, "location.pathname"); path != "/signin" {
		t.Fatalf("keeping signed out led to %s, want the sign-in page", path)
	}
	if n := tb.text(`.notice[role="status"]`); !strings.Contains(n, "keep your case") {
		t.Errorf("the sign-in page says %q", n)
	}
	email := journeyEmail("keeper", tb)
	s.signUp(tb, email, "Kim")
	s.signIn(tb, email, testPassword)
	if tb.count(`form[action="/me/claim"] input[name="case"][value="`+id+`"]`) != 1 {
		t.Fatalf("/me does not offer the case to keep: %s", tb.html("main"))
	}
	if s.axe != "" && tb.scripts { // axe-core runs as a script in the page
		for _, p := range axeCheck(tb, s.axe) {
			t.Errorf("/me offering the case: %s", p)
		}
	}
	s.submit(tb, "keep it in my account", `.keep-box button[type="submit"]`, http.StatusOK)
	item := `ul.my-cases li[id="` + id + `"] `
	if n := tb.text(item + `.notice[role="status"]`); !strings.Contains(n, "in your timeline") {
		t.Errorf("after keeping, /me says %q beside the case", n)
	}
	if tb.count(".keep-box") != 0 {
		t.Error("/me still offers the case it keeps")
	}
	problems := fitsScreen(tb, phone)
	if s.axe != "" && tb.scripts { // axe-core runs as a script in the page
		problems = append(problems, axeCheck(tb, s.axe)...)
	}
	for _, p := range problems {
		t.Error(p)
	}
	s.load(tb, link, http.StatusForbidden)
}
