// Package catalog holds the fixed reference data CaseTrack validates against:
// visa categories with their ordered milestones, USCIS service centers and
// ISO 3166-1 countries. The data is embedded in the binary so that every
// instance of the server agrees on it without a database round trip.
package catalog

import (
	_ "embed"
	"encoding/json"
	"fmt"
)

// Outcome names of terminal milestones.
const (
	OutcomeApproved = "approved"
	OutcomeDenied   = "denied"
)

// Milestone is one step a case of a category can reach.
type Milestone struct {
	Code     string `json:"code"`
	Name     string `json:"name"`
	Terminal bool   `json:"terminal"`
	// Outcome is "approved" or "denied" for terminal milestones, empty otherwise.
	Outcome string `json:"outcome,omitempty"`
}

// Category is a visa or benefit category people file under.
type Category struct {
	Code string `json:"code"`
	Name string `json:"name"`
	// Form is the USCIS form filed, e.g. "I-140".
	Form string `json:"form"`
	// Group is a heading used to organise category pickers, e.g. "Employment-based".
	Group      string      `json:"group"`
	Milestones []Milestone `json:"milestones"`
	// Premium says USCIS offers premium processing (Form I-907) for the
	// category, so a case may say it was premium from filing or upgraded.
	Premium bool `json:"premium,omitempty"`
	// OnlineFiling says the form can be filed online as well as on paper.
	OnlineFiling bool `json:"online_filing,omitempty"`
	// FieldOffice says cases are decided at a USCIS field office, usually
	// after an interview there, so a case may name its office.
	FieldOffice bool `json:"field_office,omitempty"`
	// PriorityDate says the wait also depends on the visa bulletin: an
	// adjustment of status whose visa number needs a current priority
	// date, so a case may give its priority date and chargeability.
	PriorityDate bool `json:"priority_date,omitempty"`
}

// ServiceCenter is a USCIS service center or filing channel.
type ServiceCenter struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// FieldOffice is a USCIS field office, where interviews are held and
// adjustment, naturalization and some family cases are decided. Codes are
// three capital letters chosen by CaseTrack, close to the abbreviations
// USCIS uses, and never change once published.
type FieldOffice struct {
	Code  string `json:"code"`
	Name  string `json:"name"`
	State string `json:"state"` // US state or territory, two letters
}

// Label is the office as a picker shows it: "Newark, NJ".
func (o FieldOffice) Label() string { return o.Name + ", " + o.State }

// Country is an ISO 3166-1 country, identified by its alpha-2 code.
type Country struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// Catalog is the complete reference data. It is immutable after loading and
// safe for concurrent use.
type Catalog struct {
	Categories     []Category      `json:"categories"`
	ServiceCenters []ServiceCenter `json:"service_centers"`
	FieldOffices   []FieldOffice   `json:"field_offices"`
	Countries      []Country       `json:"countries"`

	categoryIndex map[string]int
	centerIndex   map[string]int
	officeIndex   map[string]int
	countryIndex  map[string]int
}

//go:embed data/catalog.json
var catalogJSON []byte

var defaultCatalog = mustParse(catalogJSON)

// Default returns the catalog embedded in the binary.
func Default() *Catalog { return defaultCatalog }

func mustParse(b []byte) *Catalog {
	c, err := Parse(b)
	if err != nil {
		panic(fmt.Sprintf("catalog: embedded data is invalid: %v", err))
	}
	return c
}

// Parse decodes and checks catalog data. It is exported so that tests can
// build small catalogs; production code uses Default.
func Parse(b []byte) (*Catalog, error) {
	var c Catalog
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("decode catalog: %w", err)
	}
	if err := c.index(); err != nil {
		return nil, err
	}
	return &c, nil
}

