package replay

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/seed"
	"github.com/casetrack/casetrack/internal/timeline"
)

// testToday is the day of the checks: 10 June 2025, with a time of day
// that must not matter.
var testToday = time.Date(2025, time.June, 10, 15, 4, 5, 0, time.UTC)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func ms(pairs ...string) []timeline.MilestoneInput {
	var out []timeline.MilestoneInput
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, timeline.MilestoneInput{Code: pairs[i], Date: pairs[i+1]})
	}
	return out
}

// validRow is decided after it was shared.
func validRow() Row {
	return Row{
		Category: "eb2-niw", Country: "IN", ServiceCenter: "TSC", Filed: "2024-03",
		Milestones: ms("received", "2024-03-20", "approved", "2025-06-02"),
		Note:       "Premium processing was not used.",
		Shared:     "2024-04-02",
	}
}

// pendingRow is validRow without its decision.
func pendingRow() Row {
	r := validRow()
	r.Milestones = r.Milestones[:1]
	return r
}

// TestRowCase covers each rule of the history dates both ways: a change
// to a valid row either gives the case's dates or the fields that must
// fail, with a fragment of their message.
func TestRowCase(t *testing.T) {
	type want struct{ created, asOf, lastPending string }
	tests := []struct {
		name string
		row  func() Row
		want want              // when the row is accepted ("" for a zero day)
		errs map[string]string // when it is refused
	}{
		// Defaults.
		{name: "decided after it was shared", row: validRow,
			want: want{"2024-04-02", "2025-06-02", "2024-04-02"}},
		{name: "pending", row: pendingRow,
			want: want{"2024-04-02", "2024-04-02", ""}},
		{name: "pending, confirmed later", row: func() Row { r := pendingRow(); r.LastPending = "2025-01-10"; return r },
			want: want{"2024-04-02", "2025-01-10", ""}},
		{name: "pending with a step after it was shared", row: func() Row {
			r := pendingRow()
			r.Milestones = append(r.Milestones, ms("rfe", "2024-09")...)
			return r
		}, want: want{"2024-04-02", "2024-09-15", ""}},
		{name: "a month-only step of this month counts no later than today", row: func() Row {
			r := validRow()
			r.Milestones[1].Date = "2025-06"
			return r
		}, want: want{"2024-04-02", "2025-06-10", "2024-04-02"}},
		{name: "given last pending day and as-of", row: func() Row {
			r := validRow()
			r.LastPending, r.AsOf = "2025-05-01", "2025-06-09"
			return r
		}, want: want{"2024-04-02", "2025-06-09", "2025-05-01"}},

		// shared.
		{name: "shared missing", row: func() Row { r := validRow(); r.Shared = " "; return r },
			errs: map[string]string{"shared": "Enter the day the timeline was first shared"}},
		{name: "shared month only", row: func() Row { r := validRow(); r.Shared = "2024-04"; return r },
			errs: map[string]string{"shared": "Give the day, not only the month: 2024-04-DD"}},
		{name: "shared not a real day", row: func() Row { r := validRow(); r.Shared = "2024-02-30"; return r },
			errs: map[string]string{"shared": "2024-02-30 is not a real date"}},
		{name: "shared in another form", row: func() Row { r := validRow(); r.Shared = "04/02/2024"; return r },
			errs: map[string]string{"shared": "Use the form YYYY-MM-DD"}},
		{name: "shared before the filing month", row: func() Row { r := validRow(); r.Shared = "2024-02-29"; return r },
			errs: map[string]string{"shared": "before its filing month (2024-03)"}},
		{name: "shared on the first of the filing month", row: func() Row { r := validRow(); r.Shared = " 2024-03-01 "; return r },
			want: want{"2024-03-01", "2025-06-02", "2024-03-01"}},
		{name: "shared in the future", row: func() Row { r := pendingRow(); r.Shared = "2025-06-11"; return r },
			errs: map[string]string{"shared": "in the future"}},
		{name: "shared today", row: func() Row { r := pendingRow(); r.Shared = "2025-06-10"; return r },
			want: want{"2025-06-10", "2025-06-10", ""}},

		// Shared already decided.
		{name: "shared after the decision", row: func() Row { r := validRow(); r.Shared = "2025-06-05"; return r },
			want: want{"2025-06-05", "2025-06-05", ""}},
		{name: "shared the day of the decision", row: func() Row { r := validRow(); r.Shared = "2025-06-02"; return r },
			want: want{"2025-06-02", "2025-06-02", ""}},
		{name: "shared already decided with a last pending day", row: func() Row {
			r := validRow()
			r.Shared, r.LastPending = "2025-06-05", "2025-06-05"
			return r
		}, errs: map[string]string{"last_pending": "shared already decided"}},
		{name: "month-only decision after the day it was shared", row: func() Row {
			r := validRow()
			r.Milestones[1].Date, r.Shared = "2025-05", "2025-05-10"
			return r
		}, want: want{"2025-05-10", "2025-05-15", "2025-05-10"}},
		{name: "month-only decision before the day it was shared", row: func() Row {
			r := validRow()
			r.Milestones[1].Date, r.Shared = "2025-05", "2025-05-20"
			return r
		}, want: want{"2025-05-20", "2025-05-20", ""}},
		// A month-only decision in the month it was shared may have come
		// after that day: a last pending day says it did.
		{name: "month-only decision of the sharing month, pending later that month", row: func() Row {
			r := validRow()
			r.Milestones[1].Date, r.Shared, r.LastPending = "2025-05", "2025-05-20", "2025-05-25"
			return r
		}, want: want{"2025-05-20", "2025-05-25", "2025-05-25"}},

		// last_pending.
		{name: "last pending day after the decision", row: func() Row { r := validRow(); r.LastPending = "2025-06-03"; return r },
			errs: map[string]string{"last_pending": "after the decision (2025-06-02)"}},
		{name: "last pending day on the decision day", row: func() Row { r := validRow(); r.LastPending = "2025-06-02"; return r },
			want: want{"2024-04-02", "2025-06-02", "2025-06-02"}},
		{name: "last pending day at the end of a month-only decision's month", row: func() Row {
			r := validRow()
			r.Milestones[1].Date, r.LastPending = "2025-05", "2025-05-31"
			return r
		}, want: want{"2024-04-02", "2025-05-31", "2025-05-31"}},
		{name: "last pending day after a month-only decision's month", row: func() Row {
			r := validRow()
			r.Milestones[1].Date, r.LastPending = "2025-05", "2025-06-01"
			return r
		}, errs: map[string]string{"last_pending": "after the decision (2025-05)"}},
		{name: "last pending day before it was shared", row: func() Row { r := validRow(); r.LastPending = "2024-04-01"; return r },
			errs: map[string]string{"last_pending": "before the day the timeline was shared (2024-04-02)"}},
		{name: "last pending day in the future", row: func() Row { r := pendingRow(); r.LastPending = "2025-06-11"; return r },
			errs: map[string]string{"last_pending": "in the future"}},
		{name: "last pending day month only", row: func() Row { r := validRow(); r.LastPending = "2025-05"; return r },
			errs: map[string]string{"last_pending": "Give the day"}},

		// as_of.
		{name: "as-of before it was shared", row: func() Row { r := pendingRow(); r.AsOf = "2024-04-01"; return r },
			errs: map[string]string{"as_of": "before it was shared (2024-04-02)"}},
		{name: "as-of before the last pending day", row: func() Row {
			r := pendingRow()
			r.LastPending, r.AsOf = "2025-01-10", "2025-01-09"
			return r
		}, errs: map[string]string{"as_of": "before its last pending day (2025-01-10)"}},
		{name: "as-of before the decision", row: func() Row { r := validRow(); r.AsOf = "2025-06-01"; return r },
			errs: map[string]string{"as_of": "before one of its steps (milestones[1]: approved on 2025-06-02)"}},
		{name: "as-of early in a month-only step's month", row: func() Row {
			r := pendingRow()
			r.Milestones, r.AsOf = append(r.Milestones, ms("rfe", "2024-09")...), "2024-09-01"
			return r
		}, want: want{"2024-04-02", "2024-09-01", ""}},
		{name: "as-of before a month-only step's month", row: func() Row {
			r := pendingRow()
			r.Milestones, r.AsOf = append(r.Milestones, ms("rfe", "2024-09")...), "2024-08-31"
			return r
		}, errs: map[string]string{"as_of": "milestones[1]: rfe on 2024-09"}},
		{name: "as-of in the future", row: func() Row { r := validRow(); r.AsOf = "2025-06-11"; return r },
			errs: map[string]string{"as_of": "in the future"}},

		// With the rules of a submission.
		{name: "every problem at once", row: func() Row {
			r := validRow()
			r.Category, r.Note, r.Shared = "eb9", "Receipt IOE0912345678", ""
			return r
		}, errs: map[string]string{"category": "not a category we know", "note": "receipt number", "shared": "Enter the day"}},
		{name: "a bad step is reported once", row: func() Row {
			r := validRow()
			r.Milestones[1].Date, r.AsOf = "2025-07-01", "2025-06-05"
			return r
		}, errs: map[string]string{"milestones[1].date": "in the future"}},
		{name: "a bad filing month is reported once", row: func() Row { r := validRow(); r.Filed = "2024-13"; return r },
			errs: map[string]string{"filed": "between 01 and 12"}},
	}
	cat := catalog.Default()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, fe := tt.row().Case(cat, testToday)
			if tt.errs != nil {
				if c != nil {
					t.Fatalf("accepted: created %v, as of %v, last pending %v", c.Created, c.AsOf, c.LastPending)
				}
				if got, want := slices.Sorted(maps.Keys(fe)), slices.Sorted(maps.Keys(tt.errs)); !slices.Equal(got, want) {
					t.Errorf("errors %v, want fields %v", fe, want)
				}
				for k, frag := range tt.errs {
					if !strings.Contains(fe[k], frag) {
						t.Errorf("%s: %q does not say %q", k, fe[k], frag)
					}
				}
				return
			}
			if fe != nil {
				t.Fatalf("refused: %v", fe)
			}
			dayOf := func(s string) time.Time {
				if s == "" {
					return time.Time{}
				}
				return day(s)
			}
			if !c.Created.Equal(dayOf(tt.want.created)) || !c.AsOf.Equal(dayOf(tt.want.asOf)) || !c.LastPending.Equal(dayOf(tt.want.lastPending)) {
				t.Errorf("created %v, as of %v, last pending %v; want %+v", c.Created, c.AsOf, c.LastPending, tt.want)
			}
			if !strings.HasPrefix(c.ID, "c_") || c.OwnerID != "" || !c.Moderation.Visible() {
				t.Errorf("id %q, owner %q, moderation %+v: want a new id, no owner, published", c.ID, c.OwnerID, c.Moderation)
			}
		})
	}
}

