package replay

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
	"github.com/casetrack/casetrack/internal/timeline"
)

// importRows are a small population with every shape of history, each
// with a note to find it by, and the dates each case must get.
var importRows = []struct {
	row                        Row
	created, asOf, lastPending string
}{
	{Row{Category: "eb2-niw", Country: "IN", ServiceCenter: "TSC", Filed: "2024-03", Note: "decided after sharing",
		Milestones: ms("received", "2024-03-20", "approved", "2025-06"), Shared: "2024-04-02", LastPending: "2025-05-01", AsOf: "2025-06-09"},
		"2024-04-02", "2025-06-09", "2025-05-01"},
	{Row{Category: "eb2-niw", Country: "IN", Filed: "2024-03", Note: "decided, defaults",
		Milestones: ms("received", "2024-03-20", "denied", "2025-02-10"), Shared: "2024-05-06"},
		"2024-05-06", "2025-02-10", "2024-05-06"},
	{Row{Category: "n400", Country: "MX", Filed: "2024-01", Note: "shared already decided",
		Milestones: ms("received", "2024-01-05", "approved", "2024-11"), Shared: "2025-01-03"},
		"2025-01-03", "2025-01-03", ""},
	{Row{Category: "i130-spouse-usc", Country: "PH", ServiceCenter: "NBC", Filed: "2023-11", Note: "pending",
		Milestones: ms("received", "2023-11-20"), Shared: "2024-02-01", LastPending: "2025-03-01"},
		"2024-02-01", "2025-03-01", ""},
}

