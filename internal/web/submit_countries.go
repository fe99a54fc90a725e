package web

import (
	"encoding/json"

	"github.com/casetrack/casetrack/internal/caseform"
	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/stats"
)

// topCountriesKey is the answer cache entry of the submit form's "Most
// shared" countries.
const topCountriesKey = "submit-form:top-countries"

// topCountries returns the countries the submit form offers first: those
// with the most shared cases. Only breakdown rows of at least k cases are
// counted, the numbers Explore shows anyway, so the order says nothing
// about a smaller group. The list is kept in the answer cache until the
// index changes.
func (s *Server) topCountries() []catalog.Country {
	version := s.index.Version()
	if b, ok := s.answers.get(version, topCountriesKey); ok {
		var codes []string
		if err := json.Unmarshal(b, &codes); err == nil {
			return s.countriesOf(codes)
		}
	}
	counts := map[string]int{}
	for _, c := range s.cat.Categories {
		b, err := s.index.Breakdown(stats.Filter{Category: c.Code}, stats.ByCountry, s.minCases)
		if err != nil {
			s.log.Warn("submit form: country breakdown", "category", c.Code, "err", err)
			continue
		}
		for _, row := range b.Rows {
			if !row.Suppressed {
				counts[row.Key] += row.Cases
			}
		}
	}
	top := caseform.TopCountries(s.cat, counts, caseform.TopCountryCount)
	codes := make([]string, len(top))
	for i, c := range top {
		codes[i] = c.Code
	}
	if b, err := json.Marshal(codes); err == nil {
		s.answers.put(version, topCountriesKey, b)
	}
	return top
}

// countriesOf looks codes up in the catalog.
func (s *Server) countriesOf(codes []string) []catalog.Country {
	out := make([]catalog.Country, 0, len(codes))
	for _, code := range codes {
		if c, ok := s.cat.Country(code); ok {
			out = append(out, c)
		}
	}
	return out
}
