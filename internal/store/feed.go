package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"time"

	"github.com/casetrack/casetrack/internal/timeline"
)

// FeedKey is the position of a feed item in the feed's order: milestone
// date, newest first, then case id and milestone code, both descending, as
// a stable tie-break. Dates are compared as stored ("2025-06" sorts just
// before "2025-06-01": a month-only date comes after the dated days of
// its month). The key holds no seq: a case's milestones are renumbered
// when one is inserted before them, and a cursor must survive that.
type FeedKey struct {
	Date, CaseID, Code string
}

// FeedQuery selects feed items. Empty strings and a zero Filed leave a
// dimension open; After continues after a key (keyset pagination: items
// that arrive meanwhile never shift the next page).
type FeedQuery struct {
	Category, Country, ServiceCenter, Milestone string
	Filed                                       timeline.Month
	// Details selects by the details a case page shows (timeline.Details
	// values); chargeability and the priority date are never feed
	// filters, since the case page does not publish them.
	Premium, FilingMethod, InterviewOffice, PDCurrent string
	After                                             *FeedKey
	Limit                                             int
}

// detailFilters are q's filters on the details columns; no index serves
// them, so they narrow the cases the plans below read.
func (q FeedQuery) detailFilters() []struct{ col, val string } {
	return []struct{ col, val string }{
		{"premium", q.Premium}, {"filing_method", q.FilingMethod}, {"interview_office", q.InterviewOffice}, {"pd_current", q.PDCurrent},
	}
}

// FeedItem is one milestone of a visible case, as the feed shows it.
type FeedItem struct {
	FeedKey
	Category, Country, ServiceCenter string
	Filed                            timeline.Month
	Note                             string
}

// Feed returns the first items of the feed q selects (at most q.Limit,
// possibly fewer even when more exist; see FeedPage), for a glance like
// the home page's latest milestones.
func (s *Store) Feed(ctx context.Context, q FeedQuery) ([]FeedItem, error) {
	p, err := s.FeedPage(ctx, q)
	return p.Items, err
}

// FeedPage is one page of the feed.
type FeedPage struct {
	Items []FeedItem
	// Next, when set, is where the following page starts (FeedQuery.After).
	// It is the last item's key when the page is full; when the request
	// used up its allowance of rows first, it is the last row looked at,
	// and the page holds fewer items than asked for, perhaps none. Either
	// way nothing is skipped or repeated.
	Next *FeedKey
}

// The bounds of one feed request's work. Without them a filter that
// matches little (a country with no cases) made the database walk every
// milestone to learn that: seconds per request at 300,000 cases, and a
// handful of such requests held every connection. Each request now
// reads at most about max(rangeMax, walkMax) rows whatever its
// filters, takes one of at most feedGate connections, and gives up
// after feedTimeout.
//
// The two plans, and why both are needed:
//
//   - From the cases: when one index range holds few cases (a country,
//     a service center or a category, with the category and filing
//     month after them; the feed_plans migration), read their milestone
//     lists, from the covering index for a place, and sort them in
//     memory. The work is the size of the range, probed first by
//     counting at most rangeMax+1 index entries.
//   - The walk: otherwise the filter matches many cases, so walking the
//     milestones newest first (the milestones_code_feed index when a
//     step is chosen, milestones_feed otherwise) meets a page of them
//     soon. The walk looks at windows of rows, each four times the last,
//     and stops after walkMax rows; a page it could not fill within that
//     allowance ends early with a cursor at the last row looked at, so a
//     filter whose many cases are all old (one filing month long ago,
//     or two common values that rarely meet) still costs a bounded
//     amount per page.
var defaultFeedBounds = feedBounds{rangeMax: 4000, firstWindow: 256, walkMax: 2048}

// feedTimeout bounds one feed request's database work, well under the
// server's write timeout.
const feedTimeout = 3 * time.Second

// feedBounds are the numbers above, smaller in tests that exercise every
// plan on a few cases.
type feedBounds struct{ rangeMax, firstWindow, walkMax int }

// ErrBusy is returned (wrapped, with the context's error) when a feed
// request could not be answered in time: the database was slow or every
// connection the feed may use was taken.
var ErrBusy = errors.New("the database is busy")

