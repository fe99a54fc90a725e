package timeline

import (
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// TestUpdateLastPending covers each way a change can move a case between
// pending and decided, and what it does to LastPending.
func TestUpdateLastPending(t *testing.T) {
	received := Milestone{"received", ApproxDate{2024, time.March, 20}}
	rfe := Milestone{"rfe", ApproxDate{2024, time.September, 0}}
	approved := Milestone{"approved", ApproxDate{2025, time.June, 2}}
	denied := Milestone{"denied", ApproxDate{2025, time.June, 0}}
	oldAsOf, lastPending, today := date(2025, time.May, 1), date(2025, time.April, 3), date(2025, time.June, 10)
	tests := []struct {
		name        string
		milestones  []Milestone
		lastPending time.Time // before the change
		change      func(c *Case)
		want        time.Time
	}{
		{"pending case gets its decision",
			[]Milestone{received}, time.Time{},
			func(c *Case) { c.Milestones, c.AsOf = append(c.Milestones, approved), today },
			oldAsOf},
		{"decision added without moving as-of",
			[]Milestone{received}, time.Time{},
			func(c *Case) { c.Milestones = append(c.Milestones, denied) },
			oldAsOf},
		{"pending case stays pending",
			[]Milestone{received}, time.Time{},
			func(c *Case) { c.Milestones, c.AsOf = append(c.Milestones, rfe), today },
			time.Time{}},
		{"confirmed still pending",
			[]Milestone{received}, time.Time{},
			func(c *Case) { c.AsOf = today },
			time.Time{}},
		{"decided case stays decided",
			[]Milestone{received, approved}, lastPending,
			func(c *Case) { c.Note, c.AsOf = "Card arrived.", today },
			lastPending},
		{"decision changed from approved to denied",
			[]Milestone{received, approved}, lastPending,
			func(c *Case) { c.Milestones, c.AsOf = []Milestone{received, denied}, today },
			lastPending},
		{"case shared already decided stays without one",
			[]Milestone{received, approved}, time.Time{},
			func(c *Case) { c.Milestones = []Milestone{received, rfe, approved} },
			time.Time{}},
		{"decision removed",
			[]Milestone{received, approved}, lastPending,
			func(c *Case) { c.Milestones, c.AsOf = []Milestone{received}, today },
			time.Time{}},
		{"stray day on a pending case is dropped",
			[]Milestone{received}, lastPending,
			func(c *Case) { c.AsOf = today },
			time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &Case{Category: "eb2-niw", Filed: Month{2024, time.March}, Milestones: tt.milestones,
				AsOf: oldAsOf, Created: date(2024, time.April, 2), LastPending: tt.lastPending}
			c.Update(tt.change)
			if !c.LastPending.Equal(tt.want) {
				t.Errorf("LastPending = %v, want %v", c.LastPending, tt.want)
			}
			if !c.Created.Equal(date(2024, time.April, 2)) {
				t.Errorf("Created changed to %v", c.Created)
			}
		})
	}
}

// TestAddMilestoneLastPending: AddMilestone records the as-of date a case
// had when its decision is added, and only then.
func TestAddMilestoneLastPending(t *testing.T) {
	tests := []struct {
		name string
		in   MilestoneInput
		want time.Time
	}{
		{"decision", MilestoneInput{"approved", "2025-06-01"}, date(2025, time.May, 10)},
		{"month-only decision", MilestoneInput{"denied", "2025-05"}, date(2025, time.May, 10)},
		{"intermediate step", MilestoneInput{"rfe_response", "2024-10"}, time.Time{}},
		{"refused decision", MilestoneInput{"approved", "2025-07-01"}, time.Time{}},
	}
	cat := catalog.Default()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := baseCase(t)
			if want := date(2025, time.May, 10); !c.AsOf.Equal(want) {
				t.Fatalf("base case as of %v, want %v", c.AsOf, want)
			}
			AddMilestone(cat, c, tt.in, testNow)
			if !c.LastPending.Equal(tt.want) {
				t.Errorf("LastPending = %v, want %v", c.LastPending, tt.want)
			}
		})
	}
}
