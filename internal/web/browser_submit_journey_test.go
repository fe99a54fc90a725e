package web

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/chromedp/chromedp"

	"github.com/casetrack/casetrack/internal/dateinput"
)

// Budgets of the phone submit journey for a typical I-485 timeline
// (category, country, filing month and four dated steps). With JavaScript
// the checklist appears as soon as the category is chosen and each date
// comes from the native calendar beside its field; without it, the person
// presses Continue once and types each date.
const (
	phoneSubmitTapsJS, phoneSubmitKeysJS     = 15, 40
	phoneSubmitTapsNoJS, phoneSubmitKeysNoJS = 16, 50
)

// actions counts what a person does on a phone: taps (a select counts two,
// opening it and choosing) and keystrokes.
type actions struct {
	tb         *tab
	taps, keys int
}

// choose picks an option of a select. Without JavaScript nothing listens
// for the change, so none is dispatched.
func (a *actions) choose(sel, value string) {
	a.tb.t.Helper()
	a.tb.must(chromedp.SetValue(chromedp.CSS(sel), value))
	if a.tb.scripts {
		eval[bool](a.tb, `document.querySelector(`+jsString(sel)+`).dispatchEvent(new Event("change", {bubbles: true}))`)
	}
	a.taps += 2
}

// tap presses an element that does not load a page.
func (a *actions) tap(sel string) {
	a.tb.t.Helper()
	a.tb.must(chromedp.Click(chromedp.CSS(sel)))
	a.taps++
}

// typeIn taps a field and types text into it. The tap is counted but
// not clicked: SendKeys focuses the field itself, and a click on a
// calendar field in the emulated phone opens the calendar, which would
// then take the keys.
func (a *actions) typeIn(sel, text string) {
	a.tb.t.Helper()
	a.tb.must(chromedp.SendKeys(chromedp.CSS(sel), text))
	a.taps++
	a.keys += utf8.RuneCountInString(text)
}

// press taps a button that loads a page and checks it.
func (a *actions) press(s *browserSuite, what, sel string, want int64) {
	a.tb.t.Helper()
	s.submit(a.tb, what, sel, want)
	a.taps++
}

// step is one dated step of the journey's timeline: how it is typed
// without JavaScript (as on the notice), the keys typed into the native
// calendar with it (an en-US date field takes month, day and year digits),
// and the date stored.
type step struct {
	code, typed, calendar, stored string
}

var phoneTimeline = []step{
	{"received", "03/28/2024", "03282024", "2024-03-28"},
	{"biometrics", "04/22/2024", "04222024", "2024-04-22"},
	{"interview", "Nov 14, 2024", "11142024", "2024-11-14"},
	{"approved", "12/20/2024", "12202024", "2024-12-20"},
}

// journeyPhoneSubmit submits a typical I-485 timeline on a 375-px phone
// screen, counting taps and keystrokes against the budgets above, and
// checks what was stored.
func journeyPhoneSubmit(t *testing.T, s *browserSuite, tb *tab) {
	tb.resize(phone)
	s.load(tb, "/submit", http.StatusOK)
	// Step one shows one way on: Continue without JavaScript, the
	// checklist and the share button with it.
	shown := func(sel string) bool {
		return eval[bool](tb, `(e => !!e && e.getClientRects().length > 0)(document.querySelector(`+jsString(sel)+`))`)
	}
	if cont, share := shown(`button[name="action"][value="steps"]`), shown(submitButton); cont == tb.scripts || share != tb.scripts {
		t.Errorf("step one shows Continue %v and Share %v", cont, share)
	}
	a := &actions{tb: tb}
	a.choose("#f-category", "i485-employment")
	if got := tb.text(`#f-country optgroup[label="Most shared"] option`); got != "India" {
		t.Errorf("the first of the most shared countries is %q, want India", got)
	}
	a.choose("#f-country", "IN")
	a.typeIn("#f-filed", "2024-03")
	if !tb.scripts {
		a.press(s, "continue to the checklist", `button[name="action"][value="steps"]`, http.StatusOK)
	}
	if n := tb.count(`.step[data-code]`); n != 8 {
		t.Fatalf("the I-485 checklist has %d rows, want 8", n)
	}
	for _, st := range phoneTimeline {
		row := `.step[data-code="` + st.code + `"] `
		a.tap(row + `input[type="checkbox"]`)
		if tb.scripts {
			if tb.count(row+`input.picker[type="date"]`) != 1 {
				t.Fatalf("%s: no calendar beside the date field", st.code)
			}
			a.typeIn(row+`input.picker`, st.calendar)
			if got := eval[string](tb, `document.querySelector(`+jsString(row+`input[data-date]`)+`).value`); got != st.stored {
				t.Errorf("%s: the calendar wrote %q into the date field, want %q", st.code, got, st.stored)
			}
		} else {
			a.typeIn(row+`input[data-date]`, st.typed)
		}
	}
	a.press(s, "share the timeline", submitButton, http.StatusCreated)

	mode := "JavaScript on"
	taps, keys := phoneSubmitTapsJS, phoneSubmitKeysJS
	if !tb.scripts {
		mode, taps, keys = "JavaScript off", phoneSubmitTapsNoJS, phoneSubmitKeysNoJS
	}
	t.Logf("typical I-485 timeline on a 375-px phone, %s: %d taps, %d keystrokes", mode, a.taps, a.keys)
	if a.taps > taps || a.keys > keys {
		t.Errorf("%s: %d taps and %d keystrokes, over the budget of %d and %d", mode, a.taps, a.keys, taps, keys)
	}

	id := strings.TrimPrefix(tb.attr(`main a[href^="/cases/c_"]`, "href"), "/cases/")
	c, err := s.env.st.Case(context.Background(), id)
	if err != nil {
		t.Fatalf("stored case %q: %v", id, err)
	}
	var got []string
	for _, m := range c.Milestones {
		got = append(got, m.Code+" "+m.Date.String())
	}
	var want []string
	for _, st := range phoneTimeline {
		want = append(want, st.code+" "+st.stored)
	}
	if c.Category != "i485-employment" || c.Country != "IN" || c.Filed.String() != "2024-03" || strings.Join(got, ", ") != strings.Join(want, ", ") {
		t.Errorf("stored %s %s filed %s: %q", c.Category, c.Country, c.Filed, got)
	}
}

