package web

import (
	"net/http"
	"strconv"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/stats"
	"github.com/casetrack/casetrack/internal/timeline"
	"github.com/casetrack/casetrack/internal/units"
)

// detailsJSON is the public part of a case's details (API.md "Read a
// case"). The priority date is published as its year only and the
// chargeability not at all: together with the category, country and
// filing month, the exact month of a priority date and a chargeability
// other than the country of birth could single a person out
// (DESIGN.md, "What is published"). Both count in the statistics, where
// no group under k is shown, and the owner's export has them whole.
type detailsJSON struct {
	Premium             string `json:"premium,omitempty"`
	PremiumUpgradeDay   *int   `json:"premium_upgrade_day,omitempty"`
	FilingMethod        string `json:"filing_method,omitempty"`
	InterviewOffice     string `json:"interview_office,omitempty"`
	PriorityDateYear    int    `json:"priority_date_year,omitempty"`
	PriorityDateCurrent string `json:"priority_date_current,omitempty"`
}

func newDetailsJSON(d timeline.Details) detailsJSON {
	in := d.Input()
	return detailsJSON{Premium: in.Premium, PremiumUpgradeDay: in.PremiumUpgradeDay, FilingMethod: in.FilingMethod,
		InterviewOffice: in.InterviewOffice, PriorityDateYear: d.PriorityDate.Year, PriorityDateCurrent: in.PriorityDateCurrent}
}

// ownDetailsJSON is what the owner's data export adds to the public
// details: everything that was given.
type ownDetailsJSON struct {
	PriorityDate  string `json:"priority_date,omitempty"`
	Chargeability string `json:"chargeability,omitempty"`
}

func newOwnDetailsJSON(d timeline.Details) ownDetailsJSON {
	in := d.Input()
	return ownDetailsJSON{PriorityDate: in.PriorityDate, Chargeability: in.Chargeability}
}

// detailsView is the details as the case page shows them: only what the
// public view carries, in words.
type detailsView struct {
	Facts []detailFact
	// PDCurrent is "yes", "no" or "" (not given or not known), for the
	// page's marker.
	PDCurrent string
}

// detailFact is one line of the case page's facts list.
type detailFact struct{ Term, Value string }

func newDetailsView(cat *catalog.Catalog, c *timeline.Case) detailsView {
	d := c.Details
	var v detailsView
	add := func(term, value string) { v.Facts = append(v.Facts, detailFact{term, value}) }
	switch d.Premium {
	case timeline.PremiumRegular:
		add("Processing", "Regular")
	case timeline.PremiumFromFiling:
		add("Processing", "Premium from filing")
	case timeline.PremiumUpgraded:
		add("Processing", "Upgraded to premium "+units.After(d.UpgradeDay, "filing"))
		if m, ok := c.Decision(); ok {
			if n := timeline.DaysBetween(c.Filed.Mid(), m.Date.Time()) - d.UpgradeDay; n >= 0 {
				add("Decided", units.After(n, "the upgrade"))
			}
		}
	}
	switch d.FilingMethod {
	case timeline.FiledOnline:
		add("Filed", "Online")
	case timeline.FiledPaper:
		add("Filed", "On paper")
	}
	if d.InterviewOffice != "" {
		name := d.InterviewOffice
		if o, ok := cat.FieldOffice(name); ok {
			name = o.Label()
		}
		add("Field office", name)
	}
	if !d.PriorityDate.IsZero() {
		add("Priority date", strconv.Itoa(d.PriorityDate.Year)+" (year only)")
	}
	switch d.PDCurrent {
	case timeline.PDCurrentYes:
		add("Visa bulletin", "Priority date current when filed")
		v.PDCurrent = d.PDCurrent
	case timeline.PDCurrentNo:
		add("Visa bulletin", "Priority date not current when filed")
		v.PDCurrent = d.PDCurrent
	case timeline.PDCurrentUnknown:
		add("Visa bulletin", "Not known whether the priority date was current when filed")
	}
	return v
}

// apiSetDetails handles PUT /api/v1/cases/{id}/details: the case's details
// become the body's (an empty field removes one), for the owner or with
// the edit key.
func (s *Server) apiSetDetails(w http.ResponseWriter, r *http.Request) error {
	id, err := s.apiAuthorized(r)
	if err != nil {
		return err
	}
	var in timeline.DetailsInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	cancel, err := s.reserveUpdate(r)
	if err != nil {
		return err
	}
	c, err := s.store.EditCase(r.Context(), id, func(c *timeline.Case) error {
		if fe := timeline.SetDetails(s.cat, c, in, s.now()); len(fe) > 0 {
			return fe
		}
		return nil
	})
	if err != nil {
		cancel()
		return err
	}
	s.index.Upsert(c)
	writeJSON(w, http.StatusOK, newCaseJSON(c))
	return nil
}

// detailFilterParams are the query parameters of the statistics filter
// on the details, with the stats.Filter field each sets.
var detailFilterParams = []struct {
	param string
	field func(f *stats.Filter) *string
}{
	{"premium", func(f *stats.Filter) *string { return &f.Premium }},
	{"filing_method", func(f *stats.Filter) *string { return &f.FilingMethod }},
	{"interview_office", func(f *stats.Filter) *string { return &f.InterviewOffice }},
	{"priority_date_current", func(f *stats.Filter) *string { return &f.PDCurrent }},
	{"chargeability", func(f *stats.Filter) *string { return &f.Chargeability }},
}
