package web

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/casetrack/casetrack/internal/timeline"
)

// journey is one thing a person comes to the site to do, followed through
// the pages in a browser tab. Add a journey with one line here and one
// function. withoutJS runs it a second time with JavaScript disabled, for
// what the site promises to do without it (DESIGN.md: submitting and
// reading the statistics).
type journey struct {
	name      string
	withoutJS bool
	run       func(t *testing.T, s *browserSuite, tb *tab)
}

var journeys = []journey{
	{"submit a timeline and update it later", true, journeySubmit},
	{"explore and share a view", true, journeyExplore},
	{"read the statistics on a phone", true, journeyExplorePhone},
	{"read Explore of a busy category on a phone: the answer first, under four screens, every country on demand", true, journeyExploreBusyPhone},
	{"the charts follow the dark colour scheme", false, journeyExploreDarkCharts},
	{"submit with the keyboard only", true, journeyKeyboard},
	{"submit a typical I-485 timeline on a phone, counting taps and keystrokes", true, journeyPhoneSubmit},
	{"a date that reads two ways is confirmed before it is saved", true, journeyAmbiguousDate},
	{"the date fields read dates as the server does", false, journeyDateReadout},
	{"a second RFE is one more row of the checklist", true, journeyRepeatRFE},
	{"give the details that split the wait: only an adjustment's fields, the priority date shown as its year", true, journeyDetails},
	{"sign up, create a case, update it on a later visit, export, delete the account", true, journeyAccount},
	{"claim an anonymous case into the account", true, journeyClaim},
	{"read the feed, filter to a cohort, report a case; as admin, hide it and see it gone", true, journeyFeedModeration},
	{"open the Atom feed in the browser: a page to follow it, by email once signed in", false, journeyFeedAtom},
	{"the submit form's honeypot stays out of sight and out of the Tab order", true, journeyHoneypot},
	{"from the home page to where my case stands in three actions on a phone", true, journeyOutlookPhone},
	{"sign up, confirm the address from the mail, follow a group from Explore, get its digest, stop it from the mail", true, journeyMail},
	{"switch language after a refused form: the page the form is on, in the new language, holding what was typed", false, journeyLanguageKeepsTyping},
}

