package phrase

import (
	"testing"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/stats"
)

// A group filtered by its details says so in its name, on Explore and in
// chart titles.
func TestGroupDetails(t *testing.T) {
	cat := catalog.Default()
	for _, tc := range []struct {
		f    stats.Filter
		want string
	}{
		{stats.Filter{Category: "h1b", Premium: "premium", FilingMethod: "online"},
			"H-1B Specialty Occupation cases (premium from filing, filed online)"},
		{stats.Filter{Category: "i485-family", InterviewOffice: "NEW", PDCurrent: "no", Chargeability: "MX"},
			"I-485 Adjustment of Status (family-based) cases (field office: Newark, NJ, priority date not current when filed, charged to Mexico)"},
		{stats.Filter{Category: "h1b", Premium: stats.NotGiven}, "H-1B Specialty Occupation cases (premium processing not given)"},
	} {
		if got := Group(cat, tc.f); got != tc.want {
			t.Errorf("Group(%+v) =\n%q, want\n%q", tc.f, got, tc.want)
		}
	}
}
