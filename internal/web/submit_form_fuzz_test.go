package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/timeline"
)

// FuzzSubmitForm posts arbitrary checklist rows and dates to the submit
// form's parser: it never panics, every submitted milestone maps back to
// a checklist row, rows are numbered in order, and every date it passes
// on is either in the strict form validation expects or the person's own
// text with a message saying why it is not a date.
func FuzzSubmitForm(f *testing.F) {
	f.Add("i485-employment", "05/02/2024", "8", "received", "May 2, 2024", "1", "rfe", "")
	f.Add("eb2-niw", "2024-03", "12", "interview", "13/02/2024", "", "", "2024-13")
	f.Add("", "March 2024", "-3", "", "  ", "on", "approved", "Feb 30 2024")
	f.Add("n400", "", "999", "RFE", "2024-05", "1", "rfe", "2024-06")
	cat := catalog.Default()
	maxSteps := 0
	for _, c := range cat.Categories {
		maxSteps = max(maxSteps, len(c.Milestones))
	}
	f.Fuzz(func(t *testing.T, category, filed, rows, code1, date1, on1, code2, date2 string) {
		v := url.Values{"category": {category}, "filed": {filed}, "rows": {rows}, "country": {"IN"}}
		v.Set("milestones[0].step", code1)
		v.Set("milestones[0].date", date1)
		v.Set("milestones[0].on", on1)
		v.Set("milestones[3].code", code2)
		v.Set("milestones[3].date", date2)
		v.Set("milestones[29].date", date2)
		r := httptest.NewRequest(http.MethodPost, "/submit", strings.NewReader(v.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		form, sub, rowOf, err := parseCaseForm(r, cat, timeline.English)
		if err != nil {
			return
		}
		if len(rowOf) != len(sub.Milestones) {
			t.Fatalf("%d milestones, %d rows", len(sub.Milestones), len(rowOf))
		}
		for i, row := range form.Rows {
			if row.Index != i {
				t.Fatalf("row %d numbered %d", i, row.Index)
			}
		}
		for i, m := range sub.Milestones {
			row := form.Rows[rowOf[i]]
			if !row.Included() || row.Code != m.Code {
				t.Fatalf("milestone %d (%+v) maps to row %+v", i, m, row)
			}
			if _, perr := timeline.ParseApproxDate(m.Date); perr != nil && m.Date != "" && row.DateError == "" {
				t.Fatalf("date %q passed on without a message", m.Date)
			}
		}
		if _, perr := timeline.ParseMonth(sub.Filed); perr != nil && sub.Filed != "" && form.FiledError == "" {
			t.Fatalf("filing month %q passed on without a message", sub.Filed)
		}
		// The rows read are capped at a case's limit; the checklist adds
		// at most the steps of one category.
		if len(form.Rows) > timeline.MaxMilestones+maxSteps {
			t.Fatalf("%d rows from rows=%q", len(form.Rows), rows)
		}
	})
}
