package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
)

// TestCasePageMilestoneDates: the case page's "add a milestone" form reads
// dates as people copy them from a notice, like the submit form does: a
// plain reading is saved, one that could go two ways comes back written
// out in full to be confirmed, and a date that does not exist is refused
// with a message quoting it. Its date field asks for no number pad, which
// would lack "-" and "/".
func TestCasePageMilestoneDates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		stepDate := func(id string) string {
			t.Helper()
			var c struct {
				Milestones []struct{ Code, Date string } `json:"milestones"`
			}
			e.get("/api/v1/cases/"+id).json(t, &c)
			for _, m := range c.Milestones {
				if m.Code == "rfe_response" {
					return m.Date
				}
			}
			return ""
		}
		add := func(id, key, date string) response {
			t.Helper()
			return e.postForm("/cases/"+id+"/milestones", url.Values{"edit_key": {key}, "code": {"rfe_response"}, "date": {date}})
		}

		page := e.get("/cases/" + e.create(validSubmission()).ID)
		if field := between(page.body, `id="f-date"`, ">"); field == "" || strings.Contains(field, "inputmode") {
			t.Errorf("the case page's date field %q is missing or sets an inputmode", field)
		}

		for _, tc := range []struct {
			typed, saved string
		}{
			{"Oct 15, 2024", "2024-10-15"},
			{"10/2024", "2024-10"},
			{" 2024-10-15 ", "2024-10-15"},
		} {
			c := e.create(validSubmission())
			if res := add(c.ID, c.EditKey, tc.typed); res.status != http.StatusSeeOther {
				t.Fatalf("%q: status %d, want 303: %s", tc.typed, res.status, res.body)
			}
			if got := stepDate(c.ID); got != tc.saved {
				t.Errorf("%q saved as %q, want %q", tc.typed, got, tc.saved)
			}
		}

		c := e.create(validSubmission())
		res := add(c.ID, c.EditKey, "11/05/2024")
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "We read 11/05/2024 as") || !strings.Contains(res.body, `value="2024-11-05"`) {
			t.Fatalf("an ambiguous date: status %d, want 422 with the reading to confirm and the field written out", res.status)
		}
		if got := stepDate(c.ID); got != "" {
			t.Fatalf("an ambiguous date was saved as %q before it was confirmed", got)
		}
		if res := add(c.ID, c.EditKey, "2024-11-05"); res.status != http.StatusSeeOther {
			t.Fatalf("the confirmed date: status %d", res.status)
		}
		if got := stepDate(c.ID); got != "2024-11-05" {
			t.Errorf("the confirmed date saved as %q", got)
		}

		c = e.create(validSubmission())
		res = add(c.ID, c.EditKey, "02/30/2024")
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "02/30/2024") || !strings.Contains(res.body, `id="e-date"`) {
			t.Errorf("an impossible date: status %d, want 422 with a message quoting it beside the field", res.status)
		}
	})
}

// TestNoNumberPadOnDateFields: no field that takes a date or a month, on
// any page, asks a phone for a number pad, which lacks "-" and "/".
func TestNoNumberPadOnDateFields(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	id := e.create(validSubmission()).ID
	dateNames := map[string]bool{"filed": true, "date": true, "filed_from": true, "filed_to": true, "as_of": true, "priority_date": true}
	for _, path := range []string{"/", "/explore?category=eb2-niw", "/feed", "/cases/" + id, "/submit?category=i485-employment"} {
		page := e.get(path)
		if page.status != http.StatusOK {
			t.Fatalf("%s: %d", path, page.status)
		}
		n := 0
		for _, tag := range inputTag.FindAllString(page.body, -1) {
			a := attrs(tag)
			_, marked := a["data-date"]
			if !marked && !dateNames[a["name"]] && a["type"] != "month" && a["type"] != "date" {
				continue
			}
			n++
			if m := a["inputmode"]; m == "numeric" || m == "decimal" || m == "tel" {
				t.Errorf("%s: date field %s (name %q) has inputmode %q", path, a["id"], a["name"], m)
			}
		}
		if n == 0 {
			t.Errorf("%s: no date field found", path)
		}
	}
}
