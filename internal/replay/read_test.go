package replay

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/casetrack/casetrack/internal/catalog"
)

// read is what a Reader gave: rows by line, and problems.
type read struct {
	rows     map[int]Row
	problems []string // RowError texts
}

func readAll(t *testing.T, f Format, text string) read {
	t.Helper()
	rd, err := NewReader(strings.NewReader(text), f, catalog.Default())
	if err != nil {
		t.Fatalf("NewReader: %v", err)
	}
	out := read{rows: map[int]Row{}}
	for range 1000 {
		row, line, err := rd.Read()
		if errors.Is(err, io.EOF) {
			return out
		}
		var re *RowError
		switch {
		case errors.As(err, &re):
			if re.Row != line {
				t.Errorf("problem %q on line %d, reported for line %d", re, re.Row, line)
			}
			out.problems = append(out.problems, re.Error())
		case err != nil:
			t.Fatalf("Read: %v", err)
		default:
			out.rows[line] = row
		}
	}
	t.Fatal("Read does not reach the end")
	return out
}

const goodLine = `{"category":"eb2-niw","country":"IN","service_center":"TSC","filed":"2024-03","milestones":[{"code":"received","date":"2024-03-20"},{"code":"approved","date":"2025-06"}],"note":"Fast.","shared":"2024-04-02","last_pending":"2025-05-01","as_of":"2025-06-09"}`

var goodRow = Row{Category: "eb2-niw", Country: "IN", ServiceCenter: "TSC", Filed: "2024-03",
	Milestones: ms("received", "2024-03-20", "approved", "2025-06"), Note: "Fast.",
	Shared: "2024-04-02", LastPending: "2025-05-01", AsOf: "2025-06-09"}

func TestReadJSONL(t *testing.T) {
	minimal := Row{Category: "n400", Country: "MX", Filed: "2024-01", Shared: "2024-02-01"}
	tests := []struct {
		name     string
		text     string
		rows     map[int]Row
		problems []string // fragments, in order
	}{
		{"one row", goodLine + "\n", map[int]Row{1: goodRow}, nil},
		{"no line ending at the end", goodLine, map[int]Row{1: goodRow}, nil},
		{"optional fields left out, blank lines skipped, CRLF",
			"\r\n" + goodLine + "\r\n   \r\n\t\n" + `{"category":"n400","country":"MX","filed":"2024-01","shared":"2024-02-01"}` + "\r\n",
			map[int]Row{2: goodRow, 5: minimal}, nil},
		{"byte order mark", "\ufeff" + goodLine + "\n", map[int]Row{1: goodRow}, nil},
		{"null for optional fields", `{"category":"n400","country":"MX","filed":"2024-01","shared":"2024-02-01","note":null,"milestones":null}`,
			map[int]Row{1: minimal}, nil},
		{"unknown field", goodLine + "\n" + `{"category":"n400","country":"MX","filed":"2024-01","shaerd":"2024-02-01"}` + "\n" + goodLine,
			map[int]Row{1: goodRow, 3: goodRow}, []string{`row 2: shaerd: There is no such field. A row has the fields category, country,`}},
		{"unknown milestone field", `{"category":"n400","country":"MX","filed":"2024-01","shared":"2024-02-01","milestones":[{"code":"received","when":"2024-01-05"}]}`,
			map[int]Row{}, []string{"row 1: when: There is no such field"}},
		{"bad JSON", `{"category":"n400",}` + "\n" + goodLine, map[int]Row{2: goodRow},
			[]string{"row 1: This line is not valid JSON: invalid character '}'"}},
		{"cut short", `{"category":"n400"`, map[int]Row{}, []string{"row 1: This line is not valid JSON"}},
		{"not an object", "[1,2]\n\"text\"\nnull", map[int]Row{},
			[]string{"row 1: Each line must be one JSON object", "row 2: Each line", "row 3: Each line"}},
		{"two objects on a line", goodLine + goodLine, map[int]Row{}, []string{"row 1: There is more on the line after the JSON object"}},
		{"wrong type", `{"category":"n400","country":"MX","filed":202401,"shared":"2024-02-01"}`, map[int]Row{},
			[]string{"row 1: filed: This must be a string, not number."}},
		{"milestones not a list", `{"category":"n400","milestones":{"code":"received"}}`, map[int]Row{},
			[]string{"row 1: milestones: This must be a list, not object."}},
		{"line too long", `{"note":"` + strings.Repeat("x", maxLine) + `"}` + "\n" + goodLine, map[int]Row{2: goodRow},
			[]string{"row 1: The line is longer than 1048576 bytes"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := readAll(t, JSONLines, tt.text)
			if !reflect.DeepEqual(got.rows, tt.rows) {
				t.Errorf("rows:\n%+v\nwant\n%+v", got.rows, tt.rows)
			}
			checkProblems(t, got.problems, tt.problems)
		})
	}
}

