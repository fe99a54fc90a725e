package phrase

import (
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/stats"
	"github.com/casetrack/casetrack/internal/timeline"
)

func TestGroup(t *testing.T) {
	cat := catalog.Default()
	m := func(y int, mo time.Month) timeline.Month { return timeline.Month{Year: y, Month: mo} }
	tests := []struct {
		f    stats.Filter
		want string
	}{
		{stats.Filter{Category: "eb2-niw"}, "EB-2 National Interest Waiver cases"},
		{stats.Filter{Category: "eb2-niw", Country: "IN", FiledFrom: m(2024, 1), FiledTo: m(2024, 12)},
			"EB-2 National Interest Waiver cases from India filed in 2024"},
		{stats.Filter{Category: "k1", ServiceCenter: "CSC", FiledFrom: m(2024, 3), FiledTo: m(2024, 3)},
			"K-1 Fiancé(e) Petition cases (service center: California Service Center) filed in March 2024"},
		{stats.Filter{Category: "k1", ServiceCenter: stats.NoServiceCenter, FiledFrom: m(2023, 3), FiledTo: m(2024, 6)},
			"K-1 Fiancé(e) Petition cases (no service center given) filed between March 2023 and June 2024"},
		{stats.Filter{Category: "n400", FiledFrom: m(2023, 3)}, "N-400 Naturalization cases filed in or after March 2023"},
		{stats.Filter{Category: "n400", FiledTo: m(2023, 3)}, "N-400 Naturalization cases filed in or before March 2023"},
		{stats.Filter{Category: "n400", FiledFrom: m(2023, 1), FiledTo: m(2024, 12)}, "N-400 Naturalization cases filed between January 2023 and December 2024"},
	}
	for _, tt := range tests {
		if got := Group(cat, tt.f); got != tt.want {
			t.Errorf("Group(%+v)\n got %q\nwant %q", tt.f, got, tt.want)
		}
	}
}

func TestMonth(t *testing.T) {
	if got := Month(timeline.Month{Year: 2027, Month: time.January}); got != "January 2027" {
		t.Errorf("Month = %q", got)
	}
}