// journeyAmbiguousDate types 05/02/2024 as on a notice: the page reads it
// back as 2 May 2024 (as the person types, with JavaScript), the server
// asks to confirm before saving, and one press saves it.
func journeyAmbiguousDate(t *testing.T, s *browserSuite, tb *tab) {
	tb.resize(phone)
	s.load(tb, "/submit?category=i130-spouse-usc", http.StatusOK) // a category no other check counts
	row := `.step[data-code="received"] `
	tb.must(
		chromedp.SetValue(chromedp.CSS("#f-country"), "PH"),
		chromedp.SetValue(chromedp.CSS("#f-filed"), "2024-04"),
		chromedp.Click(chromedp.CSS(row+`input[type="checkbox"]`)),
		chromedp.SendKeys(chromedp.CSS(row+`input[data-date]`), "05/02/2024"),
	)
	if tb.scripts {
		live := tb.text(row + `.readout`)
		if !strings.Contains(live, "Read as 2 May 2024") || !strings.Contains(live, "5 February 2024") {
			t.Errorf("the line under the date reads %q, want it read as 2 May 2024", live)
		}
		if v := tb.attr(row+`.readout`, "aria-live"); v != "polite" {
			t.Errorf("the reading is not announced politely: aria-live=%q", v)
		}
	}
	s.submit(tb, "share with an ambiguous date", submitButton, http.StatusOK)
	box := tb.text(`#confirm`)
	if !strings.Contains(box, "We read 05/02/2024 as 2 May 2024 — confirm or correct") {
		t.Fatalf("the form does not ask to confirm the reading: %q", box)
	}
	if v := tb.attr(row+`input[data-date]`, "value"); v != "2024-05-02" {
		t.Errorf("the date field shows %q after reading, want 2024-05-02", v)
	}
	if tb.count(`.alert[role="alert"]`) != 0 {
		t.Error("a date to confirm is shown as an error")
	}
	s.submit(tb, "confirm the reading", `#confirm button[type="submit"]`, http.StatusCreated)
	id := strings.TrimPrefix(tb.attr(`main a[href^="/cases/c_"]`, "href"), "/cases/")
	c, err := s.env.st.Case(context.Background(), id)
	if err != nil {
		t.Fatalf("stored case %q: %v", id, err)
	}
	if len(c.Milestones) != 1 || c.Milestones[0].Date.String() != "2024-05-02" {
		t.Errorf("stored %+v", c.Milestones)
	}
}

