package store

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/timeline"
)

func TestMilestoneEncoding(t *testing.T) {
	tests := []struct {
		name string
		ms   []timeline.Milestone
		want string
	}{
		{"none", nil, ""},
		{"day", []timeline.Milestone{{Code: "received", Date: timeline.ApproxDate{Year: 2024, Month: 3, Day: 20}}}, "received:2024-03-20"},
		{"month and day", []timeline.Milestone{
			{Code: "received", Date: timeline.ApproxDate{Year: 2024, Month: 3}},
			{Code: "rfe_response", Date: timeline.ApproxDate{Year: 2024, Month: 12, Day: 31}},
		}, "received:2024-03;rfe_response:2024-12-31"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, rows, err := encodeMilestones(tt.ms)
			if err != nil || got != tt.want {
				t.Fatalf("encode = %q, %v; want %q", got, err, tt.want)
			}
			if len(rows) != len(tt.ms) {
				t.Errorf("%d rows for %d milestones", len(rows), len(tt.ms))
			}
			for i, r := range rows {
				if r.seq != i || r.code != tt.ms[i].Code || r.date != tt.ms[i].Date.String() {
					t.Errorf("row %d = %+v", i, r)
				}
			}
			back, err := decodeMilestones(got, interner{}, &slabs{})
			if err != nil || !reflect.DeepEqual(back, tt.ms) {
				t.Errorf("decode = %v, %v; want %v", back, err, tt.ms)
			}
		})
	}
}

func TestDecodeMilestonesRejectsCorruption(t *testing.T) {
	for _, s := range []string{
		"received", "received:", ":2024-03", "received:2024-13", "received:2024-02-30",
		"received:2024-03;", ";received:2024-03", "Received:2024-03", "received:2024-3-01",
		"received:2024-03-01x", "received:+024-03", "received:2024-03:2024-04",
	} {
		if ms, err := decodeMilestones(s, nil, nil); err == nil {
			t.Errorf("decodeMilestones(%q) = %v, want an error", s, ms)
		}
	}
}

func TestParseDay(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{"2024-02-29", true}, {"2023-02-29", false}, {"2024-04-31", false}, {"2024-12-31", true},
		{"2024-00-10", false}, {"2024-01-00", false}, {"2024-1-010", false}, {"", false},
		{"1900-02-29", false}, {"2000-02-29", true}, {"2100-02-29", false},
	}
	for _, tt := range tests {
		got, ok := parseDay(tt.in)
		if ok != tt.ok {
			t.Errorf("parseDay(%q) ok = %v, want %v", tt.in, ok, tt.ok)
		}
		if ok && got.Format(time.DateOnly) != tt.in {
			t.Errorf("parseDay(%q) = %v", tt.in, got)
		}
	}
}

// TestDaysIn: the month lengths parseDay checks against are the
// calendar's, century leap years included.
func TestDaysIn(t *testing.T) {
	for y := 1600; y <= 2400; y++ {
		for m := time.January; m <= time.December; m++ {
			want := time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
			if got := daysIn(timeline.Month{Year: y, Month: m}); got != want {
				t.Fatalf("daysIn(%d-%02d) = %d, want %d", y, m, got, want)
			}
		}
	}
}

func TestDayValueScan(t *testing.T) {
	want := time.Date(2025, 1, 10, 0, 0, 0, 0, time.UTC)
	for _, src := range []any{"2025-01-10", []byte("2025-01-10"), want, time.Date(2025, 1, 10, 0, 0, 0, 0, time.FixedZone("x", 3600))} {
		var d dayValue
		if err := d.Scan(src); err != nil || !d.t.Equal(want) || d.t.Location() != time.UTC {
			t.Errorf("Scan(%#v) = %v, %v", src, d.t, err)
		}
	}
	for _, src := range []any{nil, 42, "2025-01-10 10:00:00", "yesterday"} {
		var d dayValue
		if err := d.Scan(src); err == nil {
			t.Errorf("Scan(%#v) succeeded", src)
		}
	}
}

