package web

import (
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/stats"
	"github.com/casetrack/casetrack/internal/timeline"
)

// filterServer is a server with the default catalog, enough for the
// filter code, which reads nothing else.
func filterServer() *Server {
	lang, err := loadedLanguages()
	if err != nil {
		panic(err)
	}
	return &Server{cat: catalog.Default(), lang: lang, minCases: 5, now: func() time.Time { return testStart }}
}

func TestParseFilter(t *testing.T) {
	s := filterServer()
	mar24 := timeline.Month{Year: 2024, Month: time.March}
	tests := []struct {
		name   string
		in     filterForm
		want   stats.Filter
		errors []string
	}{
		{"category only", filterForm{Category: "eb2-niw"}, stats.Filter{Category: "eb2-niw"}, nil},
		{"codes normalised", filterForm{Category: "EB2-NIW", Country: "in", ServiceCenter: "tsc"},
			stats.Filter{Category: "eb2-niw", Country: "IN", ServiceCenter: "TSC"}, nil},
		{"no service center", filterForm{Category: "k1", ServiceCenter: "NONE"}, stats.Filter{Category: "k1", ServiceCenter: stats.NoServiceCenter}, nil},
		{"one month", filterForm{Category: "k1", FiledFrom: "2024-03", FiledTo: "2024-03"}, stats.Filter{Category: "k1", FiledFrom: mar24, FiledTo: mar24}, nil},
		{"missing category", filterForm{Country: "IN"}, stats.Filter{}, []string{"category"}},
		{"unknown category", filterForm{Category: "eb9"}, stats.Filter{}, []string{"category"}},
		{"unknown country", filterForm{Category: "k1", Country: "XX"}, stats.Filter{}, []string{"country"}},
		{"country name", filterForm{Category: "k1", Country: "India"}, stats.Filter{}, []string{"country"}},
		{"unknown center", filterForm{Category: "k1", ServiceCenter: "MSC"}, stats.Filter{}, []string{"service_center"}},
		{"bad from", filterForm{Category: "k1", FiledFrom: "March 2024"}, stats.Filter{}, []string{"filed_from"}},
		{"bad to", filterForm{Category: "k1", FiledTo: "2024-00"}, stats.Filter{}, []string{"filed_to"}},
		{"reversed", filterForm{Category: "k1", FiledFrom: "2024-04", FiledTo: "2024-03"}, stats.Filter{}, []string{"filed_to"}},
		{"everything wrong", filterForm{Country: "1", ServiceCenter: "x", FiledFrom: "y", FiledTo: "z"}, stats.Filter{},
			[]string{"category", "country", "service_center", "filed_from", "filed_to"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, fe := s.parseFilter(tt.in)
			if len(fe) != len(tt.errors) {
				t.Fatalf("errors %v, want fields %v", fe, tt.errors)
			}
			for _, k := range tt.errors {
				if fe[k] == "" {
					t.Errorf("no message for %s: %v", k, fe)
				}
			}
			if got != tt.want {
				t.Errorf("filter %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestFilterQueryRoundTrip(t *testing.T) {
	s := filterServer()
	f := stats.Filter{Category: "i485-family", Country: "MX", ServiceCenter: "NBC",
		FiledFrom: timeline.Month{Year: 2023, Month: time.January}, FiledTo: timeline.Month{Year: 2024, Month: time.June}}
	q := filterQuery(f)
	if q != "category=i485-family&country=MX&filed_from=2023-01&filed_to=2024-06&service_center=NBC" {
		t.Errorf("query %q", q)
	}
	v, err := url.ParseQuery(q)
	if err != nil {
		t.Fatal(err)
	}
	back, fe := s.parseFilter(filterFormOf(v))
	if fe != nil || back != f {
		t.Errorf("round trip: %+v %v", back, fe)
	}
	if got := filterQuery(stats.Filter{Category: "k1"}); got != "category=k1" {
		t.Errorf("minimal query %q", got)
	}
}

func TestFilterError(t *testing.T) {
	e := filterError(timeline.FieldErrors{"country": "Bad country.", "category": "Bad category."})
	if e.Status != 422 || e.Message != "The filters need attention: Bad category. Bad country." {
		t.Errorf("%+v", e)
	}
}

func TestCSVFilename(t *testing.T) {
	m := func(y int, mo time.Month) timeline.Month { return timeline.Month{Year: y, Month: mo} }
	tests := []struct {
		f     stats.Filter
		table string
		want  string
	}{
		{stats.Filter{Category: "eb2-niw"}, "country", "casetrack-eb2-niw-by-country.csv"},
		{stats.Filter{Category: "eb2-niw", Country: "IN", ServiceCenter: "TSC", FiledFrom: m(2023, 1), FiledTo: m(2024, 12)}, "service_center",
			"casetrack-eb2-niw-IN-TSC-2023-01-to-2024-12-by-service-center.csv"},
		{stats.Filter{Category: "k1", FiledTo: m(2024, 2)}, "histogram", "casetrack-k1-to-2024-02-histogram.csv"},
		{stats.Filter{Category: "k1", ServiceCenter: "none"}, "trend", "casetrack-k1-none-trend.csv"},
		{stats.Filter{Category: `a"b`}, "quarter", "casetrack-a_b-by-quarter.csv"},
	}
	for _, tt := range tests {
		if got := csvFilename(tt.f, tt.table); got != tt.want {
			t.Errorf("csvFilename(%+v, %s) = %q, want %q", tt.f, tt.table, got, tt.want)
		}
	}
}

// FuzzParseFilter feeds arbitrary query values to the filter parser: it
// must never panic, must either accept or name the bad fields, and an
// accepted filter must survive a round trip through its query string.
func FuzzParseFilter(f *testing.F) {
	f.Add("eb2-niw", "IN", "TSC", "2024-01", "2024-12")
	f.Add("", "", "", "", "")
	f.Add("K1", "mx", "none", "2024-13", "9999-99")
	f.Add("eb1a\x00", "ÏN", "<b>", "２０２４-01", "-001-01")
	s := filterServer()
	f.Fuzz(func(t *testing.T, category, country, center, from, to string) {
		q := url.Values{paramCategory: {category}, paramCountry: {country}, paramServiceCenter: {center},
			paramFiledFrom: {from}, paramFiledTo: {to}}
		got, fe := s.parseFilter(filterFormOf(q))
		if fe != nil {
			for k, msg := range fe {
				if msg == "" || !utf8.ValidString(k) {
					t.Fatalf("empty message for %q", k)
				}
				if utf8.RuneCountInString(msg) > 300 {
					t.Fatalf("message for %s too long: %d runes", k, utf8.RuneCountInString(msg))
				}
			}
			if got != (stats.Filter{}) {
				t.Fatalf("filter %+v returned with errors", got)
			}
			return
		}
		v, err := url.ParseQuery(filterQuery(got))
		if err != nil {
			t.Fatal(err)
		}
		back, fe := s.parseFilter(filterFormOf(v))
		if fe != nil || back != got {
			t.Fatalf("round trip of %+v: %+v %v", got, back, fe)
		}
		if strings.ContainsAny(csvFilename(got, "country"), "\"\r\n;\\/ ") {
			t.Fatalf("unsafe file name %q", csvFilename(got, "country"))
		}
	})
}