// FeedPage returns up to q.Limit milestones of visible cases, newest
// first, and where the next page starts. A case that lists the same step
// twice on one day (two requests for evidence) appears once for it.
func (s *Store) FeedPage(ctx context.Context, q FeedQuery) (FeedPage, error) {
	if q.Limit <= 0 {
		return FeedPage{}, nil
	}
	ctx, cancel := context.WithTimeout(ctx, feedTimeout)
	defer cancel()
	select {
	case s.feedGate <- struct{}{}:
		defer func() { <-s.feedGate }()
	case <-ctx.Done():
		return FeedPage{}, fmt.Errorf("feed: %w: no connection free: %w", ErrBusy, ctx.Err())
	}
	p, err := s.feedPage(ctx, q)
	if err != nil {
		if ctx.Err() != nil {
			// The drivers report an interrupted query in their own words.
			return FeedPage{}, fmt.Errorf("feed: %w: %w (%v)", ErrBusy, ctx.Err(), err)
		}
		var ne net.Error
		if s.d.canceled(err) || errors.As(err, &ne) && ne.Timeout() {
			// A connection attempt that met the deadline ends with a
			// network timeout a moment before the context says so.
			return FeedPage{}, fmt.Errorf("feed: %w: %w", ErrBusy, err)
		}
		return FeedPage{}, fmt.Errorf("feed: %w", err)
	}
	return p, nil
}

func (s *Store) feedPage(ctx context.Context, q FeedQuery) (FeedPage, error) {
	for _, r := range feedRanges(q) {
		n, err := s.rangeSize(ctx, r, s.feed.rangeMax+1)
		if err != nil {
			return FeedPage{}, err
		}
		if n > s.feed.rangeMax {
			continue
		}
		p, ok, err := s.feedFromCases(ctx, q, r)
		if err != nil || ok {
			return p, err
		}
		break // the range grew past the bound meanwhile: walk
	}
	return s.feedWalk(ctx, q)
}

// feedRange is a run of one index on cases: its leading columns equal to
// the values.
type feedRange struct {
	cols []string
	vals []any
}

// feedRanges lists the index ranges that hold every case q can select,
// in the order they are probed: the places first, as they are the ones
// that can be rare.
func feedRanges(q FeedQuery) []feedRange {
	tail := func(r feedRange) feedRange {
		if q.Category == "" {
			return r
		}
		r.cols, r.vals = append(r.cols, "category"), append(r.vals, q.Category)
		if !q.Filed.IsZero() {
			r.cols, r.vals = append(r.cols, "filed"), append(r.vals, q.Filed.String())
		}
		return r
	}
	var out []feedRange
	if q.Country != "" {
		out = append(out, tail(feedRange{cols: []string{"country"}, vals: []any{q.Country}}))
	}
	if q.ServiceCenter != "" {
		out = append(out, tail(feedRange{cols: []string{"service_center"}, vals: []any{q.ServiceCenter}}))
	}
	if q.Category != "" {
		out = append(out, tail(feedRange{}))
	}
	return out
}

// rangeSize counts the cases of r, up to max: an index-only count that
// stops after max entries.
func (s *Store) rangeSize(ctx context.Context, r feedRange, max int) (int, error) {
	var where []string
	for _, c := range r.cols {
		where = append(where, c+" = ?")
	}
	var n int
	err := s.db.QueryRowContext(ctx, s.d.rebind("SELECT count(*) FROM (SELECT 1 FROM cases WHERE "+
		strings.Join(where, " AND ")+" LIMIT ?) r"), append(r.vals, max)...).Scan(&n)
	return n, err
}

