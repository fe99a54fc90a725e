package web

import (
	"net/url"
	"slices"
	"testing"

	"github.com/casetrack/casetrack/internal/stats"
)

// TestCountriesByName checks the country table's order on Explore: by the
// name a reader sees, accents and case aside, not by country code.
func TestCountriesByName(t *testing.T) {
	rows := []stats.BreakdownRow{{Key: "CU", Label: "Cuba"}, {Key: "DZ", Label: "Algeria"}, {Key: "CI", Label: "Côte d'Ivoire"},
		{Key: "DE", Label: "Germany"}, {Key: "XX", Label: "another country"}}
	var got []string
	for _, r := range byLabel(testLocale(t, "en"), rows) {
		got = append(got, r.Label)
	}
	if want := []string{"Algeria", "another country", "Côte d'Ivoire", "Cuba", "Germany"}; !slices.Equal(got, want) {
		t.Errorf("order %q, want %q", got, want)
	}
	if rows[0].Label != "Cuba" {
		t.Error("byLabel reordered the rows it was given")
	}
}

// TestShowAll checks Explore's ?all= parameter: it unfolds known tables
// only, and the links it builds add or drop one table in a stable order.
func TestShowAll(t *testing.T) {
	for _, tc := range []struct {
		query string
		want  []stats.Dimension
	}{
		{"", nil},
		{"all=country", []stats.Dimension{stats.ByCountry}},
		{"all=country&all=quarter&all=country", []stats.Dimension{stats.ByCountry, stats.ByQuarter}},
		{"all=+service_center+", []stats.Dimension{stats.ByServiceCenter}},
		{"all=month&all=COUNTRY&all=<script>", nil},
	} {
		q, err := url.ParseQuery(tc.query)
		if err != nil {
			t.Fatal(err)
		}
		all := showAllOf(q)
		if len(all) != len(tc.want) {
			t.Errorf("%q: %v, want %v", tc.query, all, tc.want)
		}
		for _, d := range tc.want {
			if !all[d] {
				t.Errorf("%q: %v lacks %s", tc.query, all, d)
			}
		}
	}
	all := showAll{}.with(stats.ByQuarter).with(stats.ByCountry)
	if got, want := all.query("category=eb1a"), "category=eb1a&all=country&all=quarter"; got != want {
		t.Errorf("query = %q, want %q", got, want)
	}
	if got, want := all.without(stats.ByCountry).query("category=eb1a"), "category=eb1a&all=quarter"; got != want {
		t.Errorf("without country: %q, want %q", got, want)
	}
}

// FuzzShowAll feeds Explore's ?all= any query: it never fails and only
// ever unfolds tables the page has.
func FuzzShowAll(f *testing.F) {
	for _, s := range []string{"all=country", "all=quarter&all=service_center", "all=%00", "all="} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		for d := range showAllOf(q) {
			if d != stats.ByQuarter && !slices.Contains(exploreDimensions, d) {
				t.Fatalf("%q unfolds %q, a table the page does not have", raw, d)
			}
		}
	})
}

// TestBreakdownSummary checks the one line a folded breakdown table of
// Explore shows.
func TestBreakdownSummary(t *testing.T) {
	for _, tc := range []struct {
		by           stats.Dimension
		shown, under int
		want         string
	}{
		{stats.ByCountry, 60, 88, "60 of 148 countries with numbers"},
		{stats.ByCountry, 1, 0, "1 country with numbers"},
		{stats.ByServiceCenter, 0, 1, "0 of 1 service center with numbers"},
		{stats.ByQuarter, 1200, 0, "1,200 filing quarters with numbers"},
		{stats.Dimension("other"), 2, 1, "2 of 3 rows with numbers"},
	} {
		if got := breakdownSummary(testLocale(t, "en"), tc.by, tc.shown, tc.under); got != tc.want {
			t.Errorf("breakdownSummary(%s, %d, %d) = %q, want %q", tc.by, tc.shown, tc.under, got, tc.want)
		}
	}
}
