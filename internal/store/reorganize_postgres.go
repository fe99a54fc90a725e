package store

import (
	"cmp"
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// reorganizeLockKey names the advisory lock that lets one instance at a
// time reorganise a schema.
const reorganizeLockKey = "hashtextextended('casetrack reorganize ' || coalesce(current_schema(), ''), 0)"

// maxAge is one more than the largest age() of an xid: a bound that
// selects every row, frozen ones included.
const maxAge = 1 << 31

// pgReorgBatch is how many recent rows one transaction of PostgreSQL's
// reorganisation rewrites, besides the rows that come with them (the
// children of a rewritten case or account): a few thousand rows, a
// fraction of a second of lock.
const pgReorgBatch = 2000

// reorganize on PostgreSQL rewrites every row written by a transaction
// after the previous reorganisation. Table reorganized keeps the last
// transaction id up to which every row has been rewritten (migration
// 00005 rewrote every row stored before it and records its own; NULL
// means none) and, in done, later transactions whose rows need no
// rewriting: the batches of the last run. age(xmin) tells how many
// transactions ago a row was written.
//
// It works in two steps, on one connection that holds the advisory lock
// throughout (another instance skips its turn):
//
//  1. Without locking the tables, in one snapshot, it lists the keys of
//     the rows written since (pgListRecent): a scan of every table, which
//     reads go on beside and writes do not wait for.
//  2. It rewrites them in batches of key ranges (pgRewriteBatch), in key
//     order, each batch its own transaction holding an EXCLUSIVE lock on
//     the tables, so that no write waits on a row that is then deleted
//     under it (it waits for the lock instead and then sees the new row);
//     reads go on. A batch finds its rows through the primary keys and
//     foreign key indexes, so the lock is held for a time that follows
//     the batch's size, not the table's. Each batch adds its transaction
//     to done, so an interrupted run leaves nothing to redo twice.
//
// Then it records, as the new bound, the oldest transaction still running
// when the list was made, less one: every transaction up to it had
// finished, and its rows were listed and rewritten; a row written later,
// or by a transaction still open then, is left for the next run. Finally
// VACUUM removes the old row versions, with their xmin and their place,
// once no transaction can see them any more.
func (d *postgresDialect) reorganize(ctx context.Context, db *sql.DB, _ time.Time, set reorgSettings) (Reorganized, error) {
	r, err := pgRewriteRecent(ctx, db, set)
	// A run that stopped half-way (a lock it could not get) still pushes
	// out the old versions of the batches it finished.
	if r.Skipped || (err != nil && r.Rows == 0) {
		return r, err
	}
	// SKIP_LOCKED: a table autovacuum is working on is left to it.
	if _, verr := db.ExecContext(ctx, "VACUUM (SKIP_LOCKED) "+reorgTableNames()); verr != nil {
		return r, errors.Join(err, fmt.Errorf("vacuum: %w", verr))
	}
	return r, err
}

// pgRewriteRecent is the rewrite of reorganize, on a connection of its
// own: it keeps the advisory lock and the temporary tables of the run,
// and it is closed afterwards rather than handed back to the pool with
// them.
func pgRewriteRecent(ctx context.Context, db *sql.DB, set reorgSettings) (Reorganized, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return Reorganized{}, fmt.Errorf("get connection: %w", err)
	}
	defer conn.Close()
	defer conn.Raw(func(any) error { return driver.ErrBadConn }) //nolint:errcheck // discards the connection
	var locked bool
	if err := conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock("+reorganizeLockKey+")").Scan(&locked); err != nil {
		return Reorganized{}, fmt.Errorf("take reorganisation lock: %w", err)
	}
	if !locked {
		return Reorganized{Skipped: true}, nil
	}
	// Released at once, not when the connection's session ends a moment
	// after it is closed: the next run may come right after this one.
	defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock("+reorganizeLockKey+")") //nolint:errcheck
	upTo, err := pgListRecent(ctx, conn)
	if err != nil {
		return Reorganized{}, err
	}
	if set.listed != nil {
		set.listed()
	}
	bounds, err := pgBatchBounds(ctx, conn, cmp.Or(set.batch, pgReorgBatch))
	if err != nil {
		return Reorganized{}, fmt.Errorf("divide recent rows into batches: %w", err)
	}
	total := 0
	var ran []int64
	for i, hi := range bounds {
		lo := ""
		if i > 0 {
			lo = bounds[i-1]
		}
		n, xid, err := pgRewriteBatch(ctx, conn, i, lo, hi, ran, set.inBatch)
		if err != nil {
			return Reorganized{Rows: total}, err
		}
		total += n
		ran = append(ran, xid)
	}
	if _, err := conn.ExecContext(ctx, "UPDATE reorganized SET xid = $1, done = ARRAY(SELECT x FROM unnest(done) x WHERE x > $1)", upTo); err != nil {
		return Reorganized{Rows: total}, fmt.Errorf("record reorganisation: %w", err)
	}
	return Reorganized{Rows: total}, nil
}