// feedFromCases answers q from the cases of r, which must be few. The
// filters outside the range are written so that no index serves them
// (concatenated with the empty string), which keeps both databases on
// r's index. It reports false, having done nothing, when r holds more
// than rangeMax cases after all.
func (s *Store) feedFromCases(ctx context.Context, q FeedQuery, r feedRange) (FeedPage, bool, error) {
	where := []string{"moderation = 'visible'"}
	args := []any{}
	inRange := map[string]bool{}
	for i, c := range r.cols {
		where = append(where, c+" = ?")
		args = append(args, r.vals[i])
		inRange[c] = true
	}
	for _, f := range []struct{ col, val string }{
		{"category", q.Category}, {"country", q.Country}, {"service_center", q.ServiceCenter}, {"filed", q.Filed.String()},
	} {
		if f.val == "" || (f.col == "filed" && q.Filed.IsZero()) || inRange[f.col] {
			continue
		}
		where = append(where, f.col+" || '' = ?")
		args = append(args, f.val)
	}
	for _, f := range q.detailFilters() {
		if f.val != "" {
			where = append(where, f.col+" = ?")
			args = append(args, f.val)
		}
	}
	// Only the id and the milestones of each case, all in one string: the
	// cost of reading a range is mostly per row and per column (the other
	// columns are read for the page's few cases afterwards, feedDetails).
	// Ids and codes cannot contain "=" or "|" (validToken).
	var all sql.NullString
	err := s.db.QueryRowContext(ctx, s.d.rebind("SELECT "+s.d.stringAgg("id || '=' || milestone_list", "|")+
		" FROM (SELECT id, milestone_list FROM cases WHERE "+strings.Join(where, " AND ")+" LIMIT ?) r"),
		append(args, s.feed.rangeMax+1)...).Scan(&all)
	if err != nil {
		return FeedPage{}, false, err
	}
	var keys []FeedKey
	n := 0
	for c := range strings.SplitSeq(all.String, "|") {
		if c == "" {
			continue
		}
		n++
		if n > s.feed.rangeMax {
			return FeedPage{}, false, nil
		}
		id, list, _ := strings.Cut(c, "=")
		for item := range strings.SplitSeq(list, ";") {
			if item == "" {
				continue
			}
			code, date, ok := strings.Cut(item, ":")
			if !ok {
				return FeedPage{}, false, fmt.Errorf("case %q: corrupt milestone %q", id, item)
			}
			if q.Milestone != "" && code != q.Milestone {
				continue
			}
			k := FeedKey{Date: date, CaseID: id, Code: code}
			if q.After != nil && !k.Before(*q.After) {
				continue
			}
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b FeedKey) int { return b.compare(a) })
	keys = slices.Compact(keys)
	var p FeedPage
	if len(keys) > q.Limit {
		keys = keys[:q.Limit]
		p.Next = &keys[len(keys)-1]
	}
	items, err := s.feedDetails(ctx, keys)
	if err != nil {
		return FeedPage{}, false, err
	}
	p.Items = items
	return p, true, nil
}

