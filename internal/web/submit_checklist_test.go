package web

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
)

var (
	formTag     = regexp.MustCompile(`(?s)<form method="post" action="(/submit|/me/cases/[^"]+/edit)"[^>]*>(.*?)</form>`)
	inputTag    = regexp.MustCompile(`<input\b[^>]*>`)
	selectTag   = regexp.MustCompile(`(?s)<select\b([^>]*)>(.*?)</select>`)
	optionTag   = regexp.MustCompile(`<option value="([^"]*)"( selected)?>`)
	textareaTag = regexp.MustCompile(`(?s)<textarea\b([^>]*)>(.*?)</textarea>`)
	attr        = regexp.MustCompile(`([a-z-]+)(?:="([^"]*)")?`)
)

// attrs reads the attributes of one tag.
func attrs(tag string) map[string]string {
	out := map[string]string{}
	for _, m := range attr.FindAllStringSubmatch(tag, -1) {
		out[m[1]] = html.UnescapeString(m[2])
	}
	return out
}

// formSent returns what a browser without JavaScript sends when the
// submit form on page is sent by its main button: text and hidden inputs,
// ticked boxes, chosen options and the note. It reads only the markup our
// templates write.
func formSent(t *testing.T, page string) url.Values {
	t.Helper()
	m := formTag.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no case form on the page")
	}
	body := m[2]
	v := url.Values{}
	for _, tag := range inputTag.FindAllString(body, -1) {
		a := attrs(tag)
		switch a["type"] {
		case "hidden", "text":
			v.Add(a["name"], a["value"])
		case "checkbox":
			if _, on := a["checked"]; on {
				v.Add(a["name"], a["value"])
			}
		}
	}
	for _, s := range selectTag.FindAllStringSubmatch(body, -1) {
		name := attrs(s[1])["name"]
		for _, o := range optionTag.FindAllStringSubmatch(s[2], -1) {
			if o[2] != "" {
				v.Set(name, html.UnescapeString(o[1]))
			}
		}
	}
	for _, ta := range textareaTag.FindAllStringSubmatch(body, -1) {
		v.Set(attrs(ta[1])["name"], html.UnescapeString(ta[2]))
	}
	return v
}

// stepRow returns the index of the checklist row of a step, or -1.
func stepRow(v url.Values, code string) int {
	for i := range 30 {
		if v.Get(fmt.Sprintf("milestones[%d].step", i)) == code {
			return i
		}
	}
	return -1
}

// fillRow ticks the checklist row of a step and types its date.
func fillRow(t *testing.T, v url.Values, code, date string) {
	t.Helper()
	i := stepRow(v, code)
	if i < 0 {
		t.Fatalf("the checklist has no row %q", code)
	}
	v.Set(fmt.Sprintf("milestones[%d].on", i), "1")
	v.Set(fmt.Sprintf("milestones[%d].date", i), date)
}

// TestSubmitFormTwoSteps checks the submit form without JavaScript: step
// one asks for the category, "Continue" shows its checklist (nothing is
// saved), and the checklist, filled in with dates as written on notices,
// saves the case.
func TestSubmitFormTwoSteps(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		first := e.get("/submit")
		if strings.Contains(first.body, `name="milestones[0].step"`) || !strings.Contains(first.body, `value="steps" class="button" data-js-hide>Continue</button>`) {
			t.Fatal("step one shows a checklist or lacks Continue")
		}
		if !strings.Contains(first.body, `type="submit" class="button save" hidden data-js-show>Share my timeline`) {
			t.Error("step one offers to share before there is a checklist")
		}
		v := formSent(t, first.body)
		v.Set("action", "steps")
		if res := e.postForm("/submit", v); res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "Choose a category to see its steps.") {
			t.Errorf("Continue without a category: %d", res.status)
		}
		v.Set("category", "i485-employment")
		v.Set("country", "IN")
		v.Set("filed", "03/20/2024") // a receipt date: the day is dropped
		v.Set("action", "steps")
		second := e.postForm("/submit", v)
		if second.status != http.StatusOK {
			t.Fatalf("continue: %d", second.status)
		}
		if n, _ := st.CountCases(context.Background()); n != 0 {
			t.Fatal("continuing saved a case")
		}
		for _, want := range []string{"Receipt notice", "Biometrics appointment", "Interview", "Approved", `value="2024-03"`,
			"Read as March 2024: only the month is kept, never the day."} {
			if !strings.Contains(second.body, want) {
				t.Errorf("step two lacks %q", want)
			}
		}
		if n := strings.Count(second.body, `data-code="`); n != 8 || strings.Contains(second.body, `role="alert"`) {
			t.Errorf("step two shows %d steps, want the 8 of an I-485, or shows an error", n)
		}
		v = formSent(t, second.body)
		if got := v.Get("rows"); got != "8" {
			t.Errorf("rows = %q, want the 8 steps of an I-485", got)
		}
		fillRow(t, v, "received", "March 28, 2024")
		fillRow(t, v, "biometrics", "2024-04-20")
		fillRow(t, v, "interview", "12 Nov 2024")
		fillRow(t, v, "approved", "12/20/2024")
		res := e.postForm("/submit", v)
		if res.status != http.StatusCreated {
			t.Fatalf("save: %d %s", res.status, between(res.body, `role="alert"`, "</div>"))
		}
		c, err := st.Case(context.Background(), between(res.body, `href="/cases/`, `"`))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, m := range c.Milestones {
			got = append(got, m.Code+" "+m.Date.String())
		}
		if c.Filed.String() != "2024-03" || strings.Join(got, ", ") != "received 2024-03-28, biometrics 2024-04-20, interview 2024-11-12, approved 2024-12-20" {
			t.Errorf("stored filed %s, milestones %q", c.Filed, got)
		}
	})
}