func (c *Catalog) index() error {
	c.categoryIndex = make(map[string]int, len(c.Categories))
	for i, cat := range c.Categories {
		if _, dup := c.categoryIndex[cat.Code]; dup {
			return fmt.Errorf("duplicate category %q", cat.Code)
		}
		c.categoryIndex[cat.Code] = i
		if err := cat.check(); err != nil {
			return err
		}
	}
	c.centerIndex = make(map[string]int, len(c.ServiceCenters))
	for i, sc := range c.ServiceCenters {
		if _, dup := c.centerIndex[sc.Code]; dup {
			return fmt.Errorf("duplicate service center %q", sc.Code)
		}
		c.centerIndex[sc.Code] = i
	}
	c.officeIndex = make(map[string]int, len(c.FieldOffices))
	for i, o := range c.FieldOffices {
		if _, dup := c.officeIndex[o.Code]; dup {
			return fmt.Errorf("duplicate field office %q", o.Code)
		}
		if o.Code == "" || o.Name == "" || len(o.State) != 2 {
			return fmt.Errorf("field office %q needs a code, a name and a two-letter state", o.Code)
		}
		c.officeIndex[o.Code] = i
	}
	c.countryIndex = make(map[string]int, len(c.Countries))
	for i, co := range c.Countries {
		if _, dup := c.countryIndex[co.Code]; dup {
			return fmt.Errorf("duplicate country %q", co.Code)
		}
		c.countryIndex[co.Code] = i
	}
	return nil
}

func (cat Category) check() error {
	seen := map[string]bool{}
	var approved, denied bool
	for _, m := range cat.Milestones {
		if seen[m.Code] {
			return fmt.Errorf("category %q: duplicate milestone %q", cat.Code, m.Code)
		}
		seen[m.Code] = true
		if m.Terminal != (m.Outcome != "") {
			return fmt.Errorf("category %q: milestone %q: terminal milestones and only they have an outcome", cat.Code, m.Code)
		}
		switch m.Outcome {
		case OutcomeApproved:
			approved = true
		case OutcomeDenied:
			denied = true
		case "":
		default:
			return fmt.Errorf("category %q: milestone %q: unknown outcome %q", cat.Code, m.Code, m.Outcome)
		}
	}
	if !seen["received"] || !seen[OutcomeApproved] || !seen[OutcomeDenied] || !approved || !denied {
		return fmt.Errorf("category %q: needs received, approved and denied milestones", cat.Code)
	}
	return nil
}

// Category returns the category with the given code.
func (c *Catalog) Category(code string) (Category, bool) {
	i, ok := c.categoryIndex[code]
	if !ok {
		return Category{}, false
	}
	return c.Categories[i], true
}

// CategoryIndex returns the position of a category in Categories; stats
// uses it as a compact column value.
func (c *Catalog) CategoryIndex(code string) (int, bool) {
	i, ok := c.categoryIndex[code]
	return i, ok
}

// ServiceCenter returns the service center with the given code.
func (c *Catalog) ServiceCenter(code string) (ServiceCenter, bool) {
	i, ok := c.centerIndex[code]
	if !ok {
		return ServiceCenter{}, false
	}
	return c.ServiceCenters[i], true
}

// ServiceCenterIndex returns the position of a service center in ServiceCenters.
func (c *Catalog) ServiceCenterIndex(code string) (int, bool) {
	i, ok := c.centerIndex[code]
	return i, ok
}

// FieldOffice returns the field office with the given code.
func (c *Catalog) FieldOffice(code string) (FieldOffice, bool) {
	i, ok := c.officeIndex[code]
	if !ok {
		return FieldOffice{}, false
	}
	return c.FieldOffices[i], true
}

// FieldOfficeIndex returns the position of a field office in FieldOffices.
func (c *Catalog) FieldOfficeIndex(code string) (int, bool) {
	i, ok := c.officeIndex[code]
	return i, ok
}

// Country returns the country with the given ISO 3166-1 alpha-2 code.
func (c *Catalog) Country(code string) (Country, bool) {
	i, ok := c.countryIndex[code]
	if !ok {
		return Country{}, false
	}
	return c.Countries[i], true
}

// CountryIndex returns the position of a country in Countries.
func (c *Catalog) CountryIndex(code string) (int, bool) {
	i, ok := c.countryIndex[code]
	return i, ok
}

// Milestone returns the category's milestone with the given code.
func (cat Category) Milestone(code string) (Milestone, bool) {
	for _, m := range cat.Milestones {
		if m.Code == code {
			return m, true
		}
	}
	return Milestone{}, false
}

// MilestoneIndex returns the position of a milestone in the category's list.
func (cat Category) MilestoneIndex(code string) (int, bool) {
	for i, m := range cat.Milestones {
		if m.Code == code {
			return i, true
		}
	}
	return -1, false
}

// HasRFE reports whether cases of this category can receive a request for evidence.
func (cat Category) HasRFE() bool {
	_, ok := cat.Milestone("rfe")
	return ok
}
