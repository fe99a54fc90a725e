package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"time"

	"github.com/casetrack/casetrack/internal/timeline"
)

// CreateCase stores a new case and the hash of its edit key. When it
// returns nil the case is durable: it survives a crash of the process (or,
// on PostgreSQL with its default settings, of the server) at any later
// instant. Cases submitted at the same time share one transaction
// (groupcommit.go).
func (s *Store) CreateCase(ctx context.Context, c *timeline.Case, editKeyHash []byte) error {
	row, err := newCaseRow(c, editKeyHash)
	if err != nil {
		return fmt.Errorf("create case: %w", err)
	}
	if _, err := s.enqueue(ctx, c, row, nil); err != nil {
		return fmt.Errorf("create case %q: %w", row.id, err)
	}
	return nil
}

// CopyCheck is the burst check of a new case (CreateCaseChecked). It runs
// in the transaction that stores the case, so that copies submitted at
// the same moment see each other, and on the committer's connection.
type CopyCheck struct {
	// Since is the first creation day of the window in which identical
	// cases count.
	Since time.Time
	// Reason is the moderation reason of the flags a burst sets.
	Reason string
	// Decide says, from the identical cases of the window (as
	// SimilarRecent reports them), whether the new case completes a burst
	// and which of those cases to flag with it.
	Decide func(similar []Similar) (burst bool, flag []string)
}

// CreateCaseChecked is CreateCase with a copy check. When the check finds
// a burst the case is stored flagged with check.Reason (c.Moderation says
// so on return) and the cases Decide named are flagged in the same
// transaction, unless a moderator approved them; flagged lists the ones
// whose flag was set.
func (s *Store) CreateCaseChecked(ctx context.Context, c *timeline.Case, editKeyHash []byte, check CopyCheck) (flagged []string, err error) {
	if !validCode(check.Reason) || check.Decide == nil {
		return nil, fmt.Errorf("create case: invalid copy check (reason %q)", check.Reason)
	}
	row, err := newCaseRow(c, editKeyHash)
	if err != nil {
		return nil, fmt.Errorf("create case: %w", err)
	}
	flagged, err = s.enqueue(ctx, c, row, &check)
	if err != nil {
		return nil, fmt.Errorf("create case %q: %w", row.id, err)
	}
	return flagged, nil
}

// CreateCases stores many cases in one transaction: all of them or none.
// It is meant for synthetic cases held in memory, in tests (the seed
// streams its cases through SeedCasesFrom); editKeyHashes[i] belongs to
// cases[i]. Only published cases can be stored this way (the bulk paths
// write no moderation state and log no flags).
//
// The cases are taken for synthetic ones, which no request log can hold:
// on PostgreSQL the reorganisation leaves them alone (they are written in
// id order and share one transaction id, as a batch of the reorganisation
// would leave them; only the order of the calls remains, the caller's
// order of generation). Real cases must go through CreateCase or
// CreateCasesFrom, whose rows the reorganisation rewrites.
//
// Pass tens of thousands of cases per call. Every commit rewrites each
// index page it touched, and with random case ids a batch touches most of
// them: on SQLite a million cases took about a minute in calls of 100,000
// but two in calls of 10,000 (PostgreSQL: about a minute either way).
func (s *Store) CreateCases(ctx context.Context, cases []*timeline.Case, editKeyHashes [][]byte) error {
	if len(cases) != len(editKeyHashes) {
		return fmt.Errorf("create cases: %d cases but %d edit key hashes", len(cases), len(editKeyHashes))
	}
	if len(cases) == 0 {
		return nil
	}
	rows := make([]caseRow, len(cases))
	for i, c := range cases {
		r, err := newBulkRow(c, editKeyHashes[i])
		if err != nil {
			return fmt.Errorf("create cases: %w", err)
		}
		rows[i] = r
	}
	// The whole call is one chunk, as it always was: callers choose its
	// size.
	done := false
	next := func() ([]caseRow, error) {
		if done {
			return nil, nil
		}
		done = true
		return rows, nil
	}
	if err := s.insertBulk(ctx, next, true); err != nil {
		return fmt.Errorf("create %d cases: %w", len(rows), err)
	}
	return nil
}

// bulkChunk is how many cases CreateCasesFrom reads, encodes and writes
// at a time (Store.bulkChunk), each chunk in id order (insertBulk).
// Chunks of 100,000 imported a million rows no faster on either database
// and held more memory.
const bulkChunk = 50_000

