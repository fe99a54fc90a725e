package caseform

import (
	"reflect"
	"strings"
	"testing"

	"github.com/casetrack/casetrack/internal/catalog"
)

// codesOf lists the rows as "code=date" with "+" for a row that can repeat.
func codesOf(rows []Row) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		if r.Index != i {
			out[i] = "bad index"
			continue
		}
		out[i] = r.Code + "=" + r.Date
		if r.CanRepeat {
			out[i] += "+"
		}
	}
	return out
}

// TestLayout checks the submit form's checklist: the chosen category's
// steps once each in their order, repeated steps together, and nothing
// typed dropped when the category changes.
func TestLayout(t *testing.T) {
	cat := catalog.Default()
	for _, tc := range []struct {
		name     string
		category string
		given    []Row
		want     []string
	}{
		{"empty I-485", "i485-employment", nil, []string{
			"received=", "transferred=", "biometrics=", "rfe=+", "rfe_response=+", "interview=", "approved=", "denied="}},
		{"no category", "", nil, []string{}},
		{"rows placed by step", "eb2-niw", []Row{{Code: "approved", Date: "2025-01"}, {Code: "received", Date: "2024-03-20"}}, []string{
			"received=2024-03-20", "rfe=+", "rfe_response=+", "approved=2025-01", "denied="}},
		{"a second RFE after the first", "eb2-niw", []Row{{Code: "rfe", Date: "2024-05"}, {Code: "rfe", Date: "2024-09"}}, []string{
			"received=", "rfe=2024-05", "rfe=2024-09+", "rfe_response=+", "approved=", "denied="}},
		{"steps of another category kept at the end", "eb2-niw", []Row{{Code: "interview", Date: "2024-06"}, {Date: "2024-07"}, {Code: ""}}, []string{
			"received=", "rfe=+", "rfe_response=+", "approved=", "denied=", "interview=2024-06", "=2024-07"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := codesOf(Layout(cat, tc.category, tc.given))
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Layout = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestLayoutRepeatLabels(t *testing.T) {
	rows := Layout(catalog.Default(), "eb2-niw", []Row{{Code: "rfe"}, {Code: "rfe"}, {Code: "rfe"}})
	var labels []string
	for _, r := range rows {
		if r.Code == "rfe" {
			labels = append(labels, r.Label())
		}
	}
	want := []string{"Request for evidence (RFE)", "Request for evidence (RFE), 2nd", "Request for evidence (RFE), 3rd"}
	if !reflect.DeepEqual(labels, want) {
		t.Errorf("labels = %q, want %q", labels, want)
	}
}

// TestAddRepeat checks "Add another" of the checklist: only repeatable
// steps, after the last of them, at most timeline.MaxRepeats times.
func TestAddRepeat(t *testing.T) {
	cat := catalog.Default()
	rows := Layout(cat, "eb2-niw", []Row{{Code: "rfe", Date: "2024-05"}})
	rows = Layout(cat, "eb2-niw", AddRepeat(rows, "rfe"))
	if got := strings.Join(codesOf(rows), " "); got != "received= rfe=2024-05 rfe=+ rfe_response=+ approved= denied=" {
		t.Errorf("after adding an RFE: %s", got)
	}
	if got := AddRepeat(rows, "received"); len(got) != len(rows) {
		t.Error("a step that cannot repeat was added")
	}
	for range 10 {
		rows = Layout(cat, "eb2-niw", AddRepeat(rows, "rfe"))
	}
	n := 0
	for _, r := range rows {
		if r.Code == "rfe" {
			n++
			if r.CanRepeat {
				t.Error("the fifth RFE row still offers another")
			}
		}
	}
	if n != 5 {
		t.Errorf("%d RFE rows, want at most 5", n)
	}
}

// TestReadDate checks what the form's date fields submit, show back and
// ask to confirm.
func TestReadDate(t *testing.T) {
	for _, tc := range []struct {
		in                 string
		value, shown, note string
		confirm, err       bool
	}{
		{"", "", "", "", false, false},
		{"2024-05-02", "2024-05-02", "2024-05-02", "", false, false},
		{"May 2, 2024", "2024-05-02", "2024-05-02", "Read as 2 May 2024.", false, false},
		{"05/2024", "2024-05", "2024-05", "Read as May 2024.", false, false},
		{"05/02/2024", "2024-05-02", "2024-05-02", "", true, false},
		{"Feb 30 2024", "Feb 30 2024", "Feb 30 2024", "", false, true},
	} {
		r := ReadDate(tc.in)
		if r.Value != tc.value || r.Shown != tc.shown || r.Note != tc.note || (r.Confirm != "") != tc.confirm || (r.Error != "") != tc.err {
			t.Errorf("ReadDate(%q) = %+v", tc.in, r)
		}
	}
	if got := ReadDate("05/02/2024").Confirm; got != "We read 05/02/2024 as 2 May 2024 — confirm or correct. Written day first it would be 5 February 2024." {
		t.Errorf("confirmation = %q", got)
	}
}

// TestReadFiled checks the filing month keeps only the month and says so.
func TestReadFiled(t *testing.T) {
	for _, tc := range []struct {
		in, value, note string
		confirm, err    bool
	}{
		{"2024-03", "2024-03", "", false, false},
		{"March 2024", "2024-03", "Read as March 2024.", false, false},
		{"2024-03-20", "2024-03", "Read as March 2024: only the month is kept, never the day.", false, false},
		{"03/20/2024", "2024-03", "Read as March 2024: only the month is kept, never the day.", false, false},
		{"03/02/2024", "2024-03", "", true, false},
		{"2024-13", "2024-13", "", false, true},
	} {
		r := ReadFiled(tc.in)
		if r.Value != tc.value || r.Note != tc.note || (r.Confirm != "") != tc.confirm || (r.Error != "") != tc.err {
			t.Errorf("ReadFiled(%q) = %+v", tc.in, r)
		}
	}
	if got := ReadFiled("03/02/2024").Confirm; !strings.Contains(got, "as March 2024") || !strings.Contains(got, "February 2024") {
		t.Errorf("confirmation = %q", got)
	}
}

// TestTopCountries checks the "Most shared" group of the country picker.
func TestTopCountries(t *testing.T) {
	cat := catalog.Default()
	names := func(cs []catalog.Country) string {
		var out []string
		for _, c := range cs {
			out = append(out, c.Code)
		}
		return strings.Join(out, " ")
	}
	for _, tc := range []struct {
		name   string
		counts map[string]int
		n      int
		want   string
	}{
		{"empty database", nil, 8, "IN CN MX PH VN BR KR NG"},
		{"largest first, ties by name, then defaults", map[string]int{"DE": 40, "FR": 12, "BE": 12, "IN": 5, "XX": 99, "ZZ": 0}, 6, "DE BE FR IN CN MX"},
		{"cut at n", map[string]int{"DE": 3, "FR": 2, "IT": 1}, 2, "DE FR"},
	} {
		if got := names(TopCountries(cat, tc.counts, tc.n)); got != tc.want {
			t.Errorf("%s: TopCountries = %s, want %s", tc.name, got, tc.want)
		}
	}
}
