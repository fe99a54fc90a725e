package outlook

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/stats"
	"github.com/casetrack/casetrack/internal/timeline"
)

// today is the fixed day of the parser tests.
var today = time.Date(2025, 6, 20, 15, 4, 5, 0, time.UTC)

func TestParse(t *testing.T) {
	cat := catalog.Default()
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	mar := timeline.Month{Year: 2024, Month: time.March}
	tests := []struct {
		name string
		form Form
		want stats.OutlookRequest
		// errs maps each field expected to be refused to a piece of its
		// message.
		errs map[string]string
	}{
		{"everything", Form{"eb2-niw", "IN", "TSC", "2024-03", "2025-01-31"},
			stats.OutlookRequest{Category: "eb2-niw", Country: "IN", ServiceCenter: "TSC", Filed: mar, AsOf: day(2025, 1, 31)}, nil},
		{"codes in any case, as of today", Form{"EB2-NIW", "in", "tsc", "2024-03", ""},
			stats.OutlookRequest{Category: "eb2-niw", Country: "IN", ServiceCenter: "TSC", Filed: mar, AsOf: day(2025, 6, 20)}, nil},
		{"only the category and the month", Form{Category: "n400", Filed: "2025-06"},
			stats.OutlookRequest{Category: "n400", Filed: timeline.Month{Year: 2025, Month: time.June}, AsOf: day(2025, 6, 20)}, nil},
		{"none as center is no center", Form{Category: "eb2-niw", ServiceCenter: "None", Filed: "2024-03"},
			stats.OutlookRequest{Category: "eb2-niw", Filed: mar, AsOf: day(2025, 6, 20)}, nil},
		{"as of the first day of the filing month", Form{Category: "eb2-niw", Filed: "2024-03", AsOf: "2024-03-01"},
			stats.OutlookRequest{Category: "eb2-niw", Filed: mar, AsOf: day(2024, 3, 1)}, nil},
		{"nothing", Form{}, stats.OutlookRequest{},
			map[string]string{ParamCategory: "Choose your visa category", ParamFiled: "Enter the month you filed"}},
		{"unknown codes", Form{"eb9", "XX", "ABC", "2024-03", ""}, stats.OutlookRequest{},
			map[string]string{ParamCategory: `"eb9" is not a category`, ParamCountry: `"XX" is not a country`, ParamServiceCenter: `"ABC" is not a service center`}},
		{"bad month", Form{Category: "eb2-niw", Filed: "2024-13"}, stats.OutlookRequest{},
			map[string]string{ParamFiled: "between 01 and 12"}},
		{"month not a month", Form{Category: "eb2-niw", Filed: "March 2024"}, stats.OutlookRequest{},
			map[string]string{ParamFiled: "YYYY-MM"}},
		{"filed in the future", Form{Category: "eb2-niw", Filed: "2025-07"}, stats.OutlookRequest{},
			map[string]string{ParamFiled: "in the future"}},
		{"filed too long ago", Form{Category: "eb2-niw", Filed: "1989-12"}, stats.OutlookRequest{},
			map[string]string{ParamFiled: "cannot be before 1990-01"}},
		{"as of not a date", Form{Category: "eb2-niw", Filed: "2024-03", AsOf: "2025-02-30"}, stats.OutlookRequest{},
			map[string]string{ParamAsOf: "real date"}},
		{"as of a month", Form{Category: "eb2-niw", Filed: "2024-03", AsOf: "2025-02"}, stats.OutlookRequest{},
			map[string]string{ParamAsOf: "YYYY-MM-DD"}},
		{"as of in the future", Form{Category: "eb2-niw", Filed: "2024-03", AsOf: "2025-06-21"}, stats.OutlookRequest{},
			map[string]string{ParamAsOf: "in the future"}},
		{"as of before the filing month", Form{Category: "eb2-niw", Filed: "2024-03", AsOf: "2024-02-29"}, stats.OutlookRequest{},
			map[string]string{ParamAsOf: "before the filing month 2024-03"}},
		{"a receipt number is not echoed", Form{Category: "EAC2190012345", Filed: "2024-03"}, stats.OutlookRequest{},
			map[string]string{ParamCategory: "This is not a category"}},
		{"a long code is shortened", Form{Category: strings.Repeat("x", 50), Filed: "2024-03"}, stats.OutlookRequest{},
			map[string]string{ParamCategory: "xxxxxxxxxxxxxxxxxxxx…"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, fe := Parse(english, cat, tc.form, today)
			if len(fe) != len(tc.errs) {
				t.Fatalf("errors %v, want fields %v", fe, tc.errs)
			}
			for field, piece := range tc.errs {
				if !strings.Contains(fe[field], piece) {
					t.Errorf("%s: %q, want it to say %q", field, fe[field], piece)
				}
			}
			if tc.errs == nil && got != tc.want {
				t.Errorf("request %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestFormOfAndQuery(t *testing.T) {
	q := url.Values{"category": {" eb2-niw "}, "country": {"IN"}, "filed": {"2024-03"}, "as_of": {"2025-01-31"}, "other": {"x"}}
	f := FormOf(q)
	if f != (Form{Category: "eb2-niw", Country: "IN", Filed: "2024-03", AsOf: "2025-01-31"}) {
		t.Fatalf("form %+v", f)
	}
	req, fe := Parse(english, catalog.Default(), f, today)
	if fe != nil {
		t.Fatal(fe)
	}
	if got := Query(req, true).Encode(); got != "as_of=2025-01-31&category=eb2-niw&country=IN&filed=2024-03" {
		t.Errorf("query %s", got)
	}
	if got := Query(req, false).Encode(); got != "category=eb2-niw&country=IN&filed=2024-03" {
		t.Errorf("query without as_of %s", got)
	}
}

// FuzzParse: whatever is typed, Parse never panics; it either refuses
// with a message for each field it names, or returns a request the
// engine can take: a category of the catalog, a filing month not in the
// future, an as-of day from the filing month to today; and the
// canonical query of that request parses to the same request.
func FuzzParse(f *testing.F) {
	f.Add("eb2-niw", "IN", "TSC", "2024-03", "2025-01-31")
	f.Add("n400", "", "", "2025-06", "")
	f.Add("", "xx", "none", "2024-13", "2025-02-30")
	f.Add("EB2-NIW", "in", "tsc", "1990-01", "1990-01-01")
	f.Add("eb2-niw", "IN", "", "2025-07", "2024-02-29")
	cat := catalog.Default()
	f.Fuzz(func(t *testing.T, category, country, center, filed, asOf string) {
		form := Form{category, country, center, filed, asOf}
		req, fe := Parse(english, cat, form, today)
		if fe != nil {
			if len(fe) == 0 {
				t.Fatal("empty errors returned")
			}
			for k, msg := range fe {
				switch k {
				case ParamCategory, ParamCountry, ParamServiceCenter, ParamFiled, ParamAsOf:
				default:
					t.Errorf("error for unknown field %q", k)
				}
				if msg == "" {
					t.Errorf("empty message for %s", k)
				}
			}
			return
		}
		if _, ok := cat.Category(req.Category); !ok {
			t.Errorf("accepted unknown category %q", req.Category)
		}
		if timeline.MonthOf(today).Before(req.Filed) {
			t.Errorf("accepted a future filing month %s", req.Filed)
		}
		first := time.Date(req.Filed.Year, req.Filed.Month, 1, 0, 0, 0, 0, time.UTC)
		if req.AsOf.Before(first) || req.AsOf.After(timeline.Today(today)) {
			t.Errorf("as of %s outside %s – today", req.AsOf, first)
		}
		again, fe := Parse(english, cat, FormOf(Query(req, true)), today)
		if fe != nil || again != req {
			t.Errorf("the canonical query of %+v parses to %+v, %v", req, again, fe)
		}
	})
}