// CreateCasesFrom stores every case cases yields, in one transaction: all
// of them or none. It is the path for imports too large to hold in
// memory: the cases are read, encoded and written bulkChunk at a time, by
// the same statements as CreateCases (multi-row INSERTs on SQLite, COPY
// on PostgreSQL), so a million cases need the memory of one chunk.
//
// An error yielded by cases, a case that cannot be stored or the end of
// ctx stops it; nothing is stored, and the error is returned (wrapped).
// progress, when not nil, is told after each chunk how many cases have
// been written so far (they become visible at the commit that follows the
// last one). It returns how many cases were stored.
//
// The cases are stored without edit keys, so only an owner (OwnerID) can
// change them, and without one nobody can; they must be published
// (moderation visible), as for CreateCases. Like every write they are
// announced to Listen, by id or, past maxAnnounced of them, as one
// resynchronisation.
//
// On SQLite the transaction holds the database's write lock until it
// commits: other writers wait (busy_timeout) and then fail.
func (s *Store) CreateCasesFrom(ctx context.Context, cases iter.Seq2[*timeline.Case, error], progress func(written int)) (int, error) {
	n, err := s.createFrom(ctx, cases, nil, progress, false)
	if err != nil {
		return 0, fmt.Errorf("create cases: %w", err)
	}
	return n, nil
}

// SeedCasesFrom is CreateCasesFrom for synthetic cases (see CreateCases
// on the reorganisation): every case cases yields is stored in one
// transaction, all of them or none, a chunk at a time in id order, and
// editKeyHash gives each its edit key hash. One transaction for the whole
// seed, rather than a call of CreateCases per batch, lets PostgreSQL build
// the indexes of an empty database once after the load instead of
// updating them row by row (dropForLoad), and leaves nothing behind when
// the seed fails or is stopped. On PostgreSQL the tables are then locked
// until it commits (see dropForLoad); on SQLite, as for every write, the
// database's write lock is held until then.
func (s *Store) SeedCasesFrom(ctx context.Context, cases iter.Seq2[*timeline.Case, error], editKeyHash func() []byte, progress func(written int)) (int, error) {
	n, err := s.createFrom(ctx, cases, editKeyHash, progress, true)
	if err != nil {
		return 0, fmt.Errorf("seed cases: %w", err)
	}
	return n, nil
}

// createFrom is CreateCasesFrom and SeedCasesFrom; editKeyHash may be nil
// (no edit key).
func (s *Store) createFrom(ctx context.Context, cases iter.Seq2[*timeline.Case, error], editKeyHash func() []byte, progress func(written int), synthetic bool) (int, error) {
	next, stop := iter.Pull2(cases)
	defer stop()
	written := 0
	chunk := make([]caseRow, 0, s.bulkChunk)
	nextChunk := func() ([]caseRow, error) {
		if written > 0 && progress != nil {
			progress(written)
		}
		// The previous chunk has been written: its rows can be reused.
		chunk = chunk[:0]
		for len(chunk) < s.bulkChunk {
			c, err, ok := next()
			if !ok {
				break
			}
			if err != nil {
				return nil, err
			}
			var hash []byte
			if editKeyHash != nil {
				hash = editKeyHash()
			}
			r, err := newBulkRow(c, hash)
			if err != nil {
				return nil, fmt.Errorf("case %d: %w", written+len(chunk)+1, err)
			}
			chunk = append(chunk, r)
		}
		written += len(chunk)
		return chunk, nil
	}
	if err := s.insertBulk(ctx, nextChunk, synthetic); err != nil {
		return 0, err
	}
	return written, nil
}

// newBulkRow is newCaseRow for the bulk paths, which store published
// cases only.
func newBulkRow(c *timeline.Case, editKeyHash []byte) (caseRow, error) {
	r, err := newCaseRow(c, editKeyHash)
	if err != nil {
		return caseRow{}, err
	}
	if r.moderation != timeline.ModerationVisible {
		return caseRow{}, fmt.Errorf("case %q is %s: bulk inserts store published cases only", c.ID, r.moderation)
	}
	return r, nil
}

