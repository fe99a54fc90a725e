package catalog

import (
	"strings"
	"testing"
)

// The fields that split the distributions are offered only where USCIS
// offers them: premium processing for I-140, I-129, I-765 and I-539; a
// field office for adjustment, naturalization, I-130 and I-751; a
// priority date for adjustment of status.
func TestDetailFlags(t *testing.T) {
	cat := Default()
	want := map[string]func(c Category) bool{
		"premium":       func(c Category) bool { return c.Premium },
		"online_filing": func(c Category) bool { return c.OnlineFiling },
		"field_office":  func(c Category) bool { return c.FieldOffice },
		"priority_date": func(c Category) bool { return c.PriorityDate },
	}
	forms := map[string]map[string]bool{
		"premium":       {"I-140": true, "I-129": true, "I-765": true, "I-539": true},
		"field_office":  {"I-485": true, "N-400": true, "I-130": true, "I-751": true},
		"priority_date": {"I-485": true},
		"online_filing": {"I-130": true, "I-129F": true, "N-400": true, "I-765": true, "I-131": true, "I-90": true, "I-539": true},
	}
	for flag, has := range want {
		for _, c := range cat.Categories {
			exp := forms[flag][c.Form]
			if flag == "online_filing" && c.Code == "h1b" {
				exp = true // H-1B petitions can be filed online; L-1 and O-1 cannot
			}
			if has(c) != exp {
				t.Errorf("%s (%s): %s = %v, want %v", c.Code, c.Form, flag, has(c), exp)
			}
		}
	}
}

// The interview office comes from a catalog of USCIS field offices.
func TestDefaultFieldOffices(t *testing.T) {
	cat := Default()
	if n := len(cat.FieldOffices); n < 80 {
		t.Fatalf("%d field offices, want the full list of about 88", n)
	}
	for _, o := range cat.FieldOffices {
		if len(o.Code) != 3 || strings.ToUpper(o.Code) != o.Code {
			t.Errorf("field office code %q: want three capital letters", o.Code)
		}
		got, ok := cat.FieldOffice(o.Code)
		if !ok || got != o {
			t.Errorf("FieldOffice(%q) = %v, %v", o.Code, got, ok)
		}
		if i, ok := cat.FieldOfficeIndex(o.Code); !ok || cat.FieldOffices[i] != o {
			t.Errorf("FieldOfficeIndex(%q) = %d, %v", o.Code, i, ok)
		}
	}
	if o, ok := cat.FieldOffice("NEW"); !ok || o.Label() != "Newark, NJ" {
		t.Errorf("NEW = %v (%q), want Newark, NJ", o, o.Label())
	}
	if _, ok := cat.FieldOffice("new"); ok {
		t.Error("codes are matched exactly; callers upper-case them")
	}
}

func TestParseFieldOffices(t *testing.T) {
	base := `{"categories": [], "service_centers": [], "countries": [], "field_offices": [%s]}`
	for _, tc := range []struct{ name, offices, err string }{
		{"duplicate", `{"code": "NYC", "name": "New York City", "state": "NY"}, {"code": "NYC", "name": "Other", "state": "NY"}`, "duplicate field office"},
		{"no state", `{"code": "NYC", "name": "New York City"}`, "two-letter state"},
		{"fine", `{"code": "NYC", "name": "New York City", "state": "NY"}`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(strings.Replace(base, "%s", tc.offices, 1)))
			if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
				t.Errorf("Parse: %v, want %q", err, tc.err)
			}
		})
	}
}