func jsonlFile(t *testing.T, rows ...Row) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := NewWriter(&buf)
	for _, r := range rows {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// stored returns the stored cases by note.
func stored(t *testing.T, st *store.Store) map[string]*timeline.Case {
	t.Helper()
	out := map[string]*timeline.Case{}
	if err := st.ScanCases(context.Background(), func(c *timeline.Case) error {
		out[c.Note] = c
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func optionalDay(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	return day(s)
}

// onlyReader hides every method but Read, as standard input from a pipe
// does: Import must keep its own copy to read the file twice.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

func TestImport(t *testing.T) {
	var rows []Row
	for _, ir := range importRows {
		rows = append(rows, ir.row)
	}
	file := jsonlFile(t, rows...)
	inputs := map[string]func() io.Reader{
		"file":  func() io.Reader { return bytes.NewReader(file) },
		"stdin": func() io.Reader { return onlyReader{bytes.NewReader(file)} },
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		for name, input := range inputs {
			t.Run(name, func(t *testing.T) {
				t.Cleanup(func() { deleteAll(t, st) })
				var out bytes.Buffer
				n, err := Import(t.Context(), st, catalog.Default(), input(), JSONLines, testToday, &out)
				if err != nil || n != len(rows) {
					t.Fatalf("Import = %d, %v", n, err)
				}
				for _, want := range []string{"checked 4 rows in ", "imported 4 rows in "} {
					if !strings.Contains(out.String(), want) {
						t.Errorf("progress %q does not say %q", out.String(), want)
					}
				}
				got := stored(t, st)
				if len(got) != len(importRows) {
					t.Fatalf("%d cases stored, want %d", len(got), len(importRows))
				}
				for _, ir := range importRows {
					c := got[ir.row.Note]
					if c == nil {
						t.Errorf("no case %q", ir.row.Note)
						continue
					}
					if !c.Created.Equal(day(ir.created)) || !c.AsOf.Equal(day(ir.asOf)) || !c.LastPending.Equal(optionalDay(ir.lastPending)) {
						t.Errorf("%q: created %v, as of %v, last pending %v; want %s, %s, %q",
							ir.row.Note, c.Created, c.AsOf, c.LastPending, ir.created, ir.asOf, ir.lastPending)
					}
					if h, err := st.EditKeyHash(t.Context(), c.ID); err != nil || len(h) != 0 || c.OwnerID != "" || !c.Counts() {
						t.Errorf("%q: edit key hash %x (%v), owner %q, counted %v; want none, none, counted", ir.row.Note, h, err, c.OwnerID, c.Counts())
					}
				}
			})
		}
	})
}

// deleteAll empties the store between subtests.
func deleteAll(t *testing.T, st *store.Store) {
	for _, c := range stored(t, st) {
		if err := st.DeleteCase(context.Background(), c.ID); err != nil {
			t.Fatal(err)
		}
	}
}

// TestImportAllOrNothing: a file with one bad row, the last, imports
// nothing, in either format, on either database; so does a file that
// changes between the check and the insert.
func TestImportAllOrNothing(t *testing.T) {
	good := importRows[0].row
	bad := good
	bad.Milestones = ms("received", "2024-03-20", "approved", "2025-05")
	bad.LastPending = "2025-06-01" // after the decision
	csvText := "category,country,service_center,filed,milestones,note,shared,last_pending,as_of\n" +
		"eb2-niw,IN,TSC,2024-03,received:2024-03-20;approved:2025-06,ok,2024-04-02,2025-05-01,2025-06-09\n" +
		"eb2-niw,IN,TSC,2024-03,received:2024-03-20;approved:2025-06,ok,2024-04-02,2025-05-01,2025-06-09\n" +
		"eb2-niw,IN,TSC,2024-03,received:2024-03-20;approved:2025-06,bad,2024-04-02,2025-05-01,2026-01-01\n"
	tests := []struct {
		name   string
		in     func() io.Reader
		format Format
		want   string
	}{
		{"JSON Lines, last row bad", func() io.Reader { return bytes.NewReader(jsonlFile(t, good, good, bad)) }, JSONLines,
			"row 3: last_pending: The last pending day is after the decision (2025-05)"},
		{"CSV, last row bad", func() io.Reader { return strings.NewReader(csvText) }, CSV,
			"row 4: as_of: This day is in the future."},
		{"last row not JSON", func() io.Reader { return bytes.NewReader(append(jsonlFile(t, good, good), "{"...)) }, JSONLines,
			"row 3: This line is not valid JSON"},
		{"changed after the check", func() io.Reader {
			return &changingFile{first: jsonlFile(t, good, good, good), then: jsonlFile(t, good, good, bad)}
		}, JSONLines, "the file changed after it was checked: 1 problem in 1 row:\nrow 3: last_pending"},
		{"grew after the check", func() io.Reader {
			return &changingFile{first: jsonlFile(t, good, good), then: jsonlFile(t, good, good, good)}
		}, JSONLines, "the file changed after it was checked: it has 3 rows, not 2"},
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				n, err := Import(t.Context(), st, catalog.Default(), tt.in(), tt.format, testToday, io.Discard)
				if err == nil || n != 0 || !strings.Contains(err.Error(), tt.want) {
					t.Fatalf("Import = %d, %v; want nothing and %q", n, err, tt.want)
				}
				if c, err := st.CountCases(t.Context()); err != nil || c != 0 {
					t.Errorf("%d cases stored (%v), want none", c, err)
				}
			})
		}
	})
	var errs *Errors
	_, err := Import(t.Context(), storetest.SQLite(t), catalog.Default(), bytes.NewReader(jsonlFile(t, good, bad)), JSONLines, testToday, io.Discard)
	if !errors.As(err, &errs) || errs.Total != 1 || errs.Problems[0].Row != 2 || errs.Problems[0].Field != "last_pending" {
		t.Errorf("an invalid file: %v, want *Errors with the row's problem", err)
	}
}

// changingFile reads as first until it is rewound, and as then after.
type changingFile struct {
	first, then []byte
	r           *bytes.Reader
}

func (f *changingFile) Read(p []byte) (int, error) {
	if f.r == nil {
		f.r = bytes.NewReader(f.first)
	}
	return f.r.Read(p)
}

func (f *changingFile) Seek(offset int64, whence int) (int64, error) {
	if f.r == nil {
		return 0, nil
	}
	f.r = bytes.NewReader(f.then)
	return f.r.Seek(offset, whence)
}