// pgListRecent lists, in one snapshot and without locking the tables, the
// rows of every reorgTable written after the last reorganisation and not
// by one of the transactions in done: their partition (reorgTable.part)
// and key, in a temporary table reorg_todo_NAME each. It also creates the
// empty work tables of the batches. It returns the bound to record once
// they are rewritten: the oldest transaction running at the snapshot,
// less one.
func pgListRecent(ctx context.Context, conn *sql.Conn) (upTo int64, err error) {
	tx, err := conn.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead})
	if err != nil {
		return 0, fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck
	// The snapshot is taken before this statement assigns the
	// transaction its id, which age() then counts from.
	var current, horizon int64
	var last sql.NullInt64
	var done string
	if err := tx.QueryRowContext(ctx, `SELECT pg_current_xact_id()::text::bigint, pg_snapshot_xmin(pg_current_snapshot())::text::bigint,
		xid, coalesce((SELECT string_agg((x % 4294967296)::text, ',') FROM unnest(done) x WHERE x > coalesce(xid, 0)), '')
		FROM reorganized`).Scan(&current, &horizon, &last, &done); err != nil {
		return 0, fmt.Errorf("read last reorganisation: %w", err)
	}
	if !xidList.MatchString(done) {
		return 0, fmt.Errorf("read last reorganisation: unexpected list of transactions %q", done)
	}
	bound := int64(maxAge)
	if last.Valid && current-last.Int64 < maxAge {
		bound = current - last.Int64
	}
	recent := fmt.Sprintf("age(xmin) < %d AND xmin::text::bigint <> ALL('{%s}'::bigint[])", bound, done)
	for _, t := range reorgTables {
		for _, q := range []string{
			fmt.Sprintf("CREATE TEMP TABLE reorg_todo_%s AS SELECT coalesce(%s, '') AS k, %s FROM %s WHERE %s", t.name, t.part, t.key, t.name, recent),
			fmt.Sprintf("CREATE INDEX ON reorg_todo_%s (k)", t.name),
			fmt.Sprintf("ANALYZE reorg_todo_%s", t.name),
			fmt.Sprintf("CREATE TEMP TABLE reorg_%s (LIKE %s) ON COMMIT DELETE ROWS", t.name, t.name),
			fmt.Sprintf("CREATE TEMP TABLE reorg_tid_%s (tid tid) ON COMMIT DELETE ROWS", t.name),
		} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return 0, fmt.Errorf("list recent rows of %s: %w", t.name, err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("commit: %w", err)
	}
	return horizon - 1, nil
}

// xidList matches a list of transaction ids as pgListRecent reads it.
var xidList = regexp.MustCompile(`^[0-9]*(,[0-9]+)*$`)

// pgBatchBounds divides the listed rows into ranges of their partition
// holding about size rows each (rows of one partition stay together) and
// returns the upper bound of each range, in order; the last is the
// largest partition, so that the ranges cover every listed row. No rows,
// no ranges.
func pgBatchBounds(ctx context.Context, conn *sql.Conn, size int) ([]string, error) {
	parts := make([]string, len(reorgTables))
	for i, t := range reorgTables {
		parts[i] = "SELECT k FROM reorg_todo_" + t.name
	}
	rows, err := conn.QueryContext(ctx, fmt.Sprintf(`SELECT k FROM (
		SELECT k, row_number() OVER (ORDER BY k) AS n, count(*) OVER () AS total FROM (%s) u) r
		WHERE n %% %d = 0 OR n = total ORDER BY n`, strings.Join(parts, " UNION ALL "), size))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var bounds []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, err
		}
		if len(bounds) == 0 || bounds[len(bounds)-1] != k {
			bounds = append(bounds, k)
		}
	}
	return bounds, rows.Err()
}