// insertBulk runs the dialect's bulk insert over the chunks next returns
// (an empty one ends it), each sorted by id, and announces what it
// stored. synthetic says the cases are made up (CreateCases).
//
// Id order: sorted, the inserts walk the id-keyed B-trees (cases, and
// milestones by case) from left to right instead of jumping about them.
// On SQLite that took a million cases from 83 s to 50 s in batches of
// 100,000; on PostgreSQL, a million-row import in one transaction from
// 88 s to 52 s in chunks of 50,000.
func (s *Store) insertBulk(ctx context.Context, next func() ([]caseRow, error), synthetic bool) error {
	var a announcement
	sorted := func() ([]caseRow, error) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rows, err := next()
		if err != nil {
			return nil, err
		}
		sortByID(rows)
		for _, r := range rows {
			a.add(r.id)
		}
		return rows, nil
	}
	return s.d.insertCases(ctx, s.db, sorted, a.list, synthetic)
}

// sortByID sorts rows by id. It sorts their positions and then moves each
// row once: a caseRow is some 300 bytes, and sorting the rows themselves
// copied two of them into the comparison function at every comparison
// and swapped them about, an eighth of the seed's CPU.
func sortByID(rows []caseRow) {
	order := make([]int32, len(rows))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int { return strings.Compare(rows[a].id, rows[b].id) })
	// Position i receives rows[order[i]]: follow each cycle of the
	// permutation, holding one row aside.
	for start := range rows {
		if order[start] < 0 {
			continue
		}
		held := rows[start]
		i := start
		for {
			from := int(order[i])
			order[i] = -1
			if from == start {
				rows[i] = held
				break
			}
			rows[i] = rows[from]
			i = from
		}
	}
}

// maxAnnounced is the most case ids one write announces. A write of more
// cases (an import) announces a resynchronisation instead, the empty id
// that Listen already uses for "changes may have been missed": every
// instance then reloads its index once, which is far cheaper than reading
// a million cases back one by one, and the ids need not be kept.
const maxAnnounced = maxQueued

// announcement gathers the ids a write announces.
type announcement struct {
	ids []string
	all bool // more than maxAnnounced: announce a resynchronisation
}

func (a *announcement) add(id string) {
	switch {
	case a.all:
	case len(a.ids) == maxAnnounced:
		a.ids, a.all = nil, true
	default:
		a.ids = append(a.ids, id)
	}
}

// list is what to announce: the ids, or the one empty id.
func (a *announcement) list() []string {
	if a.all {
		return []string{""}
	}
	return a.ids
}

// Case returns one case with its milestones, or ErrNotFound.
func (s *Store) Case(ctx context.Context, id string) (*timeline.Case, error) {
	c, err := s.readCase(ctx, s.db, id, "")
	if err != nil {
		return nil, fmt.Errorf("read case %q: %w", id, err)
	}
	return c, nil
}

// EditKeyHash returns the stored hash of a case's edit key, or ErrNotFound.
// The hash is empty (not nil) for a case stored without an edit key; such
// a case can only be changed by its owner.
func (s *Store) EditKeyHash(ctx context.Context, id string) ([]byte, error) {
	var h []byte
	err := s.db.QueryRowContext(ctx, s.d.rebind("SELECT edit_key_hash FROM cases WHERE id = ?"), id).Scan(&h)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("edit key of case %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("edit key of case %q: %w", id, err)
	}
	if h == nil {
		h = []byte{}
	}
	return h, nil
}

// UpdateCase reads the case in a transaction that excludes concurrent
// updates of it (BEGIN IMMEDIATE on SQLite, SELECT ... FOR UPDATE on
// PostgreSQL), calls fn, and writes back milestones, note, as_of,
// last_pending and the moderation state if fn returns nil; changes fn
// makes to other fields are ignored. (A quality check may flag a case as
// it is updated.) It returns the updated case, ErrNotFound, or fn's error
// unchanged, so that callers can pass timeline.FieldErrors through it.
func (s *Store) UpdateCase(ctx context.Context, id string, fn func(c *timeline.Case) error) (*timeline.Case, error) {
	return s.updateCase(ctx, id, fn, false)
}

// EditCase is UpdateCase for the owner's edit form: besides milestones,
// note, as_of and last_pending it also writes back category, country,
// service center, filing month and details. Id, creation date and owner never
// change.
func (s *Store) EditCase(ctx context.Context, id string, fn func(c *timeline.Case) error) (*timeline.Case, error) {
	return s.updateCase(ctx, id, fn, true)
}