// TestSubmitFormConfirmsAmbiguousDate checks that a date that reads two
// ways (05/02/2024) is not saved until the person has seen how it was
// read, and that one press then saves it.
func TestSubmitFormConfirmsAmbiguousDate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		v := formSent(t, e.get("/submit?category=i485-employment").body)
		v.Set("country", "MX")
		v.Set("filed", "2024-04")
		fillRow(t, v, "received", "05/02/2024")
		res := e.postForm("/submit", v)
		if res.status != http.StatusOK {
			t.Fatalf("status %d", res.status)
		}
		if n, _ := st.CountCases(context.Background()); n != 0 {
			t.Fatal("an ambiguous date was saved without confirmation")
		}
		body := html.UnescapeString(res.body)
		for _, want := range []string{
			"Please confirm how we read this date",
			"Receipt notice: We read 05/02/2024 as 2 May 2024 — confirm or correct. Written day first it would be 5 February 2024.",
			`name="milestones[0].date" value="2024-05-02"`, "Confirm and share",
		} {
			if !strings.Contains(body, want) {
				t.Errorf("confirm step lacks %q", want)
			}
		}
		res = e.postForm("/submit", formSent(t, res.body))
		if res.status != http.StatusCreated {
			t.Fatalf("confirm: %d", res.status)
		}
		c, err := st.Case(context.Background(), between(res.body, `href="/cases/`, `"`))
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Milestones) != 1 || c.Milestones[0].Date.String() != "2024-05-02" {
			t.Errorf("stored %+v", c.Milestones)
		}

		// An ambiguous date on a form with other errors: both are shown,
		// and there is no button to confirm a form that cannot be saved.
		v.Set("country", "")
		fillRow(t, v, "received", "05/02/2024")
		res = e.postForm("/submit", v)
		body = html.UnescapeString(res.body)
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(body, "We read 05/02/2024 as 2 May 2024") ||
			!strings.Contains(body, `id="e-country"`) || strings.Contains(body, "Confirm and share") {
			t.Errorf("ambiguous date with an error: %d", res.status)
		}
	})
}

// TestSubmitFormDateMessages checks that a date that is not one says why,
// next to the step it belongs to, and that the text typed is kept.
func TestSubmitFormDateMessages(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	v := formSent(t, e.get("/submit?category=i485-employment").body)
	v.Set("country", "IN")
	v.Set("filed", "13/2024")
	fillRow(t, v, "received", "Feb 30, 2024")
	fillRow(t, v, "biometrics", "")
	res := e.postForm("/submit", v)
	body := html.UnescapeString(res.body)
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", res.status)
	}
	for _, want := range []string{
		`Filed in: "13/2024" has no month 13`,
		`Date of Receipt notice: "Feb 30, 2024" is not a date: February 2024 has 29 days.`,
		`value="Feb 30, 2024"`, `value="13/2024"`,
		"Date of Biometrics appointment: Enter the date",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("form lacks %q", want)
		}
	}
}

// TestSubmitFormAddRepeat checks "Add another" on the checklist without
// JavaScript: a second RFE row appears after the first, nothing is saved,
// and both RFEs are saved with the case.
func TestSubmitFormAddRepeat(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		page := e.get("/submit?category=eb2-niw")
		if !strings.Contains(page.body, `name="add" value="rfe"`) {
			t.Fatal("no button to add another RFE")
		}
		v := formSent(t, page.body)
		v.Set("country", "IN")
		v.Set("filed", "2024-03")
		fillRow(t, v, "received", "2024-03-20")
		fillRow(t, v, "rfe", "2024-06")
		v.Set("add", "rfe")
		res := e.postForm("/submit", v)
		if res.status != http.StatusOK || !strings.Contains(res.body, "Request for evidence (RFE), 2nd") {
			t.Fatalf("add another: %d", res.status)
		}
		v = formSent(t, res.body)
		if v.Get("milestones[2].step") != "rfe" || v.Get("milestones[2].date") != "" {
			t.Fatalf("the second RFE row is not after the first: %v", v)
		}
		v.Set("milestones[2].on", "1")
		v.Set("milestones[2].date", "Oct 2024")
		res = e.postForm("/submit", v)
		if res.status != http.StatusCreated {
			t.Fatalf("save: %d", res.status)
		}
		c, err := st.Case(context.Background(), between(res.body, `href="/cases/`, `"`))
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Milestones) != 3 || c.Milestones[2].Code != "rfe" || c.Milestones[2].Date.String() != "2024-10" {
			t.Errorf("stored %+v", c.Milestones)
		}
	})
}

