package store

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/casetrack/casetrack/internal/timeline"
)

// caseColumns are the columns a case is read from, in the order
// caseScan.dest expects them.
const caseColumns = "id, category, country, service_center, filed, note, as_of, created, owner_id, milestone_list"

// caseRow is a case in the form its columns take. Dates are ISO 8601
// strings ("YYYY-MM-DD"), which both databases accept for their date
// columns.
type caseRow struct {
	id, category, country string
	serviceCenter         sql.NullString
	filed                 string
	note                  string
	asOf, created         string
	editKeyHash           []byte
	ownerID               sql.NullString
	milestoneList         string
	milestones            []milestoneRow
}

// milestoneRow is one row of the milestones table.
type milestoneRow struct {
	seq        int
	code, date string
}

// newCaseRow checks that a case can be stored and encodes it. The store
// relies on timeline.Validate for the rules of the domain; it only refuses
// what would corrupt its own encoding or break the schema.
func newCaseRow(c *timeline.Case, editKeyHash []byte) (caseRow, error) {
	if c == nil {
		return caseRow{}, errors.New("no case given")
	}
	var missing []string
	for _, f := range []struct{ name, value string }{
		{"id", c.ID}, {"category", c.Category}, {"country", c.Country},
	} {
		if f.value == "" {
			missing = append(missing, f.name)
		}
	}
	if c.Filed.IsZero() {
		missing = append(missing, "filed")
	}
	if c.AsOf.IsZero() {
		missing = append(missing, "as_of")
	}
	if c.Created.IsZero() {
		missing = append(missing, "created")
	}
	if len(missing) > 0 {
		return caseRow{}, fmt.Errorf("case %q has no %s", c.ID, strings.Join(missing, ", "))
	}
	list, ms, err := encodeMilestones(c.Milestones)
	if err != nil {
		return caseRow{}, fmt.Errorf("case %q: %w", c.ID, err)
	}
	return caseRow{
		id:            c.ID,
		category:      c.Category,
		country:       c.Country,
		serviceCenter: nullString(c.ServiceCenter),
		filed:         c.Filed.String(),
		note:          c.Note,
		asOf:          formatDay(c.AsOf),
		created:       formatDay(c.Created),
		editKeyHash:   editKeyHash,
		ownerID:       nullString(c.OwnerID),
		milestoneList: list,
		milestones:    ms,
	}, nil
}

// formatDay keeps only the calendar day of t (privacy promise 4: never a
// time of day).
func formatDay(t time.Time) string { return timeline.Today(t).Format(time.DateOnly) }

func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

// encodeMilestones returns the compact form kept in cases.milestone_list,
// "code:date;code:date", and the rows of the milestones table.
func encodeMilestones(ms []timeline.Milestone) (string, []milestoneRow, error) {
	var b strings.Builder
	rows := make([]milestoneRow, 0, len(ms))
	for i, m := range ms {
		if !validCode(m.Code) {
			return "", nil, fmt.Errorf("milestone %d: invalid code %q", i, m.Code)
		}
		if m.Date.IsZero() {
			return "", nil, fmt.Errorf("milestone %d (%s): no date", i, m.Code)
		}
		date := m.Date.String()
		if _, ok := parseApproxDate(date); !ok {
			return "", nil, fmt.Errorf("milestone %d (%s): invalid date %s", i, m.Code, date)
		}
		if i > 0 {
			b.WriteByte(';')
		}
		b.WriteString(m.Code)
		b.WriteByte(':')
		b.WriteString(date)
		rows = append(rows, milestoneRow{seq: i, code: m.Code, date: date})
	}
	return b.String(), rows, nil
}