func (s *Store) updateCase(ctx context.Context, id string, fn func(c *timeline.Case) error, allFields bool) (*timeline.Case, error) {
	var updated *timeline.Case
	var fnErr error
	var removes bool // whether the old row held text the new one lacks
	err := s.write(ctx, []string{id}, func(tx *sql.Tx) error {
		c, err := s.readCase(ctx, tx, id, s.d.forUpdate())
		if err != nil {
			return err
		}
		orig := *c
		if fnErr = fn(c); fnErr != nil {
			return fnErr
		}
		// Fields that are not written back are restored: the returned
		// case must match what is stored.
		c.ID, c.Created, c.OwnerID = orig.ID, orig.Created, orig.OwnerID
		if !allFields {
			c.Category, c.Country, c.ServiceCenter, c.Filed, c.Details = orig.Category, orig.Country, orig.ServiceCenter, orig.Filed, orig.Details
		}
		row, err := newCaseRow(c, nil)
		if err != nil {
			return err
		}
		if orig.Moderation.Visible() && row.moderation == timeline.ModerationFlagged {
			if err := s.logAction(ctx, tx, ActionFlag, row.moderationReason, id, "", c.AsOf); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, s.d.rebind(
			"UPDATE cases SET category = ?, country = ?, service_center = ?, filed = ?, note = ?, as_of = ?, last_pending = ?, milestone_list = ?, moderation = ?, moderation_reason = ?, "+
				"premium = ?, premium_day = ?, filing_method = ?, interview_office = ?, priority_date = ?, chargeability = ?, pd_current = ? WHERE id = ?"),
			row.category, row.country, row.serviceCenter, row.filed, row.note, row.asOf, row.lastPending, row.milestoneList, row.moderation, row.moderationReason,
			row.details.premium, row.details.premiumDay, row.details.filingMethod, row.details.office, row.details.priorityDate, row.details.chargeability, row.details.pdCurrent, id)
		if err != nil {
			return fmt.Errorf("update case: %w", err)
		}
		if _, err := tx.ExecContext(ctx, s.d.rebind("DELETE FROM milestones WHERE case_id = ?"), id); err != nil {
			return fmt.Errorf("replace milestones: %w", err)
		}
		if err := s.insertMilestones(ctx, tx, id, row.milestones); err != nil {
			return err
		}
		updated = c
		removes = allFields || c.Note != orig.Note
		return nil
	})
	if fnErr != nil {
		// write returns fn's error as it is, and nothing else can fail
		// after it.
		return nil, fnErr
	}
	if err != nil {
		return nil, fmt.Errorf("update case %q: %w", id, err)
	}
	if removes {
		s.scrub.removed()
	}
	return updated, nil
}

// DeleteCase deletes a case and, by cascade, its milestones; ErrNotFound if
// there is no such case. It returns once the deletion has committed; the
// scrubber then overwrites the case's text where SQLite still keeps it.
func (s *Store) DeleteCase(ctx context.Context, id string) error {
	err := s.write(ctx, []string{id}, func(tx *sql.Tx) error {
		return s.execOne(ctx, tx, "DELETE FROM cases WHERE id = ?", id)
	})
	if err != nil {
		return fmt.Errorf("delete case %q: %w", id, err)
	}
	s.scrub.removed()
	return nil
}

// CountCases returns the number of stored cases.
func (s *Store) CountCases(ctx context.Context) (int, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM cases").Scan(&n); err != nil {
		return 0, fmt.Errorf("count cases: %w", err)
	}
	return n, nil
}

// write runs fn in a write transaction, announces ids in it and, once it
// has committed, tells the dialect. fn's error is returned as it is.
func (s *Store) write(ctx context.Context, ids []string, fn func(tx *sql.Tx) error) error {
	return s.writeWith(ctx, s.db.BeginTx, func() []string { return ids }, fn)
}

