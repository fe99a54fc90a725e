package i18n

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"golang.org/x/text/collate"

	"github.com/casetrack/casetrack/internal/catalog"
)

// Catalog ids of the reference data's names. catalog.json holds the
// English names; the catalogs translate them under these ids.
func CategoryID(code string) string  { return "catalog.category." + code }
func MilestoneID(code string) string { return "catalog.milestone." + code }
func CenterID(code string) string    { return "catalog.center." + code }
func GroupID(group string) string    { return "catalog.group." + slug(group) }

var nonWord = regexp.MustCompile(`[^a-z0-9]+`)

func slug(s string) string {
	return strings.Trim(nonWord.ReplaceAllString(strings.ToLower(s), "_"), "_")
}

// Reference is the reference data with its names in the language:
// categories, category groups, milestones and service centers from the
// message catalog, countries from CLDR sorted in the language's order.
// Codes, forms, field offices (place names) and everything else stay.
func (l *Locale) Reference(src *catalog.Catalog) (*catalog.Catalog, error) {
	b, err := json.Marshal(src)
	if err != nil {
		return nil, fmt.Errorf("i18n: copy reference data: %w", err)
	}
	var c catalog.Catalog
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("i18n: copy reference data: %w", err)
	}
	name := func(id, english string) string {
		if l.lang.Code == l.catalog.Default().lang.Code || !l.catalog.Has(id) {
			return english
		}
		return l.T(id)
	}
	for i := range c.Categories {
		cat := &c.Categories[i]
		cat.Group = name(GroupID(cat.Group), cat.Group)
		cat.Name = name(CategoryID(cat.Code), cat.Name)
		for j := range cat.Milestones {
			m := &cat.Milestones[j]
			m.Name = name(MilestoneID(m.Code), m.Name)
		}
	}
	for i := range c.ServiceCenters {
		sc := &c.ServiceCenters[i]
		sc.Name = name(CenterID(sc.Code), sc.Name)
	}
	if l.lang.Code != l.catalog.Default().lang.Code {
		for i := range c.Countries {
			co := &c.Countries[i]
			co.Name = l.Country(co.Code, co.Name)
		}
		col := collate.New(l.tag, collate.Loose)
		slices.SortStableFunc(c.Countries, func(a, b catalog.Country) int { return col.CompareString(a.Name, b.Name) })
	}
	b, err = json.Marshal(&c)
	if err != nil {
		return nil, fmt.Errorf("i18n: reference data: %w", err)
	}
	return catalog.Parse(b)
}