func checkProblems(t *testing.T, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("problems %q, want %d like %q", got, len(want), want)
	}
	for i := range want {
		if !strings.Contains(got[i], want[i]) {
			t.Errorf("problem %d = %q, want it to contain %q", i, got[i], want[i])
		}
	}
}

func TestReadCSV(t *testing.T) {
	const header = "category,country,service_center,filed,milestones,note,shared,last_pending,as_of\n"
	tests := []struct {
		name     string
		text     string
		rows     map[int]Row
		problems []string
	}{
		{"milestones column", header + `eb2-niw,IN,TSC,2024-03,received:2024-03-20;approved:2025-06,Fast.,2024-04-02,2025-05-01,2025-06-09` + "\n",
			map[int]Row{2: goodRow}, nil},
		{"a column per milestone, any order and case, byte order mark, CRLF",
			"\ufeffShared, Country ,Category,Filed,Received,APPROVED,note,service_center,last_pending,as_of\r\n" +
				"2024-04-02,IN,eb2-niw,2024-03,2024-03-20,2025-06,Fast.,TSC,2025-05-01,2025-06-09\r\n",
			map[int]Row{2: goodRow}, nil},
		{"both, repeated steps in one cell",
			"category,country,filed,shared,rfe,milestones\n" +
				"n400,MX,2024-01,2024-02-01, 2024-05-01 ; 2024-07 ,received:2024-01-05; biometrics : 2024-02\n",
			map[int]Row{2: {Category: "n400", Country: "MX", Filed: "2024-01", Shared: "2024-02-01",
				Milestones: ms("received", "2024-01-05", "biometrics", "2024-02", "rfe", "2024-05-01", "rfe", "2024-07")}}, nil},
		{"only the required columns", "category,country,filed,shared\nn400,MX,2024-01,2024-02-01\n",
			map[int]Row{2: {Category: "n400", Country: "MX", Filed: "2024-01", Shared: "2024-02-01"}}, nil},
		{"quoting: commas, quotes and a line break in a note",
			"category,country,filed,shared,note\n" +
				`n400,MX,2024-01,2024-02-01,"Biometrics, then ""nothing"" for months.` + "\nStill waiting.\"\n" +
				"n400,MX,2024-01,2024-02-02,\n",
			map[int]Row{
				2: {Category: "n400", Country: "MX", Filed: "2024-01", Shared: "2024-02-01", Note: "Biometrics, then \"nothing\" for months.\nStill waiting."},
				4: {Category: "n400", Country: "MX", Filed: "2024-01", Shared: "2024-02-02"},
			}, nil},
		{"empty rows skipped", "category,country,filed,shared\n,,,\n\nn400,MX,2024-01,2024-02-01\n , , ,\n",
			map[int]Row{4: {Category: "n400", Country: "MX", Filed: "2024-01", Shared: "2024-02-01"}}, nil},
		{"wrong number of cells", "category,country,filed,shared\nn400,MX,2024-01\nn400,MX,2024-01,2024-02-01\n",
			map[int]Row{3: {Category: "n400", Country: "MX", Filed: "2024-01", Shared: "2024-02-01"}},
			[]string{"row 2: The row has 3 cells; the header has 4 columns."}},
		{"bare quote", "category,country,filed,shared,note\nn400,MX,2024-01,2024-02-01,said \"hi\"\nn400,MX,2024-01,2024-02-02,\n",
			map[int]Row{3: {Category: "n400", Country: "MX", Filed: "2024-01", Shared: "2024-02-02"}},
			[]string{`row 2: This is not valid CSV: bare " in non-quoted-field`}},
		{"quote never closed", "category,country,filed,shared,note\nn400,MX,2024-01,2024-02-01,\"open\n", map[int]Row{},
			[]string{`row 2: This is not valid CSV: extraneous or missing " in quoted-field`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := readAll(t, CSV, tt.text)
			if !reflect.DeepEqual(got.rows, tt.rows) {
				t.Errorf("rows:\n%+v\nwant\n%+v", got.rows, tt.rows)
			}
			checkProblems(t, got.problems, tt.problems)
		})
	}
}

