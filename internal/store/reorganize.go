package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Reorganisation: where and in what order rows are stored must not tell in
// what order they were submitted (privacy policy: a row of the database
// cannot be lined up with a line of a request log, ours or a load
// balancer's). Random keys (migration 00005) decide the logical order and,
// on SQLite, the B-tree a row lives in, but both databases still leave the
// order of recent writes readable in their files:
//
//   - PostgreSQL appends new rows to the end of the table and stamps each
//     with the id of the transaction that wrote it (xmin); CLUSTER and
//     VACUUM FULL move rows but keep xmin.
//   - SQLite writes each new cell of a page below the previous one, and
//     its write-ahead log holds page images in commit order until it is
//     reset.
//
// Reorganize therefore deletes the recently written rows and inserts them
// again in key order, in batches of key ranges, each its own short
// transaction, the batches in key order too: on PostgreSQL the rows of a
// batch then share one xmin and are placed in key order wherever there is
// free space, and the batches' xmins rise with their keys; on SQLite each
// page's new cells follow key order. Then it pushes the old versions out:
// VACUUM on PostgreSQL, a checkpoint that truncates the write-ahead log on
// SQLite (whose secure_delete has already overwritten the deleted cells).

// Reorganized says what one Reorganize did.
type Reorganized struct {
	// Rows is how many rows were rewritten, over all tables.
	Rows int
	// Skipped is true when another instance was reorganising the same
	// database, which then did the work.
	Skipped bool
}

// reorgTable is a table the reorganisation rewrites. Rows whose parent
// row is rewritten are rewritten with it, because deleting the parent
// would otherwise cascade to them: every table with a cascading foreign
// key to a rewritten table must be listed here, or the reorganisation
// deletes its rows.
type reorgTable struct {
	name string
	key  string // the primary key, the order rows are inserted again in
	// part decides which of PostgreSQL's batches a row goes in: the key
	// of its parent where it has one, so that a case and its milestones
	// go together.
	part string
	// parents are the tables this one's foreign keys refer to.
	parents []reorgParent
}

// reorgParent is a foreign key: the column and the table it refers to.
type reorgParent struct{ table, fk string }

// reorgTables lists parents before their children.
var reorgTables = []reorgTable{
	{name: "cases", key: "id", part: "id"},
	{name: "accounts", key: "id", part: "id"},
	{name: "milestones", key: "case_id, seq", part: "case_id", parents: []reorgParent{{"cases", "case_id"}}},
	{name: "reports", key: "id", part: "case_id", parents: []reorgParent{{"cases", "case_id"}}},
	{name: "moderation_log", key: "id", part: "coalesce(case_id, id)", parents: []reorgParent{{"cases", "case_id"}}},
	{name: "sessions", key: "token_hash", part: "account_id", parents: []reorgParent{{"accounts", "account_id"}}},
	{name: "account_tokens", key: "token_hash", part: "account_id", parents: []reorgParent{{"accounts", "account_id"}}},
	{name: "outbox", key: "id", part: "account_id", parents: []reorgParent{{"accounts", "account_id"}}},
	{name: "alerts", key: "id", part: "account_id", parents: []reorgParent{{"accounts", "account_id"}, {"cases", "case_id"}}},
	{name: "reminders", key: "case_id", part: "account_id", parents: []reorgParent{{"accounts", "account_id"}, {"cases", "case_id"}}},
	{name: "reminders_off", key: "account_id", part: "account_id", parents: []reorgParent{{"accounts", "account_id"}}},
}

// reorganizeLockTimeout is how long the reorganisation waits for the
// locks it needs before giving up until its next run: requests must never
// queue behind it for long.
const reorganizeLockTimeout = 2 * time.Second

// recentDays is how far back, in calendar days, SQLite's reorganisation
// rewrites cases, reports and log entries: two days, so that a run missed
// around midnight is made up by the next one.
const recentDays = 2

// Reorganize rewrites recently written rows in key order and pushes their
// old versions out of the database files, so that neither where a row is
// stored nor any stamp on it follows the order of submission (see above).
// now decides what "recent" means on SQLite. "casetrack serve" runs it
// periodically (--reorganize-every); several instances may: on PostgreSQL
// only one of them works at a time and the others report Skipped.
//
// While it rewrites a batch it holds the write lock (SQLite) or an
// exclusive lock on the tables (PostgreSQL, where reads go on and it
// gives up rather than wait more than reorganizeLockTimeout for that
// lock); between batches writes go on.
func (s *Store) Reorganize(ctx context.Context, now time.Time) (Reorganized, error) {
	r, err := s.d.reorganize(ctx, s.db, now, s.reorg)
	if err != nil {
		return r, fmt.Errorf("reorganize %s database: %w", s.d.name(), err)
	}
	return r, nil
}