func TestNullDayScan(t *testing.T) {
	var d nullDay
	if err := d.Scan("2025-01-10"); err != nil || !d.t.Equal(time.Date(2025, 1, 10, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("Scan(date) = %v, %v", d.t, err)
	}
	if err := d.Scan(nil); err != nil || !d.t.IsZero() {
		t.Errorf("Scan(nil) = %v, %v; want the zero time (a reused row must not keep the last date)", d.t, err)
	}
	if err := d.Scan("yesterday"); err == nil {
		t.Error("Scan of a corrupt date succeeded")
	}
}

func TestInterner(t *testing.T) {
	in := interner{}
	a := in.get(strings.Repeat("x", 3))
	b := in.get(string([]byte("xxx")))
	if a != b || len(in) != 1 || in.get("") != "" {
		t.Errorf("interner kept %d entries", len(in))
	}
	for i := range maxInterned + 10 {
		in.get(time.Duration(i).String())
	}
	if len(in) > maxInterned {
		t.Errorf("interner grew to %d entries, more than %d", len(in), maxInterned)
	}
}

func TestRebindDollar(t *testing.T) {
	got := rebindDollar("UPDATE cases SET note = ?, as_of = ? WHERE id = ?")
	if want := "UPDATE cases SET note = $1, as_of = $2 WHERE id = $3"; got != want {
		t.Errorf("rebindDollar = %q, want %q", got, want)
	}
}

func TestNotifyPayloads(t *testing.T) {
	if got := notifyPayloads(nil); len(got) != 0 {
		t.Errorf("payloads for no ids: %q", got)
	}
	var ids []string
	for range 1000 {
		ids = append(ids, timeline.NewCaseID())
	}
	if got := notifyPayloads([]string{ids[0], "", ids[1]}); !reflect.DeepEqual(got, []string{""}) {
		t.Errorf("payloads with a resynchronisation: %q, want one empty payload", got)
	}
	payloads := notifyPayloads(ids)
	if len(payloads) < 2 {
		t.Fatalf("%d payloads for 1000 ids", len(payloads))
	}
	var back []string
	for _, p := range payloads {
		if len(p) > maxPayload {
			t.Errorf("payload of %d bytes, over %d", len(p), maxPayload)
		}
		back = append(back, strings.Split(p, ",")...)
	}
	if !reflect.DeepEqual(back, ids) {
		t.Error("payloads do not carry the ids in order")
	}
}

func TestValueLists(t *testing.T) {
	if got, want := valueLists(2, 3), "(?, ?, ?), (?, ?, ?)"; got != want {
		t.Errorf("valueLists = %q, want %q", got, want)
	}
}

// FuzzDecodeMilestones: decoding stored text never panics, and whatever it
// accepts encodes back to the same text (so the encoding is unambiguous)
// with dates timeline itself accepts.
func FuzzDecodeMilestones(f *testing.F) {
	for _, s := range []string{"", "received:2024-03-20", "received:2024-03;approved:2025-06-01", "a:1;b", "x:2024-02-30"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ms, err := decodeMilestones(s, interner{}, &slabs{})
		if err != nil {
			return
		}
		again, _, err := encodeMilestones(ms)
		if err != nil || again != s {
			t.Fatalf("decode(%q) = %v re-encodes to %q, %v", s, ms, again, err)
		}
		for _, m := range ms {
			d, err := timeline.ParseApproxDate(m.Date.String())
			if err != nil || d != m.Date {
				t.Fatalf("date %v not accepted by timeline: %v", m.Date, err)
			}
		}
	})
}

// FuzzParseApproxDate: the store's fast date parser agrees with timeline's.
func FuzzParseApproxDate(f *testing.F) {
	for _, s := range []string{"2024-03", "2024-03-20", "2024-02-30", "0000-01", "2024-3-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := parseApproxDate(s)
		want, err := timeline.ParseApproxDate(s)
		if ok != (err == nil) || ok && got != want {
			t.Fatalf("parseApproxDate(%q) = %v, %v; timeline says %v, %v", s, got, ok, want, err)
		}
	})
}

// TestSlabsDoNotAlias: cases cut from one block stay independent, even
// when a caller appends to a case's milestones.
func TestSlabsDoNotAlias(t *testing.T) {
	a := &slabs{}
	in := interner{}
	var cases []*timeline.Case
	for i := range caseSlab + 3 {
		r := caseScan{
			// id, category, country, no center, filed, moderation, six
			// empty details, no reason
			head:          fmt.Sprintf("c_%d n400 FR  2024-01 visible"+strings.Repeat(" ", 7), i),
			milestoneList: "received:2024-01-09;biometrics:2024-02",
		}
		c, err := r.toCase(in, a)
		if err != nil {
			t.Fatal(err)
		}
		cases = append(cases, c)
	}
	for i, c := range cases {
		if c.ID != fmt.Sprintf("c_%d", i) || c.ServiceCenter != "" || c.Country != "FR" {
			t.Fatalf("case %d = %+v", i, c)
		}
		if cap(c.Milestones) != len(c.Milestones) {
			t.Fatalf("case %d: milestones have spare capacity %d", i, cap(c.Milestones)-len(c.Milestones))
		}
	}
	cases[0].Milestones = append(cases[0].Milestones, timeline.Milestone{Code: "approved"})
	if got := cases[1].Milestones[0].Code; got != "received" {
		t.Errorf("appending to one case changed the next one: %q", got)
	}
}

func TestToCaseRejectsCorruptRows(t *testing.T) {
	for _, head := range []string{"", "c_1 n400 FR NSC", "c_1 n400 FR NSC 2024-01", "c_1 n400 FR NSC 2024-01 visible  extra", "c_1 n400 FR NSC 2024-13 visible ", "c_1 n400 FR NSC 2024-01 gone ",
		"c_1 n400 FR NSC 2024-01 visible fast      ", "c_1 n400 FR NSC 2024-01 visible   2024-13   ", "c_1 n400 FR NSC 2024-01 visible upgraded      "} {
		r := caseScan{head: head}
		if c, err := r.toCase(nil, nil); err == nil {
			t.Errorf("toCase(%q) = %+v, want an error", head, c)
		}
	}
}

func TestAnnouncement(t *testing.T) {
	var a announcement
	for i := range maxAnnounced {
		a.add(fmt.Sprint(i))
	}
	if got := a.list(); len(got) != maxAnnounced || got[0] != "0" {
		t.Fatalf("announcement of %d ids lists %d, starting %q", maxAnnounced, len(got), got[0])
	}
	a.add("one more")
	a.add("and another")
	if got := a.list(); !reflect.DeepEqual(got, []string{""}) {
		t.Errorf("announcement past the limit = %d ids, want a resynchronisation", len(got))
	}
}