func TestReadCSVHeader(t *testing.T) {
	tests := []struct {
		header string
		want   []string
	}{
		{"category,country,filed,shared,recieved,Notes\n", []string{
			`row 1: column 5: "recieved" is not a column of a replay file. The columns are category, country, service_center, filed, milestones, note, shared, last_pending, as_of, premium, premium_upgrade_day, filing_method, interview_office, priority_date, chargeability, priority_date_current, and one per milestone code (received, rfe, rfe_response, approved, denied, transferred, biometrics, interview).`,
			`row 1: column 6: "notes" is not a column`}},
		{"category,country,filed,Shared,shared\n", []string{"row 1: shared: This column appears twice."}},
		{"category,filed\n", []string{"row 1: country: The header has no country column", "row 1: shared: The header has no shared column"}},
		{"\"category,country\n", []string{"row 1: This is not valid CSV"}},
	}
	for _, tt := range tests {
		_, err := NewReader(strings.NewReader(tt.header+"n400,MX,2024-01,2024-02-01\n"), CSV, catalog.Default())
		var errs *Errors
		if !errors.As(err, &errs) {
			t.Errorf("%q: %v, want *Errors", tt.header, err)
			continue
		}
		var got []string
		for _, p := range errs.Problems {
			got = append(got, p.Error())
		}
		checkProblems(t, got, tt.want)
	}
	if _, err := NewReader(strings.NewReader(""), CSV, catalog.Default()); !errors.Is(err, errEmpty) {
		t.Errorf("empty CSV file: %v", err)
	}
}

