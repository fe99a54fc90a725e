package alerts_test

import (
	"errors"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/alerts"
	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/timeline"
)

// TestGroupQuery: a group's query string is canonical and reads back
// to the same group; anything the catalog does not know is refused.
func TestGroupQuery(t *testing.T) {
	cat := catalog.Default()
	mar := timeline.Month{Year: 2024, Month: time.March}
	for _, g := range []alerts.Group{
		{Category: "eb2-niw"},
		{Category: "eb2-niw", Country: "IN", ServiceCenter: "TSC", FiledFrom: mar, FiledTo: mar},
		{Category: "i485-family", ServiceCenter: "none", FiledFrom: mar},
		{Country: "MX", Milestone: "approved"},
		{},
	} {
		back, err := alerts.ParseGroup(cat, g.Query())
		if err != nil || back != g {
			t.Errorf("%+v: query %q reads back as %+v, %v", g, g.Query(), back, err)
		}
	}
	for _, q := range []string{
		"category=nope", "category=EB2-NIW", "country=ZZ", "service_center=XXX", "filed_from=2024-13",
		"category=eb2-niw&filed_from=2024-05&filed_to=2024-01", "category=eb2-niw&milestone=interview",
		"milestone=nope", "cursor=abc", "category=eb2-niw&category=eb3", "%zz",
	} {
		if _, err := alerts.ParseGroup(cat, q); !errors.Is(err, alerts.ErrGroup) {
			t.Errorf("%q: %v, want ErrGroup", q, err)
		}
	}
	if got := (alerts.Group{Category: "eb2-niw", Country: "IN", FiledFrom: mar, FiledTo: mar}).Describe(cat); got != "EB-2 National Interest Waiver cases from India filed in March 2024" {
		t.Errorf("describe %q", got)
	}
	if got := (alerts.Group{Country: "IN", Milestone: "rfe"}).Describe(cat); got != "cases of every category from India (request for evidence only)" {
		t.Errorf("describe %q", got)
	}
	if got := (alerts.Group{Category: "eb2-niw", FiledFrom: mar}).FeedPath(); got != "" {
		t.Errorf("feed of a range of months: %q", got)
	}
}