// writeWith is write with the transaction begun by begin (a pooled
// connection's, or a committer's own: groupcommit.go) and the ids to
// announce known only once fn has run.
func (s *Store) writeWith(ctx context.Context, begin func(context.Context, *sql.TxOptions) (*sql.Tx, error), announce func() []string, fn func(tx *sql.Tx) error) error {
	tx, err := begin(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	// Rollback after a successful Commit is a no-op that returns
	// sql.ErrTxDone; on every other path it is what we want.
	defer tx.Rollback() //nolint:errcheck
	if err := fn(tx); err != nil {
		return err
	}
	ids := announce()
	if err := s.d.notifyTx(ctx, tx, ids); err != nil {
		return fmt.Errorf("notify: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	s.d.committed(ids)
	return nil
}

// execer is what *sql.DB and *sql.Tx have in common for statements.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// execOne runs a statement that must change a row: ErrNotFound when it
// changed none.
func (s *Store) execOne(ctx context.Context, x execer, q string, args ...any) error {
	res, err := x.ExecContext(ctx, s.d.rebind(q), args...)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

// wrap prefixes a non-nil error with what was being done.
func wrap(what string, err error) error {
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// querier is what *sql.DB and *sql.Tx have in common.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// readCase reads one case; suffix locks the row when needed. Reads
// outside a transaction (q is the pool) use a prepared statement: every
// write is read back by the index's listener (Listen).
func (s *Store) readCase(ctx context.Context, q querier, id, suffix string) (*timeline.Case, error) {
	query := s.d.rebind(caseSelect + " WHERE id = ?" + suffix)
	var row *sql.Row
	if q == querier(s.db) {
		st, err := s.prepared(ctx, query)
		if err != nil {
			return nil, err
		}
		row = st.QueryRowContext(ctx, id)
	} else {
		row = q.QueryRowContext(ctx, query, id)
	}
	var r caseScan
	err := row.Scan(r.dest()...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return r.toCase(nil, nil)
}

// insertCase inserts one case row and its milestones. It records whether
// an identical case was already stored (repeats_earlier), inside the
// writing transaction, so that of identical submissions only the first
// counts as an original (see SimilarRecent).
func (s *Store) insertCase(ctx context.Context, tx *sql.Tx, r caseRow) error {
	args := append(caseInsertArgs(r), r.moderation, r.moderationReason)
	q := "INSERT INTO cases (" + insertColumns + ", moderation, moderation_reason, repeats_earlier) VALUES (" +
		placeholders(len(args)) + ", " + identicalStored + ")"
	args = append(args, identicalArgs(r)...)
	_, err := s.txExec(ctx, tx, s.d.rebind(q), args...)
	if err != nil {
		return fmt.Errorf("insert case: %w", err)
	}
	return s.insertMilestones(ctx, tx, r.id, r.milestones)
}

// identicalStored is true when a case identical to the one being
// inserted is stored (identicalArgs); cases_identical answers it from the
// copies alone.
const identicalStored = "EXISTS (SELECT 1 FROM cases WHERE " + identicalCase + ")"

// insertMilestones inserts the rows of one case's milestones in one
// statement.
func (s *Store) insertMilestones(ctx context.Context, tx *sql.Tx, caseID string, ms []milestoneRow) error {
	if len(ms) == 0 {
		return nil
	}
	args := make([]any, 0, 4*len(ms))
	for _, m := range ms {
		args = append(args, caseID, m.seq, m.code, m.date)
	}
	q := "INSERT INTO milestones (case_id, seq, code, date) VALUES " + valueLists(len(ms), 4)
	if _, err := s.txExec(ctx, tx, s.d.rebind(q), args...); err != nil {
		return fmt.Errorf("insert milestones: %w", err)
	}
	return nil
}

// insertColumns are the columns of an INSERT INTO cases, in the order of
// caseInsertArgs.
const insertColumns = "id, category, country, service_center, filed, note, as_of, created, last_pending, edit_key_hash, owner_id, milestone_list, " +
	"premium, premium_day, filing_method, interview_office, priority_date, chargeability, pd_current"

// insertColumnList is insertColumns one by one, as COPY takes them.
var insertColumnList = strings.Split(insertColumns, ", ")

func caseInsertArgs(r caseRow) []any {
	return []any{r.id, r.category, r.country, r.serviceCenter, r.filed, r.note,
		r.asOf, r.created, r.lastPending, r.editKeyHash, r.ownerID, r.milestoneList,
		r.details.premium, r.details.premiumDay, r.details.filingMethod, r.details.office, r.details.priorityDate, r.details.chargeability, r.details.pdCurrent}
}

// placeholders returns "?, ?, ..." with n marks.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// valueLists returns rows parenthesised groups of cols placeholders, for a
// multi-row INSERT.
func valueLists(rows, cols int) string {
	one := "(" + placeholders(cols) + ")"
	var b strings.Builder
	b.Grow(rows * (len(one) + 2))
	for i := 0; i < rows; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(one)
	}
	return b.String()
}