// feedDetails makes the items of keys, reading their cases' columns.
func (s *Store) feedDetails(ctx context.Context, keys []FeedKey) ([]FeedItem, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	var ids []any
	seen := map[string]bool{}
	for _, k := range keys {
		if !seen[k.CaseID] {
			seen[k.CaseID] = true
			ids = append(ids, k.CaseID)
		}
	}
	rows, err := s.db.QueryContext(ctx, s.d.rebind("SELECT id, category, country, coalesce(service_center, ''), filed, note FROM cases WHERE moderation = 'visible' AND id IN ("+
		strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ")+")"), ids...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byID := make(map[string]FeedItem, len(ids))
	for rows.Next() {
		var it FeedItem
		var filed string
		if err := rows.Scan(&it.CaseID, &it.Category, &it.Country, &it.ServiceCenter, &filed, &it.Note); err != nil {
			return nil, err
		}
		m, ok := parseMonth(filed)
		if !ok {
			return nil, fmt.Errorf("case %q: corrupt filing month %q", it.CaseID, filed)
		}
		it.Filed = m
		byID[it.CaseID] = it
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	items := make([]FeedItem, 0, len(keys))
	for _, k := range keys {
		it, ok := byID[k.CaseID]
		if !ok {
			continue // deleted or hidden meanwhile
		}
		it.FeedKey = k
		items = append(items, it)
	}
	return items, nil
}

// Before reports whether k comes after o in the feed (it is older).
func (k FeedKey) Before(o FeedKey) bool { return k.compare(o) < 0 }

// compare orders keys as the database does: byte by byte (SQLite's BINARY
// and PostgreSQL's "C" collation), date, then case id, then code.
func (k FeedKey) compare(o FeedKey) int {
	if c := strings.Compare(k.Date, o.Date); c != 0 {
		return c
	}
	if c := strings.Compare(k.CaseID, o.CaseID); c != 0 {
		return c
	}
	return strings.Compare(k.Code, o.Code)
}

// feedWalk answers q by walking milestones newest first, window after
// window, until the page is full, the milestones run out or walkMax rows
// have been looked at. Each window is first delimited by an index-only
// read of its last row, then walked in the feed's order with the cases
// joined, stopping as soon as the page is full: a common filter costs
// about one case lookup per item, however large the window.
func (s *Store) feedWalk(ctx context.Context, q FeedQuery) (FeedPage, error) {
	want := q.Limit + 1 // one more, to know whether a next page exists
	var out []FeedItem
	pos := q.After
	window := max(s.feed.firstWindow, 8*want)
	for examined := 0; ; {
		window = min(window, s.feed.walkMax-examined)
		end, bounded, err := s.windowEnd(ctx, q, pos, window)
		if err != nil {
			return FeedPage{}, err
		}
		if !bounded {
			end = FeedKey{}
		}
		need := want - len(out)
		rows, err := s.walkWindow(ctx, q, pos, &end, need)
		if err != nil {
			return FeedPage{}, err
		}
		for _, it := range rows {
			if len(out) > 0 && out[len(out)-1].FeedKey == it.FeedKey {
				continue
			}
			out = append(out, it)
		}
		examined += window
		switch {
		case len(out) >= want:
			p := FeedPage{Items: out[:q.Limit]}
			p.Next = &p.Items[q.Limit-1].FeedKey
			return p, nil
		case len(rows) == need:
			// Only repeated steps kept the page short: go on after them.
			pos = &rows[len(rows)-1].FeedKey
		case !bounded:
			return FeedPage{Items: out}, nil // the end of the feed
		default:
			pos = &end
		}
		if examined >= s.feed.walkMax {
			return FeedPage{Items: out, Next: pos}, nil
		}
		window *= 4
	}
}

// walkWhere is the part of a walk's condition on milestones: the chosen
// step, after pos and, when end is not zero, down to end included. Row
// values let both databases walk the index between the two keys; spelled
// out as ORs, PostgreSQL misjudged the range and sorted it instead.
func walkWhere(q FeedQuery, pos, end *FeedKey) ([]string, []any) {
	var where []string
	var args []any
	if q.Milestone != "" {
		where = append(where, "m.code = ?")
		args = append(args, q.Milestone)
	}
	if pos != nil {
		where = append(where, "(m.date, m.case_id, m.code) < (?, ?, ?)")
		args = append(args, pos.Date, pos.CaseID, pos.Code)
	}
	if end != nil && *end != (FeedKey{}) {
		where = append(where, "(m.date, m.case_id, m.code) >= (?, ?, ?)")
		args = append(args, end.Date, end.CaseID, end.Code)
	}
	return where, args
}

const walkOrder = " ORDER BY m.date DESC, m.case_id DESC, m.code DESC"

// walkCaseColumns are the columns of cases a walk reads or filters on.
const walkCaseColumns = "id, category, country, service_center, filed, note, moderation, premium, filing_method, interview_office, pd_current"

// windowEnd returns the last of the next window milestones after pos,
// false when fewer remain (the window reaches the oldest one). It reads
// the index alone.
func (s *Store) windowEnd(ctx context.Context, q FeedQuery, pos *FeedKey, window int) (FeedKey, bool, error) {
	where, args := walkWhere(q, pos, nil)
	query := "SELECT m.date, m.case_id, m.code FROM milestones m"
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	var k FeedKey
	err := s.db.QueryRowContext(ctx, s.d.rebind(query+walkOrder+" LIMIT 1 OFFSET ?"), append(args, window-1)...).
		Scan(&k.Date, &k.CaseID, &k.Code)
	if errors.Is(err, sql.ErrNoRows) {
		return FeedKey{}, false, nil
	}
	return k, err == nil, err
}

// walkQuery is walkWindow's query (rebound for the dialect) and its
// arguments.
func (s *Store) walkQuery(q FeedQuery, pos, end *FeedKey, limit int) (string, []any) {
	where, args := walkWhere(q, pos, end)
	where = append(where, "c.id = m.case_id", "c.moderation = 'visible'")
	for _, f := range append([]struct{ col, val string }{
		{"category", q.Category}, {"country", q.Country}, {"service_center", q.ServiceCenter},
	}, q.detailFilters()...) {
		if f.val != "" {
			where = append(where, "c."+f.col+" = ?")
			args = append(args, f.val)
		}
	}
	if !q.Filed.IsZero() {
		where = append(where, "c.filed = ?")
		args = append(args, q.Filed.String())
	}
	args = append(args, limit)
	// Each milestone of the window finds its case by id, on both
	// databases (dialect.milestoneCases).
	query := "SELECT m.date, m.case_id, m.code, c.category, c.country, coalesce(c.service_center, ''), c.filed, c.note " +
		"FROM " + s.d.milestoneCases(walkCaseColumns) + " WHERE " + strings.Join(where, " AND ") + walkOrder + " LIMIT ?"
	return s.d.rebind(query), args
}

// walkWindow returns up to limit matching items among the milestones
// after pos and down to end (to the oldest when end is zero).
func (s *Store) walkWindow(ctx context.Context, q FeedQuery, pos, end *FeedKey, limit int) ([]FeedItem, error) {
	query, args := s.walkQuery(q, pos, end, limit)
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []FeedItem
	for rows.Next() {
		var it FeedItem
		var filed string
		if err := rows.Scan(&it.Date, &it.CaseID, &it.Code, &it.Category, &it.Country, &it.ServiceCenter, &filed, &it.Note); err != nil {
			return nil, err
		}
		m, ok := parseMonth(filed)
		if !ok {
			return nil, fmt.Errorf("case %q: corrupt filing month %q", it.CaseID, filed)
		}
		it.Filed = m
		out = append(out, it)
	}
	return out, rows.Err()
}