// validCode accepts catalog milestone codes (lower-case letters, digits,
// "_" and "-"), which is also what keeps ':' and ';' out of the compact
// encoding.
func validCode(code string) bool {
	if code == "" || len(code) > 64 {
		return false
	}
	for i := 0; i < len(code); i++ {
		c := code[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// decodeMilestones parses cases.milestone_list. It is on the start-up path
// for every case, so it avoids strings.Split's slice and time.Parse.
func decodeMilestones(list string, in interner) ([]timeline.Milestone, error) {
	if list == "" {
		return nil, nil
	}
	ms := make([]timeline.Milestone, 0, strings.Count(list, ";")+1)
	for item := range strings.SplitSeq(list, ";") {
		code, date, ok := strings.Cut(item, ":")
		if !ok || !validCode(code) {
			return nil, fmt.Errorf("corrupt milestone %q", item)
		}
		d, ok := parseApproxDate(date)
		if !ok {
			return nil, fmt.Errorf("corrupt milestone date %q", item)
		}
		ms = append(ms, timeline.Milestone{Code: in.get(code), Date: d})
	}
	return ms, nil
}

// parseApproxDate parses "YYYY-MM" or "YYYY-MM-DD" as written by the store.
func parseApproxDate(s string) (timeline.ApproxDate, bool) {
	switch len(s) {
	case 7:
		m, ok := parseMonth(s)
		return timeline.ApproxDate{Year: m.Year, Month: m.Month}, ok
	case 10:
		t, ok := parseDay(s)
		return timeline.ApproxDate{Year: t.Year(), Month: t.Month(), Day: t.Day()}, ok
	}
	return timeline.ApproxDate{}, false
}

// parseMonth parses "YYYY-MM".
func parseMonth(s string) (timeline.Month, bool) {
	if len(s) != 7 || s[4] != '-' {
		return timeline.Month{}, false
	}
	y, ok1 := digits(s[0:4])
	m, ok2 := digits(s[5:7])
	if !ok1 || !ok2 || m < 1 || m > 12 {
		return timeline.Month{}, false
	}
	return timeline.Month{Year: y, Month: time.Month(m)}, true
}

// parseDay parses "YYYY-MM-DD" to UTC midnight.
func parseDay(s string) (time.Time, bool) {
	if len(s) != 10 || s[7] != '-' {
		return time.Time{}, false
	}
	m, ok := parseMonth(s[:7])
	d, ok2 := digits(s[8:10])
	if !ok || !ok2 || d < 1 || d > daysIn(m) {
		return time.Time{}, false
	}
	return time.Date(m.Year, m.Month, d, 0, 0, 0, 0, time.UTC), true
}

// daysIn returns the number of days of a month.
func daysIn(m timeline.Month) int {
	return time.Date(m.Year, m.Month+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, len(s) > 0
}

// dayValue scans a date column: SQLite returns the stored text,
// PostgreSQL's driver returns a DATE as a time.Time.
type dayValue struct{ t time.Time }

// Scan implements sql.Scanner.
func (d *dayValue) Scan(src any) error {
	switch v := src.(type) {
	case time.Time:
		d.t = time.Date(v.Year(), v.Month(), v.Day(), 0, 0, 0, 0, time.UTC)
		return nil
	case string:
		return d.parse(v)
	case []byte:
		return d.parse(string(v))
	}
	return fmt.Errorf("date column holds %T", src)
}

func (d *dayValue) parse(s string) error {
	t, ok := parseDay(s)
	if !ok {
		return fmt.Errorf("corrupt date %q", s)
	}
	d.t = t
	return nil
}

// caseScan receives one row of caseColumns. One is reused for every row
// of a scan.
type caseScan struct {
	id, category, country string
	serviceCenter         sql.NullString
	filed, note           string
	asOf, created         dayValue
	ownerID               sql.NullString
	milestoneList         string
}

func (r *caseScan) dest() []any {
	return []any{&r.id, &r.category, &r.country, &r.serviceCenter, &r.filed, &r.note,
		&r.asOf, &r.created, &r.ownerID, &r.milestoneList}
}

// toCase builds a fresh case from the scanned row; the caller may keep it.
func (r *caseScan) toCase(in interner) (*timeline.Case, error) {
	filed, ok := parseMonth(r.filed)
	if !ok {
		return nil, fmt.Errorf("case %q: corrupt filing month %q", r.id, r.filed)
	}
	ms, err := decodeMilestones(r.milestoneList, in)
	if err != nil {
		return nil, fmt.Errorf("case %q: %w", r.id, err)
	}
	return &timeline.Case{
		ID:            r.id,
		Category:      in.get(r.category),
		Country:       in.get(r.country),
		ServiceCenter: in.get(r.serviceCenter.String),
		Filed:         filed,
		Milestones:    ms,
		Note:          r.note,
		AsOf:          r.asOf.t,
		Created:       r.created.t,
		OwnerID:       r.ownerID.String,
	}, nil
}

// interner shares one copy of the few distinct category, country, service
// center and milestone code strings among a million cases, which keeps the
// in-memory index small and spares the garbage collector. A nil interner
// returns its argument.
type interner map[string]string

// maxInterned bounds an interner in case a column holds more distinct
// values than the catalog allows.
const maxInterned = 4096

func (in interner) get(s string) string {
	if in == nil || s == "" {
		return s
	}
	if v, ok := in[s]; ok {
		return v
	}
	s = strings.Clone(s)
	if len(in) < maxInterned {
		in[s] = s
	}
	return s
}
