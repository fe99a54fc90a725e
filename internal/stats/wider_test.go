package stats

import (
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/timeline"
)

// TestWider: the wider groups of a filter, each leaving out one more of
// its narrowing fields, with their sizes, and no size for a group below k.
func TestWider(t *testing.T) {
	ox := newOutlookIndex(t, time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC))
	jan := timeline.Month{Year: 2024, Month: time.January}
	jun := timeline.Month{Year: 2024, Month: time.June}
	// India at NSC filed in January: 2; India at TSC: 4; China at NSC: 3;
	// China at TSC filed in June: 6.
	for range 2 {
		ox.add("IN", "NSC", jan, -1, 100)
	}
	for range 4 {
		ox.add("IN", "TSC", jan, -1, 100)
	}
	for range 3 {
		ox.add("CN", "NSC", jan, -1, 100)
	}
	for range 6 {
		ox.add("CN", "TSC", jun, -1, 100)
	}
	f := Filter{Category: "eb2-niw", Country: "IN", ServiceCenter: "NSC", FiledFrom: jan, FiledTo: jan}
	want := []struct {
		dropped    string
		cases      int
		suppressed bool
	}{
		{"service_center", 6, false},                // IN, January
		{"country", 5, false},                       // NSC, January
		{"filed", 0, true},                          // IN at NSC: 2
		{"service_center+country", 9, false},        // January
		{"service_center+filed", 6, false},          // IN
		{"country+filed", 5, false},                 // NSC
		{"service_center+country+filed", 15, false}, // the category
	}
	got := ox.ix.Wider(f, 5)
	if len(got) != len(want) {
		t.Fatalf("%d wider groups, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		g := got[i]
		if g.Dropped != w.dropped || g.Cases != w.cases || g.Suppressed != w.suppressed {
			t.Errorf("wider[%d] = %+v, want %+v", i, g, w)
		}
	}
	if g := got[0].Filter; g.ServiceCenter != "" || g.Country != "IN" || g.FiledFrom != jan {
		t.Errorf("without the center: %+v", g)
	}

	// Fields that were not given are not dropped again.
	got = ox.ix.Wider(Filter{Category: "eb2-niw", Country: "CN"}, 5)
	if len(got) != 1 || got[0].Dropped != "country" || got[0].Cases != 15 {
		t.Errorf("wider groups of China: %+v, want only the category with 15", got)
	}
	if got := ox.ix.Wider(Filter{Category: "eb2-niw"}, 5); len(got) != 0 {
		t.Errorf("a whole category has wider groups: %+v", got)
	}
}
