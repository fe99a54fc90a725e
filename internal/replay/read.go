package replay

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/casetrack/casetrack/internal/catalog"
)

// Format is how a replay file is written.
type Format string

// The formats of a replay file.
const (
	// JSONLines is one JSON object per line (Row's JSON tags).
	JSONLines Format = "jsonl"
	// CSV is comma-separated values with a header row naming the columns.
	CSV Format = "csv"
)

// ParseFormat reads a format name: jsonl (or ndjson, json) or csv.
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "jsonl", "ndjson", "json":
		return JSONLines, nil
	case "csv":
		return CSV, nil
	}
	return "", fmt.Errorf("unknown format %q: use jsonl or csv", s)
}

// FormatOf returns the format a file name's extension stands for: .jsonl,
// .ndjson and .json are JSON Lines, .csv is CSV.
func FormatOf(name string) (Format, bool) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".jsonl", ".ndjson", ".json":
		return JSONLines, true
	case ".csv":
		return CSV, true
	}
	return "", false
}

// RowError is one problem with one row of a replay file.
type RowError struct {
	// Row is the number of the line the row starts on (a CSV header is
	// line 1).
	Row int
	// Field is the API's name of the field ("milestones[1].date"), with
	// the CSV column it came from where that helps; "" for the row as a
	// whole.
	Field string
	Msg   string
}

func (e *RowError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("row %d: %s", e.Row, e.Msg)
	}
	return fmt.Sprintf("row %d: %s: %s", e.Row, e.Field, e.Msg)
}

// MaxListed is how many problems Errors keeps; beyond it, it counts.
const MaxListed = 50

// Errors is what is wrong with a replay file: the first MaxListed
// problems in file order, and how many there are in all.
type Errors struct {
	Problems []RowError
	// Total counts every problem; Rows the rows that have one.
	Total, Rows int
}

func (e *Errors) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d %s in %d %s:", e.Total, plural(e.Total, "problem", "problems"), e.Rows, plural(e.Rows, "row", "rows"))
	for _, p := range e.Problems {
		b.WriteString("\n" + p.Error())
	}
	if more := e.Total - len(e.Problems); more > 0 {
		fmt.Fprintf(&b, "\n... and %d more", more)
	}
	return b.String()
}

// add records the problems of one row.
func (e *Errors) add(ps ...RowError) {
	if len(ps) == 0 {
		return
	}
	e.Rows++
	e.Total += len(ps)
	for _, p := range ps {
		if len(e.Problems) < MaxListed {
			e.Problems = append(e.Problems, p)
		}
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Reader reads the rows of a replay file one at a time, so that a file of
// any size needs the memory of one row.
type Reader struct {
	format Format
	jsonl  *jsonlReader
	csv    *csvReader
}

// NewReader starts reading a replay file in format f. For CSV it reads
// the header now: a header it cannot use is an *Errors.
func NewReader(in io.Reader, f Format, cat *catalog.Catalog) (*Reader, error) {
	switch f {
	case JSONLines:
		return &Reader{format: f, jsonl: newJSONLReader(in)}, nil
	case CSV:
		c, err := newCSVReader(in, cat)
		if err != nil {
			return nil, err
		}
		return &Reader{format: f, csv: c}, nil
	}
	return nil, fmt.Errorf("unknown format %q", f)
}

// Read returns the next row and the line it starts on; io.EOF after the
// last. A row that cannot be read (not JSON, an unknown field, a wrong
// number of cells, ...) is a *RowError, and reading goes on with the next
// row; any other error comes from in and ends the file.
func (r *Reader) Read() (Row, int, error) {
	if r.jsonl != nil {
		return r.jsonl.read()
	}
	return r.csv.read()
}

// Field names a field of the row read last for a message: in a CSV file
// with a column per milestone, a milestone's field names its column too.
func (r *Reader) Field(key string) string {
	if r.csv == nil {
		return key
	}
	return r.csv.field(key)
}

// rowErrors turns a row's field errors into RowErrors, in the order of
// the row's fields.
func rowErrors(line int, fe map[string]string, name func(string) string) []RowError {
	keys := make([]string, 0, len(fe))
	for k := range fe {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		if c := fieldRank(a) - fieldRank(b); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	out := make([]RowError, len(keys))
	for i, k := range keys {
		out[i] = RowError{Row: line, Field: name(k), Msg: fe[k]}
	}
	return out
}

// fieldRank orders field keys as the fields stand in a row; milestones by
// their index.
func fieldRank(key string) int {
	order := []string{"category", "country", "service_center", "filed", "milestones", "note", "shared", "last_pending", "as_of"}
	if rest, ok := strings.CutPrefix(key, "milestones["); ok {
		n := 0
		for i := 0; i < len(rest) && rest[i] >= '0' && rest[i] <= '9'; i++ {
			n = n*10 + int(rest[i]-'0')
		}
		return 4*1000 + 1 + n
	}
	if i := slices.Index(order, key); i >= 0 {
		return i * 1000
	}
	return len(order) * 1000
}

// errEmpty is the answer for a file without rows.
var errEmpty = errors.New("the file has no rows")