// pgRewriteBatch rewrites, in its own transaction under an EXCLUSIVE lock
// on every reorgTable, the listed rows whose partition is above lo (when
// batch i is not the first) and at most hi, unless a transaction of
// this run (ran) has already rewritten them, together with every row
// whose parent it rewrites (deleting the parent would otherwise cascade
// to them). It finds them through the primary keys and the indexes of
// the foreign keys, so that it reads about as many rows as it rewrites
// whatever the size of the tables, and picks them out by ctid,
// which cannot change while the tables are locked; copies them aside,
// deletes them (children first, so that no delete cascades) and inserts
// them again in key order (parents first). It returns how many rows it
// rewrote and its transaction id, which it adds to reorganized.done.
func pgRewriteBatch(ctx context.Context, conn *sql.Conn, i int, lo, hi string, ran []int64, inBatch func(int)) (n int, xid int64, err error) {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return 0, 0, fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck
	// No JIT: a plan costed from stale statistics of a freshly filled
	// table would otherwise spend longer compiling than running, under
	// the lock.
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("SET LOCAL lock_timeout = %d; SET LOCAL jit = off", reorganizeLockTimeout.Milliseconds())); err != nil {
		return 0, 0, err
	}
	if _, err := tx.ExecContext(ctx, "LOCK TABLE "+reorgTableNames()+" IN EXCLUSIVE MODE"); err != nil {
		return 0, 0, fmt.Errorf("lock tables: %w", err)
	}
	inRange, args := "d.k <= $1", []any{hi}
	if i > 0 {
		inRange, args = "d.k > $2 AND d.k <= $1", []any{hi, lo}
	}
	done := make([]string, len(ran))
	for j, x := range ran {
		done[j] = fmt.Sprint(x % (1 << 32))
	}
	notDone := fmt.Sprintf("t.xmin::text::bigint <> ALL('{%s}'::bigint[])", strings.Join(done, ","))
	for _, t := range reorgTables {
		var sameKey []string
		for _, c := range strings.Split(t.key, ", ") {
			sameKey = append(sameKey, fmt.Sprintf("t.%s = d.%s", c, c))
		}
		// Each LATERAL subquery looks rows up by index, one key at a
		// time: OFFSET 0 keeps the planner from joining the copies,
		// which it cannot count, to a whole table by hash.
		q := fmt.Sprintf("INSERT INTO reorg_tid_%s SELECT x.ctid FROM reorg_todo_%s d CROSS JOIN LATERAL (SELECT t.ctid FROM %s t WHERE %s AND %s OFFSET 0) x WHERE %s",
			t.name, t.name, t.name, strings.Join(sameKey, " AND "), notDone, inRange)
		for _, p := range t.parents {
			q += fmt.Sprintf(" UNION SELECT x.ctid FROM reorg_%s p CROSS JOIN LATERAL (SELECT t.ctid FROM %s t WHERE t.%s = p.id OFFSET 0) x", p.table, t.name, p.fk)
		}
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return 0, 0, fmt.Errorf("find recent rows of %s: %w", t.name, err)
		}
		q = fmt.Sprintf("INSERT INTO reorg_%s SELECT * FROM %s WHERE ctid = ANY(ARRAY(SELECT tid FROM reorg_tid_%s))", t.name, t.name, t.name)
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return 0, 0, fmt.Errorf("copy recent rows of %s: %w", t.name, err)
		}
	}
	for j := len(reorgTables) - 1; j >= 0; j-- {
		t := reorgTables[j]
		q := fmt.Sprintf("DELETE FROM %s WHERE ctid = ANY(ARRAY(SELECT tid FROM reorg_tid_%s))", t.name, t.name)
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return 0, 0, fmt.Errorf("delete recent rows of %s: %w", t.name, err)
		}
	}
	if n, err = insertAgain(ctx, tx); err != nil {
		return 0, 0, err
	}
	if err := tx.QueryRowContext(ctx, "UPDATE reorganized SET done = done || pg_current_xact_id()::text::bigint RETURNING pg_current_xact_id()::text::bigint").Scan(&xid); err != nil {
		return 0, 0, fmt.Errorf("record batch: %w", err)
	}
	if inBatch != nil {
		inBatch(i)
	}
	if err := tx.Commit(); err != nil {
		return 0, 0, fmt.Errorf("commit: %w", err)
	}
	return n, xid, nil
}