// reorgSettings adjust a reorganisation: the defaults in production,
// smaller batches and a look at each step in tests.
type reorgSettings struct {
	// batch is how many recent rows (PostgreSQL) or recent cases (SQLite)
	// one transaction rewrites; 0 means the dialect's default.
	batch int
	// listed, when not nil, is called on PostgreSQL once the recent rows
	// are listed, before the first batch.
	listed func()
	// inBatch, when not nil, is called in each batch's transaction after
	// the rewrite, before it commits, with the batch's number (from 0).
	inBatch func(i int)
}

// rewriteRows rewrites, in tx, the rows of every reorgTable that recent
// selects (an SQL condition, "" for none; values are written into it, as
// CREATE TABLE AS takes no parameters on PostgreSQL) or whose parent row
// is rewritten: it copies them aside into temporary tables, deletes them
// (children first, so that no delete cascades), inserts them again in key
// order (parents first) and drops the copies. It returns how many rows it
// rewrote.
func rewriteRows(ctx context.Context, tx *sql.Tx, recent func(t reorgTable) string) (int, error) {
	temp := func(t string) string { return "reorg_" + t }
	for _, t := range reorgTables {
		var conds []string
		if c := recent(t); c != "" {
			conds = append(conds, c)
		}
		for _, p := range t.parents {
			conds = append(conds, fmt.Sprintf("%s IN (SELECT id FROM %s)", p.fk, temp(p.table)))
		}
		if len(conds) == 0 {
			conds = []string{"1 = 0"}
		}
		q := fmt.Sprintf("CREATE TEMP TABLE %s AS SELECT * FROM %s WHERE %s", temp(t.name), t.name, strings.Join(conds, " OR "))
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return 0, fmt.Errorf("copy recent rows of %s: %w", t.name, err)
		}
	}
	for i := len(reorgTables) - 1; i >= 0; i-- {
		t := reorgTables[i]
		q := fmt.Sprintf("DELETE FROM %s WHERE (%s) IN (SELECT %s FROM %s)", t.name, t.key, t.key, temp(t.name))
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return 0, fmt.Errorf("delete recent rows of %s: %w", t.name, err)
		}
	}
	total, err := insertAgain(ctx, tx)
	if err != nil {
		return 0, err
	}
	for i := len(reorgTables) - 1; i >= 0; i-- {
		if _, err := tx.ExecContext(ctx, "DROP TABLE "+temp(reorgTables[i].name)); err != nil {
			return 0, fmt.Errorf("drop copy of %s: %w", reorgTables[i].name, err)
		}
	}
	return total, nil
}

