package store

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/casetrack/casetrack/internal/timeline"
)

// caseSelect reads cases in the columns caseScan.dest expects. The short
// code columns come joined into one, separated by spaces (none of them can
// contain one, see validToken): the SQLite driver's cost is mostly per
// column, and reading six columns instead of ten made ScanCases a third
// faster there (PostgreSQL gains a little too).
//
// The moderation state and reason code travel in the same column. The
// last pending day has a column of its own: folded into the first one as
// text it was no faster to scan on SQLite, and PostgreSQL would have to
// format each date on the server.
//
// The text details (details.go) travel in the first column too, after
// the moderation state and before the reason, which must come last: it
// may be empty, and the split keeps the last field whole.
const caseSelect = "SELECT id || ' ' || category || ' ' || country || ' ' || coalesce(service_center, '') || ' ' || filed || ' ' || moderation || ' ' || " +
	detailsSelect + " || ' ' || moderation_reason, " +
	"as_of, created, last_pending, note, owner_id, milestone_list, premium_day FROM cases"

// caseRow is a case in the form its columns take. Dates are ISO 8601
// strings ("YYYY-MM-DD"), which both databases accept for their date
// columns.
type caseRow struct {
	id, category, country string
	serviceCenter         sql.NullString
	filed                 string
	note                  string
	asOf, created         string
	lastPending           sql.NullString
	editKeyHash           []byte
	ownerID               sql.NullString
	milestoneList         string
	milestones            []milestoneRow
	details               detailsRow
	// moderation and moderationReason are written by CreateCase and
	// UpdateCase; CreateCases (seeding) leaves the column default, visible.
	moderation, moderationReason string
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
	for _, f := range []struct {
		name, value string
		optional    bool
	}{
		{"id", c.ID, false}, {"category", c.Category, false}, {"country", c.Country, false},
		{"service center", c.ServiceCenter, true},
	} {
		switch {
		case f.value == "" && !f.optional:
			missing = append(missing, f.name)
		case f.value != "" && !validToken(f.value):
			return caseRow{}, fmt.Errorf("case %q: invalid %s %q", c.ID, f.name, f.value)
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
	filed, asOf, created := c.Filed.String(), formatDay(c.AsOf), formatDay(c.Created)
	var lastPending sql.NullString
	if !c.LastPending.IsZero() {
		lastPending = sql.NullString{String: formatDay(c.LastPending), Valid: true}
	}
	if _, ok := parseMonth(filed); !ok {
		return caseRow{}, fmt.Errorf("case %q: invalid filing month %s", c.ID, filed)
	}
	for _, d := range []string{asOf, created, lastPending.String} {
		if _, ok := parseDay(d); !ok && d != "" {
			return caseRow{}, fmt.Errorf("case %q: invalid date %s", c.ID, d)
		}
	}
	list, ms, err := encodeMilestones(c.Milestones)
	if err != nil {
		return caseRow{}, fmt.Errorf("case %q: %w", c.ID, err)
	}
	mod, err := encodeModeration(c.Moderation)
	if err != nil {
		return caseRow{}, fmt.Errorf("case %q: %w", c.ID, err)
	}
	details, err := encodeDetails(c.Details)
	if err != nil {
		return caseRow{}, fmt.Errorf("case %q: %w", c.ID, err)
	}
	return caseRow{
		id:            c.ID,
		category:      c.Category,
		country:       c.Country,
		serviceCenter: nullString(c.ServiceCenter),
		filed:         filed,
		note:          c.Note,
		asOf:          asOf,
		created:       created,
		lastPending:   lastPending,
		editKeyHash:   editKeyHash,
		ownerID:       nullString(c.OwnerID),
		milestoneList: list,
		milestones:    ms,
		details:       details,

		moderation:       mod.State,
		moderationReason: mod.Reason,
	}, nil
}

// encodeModeration checks a moderation state for storage: a known state
// and a reason code that is a token (it travels space-separated in
// caseSelect), or no reason at all.
func encodeModeration(m timeline.Moderation) (timeline.Moderation, error) {
	if m.State == "" {
		m.State = timeline.ModerationVisible
	}
	switch m.State {
	case timeline.ModerationVisible, timeline.ModerationFlagged, timeline.ModerationHidden:
	default:
		return m, fmt.Errorf("unknown moderation state %q", m.State)
	}
	if m.Reason != "" && !validCode(m.Reason) {
		return m, fmt.Errorf("invalid moderation reason %q", m.Reason)
	}
	return m, nil
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

// validToken accepts ids and catalog codes: ASCII letters, digits, "_" and
// "-". Besides guarding the schema against garbage, it keeps the space
// that separates them in caseSelect out of them.
func validToken(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
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
func decodeMilestones(list string, in interner, a *slabs) ([]timeline.Milestone, error) {
	if list == "" {
		return nil, nil
	}
	ms := a.milestones(strings.Count(list, ";") + 1)
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
		m, d, ok := parseDayParts(s)
		return timeline.ApproxDate{Year: m.Year, Month: m.Month, Day: d}, ok
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
	m, d, ok := parseDayParts(s)
	if !ok {
		return time.Time{}, false
	}
	return time.Date(m.Year, m.Month, d, 0, 0, 0, 0, time.UTC), true
}

// parseDayParts parses "YYYY-MM-DD" into its month and day, checking the
// day against the month's length. Every milestone date of every case
// passes here at start-up, so it builds no time.Time: two time.Date calls
// per date (one for the month's length, one for the result) were most of
// its cost.
func parseDayParts(s string) (timeline.Month, int, bool) {
	if len(s) != 10 || s[7] != '-' {
		return timeline.Month{}, 0, false
	}
	m, ok := parseMonth(s[:7])
	d, ok2 := digits(s[8:10])
	if !ok || !ok2 || d < 1 || d > daysIn(m) {
		return timeline.Month{}, 0, false
	}
	return m, d, true
}

// daysIn returns the number of days of a month (Gregorian leap years).
func daysIn(m timeline.Month) int {
	switch m.Month {
	case time.February:
		if m.Year%4 == 0 && (m.Year%100 != 0 || m.Year%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
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

// nullDay scans a nullable date column; NULL is the zero time.
type nullDay struct{ dayValue }

// Scan implements sql.Scanner.
func (d *nullDay) Scan(src any) error {
	if src == nil {
		d.t = time.Time{}
		return nil
	}
	return d.dayValue.Scan(src)
}

func (d *dayValue) parse(s string) error {
	t, ok := parseDay(s)
	if !ok {
		return fmt.Errorf("corrupt date %q", s)
	}
	d.t = t
	return nil
}

// caseScan receives one row of caseSelect. One is reused for every row of
// a scan.
type caseScan struct {
	head          string // id, category, country, service center, filed, moderation, details, reason
	asOf, created dayValue
	lastPending   nullDay
	note          string
	ownerID       sql.NullString
	milestoneList string
	premiumDay    sql.NullInt64
}

func (r *caseScan) dest() []any {
	return []any{&r.head, &r.asOf, &r.created, &r.lastPending, &r.note, &r.ownerID, &r.milestoneList, &r.premiumDay}
}

// toCase builds a fresh case from the scanned row; the caller may keep it.
func (r *caseScan) toCase(in interner, a *slabs) (*timeline.Case, error) {
	var f [7 + detailFields]string
	rest := r.head
	for i := range f {
		var ok bool
		if i == len(f)-1 {
			f[i], ok = rest, !strings.Contains(rest, " ")
		} else {
			f[i], rest, ok = strings.Cut(rest, " ")
		}
		if !ok {
			return nil, fmt.Errorf("corrupt case row %q", r.head)
		}
	}
	// The id is cloned so that the case does not keep the whole row alive.
	id := strings.Clone(f[0])
	filed, ok := parseMonth(f[4])
	if !ok {
		return nil, fmt.Errorf("case %q: corrupt filing month %q", id, f[4])
	}
	ms, err := decodeMilestones(r.milestoneList, in, a)
	if err != nil {
		return nil, fmt.Errorf("case %q: %w", id, err)
	}
	details, err := decodeDetails(f[6:6+detailFields], r.premiumDay, in)
	if err != nil {
		return nil, fmt.Errorf("case %q: %w", id, err)
	}
	c := a.newCase()
	*c = timeline.Case{
		ID:            id,
		Category:      in.get(f[1]),
		Country:       in.get(f[2]),
		ServiceCenter: in.get(f[3]),
		Filed:         filed,
		Milestones:    ms,
		Note:          r.note,
		AsOf:          r.asOf.t,
		Created:       r.created.t,
		LastPending:   r.lastPending.t,
		OwnerID:       r.ownerID.String,
		Moderation:    timeline.Moderation{State: in.get(f[5]), Reason: in.get(f[len(f)-1])},
		Details:       details,
	}
	switch c.Moderation.State {
	case timeline.ModerationVisible:
		// The zero value means visible; reading gives back what was
		// written for a case that never thought about moderation.
		c.Moderation = timeline.Moderation{}
	case timeline.ModerationFlagged, timeline.ModerationHidden:
	default:
		return nil, fmt.Errorf("case %q: corrupt moderation state %q", id, f[5])
	}
	return c, nil
}

// slabs hands out cases and milestone slices from larger blocks: a million
// separate allocations of each made the first ScanCases in a process about
// a quarter slower. A block stays in memory while any case cut from it is
// kept. A nil *slabs allocates each one on its own.
type slabs struct {
	cases []timeline.Case
	ms    []timeline.Milestone
}

const (
	caseSlab      = 256
	milestoneSlab = 1024
)

func (a *slabs) newCase() *timeline.Case {
	if a == nil {
		return new(timeline.Case)
	}
	if len(a.cases) == 0 {
		a.cases = make([]timeline.Case, caseSlab)
	}
	c := &a.cases[0]
	a.cases = a.cases[1:]
	return c
}

// milestones returns an empty slice with room for n milestones; its
// capacity is exactly n, so that appending to it never writes into
// another case's milestones.
func (a *slabs) milestones(n int) []timeline.Milestone {
	if a == nil || n > milestoneSlab/4 {
		return make([]timeline.Milestone, 0, n)
	}
	if cap(a.ms)-len(a.ms) < n {
		a.ms = make([]timeline.Milestone, 0, milestoneSlab)
	}
	i := len(a.ms)
	a.ms = a.ms[:i+n]
	return a.ms[i : i : i+n]
}

// interner shares one copy of the few distinct category, country, service
// center and milestone code strings among a million cases, which keeps the
// in-memory index small and spares the garbage collector; it also copies
// them out of the row strings they were cut from. A nil interner returns a
// copy of its argument.
type interner map[string]string

// maxInterned bounds an interner in case a column holds more distinct
// values than the catalog allows.
const maxInterned = 4096

func (in interner) get(s string) string {
	if s == "" {
		return ""
	}
	if in == nil {
		return strings.Clone(s)
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