// TestSubmitFormDateKeyboard checks that no date field of the form asks a
// phone for a number pad, which lacks "-" and "/".
func TestSubmitFormDateKeyboard(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	ana := e.account("ana@example.org")
	id := e.create(validSubmission(), ana...).ID
	for _, path := range []string{"/submit", "/submit?category=i485-employment", "/me/cases/" + id + "/edit"} {
		page := e.get(path, ana...)
		if page.status != http.StatusOK {
			t.Fatalf("%s: %d", path, page.status)
		}
		n := 0
		for _, tag := range inputTag.FindAllString(page.body, -1) {
			a := attrs(tag)
			if _, isDate := a["data-date"]; !isDate {
				continue
			}
			n++
			if a["type"] != "text" {
				t.Errorf("%s: date field %s is of type %q", path, a["id"], a["type"])
			}
			switch a["inputmode"] {
			case "", "text":
			default:
				t.Errorf("%s: date field %s has inputmode %q", path, a["id"], a["inputmode"])
			}
		}
		if n == 0 {
			t.Errorf("%s: no date field found", path)
		}
	}
}

// TestSubmitFormEditKeepsRepeats checks the owner's edit form lays the
// case out on its category's checklist with both RFEs, and saves it back.
func TestSubmitFormEditKeepsRepeats(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		ana := e.account("ana@example.org")
		sub := validSubmission()
		sub["milestones"] = []map[string]string{
			{"code": "received", "date": "2024-03-20"}, {"code": "rfe", "date": "2024-05"}, {"code": "rfe", "date": "2024-09"},
		}
		id := e.create(sub, ana...).ID
		page := e.get("/me/cases/"+id+"/edit", ana...)
		v := formSent(t, page.body)
		for i, want := range []string{"received 2024-03-20", "rfe 2024-05", "rfe 2024-09", "rfe_response ", "approved "} {
			k := fmt.Sprintf("milestones[%d].", i)
			if got := v.Get(k+"step") + " " + v.Get(k+"date"); got != want {
				t.Errorf("row %d = %q, want %q", i, got, want)
			}
		}
		if !strings.Contains(page.body, "Request for evidence (RFE), 2nd") {
			t.Error("the second RFE is not labelled")
		}
		fillRow(t, v, "approved", "June 2, 2025")
		res := e.postForm("/me/cases/"+id+"/edit", v, ana...)
		if res.status != http.StatusSeeOther {
			t.Fatalf("save: %d", res.status)
		}
		c, err := st.Case(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Milestones) != 4 || c.Milestones[3].Code != "approved" || c.Milestones[3].Date.String() != "2025-06-02" {
			t.Errorf("after edit: %+v", c.Milestones)
		}
	})
}

// TestSubmitFormMostSharedCountries checks the country picker offers the
// countries with the most shared cases first, counting only groups large
// enough to be shown on Explore.
func TestSubmitFormMostSharedCountries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		top := func() string {
			return between(e.get("/submit").body, `<optgroup label="Most shared">`, `</optgroup>`)
		}
		if got := top(); !strings.HasPrefix(strings.TrimSpace(got), `<option value="IN">India</option>`) {
			t.Errorf("empty database: most shared starts %q", got[:min(80, len(got))])
		}
		for i := range 5 {
			sub := variedSubmission(i)
			sub["country"] = "DE"
			e.create(sub)
		}
		for i := range 4 {
			sub := variedSubmission(i)
			sub["country"] = "FR" // fewer than k: not counted
			e.create(sub)
		}
		got := top()
		if !strings.HasPrefix(strings.TrimSpace(got), `<option value="DE">Germany</option>`) {
			t.Errorf("after five German cases: most shared starts %q", got[:min(80, len(got))])
		}
		if strings.Contains(got, `"FR"`) {
			t.Error("a country with fewer than k cases is ranked")
		}
		if strings.Count(got, "<option") != 8 {
			t.Errorf("most shared has %d countries, want 8", strings.Count(got, "<option"))
		}
	})
}