// insertAgain inserts the rows copied aside into reorg_NAME back into
// every reorgTable, parents first, each table's rows in key order, and
// returns how many it inserted.
func insertAgain(ctx context.Context, tx *sql.Tx) (int, error) {
	total := 0
	for _, t := range reorgTables {
		q := fmt.Sprintf("INSERT INTO %s SELECT * FROM reorg_%s ORDER BY %s", t.name, t.name, t.key)
		res, err := tx.ExecContext(ctx, q)
		if err != nil {
			return 0, fmt.Errorf("insert recent rows of %s again: %w", t.name, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return 0, fmt.Errorf("insert recent rows of %s again: %w", t.name, err)
		}
		total += int(n)
	}
	return total, nil
}

// reorgTableNames lists the reorgTables, for statements on all of them.
func reorgTableNames() string {
	names := make([]string, len(reorgTables))
	for i, t := range reorgTables {
		names[i] = t.name
	}
	return strings.Join(names, ", ")
}

// reorganize on SQLite rewrites the cases, reports and log entries of the
// last recentDays (and the milestones of those cases), and every account
// and session: accounts record no date, and there are far fewer of them
// than cases. Then it checkpoints the write-ahead log into the database
// file and truncates it.
//
// Rows live in the B-trees of their random keys (migration 00005), so
// pages hold rows of every age; what remains in order is where each cell
// sits inside its page, which inserting the recent rows again in key order
// undoes. It works through the cases in ranges of their ids,
// sqliteReorgBatch at a time, each in its own transaction, so that no
// writer waits long for the write lock.
func (d *sqliteDialect) reorganize(ctx context.Context, db *sql.DB, now time.Time, set reorgSettings) (Reorganized, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return Reorganized{}, fmt.Errorf("get connection: %w", err)
	}
	defer conn.Close()
	// The copies stay in memory rather than in a temporary file.
	if _, err := conn.ExecContext(ctx, "PRAGMA temp_store = MEMORY"); err != nil {
		return Reorganized{}, err
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA temp_store = DEFAULT") //nolint:errcheck
	since := formatDay(now.AddDate(0, 0, -recentDays))
	bounds, err := batchBounds(ctx, conn, "SELECT id FROM cases WHERE created >= "+sqlString(since)+" ORDER BY id", cmp.Or(set.batch, sqliteReorgBatch))
	if err != nil {
		return Reorganized{}, fmt.Errorf("list recent cases: %w", err)
	}
	total := 0
	// Batch i holds the ids above bounds[i-1] and up to bounds[i]; the
	// first has no lower bound, the last no upper one, so that together
	// they hold every recent row whatever case it names (or none).
	for i := 0; i <= len(bounds); i++ {
		var lo, hi string
		if i > 0 {
			lo = bounds[i-1]
		}
		if i < len(bounds) {
			hi = bounds[i]
		}
		inRange := func(col string) string {
			c := "created >= " + sqlString(since)
			if lo != "" {
				c += " AND coalesce(" + col + ", '') > " + sqlString(lo)
			}
			if hi != "" {
				c += " AND coalesce(" + col + ", '') <= " + sqlString(hi)
			}
			return c
		}
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return Reorganized{Rows: total}, fmt.Errorf("begin: %w", err)
		}
		n, err := rewriteRows(ctx, tx, func(t reorgTable) string {
			switch t.name {
			case "cases":
				return inRange("id")
			case "reports", "moderation_log":
				return inRange("case_id")
			case "accounts", "sessions":
				if i == 0 {
					return "1 = 1"
				}
			}
			return ""
		})
		if err == nil && set.inBatch != nil {
			set.inBatch(i)
		}
		if err == nil {
			err = tx.Commit()
		}
		if err != nil {
			tx.Rollback() //nolint:errcheck
			return Reorganized{Rows: total}, err
		}
		total += n
	}
	// The store's scrubber may be checkpointing at the same moment (the
	// two cannot run at once), so a busy checkpoint is tried again a few
	// times before the run gives up until its next interval.
	wait := 50 * time.Millisecond
	for range 8 {
		if err = checkpointTruncate(ctx, conn); err == nil {
			return Reorganized{Rows: total}, nil
		}
		select {
		case <-ctx.Done():
			return Reorganized{Rows: total}, err
		case <-time.After(wait):
		}
		wait *= 2
	}
	return Reorganized{Rows: total}, fmt.Errorf("%w; the next run tries again", err)
}

// checkpointTruncate copies the write-ahead log into the database file
// and empties it.
func checkpointTruncate(ctx context.Context, conn *sql.Conn) error {
	var busy, logFrames, checkpointed int
	if err := conn.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &logFrames, &checkpointed); err != nil {
		return fmt.Errorf("checkpoint WAL: %w", err)
	}
	if busy != 0 {
		return errors.New("checkpoint WAL: blocked by a concurrent reader or checkpoint")
	}
	return nil
}

// sqliteReorgBatch is how many cases one transaction of SQLite's
// reorganisation rewrites, with their milestones, reports and log
// entries: a few thousand rows, well under a second of write lock.
const sqliteReorgBatch = 1000

// batchBounds runs q, which lists keys in order, and returns every size-th
// of them: the upper bounds of batches of size keys (the last batch, up
// to size keys more, has none).
func batchBounds(ctx context.Context, conn *sql.Conn, q string, size int) ([]string, error) {
	rows, err := conn.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var bounds []string
	for n := 1; rows.Next(); n++ {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, err
		}
		if n%size == 0 {
			bounds = append(bounds, k)
		}
	}
	return bounds, rows.Err()
}

// sqlString quotes a value as an SQL string literal.
func sqlString(v string) string { return "'" + strings.ReplaceAll(v, "'", "''") + "'" }