// TestCheck: every problem of every row, in the order of the file and
// of the fields, with the CSV column a milestone came from.
func TestCheck(t *testing.T) {
	cat := catalog.Default()
	text := "category,country,filed,shared,received,approved,as_of\n" +
		"eb2-niw,IN,2024-03,2024-04-02,2024-03-20,2025-06-02,\n" +
		"eb2-niw,IN,2024-03,2024-04-02,2024-03-20,2026-01-01,2025-06-01\n" + // a future decision, a bad as-of
		"eb9,IN,2024-03,,2024-03-20,,\n" +
		"eb2-niw,IN,2024-03\n"
	n, err := Check(strings.NewReader(text), CSV, cat, testToday, nil)
	var errs *Errors
	if !errors.As(err, &errs) || n != 4 {
		t.Fatalf("Check = %d, %v; want 4 rows and *Errors", n, err)
	}
	want := []string{
		"row 3: milestones[1].date (column approved): This date is in the future.",
		"row 4: category: \"eb9\" is not a category we know.",
		"row 4: shared: Enter the day the timeline was first shared",
		"row 5: The row has 3 cells; the header has 7 columns.",
	}
	var got []string
	for _, p := range errs.Problems {
		got = append(got, p.Error())
	}
	checkProblems(t, got, want)
	if errs.Total != 4 || errs.Rows != 3 {
		t.Errorf("Total %d, Rows %d; want 4 problems in 3 rows", errs.Total, errs.Rows)
	}
	if msg := errs.Error(); !strings.HasPrefix(msg, "4 problems in 3 rows:\nrow 3: ") {
		t.Errorf("Error() = %q", msg)
	}

	// Past MaxListed, problems are counted and not kept.
	var b strings.Builder
	for i := range MaxListed + 30 {
		fmt.Fprintf(&b, `{"category":"eb9","country":"IN","filed":"2024-03","shared":"2024-04-%02d"}`+"\n", i%28+1)
	}
	b.WriteString(goodLine + "\n")
	var progress []int
	n, err = Check(strings.NewReader(strings.Repeat(b.String(), 20)), JSONLines, cat, testToday, func(rows int) { progress = append(progress, rows) })
	if !errors.As(err, &errs) || n != 20*(MaxListed+31) {
		t.Fatalf("Check = %d, %v", n, err)
	}
	if len(errs.Problems) != MaxListed || errs.Total != 20*(MaxListed+30) || errs.Rows != errs.Total {
		t.Errorf("kept %d problems of %d in %d rows", len(errs.Problems), errs.Total, errs.Rows)
	}
	if !strings.HasSuffix(errs.Error(), fmt.Sprintf("\n... and %d more", errs.Total-MaxListed)) {
		t.Errorf("Error() does not say how many more: ...%q", errs.Error()[len(errs.Error())-40:])
	}
	if len(progress) != n/1000 || progress[0] != 1000 {
		t.Errorf("progress %v", progress)
	}

	if n, err := Check(strings.NewReader("\n\n"), JSONLines, cat, testToday, nil); n != 0 || !errors.Is(err, errEmpty) {
		t.Errorf("Check of blank lines = %d, %v; want no rows", n, err)
	}
	if n, err := Check(strings.NewReader(goodLine), JSONLines, cat, testToday, nil); n != 1 || err != nil {
		t.Errorf("Check of a good row = %d, %v", n, err)
	}
}

// TestWriter: rows written by Writer read back the same.
func TestWriter(t *testing.T) {
	rows := []Row{goodRow, {Category: "n400", Country: "MX", Filed: "2024-01", Shared: "2024-02-01",
		Note: "Line one\nline <two> & \"three\"\u2028"}}
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
	if got := strings.Count(buf.String(), "\n"); got != len(rows) {
		t.Errorf("%d lines for %d rows:\n%s", got, len(rows), buf.String())
	}
	if !strings.Contains(buf.String(), "<two> &") {
		t.Errorf("notes are escaped for HTML: %s", buf.String())
	}
	got := readAll(t, JSONLines, buf.String())
	if want := map[int]Row{1: rows[0], 2: rows[1]}; !reflect.DeepEqual(got.rows, want) || got.problems != nil {
		t.Errorf("read back %+v, %v", got.rows, got.problems)
	}
}

func TestFormat(t *testing.T) {
	for name, want := range map[string]Format{"a.jsonl": JSONLines, "b.NDJSON": JSONLines, "dir.x/c.json": JSONLines, "d.csv": CSV, "e.CSV": CSV} {
		if got, ok := FormatOf(name); !ok || got != want {
			t.Errorf("FormatOf(%q) = %q, %v", name, got, ok)
		}
	}
	for _, name := range []string{"-", "data", "x.tsv", "x.csv.gz"} {
		if got, ok := FormatOf(name); ok {
			t.Errorf("FormatOf(%q) = %q", name, got)
		}
	}
	for s, want := range map[string]Format{"jsonl": JSONLines, " JSON ": JSONLines, "ndjson": JSONLines, "CSV": CSV} {
		if got, err := ParseFormat(s); err != nil || got != want {
			t.Errorf("ParseFormat(%q) = %q, %v", s, got, err)
		}
	}
	if _, err := ParseFormat("xlsx"); err == nil {
		t.Error("ParseFormat(xlsx) succeeded")
	}
}
