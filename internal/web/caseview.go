package web

import (
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/timeline"
)

// caseJSON is the public view of a case in the API (API.md "Read a case").
// It has no field for the edit key or the owner, so neither can leak.
type caseJSON struct {
	ID            string          `json:"id"`
	Category      string          `json:"category"`
	Country       string          `json:"country"`
	ServiceCenter string          `json:"service_center,omitempty"`
	Filed         string          `json:"filed"`
	Milestones    []milestoneJSON `json:"milestones"`
	Note          string          `json:"note"`
	Status        string          `json:"status"`
	AsOf          string          `json:"as_of"`
	detailsJSON
}

type milestoneJSON struct {
	Code string `json:"code"`
	Date string `json:"date"`
}

func newCaseJSON(c *timeline.Case) caseJSON {
	v := caseJSON{
		ID:            c.ID,
		Category:      c.Category,
		Country:       c.Country,
		ServiceCenter: c.ServiceCenter,
		Filed:         c.Filed.String(),
		Milestones:    make([]milestoneJSON, 0, len(c.Milestones)),
		Note:          c.Note,
		Status:        c.Status(),
		AsOf:          c.AsOf.UTC().Format(time.DateOnly),
		detailsJSON:   newDetailsJSON(c.Details),
	}
	for _, m := range c.Milestones {
		v.Milestones = append(v.Milestones, milestoneJSON{Code: m.Code, Date: m.Date.String()})
	}
	return v
}

// caseView is a case as the case page shows it, with catalog names.
type caseView struct {
	ID                string
	Category          catalog.Category
	CountryName       string
	CountryCode       string
	ServiceCenterName string // empty when not given
	ServiceCenterCode string
	Filed             string
	Milestones        []milestoneView
	Note              string
	Status            string
	AsOf              string
	// DaysSinceFiled counts from the middle of the filing month to as-of.
	DaysSinceFiled int
	Details        detailsView
}

type milestoneView struct {
	Code      string
	Name      string
	Date      string
	MonthOnly bool
	Terminal  bool
	// Days is the number of days from the middle of the filing month.
	Days int
}

func newCaseView(cat *catalog.Catalog, c *timeline.Case) caseView {
	category, ok := cat.Category(c.Category)
	if !ok {
		category = catalog.Category{Code: c.Category, Name: c.Category}
	}
	v := caseView{
		ID:             c.ID,
		Category:       category,
		CountryName:    c.Country,
		CountryCode:    c.Country,
		Filed:          c.Filed.String(),
		Note:           c.Note,
		Status:         c.Status(),
		AsOf:           c.AsOf.UTC().Format(time.DateOnly),
		DaysSinceFiled: c.Filed.DaysSinceFiled(c.AsOf),
	}
	if co, ok := cat.Country(c.Country); ok {
		v.CountryName = co.Name
	}
	if c.ServiceCenter != "" {
		v.ServiceCenterCode = c.ServiceCenter
		v.ServiceCenterName = c.ServiceCenter
		if sc, ok := cat.ServiceCenter(c.ServiceCenter); ok {
			v.ServiceCenterName = sc.Name
		}
	}
	for _, m := range c.Milestones {
		name := m.Code
		terminal := timeline.IsTerminal(m.Code)
		if cm, ok := category.Milestone(m.Code); ok {
			name, terminal = cm.Name, cm.Terminal
		}
		v.Milestones = append(v.Milestones, milestoneView{
			Code: m.Code, Name: name, Date: m.Date.String(), MonthOnly: m.Date.MonthOnly(),
			Terminal: terminal, Days: c.Filed.DaysSinceFiled(m.Date.Time()),
		})
	}
	return v
}

// Pending reports whether the case has no decision yet.
func (v caseView) Pending() bool { return v.Status == timeline.StatusPending }

// StatusLabel is the status in words.
func (v caseView) StatusLabel() string {
	switch v.Status {
	case timeline.StatusApproved:
		return "Approved"
	case timeline.StatusDenied:
		return "Denied"
	}
	return "Pending"
}
