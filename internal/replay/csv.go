package replay

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/timeline"
)

// The columns of a CSV replay file besides one per milestone code. Names
// are matched without regard to case or surrounding space.
var (
	csvColumns = []string{"category", "country", "service_center", "filed", "milestones", "note", "shared", "last_pending", "as_of",
		"premium", "premium_upgrade_day", "filing_method", "interview_office", "priority_date", "chargeability", "priority_date_current"}
	csvRequired = []string{"category", "country", "filed", "shared"}
)

// csvReader reads a CSV replay file. Milestones come from a "milestones"
// column ("received:2024-03-20;approved:2025-06"), from a column per
// milestone code holding its date ("approved": "2025-06"; a step that
// repeats, like rfe, takes several dates separated by ";"), or from both:
// the milestones column first, then the code columns in header order.
type csvReader struct {
	cr *csv.Reader
	// header holds, per column, the field it fills or the milestone code.
	header []csvColumn
	// sources names, for the row read last, the code column each
	// milestone came from ("" for the milestones column).
	sources []string
}

type csvColumn struct {
	field string // one of csvColumns, or "" for a milestone code column
	code  string
}

func newCSVReader(in io.Reader, cat *catalog.Catalog) (*csvReader, error) {
	cr := csv.NewReader(in)
	cr.ReuseRecord = true
	names, err := cr.Read()
	switch {
	case errors.Is(err, io.EOF):
		return nil, errEmpty
	case err != nil:
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, &Errors{Problems: []RowError{{Row: 1, Msg: csvMessage(pe)}}, Total: 1, Rows: 1}
		}
		return nil, err
	}
	codes := milestoneCodes(cat)
	r := &csvReader{cr: cr}
	var errs Errors
	var bad []RowError
	seen := map[string]bool{}
	for i, name := range names {
		if i == 0 {
			name = strings.TrimPrefix(name, "\ufeff")
		}
		name = strings.ToLower(strings.TrimSpace(name))
		switch {
		case seen[name]:
			bad = append(bad, RowError{Row: 1, Field: name, Msg: "This column appears twice."})
		case slices.Contains(csvColumns, name):
			r.header = append(r.header, csvColumn{field: name})
		case slices.Contains(codes, name):
			r.header = append(r.header, csvColumn{code: name})
		default:
			bad = append(bad, RowError{Row: 1, Field: fmt.Sprintf("column %d", i+1),
				Msg: fmt.Sprintf("%s is not a column of a replay file. The columns are %s, and one per milestone code (%s).",
					echoName(name), strings.Join(csvColumns, ", "), strings.Join(codes, ", "))})
		}
		seen[name] = true
	}
	for _, name := range csvRequired {
		if !seen[name] {
			bad = append(bad, RowError{Row: 1, Field: name, Msg: "The header has no " + name + " column, which every row needs."})
		}
	}
	if len(bad) > 0 {
		errs.add(bad...)
		return nil, &errs
	}
	return r, nil
}

// milestoneCodes lists every milestone code of the catalog, in the order
// of first use.
func milestoneCodes(cat *catalog.Catalog) []string {
	var codes []string
	for _, c := range cat.Categories {
		for _, m := range c.Milestones {
			if !slices.Contains(codes, m.Code) {
				codes = append(codes, m.Code)
			}
		}
	}
	return codes
}

// echoName quotes a column name for a message, shortened if it is long.
func echoName(s string) string {
	if r := []rune(s); len(r) > 30 {
		s = string(r[:30]) + "…"
	}
	return fmt.Sprintf("%q", s)
}

func (c *csvReader) read() (Row, int, error) {
	for {
		rec, err := c.cr.Read()
		if errors.Is(err, io.EOF) {
			return Row{}, 0, io.EOF
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			line := pe.StartLine
			if errors.Is(pe.Err, csv.ErrFieldCount) {
				return Row{}, line, &RowError{Row: line, Msg: fmt.Sprintf("The row has %d cells; the header has %d columns.", len(rec), len(c.header))}
			}
			return Row{}, line, &RowError{Row: line, Msg: csvMessage(pe)}
		}
		if err != nil {
			return Row{}, 0, err
		}
		line, _ := c.cr.FieldPos(0)
		if blank(rec) {
			continue // spreadsheets export empty rows as ",,,,"
		}
		return c.row(rec), line, nil
	}
}

// csvMessage explains a CSV syntax error.
func csvMessage(pe *csv.ParseError) string {
	msg := fmt.Sprintf("This is not valid CSV: %v (line %d, column %d).", pe.Err, pe.Line, pe.Column)
	if errors.Is(pe.Err, csv.ErrBareQuote) || errors.Is(pe.Err, csv.ErrQuote) {
		msg += ` A cell that contains a quote must be quoted itself, with the quote doubled: "said ""hi""".`
	}
	return msg
}

func blank(rec []string) bool {
	for _, v := range rec {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

// row builds a Row from one record.
func (c *csvReader) row(rec []string) Row {
	var r Row
	c.sources = c.sources[:0]
	for i, col := range c.header {
		v := rec[i]
		switch col.field {
		case "category":
			r.Category = v
		case "country":
			r.Country = v
		case "service_center":
			r.ServiceCenter = v
		case "filed":
			r.Filed = v
		case "note":
			r.Note = v
		case "shared":
			r.Shared = v
		case "last_pending":
			r.LastPending = v
		case "as_of":
			r.AsOf = v
		case "premium":
			r.Premium = v
		case "premium_upgrade_day":
			r.PremiumUpgradeDayText = v
		case "filing_method":
			r.FilingMethod = v
		case "interview_office":
			r.InterviewOffice = v
		case "priority_date":
			r.PriorityDate = v
		case "chargeability":
			r.Chargeability = v
		case "priority_date_current":
			r.PriorityDateCurrent = v
		case "milestones":
			for item := range strings.SplitSeq(v, ";") {
				if item = strings.TrimSpace(item); item != "" {
					code, date, _ := strings.Cut(item, ":")
					r.Milestones = append(r.Milestones, timeline.MilestoneInput{Code: strings.TrimSpace(code), Date: strings.TrimSpace(date)})
					c.sources = append(c.sources, "")
				}
			}
		}
	}
	// The code columns' milestones follow those of the milestones
	// column, wherever it stands.
	for i, col := range c.header {
		if col.code == "" {
			continue
		}
		for date := range strings.SplitSeq(rec[i], ";") {
			if date = strings.TrimSpace(date); date != "" {
				r.Milestones = append(r.Milestones, timeline.MilestoneInput{Code: col.code, Date: date})
				c.sources = append(c.sources, col.code)
			}
		}
	}
	return r
}

// field adds the column a milestone came from to its field name:
// "milestones[2].date (column approved)".
func (c *csvReader) field(key string) string {
	rest, ok := strings.CutPrefix(key, "milestones[")
	if !ok {
		return key
	}
	n, _, ok := strings.Cut(rest, "]")
	if !ok {
		return key
	}
	i := 0
	for _, d := range n {
		if d < '0' || d > '9' {
			return key
		}
		i = i*10 + int(d-'0')
	}
	if i < len(c.sources) && c.sources[i] != "" {
		return key + " (column " + c.sources[i] + ")"
	}
	return key
}