// journeyDateReadout checks that the line under a date field, written by
// the page's script as the person types, reads every kind of date as the
// server will (package dateinput): the same date, the same ambiguity, the
// same refusals.
func journeyDateReadout(t *testing.T, s *browserSuite, tb *tab) {
	s.load(tb, "/submit?category=n400", http.StatusOK)
	row := `.step[data-code="received"] `
	tb.must(chromedp.Click(chromedp.CSS(row + `input[type="checkbox"]`)))
	field := jsString(row + `input[data-date]`)
	for _, in := range []string{
		"2024-05-02", "2024-05", " 2024-5-2 ", "2024/05/02", "05/02/2024", "5/2/2024", "05-02-2024", "05/20/2024",
		"05/05/2024", "05/2024", "May 2, 2024", "may 2nd 2024", "2 May 2024", "02 Sept. 2024", "May 2024", "2024 May",
		"February 29, 2024", "Feb 30, 2024", "2023-02-29", "2024-13", "13/02/2024", "1850-05-02", "05/02/24",
		"May 2", "Mai 2, 2024", "2024-05/02", "yesterday", "IOE0912345678", "ma 2024", "Jun 31 2024",
		// The other languages of the site, read on any page.
		"2 de mayo de 2024", "15 sept. 2024", "1º de enero del 2024", "março de 2024", "5 set 2024", "marco 2024",
		"ngày 2 tháng 5 năm 2024", "2 tháng 5, 2024", "thg 12 2024", "tháng 13 năm 2024", "2024年5月2日", "２０２４年５月", "2024年5月2日年",
		"2 फ़रवरी 2024", "15 सित॰ 2024", "٢ مايو ٢٠٢٤", "٢ أبريل، ٢٠٢٤", "٠٥/٠٢/٢٠٢٤", "٠٥؍٠٢؍٢٠٢٤", "\u200f٢٠٢٤-٠٥\u200f",
		"۲ مه ۲۰۲۴", "ژوییه ۲۰۲۴", "۱۵ فوريه ۲۰۲۴", "۱۴۰۳/۰۲/۱۳", "٢ May ٢٠٢٤", "2 de de 2024", "Mei 2, 2024", "constructor 2024",
	} {
		got := eval[string](tb, `(() => { const f = document.querySelector(`+field+`); f.value = `+jsString(in)+`;
			f.dispatchEvent(new Event("input", {bubbles: true})); f.dispatchEvent(new Event("change", {bubbles: true}));
			return document.getElementById(f.getAttribute("aria-describedby").split(" ")[0]).textContent; })()`)
		r, err := dateinput.Parse(in)
		var want string
		switch {
		case err != nil:
			want = "Not read as a date yet: "
		case r.Ambiguous:
			want = "Read as " + dateinput.Describe(r.Date) + ". Month first, as on USCIS notices; written day first it would be " + dateinput.Describe(r.Other) + "."
		default:
			want = "Read as " + dateinput.Describe(r.Date) + "."
		}
		if !strings.HasPrefix(got, want) || (err == nil && !r.Ambiguous && got != want) {
			t.Errorf("%q: the page reads %q, the server %q (%v)", in, got, want, err)
		}
	}
}

// journeyRepeatRFE lists a second request for evidence: "Add another"
// adds a row after the first (at once with JavaScript, by a round trip
// without), and both are saved.
func journeyRepeatRFE(t *testing.T, s *browserSuite, tb *tab) {
	tb.resize(phone)
	// EB-2 PERM: no other journey or page check counts its cases.
	s.load(tb, "/submit?category=eb2-perm", http.StatusOK)
	rfe := `.step[data-code="rfe"]`
	tb.must(
		chromedp.SetValue(chromedp.CSS("#f-country"), "CN"),
		chromedp.SetValue(chromedp.CSS("#f-filed"), "2024-01"),
		chromedp.Click(chromedp.CSS(`.step[data-code="received"] input[type="checkbox"]`)),
		chromedp.SendKeys(chromedp.CSS(`.step[data-code="received"] input[data-date]`), "2024-01-19"),
		chromedp.Click(chromedp.CSS(rfe+` input[type="checkbox"]`)),
		chromedp.SendKeys(chromedp.CSS(rfe+` input[data-date]`), "June 2024"),
	)
	add := rfe + ` button[name="add"][value="rfe"]`
	if tb.scripts {
		tb.must(chromedp.Click(chromedp.CSS(add)))
	} else {
		s.submit(tb, "add another RFE", add, http.StatusOK)
	}
	if n := tb.count(rfe); n != 2 {
		t.Fatalf("%d RFE rows after adding one, want 2", n)
	}
	second := rfe + `:nth-child(3)`
	if l := tb.text(second + ` .step-check label`); l != "Request for evidence (RFE), 2nd" {
		t.Errorf("the second RFE row is labelled %q", l)
	}
	if !tb.scripts {
		tb.must(chromedp.Click(chromedp.CSS(second + ` input[type="checkbox"]`)))
	}
	tb.must(chromedp.SendKeys(chromedp.CSS(second+` input[data-date]`), "2024-09"))
	s.submit(tb, "share with two RFEs", submitButton, http.StatusCreated)
	id := strings.TrimPrefix(tb.attr(`main a[href^="/cases/c_"]`, "href"), "/cases/")
	c, err := s.env.st.Case(context.Background(), id)
	if err != nil {
		t.Fatalf("stored case %q: %v", id, err)
	}
	var got []string
	for _, m := range c.Milestones {
		got = append(got, m.Code+" "+m.Date.String())
	}
	if strings.Join(got, ", ") != "received 2024-01-19, rfe 2024-06, rfe 2024-09" {
		t.Errorf("stored %q", got)
	}
}
