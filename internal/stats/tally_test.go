package stats

import (
	"reflect"
	"testing"
)

// TestTally counts a group's cases and steps whatever its size.
func TestTally(t *testing.T) {
	ix := NewIndex(testCatalog(t))
	for _, c := range []struct {
		id, category, country, filed string
		ms                           []string
	}{
		{"c1", "i485-employment", "IN", "2024-03", []string{"received", "2024-03-20", "interview", "2024-09-01", "approved", "2024-10-01"}},
		{"c2", "i485-employment", "IN", "2024-03", []string{"received", "2024-03-20", "rfe", "2024-06", "denied", "2024-12-01"}},
		{"c3", "i485-employment", "IN", "2024-03", []string{"received", "2024-03-20", "rfe", "2024-06", "interview", "2024-11"}},
		{"c4", "i485-employment", "CN", "2024-03", []string{"received", "2024-03-20", "approved", "2024-10-01"}},
		{"c5", "eb2-niw", "IN", "2024-03", []string{"approved", "2024-10-01"}},
	} {
		ix.Upsert(mkCase(t, c.id, c.category, c.country, "", c.filed, "2025-01-10", c.ms...))
	}
	got := ix.Tally(Filter{Category: "i485-employment", Country: "IN", FiledFrom: month(t, "2024-03"), FiledTo: month(t, "2024-03")})
	want := Tally{Cases: 3, Decided: 2, Approved: 1, Denied: 1, Reached: map[string]int{"rfe": 2, "interview": 2}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("tally %+v, want %+v", got, want)
	}
	if got := ix.Tally(Filter{Category: "nope"}); got.Cases != 0 || got.Reached == nil {
		t.Errorf("unknown category: %+v", got)
	}
	if got := ix.Tally(Filter{Category: "i485-employment", Country: "ZZ"}); got.Cases != 0 {
		t.Errorf("unknown country: %+v", got)
	}
}
