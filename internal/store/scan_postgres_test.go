package store

import (
	"encoding/binary"
	"math"
	"testing"
	"time"
)

// TestPgDate decodes PostgreSQL's binary dates, days since 2000-01-01, and
// refuses what no case can hold.
func TestPgDate(t *testing.T) {
	enc := func(days int32) []byte { return binary.BigEndian.AppendUint32(nil, uint32(days)) }
	tests := []struct {
		name string
		in   []byte
		want time.Time
		ok   bool
	}{
		{"the epoch", enc(0), time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), true},
		{"a leap day", enc(8825), time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC), true},
		{"before the epoch", enc(-3652), time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC), true},
		{"infinity", enc(math.MaxInt32), time.Time{}, false},
		{"minus infinity", enc(math.MinInt32), time.Time{}, false},
		{"too short", []byte{0, 1}, time.Time{}, false},
		{"text", []byte("2024-02-29"), time.Time{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := pgDate(tt.in, "as_of")
			if (err == nil) != tt.ok || !got.Equal(tt.want) || got.Location() != time.UTC {
				t.Fatalf("pgDate = %v, %v; want %v (ok %v)", got, err, tt.want, tt.ok)
			}
		})
	}
}

// TestFromPostgres fills a row from raw values, NULLs included, and
// refuses a row of the wrong shape.
func TestFromPostgres(t *testing.T) {
	day := binary.BigEndian.AppendUint32(nil, 8825)
	var r caseScan
	r.ownerID.Valid, r.premiumDay.Valid, r.lastPending.t = true, true, time.Now() // left from a previous row
	err := r.fromPostgres([][]byte{[]byte("c_1 eb2-niw IN  2024-01 visible"), day, day, nil, []byte("a note"), nil, []byte("received:2024-01-05"), nil})
	if err != nil {
		t.Fatal(err)
	}
	if r.ownerID.Valid || r.premiumDay.Valid || !r.lastPending.t.IsZero() || r.note != "a note" || r.milestoneList != "received:2024-01-05" {
		t.Fatalf("NULLs and text read as %+v", r)
	}
	err = r.fromPostgres([][]byte{[]byte("c_1"), day, day, day, nil, []byte("acct"), nil, binary.BigEndian.AppendUint32(nil, 12)})
	if err != nil || r.ownerID.String != "acct" || !r.ownerID.Valid || r.premiumDay.Int64 != 12 || !r.premiumDay.Valid || r.lastPending.t.IsZero() {
		t.Fatalf("values read as %+v, %v", r, err)
	}
	if err := r.fromPostgres([][]byte{[]byte("c_1"), day}); err == nil {
		t.Fatal("a row of two columns was accepted")
	}
	if err := r.fromPostgres([][]byte{nil, day, day, nil, nil, nil, nil, []byte{1}}); err == nil {
		t.Fatal("a premium day of one byte was accepted")
	}
}
