package caseform

import (
	"cmp"
	"slices"

	"github.com/casetrack/casetrack/internal/catalog"
)

// TopCountryCount is how many countries the form offers first.
const TopCountryCount = 8

// DefaultTopCountries fill the "Most shared" list while too few cases are
// shared to rank countries: the countries of birth most common among
// people filing employment- and family-based cases with USCIS.
var DefaultTopCountries = []string{"IN", "CN", "MX", "PH", "VN", "BR", "KR", "NG"}

// TopCountries returns the countries to offer first: those with the most
// shared cases, largest first (ties by name), then DefaultTopCountries not
// yet listed, n in all. counts must hold only numbers that are already
// public (breakdown rows of at least k cases), so that the order reveals
// nothing a visitor of Explore could not read.
func TopCountries(cat *catalog.Catalog, counts map[string]int, n int) []catalog.Country {
	var ranked []catalog.Country
	for code, c := range counts {
		if country, ok := cat.Country(code); ok && c > 0 {
			ranked = append(ranked, country)
		}
	}
	slices.SortFunc(ranked, func(a, b catalog.Country) int {
		if c := cmp.Compare(counts[b.Code], counts[a.Code]); c != 0 {
			return c
		}
		return cmp.Compare(a.Name, b.Name)
	})
	if len(ranked) > n {
		ranked = ranked[:n]
	}
	for _, code := range DefaultTopCountries {
		if len(ranked) >= n {
			break
		}
		country, ok := cat.Country(code)
		if !ok || slices.ContainsFunc(ranked, func(c catalog.Country) bool { return c.Code == code }) {
			continue
		}
		ranked = append(ranked, country)
	}
	return ranked
}
