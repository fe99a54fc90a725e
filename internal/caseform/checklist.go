// Package caseform holds what the submit form (and the owner's edit form,
// which is the same page) knows beyond the case model itself: the
// milestones of the chosen category laid out as a checklist, dates read as
// people type them with the readings that need confirming, and the order in
// which countries of birth are offered. It knows nothing of HTTP; the web
// package reads the request into Rows and renders them.
package caseform

import (
	"strconv"
	"strings"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/timeline"
)

// Row is one line of the milestone checklist: a step of the category, a
// tick saying it was reached, and its date as the person wrote it.
type Row struct {
	// Index numbers the row in the form's field names ("milestones[3].date").
	Index int
	// Code is the step; empty only for a row posted without one, which
	// the form shows with a picker so the person can name it.
	Code string
	// Name is the step as people know it ("Biometrics appointment").
	Name string
	// Repeat counts earlier rows of the same step: 1 on a second RFE.
	Repeat int
	// Checked is the tick; Date the text of the date field.
	Checked bool
	Date    string
	// Reading says how the date was read when the person should see it
	// before saving ("We read 05/02/2024 as 2 May 2024 …").
	Reading string
	// Confirm is set when Reading asks for the date to be confirmed.
	Confirm   bool
	CodeError string
	DateError string
	// CanRepeat is set on the last row of a step that may be listed once
	// more (a further request for evidence).
	CanRepeat bool
}

// Number is the row's position counted from one.
func (r Row) Number() int { return r.Index + 1 }

// Included reports whether the row is part of the timeline: ticked, or
// given a date (a date typed without the tick still counts, so nothing
// typed is lost).
func (r Row) Included() bool {
	return r.Checked || strings.TrimSpace(r.Date) != ""
}

// Label is the row's name for labels and messages, with its repeat
// ("Request for evidence (RFE), 2nd").
func (r Row) Label() string {
	name := r.Name
	if name == "" {
		name = r.Code
	}
	if name == "" {
		name = "Step " + strconv.Itoa(r.Number())
	}
	if r.Repeat > 0 {
		name += ", " + ordinal(r.Repeat+1)
	}
	return name
}

// LabelIn is Label in the reader's language w.
func (r Row) LabelIn(w timeline.Writer) string {
	if w.Code() == timeline.English.Code() {
		return r.Label()
	}
	name := r.Name
	if name == "" {
		name = r.Code
	}
	if name == "" {
		name = w.T("forms.row.step", "Number", w.Digits(r.Number()))
	}
	if r.Repeat > 0 {
		name = w.T("forms.row.repeat", "Step", name, "Number", w.Digits(r.Repeat+1))
	}
	return name
}

func ordinal(n int) string {
	suffix := "th"
	switch {
	case n%100 >= 11 && n%100 <= 13:
	case n%10 == 1:
		suffix = "st"
	case n%10 == 2:
		suffix = "nd"
	case n%10 == 3:
		suffix = "rd"
	}
	return strconv.Itoa(n) + suffix
}

// Repeatable reports whether a step may be listed more than once, and
// how often at most: a case can get, and answer, several requests for
// evidence (timeline.MaxRepeats).
func Repeatable(code string) bool { return code == "rfe" || code == "rfe_response" }

// Layout returns the checklist of a category with the rows given placed on
// it: every step of the category once, in its usual order, holding the
// given rows of that step (several for a repeated step); then the given
// rows whose step the category does not have, so that nothing typed is
// dropped when the category changes. Rows are numbered afresh. An unknown
// or empty category lays out the given rows alone.
func Layout(cat *catalog.Catalog, category string, given []Row) []Row {
	var out []Row
	used := make([]bool, len(given))
	if c, ok := cat.Category(category); ok {
		for _, m := range c.Milestones {
			n := 0
			for i, g := range given {
				if used[i] || g.Code != m.Code {
					continue
				}
				used[i] = true
				g.Name, g.Repeat = m.Name, n
				out = append(out, g)
				n++
			}
			if n == 0 {
				out = append(out, Row{Code: m.Code, Name: m.Name})
			}
		}
	}
	names := milestoneNames(cat)
	for i, g := range given {
		if used[i] || (g.Code == "" && !g.Included()) {
			continue
		}
		if g.Name == "" {
			g.Name = names[g.Code]
		}
		out = append(out, g)
	}
	counts := map[string]int{}
	for i := range out {
		out[i].Index = i
		counts[out[i].Code]++
	}
	for i := range out {
		code := out[i].Code
		last := i == len(out)-1 || out[i+1].Code != code
		out[i].CanRepeat = last && Repeatable(code) && counts[code] < timeline.MaxRepeats && inCategory(cat, category, code)
	}
	return out
}

// AddRepeat returns rows with one more, empty row of a repeatable step
// after its last one, or rows unchanged when the step cannot be repeated
// again. Call Layout afterwards to number the rows.
func AddRepeat(rows []Row, code string) []Row {
	if !Repeatable(code) {
		return rows
	}
	last, n := -1, 0
	for i, r := range rows {
		if r.Code == code {
			last, n = i, n+1
		}
	}
	if last < 0 || n >= timeline.MaxRepeats {
		return rows
	}
	out := append([]Row{}, rows[:last+1]...)
	out = append(out, Row{Code: code, Name: rows[last].Name})
	return append(out, rows[last+1:]...)
}

func inCategory(cat *catalog.Catalog, category, code string) bool {
	c, ok := cat.Category(category)
	if !ok {
		return false
	}
	_, ok = c.Milestone(code)
	return ok
}

// milestoneNames maps every step code of the catalog to its name.
func milestoneNames(cat *catalog.Catalog) map[string]string {
	names := map[string]string{}
	for _, c := range cat.Categories {
		for _, m := range c.Milestones {
			if _, ok := names[m.Code]; !ok {
				names[m.Code] = m.Name
			}
		}
	}
	return names
}

// Step is a milestone as the page's script needs it to redraw the
// checklist when the category changes.
type Step struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// Steps maps each category code to its steps, for the page's script.
func Steps(cat *catalog.Catalog) map[string][]Step {
	out := make(map[string][]Step, len(cat.Categories))
	for _, c := range cat.Categories {
		steps := make([]Step, len(c.Milestones))
		for i, m := range c.Milestones {
			steps[i] = Step{Code: m.Code, Name: m.Name}
		}
		out[c.Code] = steps
	}
	return out
}