// journeySubmit: a bad note and a bad date are refused with messages tied
// to their fields, the fixed form gives a case link and an edit key, and a
// later visit with the key adds a milestone, confirms the case and deletes
// it.
func journeySubmit(t *testing.T, s *browserSuite, tb *tab) {
	s.load(tb, "/submit", http.StatusOK)
	fillSubmit(tb, refusedSubmission)
	s.submit(tb, "form with a receipt number and a bad date", submitButton, http.StatusUnprocessableEntity)

	alert := tb.text(`.alert[role="alert"]`)
	for _, want := range []string{"receipt number", "Date of Biometrics appointment"} {
		if !strings.Contains(alert, want) {
			t.Errorf("announced error summary %q lacks %q", alert, want)
		}
	}
	const bioDate = `.step[data-code="biometrics"] input[data-date]`
	for _, f := range []struct{ field, msg, want string }{
		{"f-note", "e-note", "receipt number"},
		{"f-m1-date", "e-m1-date", "no month 13"},
	} {
		expectFieldError(t, tb, f.field, f.msg, f.want)
	}
	for _, sel := range []string{
		`#f-category option[value="n400"][selected]`,
		`#f-country option[value="MX"][selected]`,
		`.step[data-code="biometrics"] input[type="checkbox"][checked]`,
		`#f-filed[value="2024-02"]`,
		bioDate + `[id="f-m1-date"][value="2024-13-45"]`,
	} {
		if tb.count(sel) != 1 {
			t.Errorf("refused form did not keep %s", sel)
		}
	}
	if got := html.UnescapeString(tb.html("#f-note")); !strings.Contains(got, ">"+refusedSubmission.note+"</textarea>") {
		t.Errorf("refused form did not keep the note: %s", got)
	}
	// Other tabs add cases meanwhile, so look for this one by its note.
	err := s.env.st.ScanCases(context.Background(), func(c *timeline.Case) error {
		if strings.Contains(c.Note, "EAC2190012345") {
			t.Errorf("the refused form was stored as case %s", c.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	tb.must(
		chromedp.SetValue(chromedp.CSS("#f-note"), goodSubmission.note),
		chromedp.SetValue(chromedp.CSS(bioDate), goodSubmission.date),
	)
	s.submit(tb, "fixed form", submitButton, http.StatusCreated)
	key := manageKey(tb)
	if !strings.HasPrefix(key, "ek_") {
		t.Fatalf("success page shows no edit key: %q", key)
	}
	link := tb.attr(`main a[href^="/cases/c_"]`, "href")
	if !caseLinkPattern.MatchString(`href="` + link + `"`) {
		t.Fatalf("case link %q", link)
	}

	// A later visit: a fresh tab, the bookmarked link and the saved key.
	later := s.newTab(t, tb.scripts)
	s.load(later, link, http.StatusOK)
	if item := later.html("ol.timeline li.m-biometrics"); !strings.Contains(item, `datetime="2024-04-09"`) {
		t.Errorf("timeline lacks the biometrics date: %s", item)
	}
	addButton := `form.edit-form button[type="submit"]:not([formaction])`
	edit := func(key, code, date string) {
		t.Helper()
		openEditForm(later)
		for _, f := range [][2]string{{"#f-edit_key", key}, {"#f-code", code}, {"#f-date", date}} {
			if f[1] == "" {
				continue // each step starts on a freshly loaded, empty form
			}
			if err := chromedp.Do(later.ctx, chromedp.SetValue(chromedp.CSS(f[0]), f[1])); err != nil {
				t.Fatalf("set %s to %q: %v; the form: %s", f[0], f[1], err, later.html("form.edit-form"))
			}
		}
	}
	edit("ek_"+strings.Repeat("x", 20), "interview", "2024-06-10")
	s.submit(later, "milestone with a wrong key", addButton, http.StatusForbidden)
	expectFieldError(t, later, "f-edit_key", "e-edit_key", "edit key")

	edit(key, "interview", "2024-06-10")
	s.submit(later, "milestone with the key", addButton, http.StatusOK)
	if n := later.text(`.notice[role="status"]`); n == "" {
		t.Error("no status message after adding a milestone")
	}
	if item := later.html("ol.timeline li.m-interview"); !strings.Contains(item, `datetime="2024-06-10"`) {
		t.Errorf("timeline lacks the new interview: %s", item)
	}

	edit(key, "", "")
	s.submit(later, "confirm still waiting", `button[formaction$="/confirm"]`, http.StatusOK)
	if n := later.text(`.notice[role="status"]`); n == "" {
		t.Error("no status message after confirming")
	}

	edit(key, "", "")
	s.submit(later, "delete", `button[formaction$="/delete"]`, http.StatusOK)
	s.submit(later, "confirmed delete", `.confirm-delete button[type="submit"]`, http.StatusOK)
	if n := later.text(`.notice[role="status"]`); !strings.Contains(n, "deleted") {
		t.Errorf("home page after deleting says %q", n)
	}
	s.load(later, link, http.StatusNotFound)
}

// expectFieldError checks that a refused field is marked invalid, names
// its message in aria-describedby, and that the message says what is
// wrong.
func expectFieldError(t *testing.T, tb *tab, field, msg, want string) {
	t.Helper()
	if v := tb.attr("#"+field, "aria-invalid"); v != "true" {
		t.Errorf("%s aria-invalid = %q", field, v)
	}
	if v := tb.attr("#"+field, "aria-describedby"); !strings.Contains(" "+v+" ", " "+msg+" ") {
		t.Errorf("%s aria-describedby = %q, want it to name %s", field, v, msg)
	}
	if m := tb.text("#" + msg); m == "" || !strings.Contains(m, want) {
		t.Errorf("message %s = %q, want it to say %q", msg, m, want)
	}
}

// text returns the trimmed text of the first element matching a selector, ""
// when there is none. DevTools evaluates it even with JavaScript off.
func (tb *tab) text(sel string) string {
	tb.t.Helper()
	return eval[string](tb, `((e) => e ? e.textContent.trim().replace(/\s+/g, " ") : "")(document.querySelector(`+jsString(sel)+`))`)
}

// jsString quotes a string for a JavaScript expression.
func jsString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\n", `\n`).Replace(s) + "'"
}

// exploreShown is what the explore page shows for one filter.
type exploreShown struct {
	Filters  map[string]string `json:"filters"`
	Headline string            `json:"headline"`
	Facts    []string          `json:"facts"`
	Charts   []string          `json:"charts"`
	Loaded   []bool            `json:"loaded"`
	Tables   []string          `json:"tables"`
	Empty    string            `json:"empty"`
}

const readExploreView = `(() => {
  const q = s => Array.from(document.querySelectorAll(s));
  const filters = {};
  for (const el of q("form.filters select, form.filters input")) filters[el.name] = el.value;
  return {
    filters,
    headline: (document.querySelector(".headline") || {textContent: ""}).textContent.trim(),
    facts: q(".ex-facts > div").map(d => d.textContent.trim().replace(/\s+/g, " ")),
    charts: q("figure.chart img").map(i => i.getAttribute("src")),
    loaded: q("figure.chart img").map(i => i.complete && i.naturalWidth > 0),
    tables: q("main table").map(t => t.textContent.trim().replace(/\s+/g, " ")),
    empty: (document.querySelector(".not-enough") || {textContent: ""}).textContent.trim().replace(/\s+/g, " "),
  };
})()`

// journeyExplore: from a group with too few cases, choose a category, a
// country and a service center; each choice changes the headline, charts
// and tables; the address then opens the same view in a fresh tab.
func journeyExplore(t *testing.T, s *browserSuite, tb *tab) {
	s.load(tb, "/explore?category=o1", http.StatusOK)
	prev := eval[exploreShown](tb, readExploreView)
	if !strings.Contains(prev.Empty, "Not enough data") || prev.Headline != "" || len(prev.Charts) != 0 {
		t.Errorf("a category without cases shows numbers: %+v", prev)
	}
	from := func(n int) string { return fmt.Sprintf("Cases%d", n) }
	for _, step := range []struct {
		field, value, wantCases string
	}{
		{"#f-category", s.seed.category, from(s.seed.cases)},
		{"#f-country", "IN", from(s.seed.byCountry["India"])},
		{"#f-service_center", "TSC", from(s.seed.byCell["IN/TSC"])},
	} {
		// With an answer on the page the filters fold under one line
		// naming the group: open them, as a person taps that line.
		if !eval[bool](tb, `document.querySelector("details.ex-filters").open`) {
			tb.must(chromedp.Click(chromedp.CSS("details.ex-filters > summary")))
		}
		tb.must(chromedp.SetValue(chromedp.CSS(step.field), step.value))
		s.submit(tb, "filter "+step.field+"="+step.value, `form.filters button[type="submit"]`, http.StatusOK)
		v := eval[exploreShown](tb, readExploreView)
		if !slices.Contains(v.Facts, step.wantCases) {
			t.Errorf("after %s=%s the facts are %q, want %q", step.field, step.value, v.Facts, step.wantCases)
		}
		if len(v.Charts) != 3 {
			t.Errorf("after %s=%s: %d charts, want 3", step.field, step.value, len(v.Charts))
		}
		for i, ok := range v.Loaded {
			if !ok {
				t.Errorf("chart %s did not load", v.Charts[i])
			}
		}
		if len(v.Tables) == 0 {
			t.Errorf("after %s=%s: no tables", step.field, step.value)
		}
		if v.Headline == prev.Headline || reflect.DeepEqual(v.Charts, prev.Charts) || reflect.DeepEqual(v.Tables, prev.Tables) {
			t.Errorf("after %s=%s the headline, charts or tables did not change:\nbefore %+v\nafter  %+v", step.field, step.value, prev, v)
		}
		prev = v
	}

	shared := eval[string](tb, "location.href")
	for _, want := range []string{"category=" + s.seed.category, "country=IN", "service_center=TSC"} {
		if !strings.Contains(shared, want) {
			t.Errorf("address %s does not keep %s", shared, want)
		}
	}
	fresh := s.newTab(t, tb.scripts)
	fresh.resize(phone)
	s.loaded(fresh, "shared address", http.StatusOK, fresh.open(shared))
	if got := eval[exploreShown](fresh, readExploreView); !reflect.DeepEqual(got, prev) {
		t.Errorf("the shared address shows another view:\nshared %+v\nopened %+v", prev, got)
	}
}

// focusedElement describes the element that has the keyboard focus: its
// place among the elements Tab should reach (-1 if none), a name, and
// whether the focus is visible on it.
type focusedElement struct {
	Index   int    `json:"index"`
	Name    string `json:"name"`
	Visible bool   `json:"visible"`
}

// tabbableJS lists the elements the Tab key should reach, in document
// order, and names them: the rendered ones (not hidden, nor in a hidden
// part of the page such as a closed <details> beyond its summary).
const tabbableJS = `const tabbable = () => Array.from(document.querySelectorAll("a[href], select, input:not([type=hidden]), textarea, button, summary, [tabindex]")).filter(el => el.tabIndex >= 0 && el.checkVisibility());
const nameOf = el => el.id ? "#" + el.id : el.tagName.toLowerCase() + (el.getAttribute("href") ? "[href=" + el.getAttribute("href") + "]" : "");`

const readTabbable = `(() => { ` + tabbableJS + ` return tabbable().map(nameOf); })()`

const readFocus = `(() => { ` + tabbableJS + `
  const el = document.activeElement;
  if (!el || el === document.body) return {index: -1, name: "body", visible: false};
  const cs = getComputedStyle(el);
  const ring = cs.outlineStyle !== "none" && parseFloat(cs.outlineWidth) >= 2;
  const r = el.getBoundingClientRect();
  const onScreen = r.right > 0 && r.bottom > 0 && r.left < innerWidth && r.top < innerHeight;
  return {index: tabbable().indexOf(el), name: nameOf(el), visible: ring && onScreen};
})()`

// journeyKeyboard fills and sends the submit form with the keyboard only:
// Tab reaches every link and control in order with a visible focus ring,
// keys choose and type the values, Enter sends it. The controls to reach
// are read once the form is filled in, since choosing a category shows
// the fields of that category.
func journeyKeyboard(t *testing.T, s *browserSuite, tb *tab) {
	s.load(tb, "/submit?category=n400", http.StatusOK)
	// What to type on each Tab stop: a select picks the option whose
	// label starts with the keys; Space ticks the biometrics step, whose
	// date field then follows it.
	typed := map[string][]string{
		"#f-category": {"N-400"},
		"#f-country":  {"Mexico"},
		"#f-filed":    {"Feb 2024"},
		"#f-m1-on":    {" "},
		"#f-m1-date":  {"April 9, 2024"},
		"#f-note":     {"Interview was waived."},
	}
	var got []string
	// Ticking a step brings its date field into the Tab order, so the
	// walk ends when it has met every element the page now has. A
	// calendar field takes one Tab per part (month, day, year), so the
	// walk counts each element once.
	last := -2
	for range 80 {
		if len(got) > 0 && len(got) == len(eval[[]string](tb, readTabbable)) {
			break
		}
		tb.must(chromedp.KeyEvent("\t"))
		f := eval[focusedElement](tb, readFocus)
		if f.Name == "body" && len(got) > 0 {
			break
		}
		if keys := typed[f.Name]; len(keys) > 0 {
			tb.must(chromedp.KeyEvent(keys[0]))
			typed[f.Name] = keys[1:]
		}
		if f.Index == last && f.Index >= 0 {
			continue
		}
		last = f.Index
		got = append(got, f.Name)
		if !f.Visible {
			t.Errorf("focus on %s is not visible (no focus ring, or off screen)", f.Name)
		}
	}
	if want := eval[[]string](tb, readTabbable); !reflect.DeepEqual(got, want) {
		t.Fatalf("Tab order:\n got  %q\n want %q", got, want)
	}
	for sel, v := range map[string]string{"#f-category": "n400", "#f-country": "MX", "#f-filed": "Feb 2024", "#f-m1-date": "April 9, 2024"} {
		if got := eval[string](tb, `document.querySelector(`+jsString(sel)+`).value`); got != v {
			t.Errorf("after typing, %s = %q, want %q", sel, got, v)
		}
	}
	if !eval[bool](tb, `document.querySelector("#f-m1-on").checked`) {
		t.Error("Space did not tick the biometrics step")
	}
	// Shift+Tab back to the button, then Enter.
	for range len(got) + 8 {
		tb.must(chromedp.KeyEvent("\t", chromedp.KeyModifiers(chromedp.ModifierShift)))
		if eval[focusedElement](tb, readFocus).Name == "button" {
			break
		}
	}
	if f := eval[focusedElement](tb, readFocus); f.Name != "button" {
		t.Fatalf("Shift+Tab never reached the submit button; focus on %s", f.Name)
	}
	s.loaded(tb, "form sent with Enter", http.StatusCreated, tb.navigate("Enter", chromedp.KeyEvent("\r")))
	if key := manageKey(tb); !strings.HasPrefix(key, "ek_") {
		t.Errorf("no edit key after sending with the keyboard: %q", key)
	}
}
