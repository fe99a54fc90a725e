package stats

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/timeline"
)

// testCatalogJSON is a small catalog with the milestone lists of the real
// one: an I-140 category, an I-485 category with many intermediate
// milestones, and a category without an rfe milestone.
const testCatalogJSON = `{
 "categories": [
  {"code": "eb2-niw", "name": "EB-2 National Interest Waiver", "form": "I-140", "group": "Employment-based petitions",
   "milestones": [{"code": "received", "name": "Receipt notice"},
                  {"code": "rfe", "name": "Request for evidence (RFE)"},
                  {"code": "rfe_response", "name": "RFE response received"},
                  {"code": "approved", "name": "Approved", "terminal": true, "outcome": "approved"},
                  {"code": "denied", "name": "Denied", "terminal": true, "outcome": "denied"}]},
  {"code": "i485-employment", "name": "I-485 Adjustment of Status (employment-based)", "form": "I-485", "group": "Green card (adjustment)",
   "milestones": [{"code": "received", "name": "Receipt notice"},
                  {"code": "transferred", "name": "Case transferred"},
                  {"code": "biometrics", "name": "Biometrics appointment"},
                  {"code": "rfe", "name": "Request for evidence (RFE)"},
                  {"code": "rfe_response", "name": "RFE response received"},
                  {"code": "interview", "name": "Interview"},
                  {"code": "approved", "name": "Approved", "terminal": true, "outcome": "approved"},
                  {"code": "denied", "name": "Denied", "terminal": true, "outcome": "denied"}]},
  {"code": "plain", "name": "Plain", "form": "X", "group": "Test",
   "milestones": [{"code": "received", "name": "Receipt notice"},
                  {"code": "approved", "name": "Approved", "terminal": true, "outcome": "approved"},
                  {"code": "denied", "name": "Denied", "terminal": true, "outcome": "denied"}]}
 ],
 "service_centers": [{"code": "NSC", "name": "Nebraska Service Center"},
                     {"code": "TSC", "name": "Texas Service Center"},
                     {"code": "NBC", "name": "National Benefits Center"}],
 "countries": [{"code": "CN", "name": "China"}, {"code": "IN", "name": "India"},
               {"code": "MX", "name": "Mexico"}, {"code": "NG", "name": "Nigeria"}]
}`

func testCatalog(t testing.TB) *catalog.Catalog {
	t.Helper()
	cat, err := catalog.Parse([]byte(testCatalogJSON))
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

func month(t testing.TB, s string) timeline.Month {
	t.Helper()
	m, err := timeline.ParseMonth(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func date(t testing.TB, s string) timeline.ApproxDate {
	t.Helper()
	d, err := timeline.ParseApproxDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// mkCase builds a case; ms alternates milestone codes and dates.
func mkCase(t testing.TB, id, category, country, center, filed, asOf string, ms ...string) *timeline.Case {
	t.Helper()
	c := &timeline.Case{ID: id, Category: category, Country: country, ServiceCenter: center,
		Filed: month(t, filed), AsOf: date(t, asOf).Time()}
	for i := 0; i+1 < len(ms); i += 2 {
		c.Milestones = append(c.Milestones, timeline.Milestone{Code: ms[i], Date: date(t, ms[i+1])})
	}
	return c
}

// jsonEqual compares v's JSON encoding with the expected JSON text,
// ignoring formatting and key order.
func jsonEqual(t *testing.T, v any, want string) {
	t.Helper()
	got, g, w := decodePair(t, v, want)
	if !reflect.DeepEqual(g, w) {
		t.Errorf("JSON mismatch\n got: %s\nwant: %s", got, want)
	}
}

// decodePair marshals v and decodes it and want into plain values.
func decodePair(t *testing.T, v any, want string) (got []byte, g, w any) {
	t.Helper()
	got, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("unmarshal own output: %v", err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("bad expected JSON: %v", err)
	}
	return got, g, w
}

// jsonSubset checks that v's JSON has every member of the want object,
// recursively, with equal values; members want does not name are not
// compared, and arrays must match element for element.
func jsonSubset(t *testing.T, v any, want string) {
	t.Helper()
	got, g, w := decodePair(t, v, want)
	if path, ok := subset(g, w, "$"); !ok {
		t.Errorf("JSON mismatch at %s\n got: %s\nwant (subset): %s", path, got, want)
	}
}

func subset(g, w any, path string) (string, bool) {
	switch wv := w.(type) {
	case map[string]any:
		gv, ok := g.(map[string]any)
		if !ok {
			return path, false
		}
		for k, x := range wv {
			y, ok := gv[k]
			if !ok {
				return path + "." + k + " (missing)", false
			}
			if p, ok := subset(y, x, path+"."+k); !ok {
				return p, false
			}
		}
		return "", true
	case []any:
		gv, ok := g.([]any)
		if !ok || len(gv) != len(wv) {
			return path, false
		}
		for i := range wv {
			if p, ok := subset(gv[i], wv[i], fmt.Sprintf("%s[%d]", path, i)); !ok {
				return p, false
			}
		}
		return "", true
	default:
		return path, reflect.DeepEqual(g, w)
	}
}