// TestFromCase: every case the seeder makes (the shapes of real
// timelines) goes through a row and back unchanged but for its id.
func TestFromCase(t *testing.T) {
	cat := catalog.Default()
	n := 0
	err := seed.Generate(cat, 2000, testToday, 7, func(c *timeline.Case) error {
		if n%3 == 0 && c.Status() != timeline.StatusPending && c.Created.Before(decisionDay(c)) {
			c.LastPending = c.Created.AddDate(0, 0, 1) // a confirmation after it was shared
		}
		n++
		back, fe := FromCase(c).Case(cat, testToday)
		if fe != nil {
			t.Fatalf("case %+v: %v", c, fe)
		}
		if back.ID == c.ID {
			t.Error("the id was kept")
		}
		back.ID = c.ID
		if c.Status() != timeline.StatusPending && c.LastPending.IsZero() && c.Created.Before(decisionDay(c)) {
			// Decided after it was shared, without a known day: the
			// day it was shared is the last it is known to be pending.
			c.LastPending = c.Created
		}
		if !sameCase(back, c) {
			t.Fatalf("round trip:\n got %+v\nwant %+v", back, c)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func decisionDay(c *timeline.Case) time.Time {
	d, _ := c.Decision()
	return d.Date.Time()
}

func sameCase(a, b *timeline.Case) bool {
	return a.ID == b.ID && a.Category == b.Category && a.Country == b.Country && a.ServiceCenter == b.ServiceCenter &&
		a.Filed == b.Filed && slices.Equal(a.Milestones, b.Milestones) && a.Note == b.Note &&
		a.AsOf.Equal(b.AsOf) && a.Created.Equal(b.Created) && a.LastPending.Equal(b.LastPending) &&
		a.OwnerID == b.OwnerID && a.Moderation == b.Moderation
}
