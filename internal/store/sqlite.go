package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"golang.org/x/sys/unix"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// sqliteDialect is the embedded database: one file, in WAL mode.
type sqliteDialect struct {
	path string
	hub  *hub
}

func newSQLite(path string) (*sqliteDialect, error) {
	switch {
	case path == "":
		return nil, errors.New("sqlite: URL has no file path (use sqlite:PATH)")
	case path == ":memory:" || strings.HasPrefix(path, "file:"):
		return nil, fmt.Errorf("sqlite:%s: give a file path; in-memory and URI file names are not supported", path)
	case strings.ContainsAny(path, "?#"):
		return nil, fmt.Errorf("sqlite:%s: the file path must not contain '?' or '#'", path)
	}
	dir := filepath.Dir(path)
	st, err := os.Stat(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("sqlite database %s: directory %s does not exist; create it first", path, dir)
		}
		return nil, fmt.Errorf("sqlite database %s: %w", path, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("sqlite database %s: %s is not a directory; choose a path inside a directory", path, dir)
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return nil, fmt.Errorf("sqlite database %s is a directory; give the path of a file, for example sqlite:%s", path, filepath.Join(path, "casetrack.db"))
	}
	// SQLite creates PATH-wal and PATH-shm beside the file, so the
	// directory must be writable even when the file exists. access(2)
	// answers for the process's own user and also refuses a read-only
	// file system, which permission bits do not show (and root ignores).
	if err := unix.Access(dir, unix.W_OK); err != nil {
		return nil, fmt.Errorf("sqlite database %s: directory %s is not writable (%v); make it writable or choose another path with --database", path, dir, err)
	}
	if err := unix.Access(path, unix.W_OK); err != nil && !errors.Is(err, unix.ENOENT) {
		return nil, fmt.Errorf("sqlite database %s: the file is not writable (%v); make it writable or choose another path with --database", path, err)
	}
	return &sqliteDialect{path: path, hub: newHub()}, nil
}

func (d *sqliteDialect) name() string { return "sqlite" }

func (d *sqliteDialect) readCases(ctx context.Context, db *sql.DB, p *scanPipeline) error {
	return readCasesSQL(ctx, db, p)
}

// open configures every pooled connection through the DSN, so that none of
// them can miss a pragma:
//   - WAL lets readers (start-up scan, page views) run beside the writer;
//   - synchronous=FULL fsyncs the WAL at every commit, so a nil error from
//     a write means it survives even a power cut, not just kill -9;
//   - busy_timeout makes writers queue for the lock instead of failing;
//   - foreign_keys makes DELETE cascade to milestones;
//   - a 32 MiB page cache per connection (allocated as used; measured
//     faster for seeding than both 8 MiB and 256 MiB);
//   - wal_autocheckpoint(0) leaves checkpoints to a goroutine of their
//     own (checkpoint.go), out of the commits;
//   - journal_size_limit truncates the WAL back to 64 MiB after a bulk
//     insert has grown it;
//   - secure_delete overwrites deleted content with zeros instead of
//     leaving it in free pages, so that an account deleted by its owner
//     cannot be read back from the file (see scrub for the WAL);
//   - _txlock=immediate starts every transaction with BEGIN IMMEDIATE,
//     taking the write lock before UpdateCase reads, so two updates of one
//     case cannot interleave (the store opens transactions only to write).
func (d *sqliteDialect) open() (*sql.DB, error) {
	q := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "synchronous(FULL)", "foreign_keys(ON)", "cache_size(-32768)", "wal_autocheckpoint(0)", "journal_size_limit(67108864)", "secure_delete(ON)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", d.path+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	n := max(4, 2*runtime.GOMAXPROCS(0)) + 1 // one is the committer's (committers)
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	return db, nil
}

// goose returns no lock: migrations run in a write transaction, and SQLite
// lets only one of those run at a time.
func (d *sqliteDialect) goose() (goose.Dialect, fs.FS, lock.SessionLocker) {
	return goose.DialectSQLite3, dialectMigrations("sqlite"), nil
}

func (d *sqliteDialect) rebind(query string) string { return query }

// background starts the WAL checkpoints (checkpoint.go).
func (d *sqliteDialect) background(db *sql.DB) (stop func()) { return startCheckpoints(db).close }

// committers is one: SQLite runs one write transaction at a time, so a
// second committer would only wait for the lock, holding a connection.
// It keeps a connection of its own, whose page cache then stays valid
// from one group to the next (open leaves one more in the pool for it).
func (d *sqliteDialect) committers() (int, bool) { return 1, true }

// lockIdentical does nothing: SQLite's write lock already makes every
// writing transaction wait for the one before it.
func (d *sqliteDialect) lockIdentical(context.Context, *sql.Tx, []string) error { return nil }

// writerCacheKiB is the page cache of the committer's own connection: the
// upper levels of every index a submission changes, and more of the
// leaves than the 32 MiB of the other connections (allocated as used).
const writerCacheKiB = 128 << 10

func (d *sqliteDialect) ownWriter(ctx context.Context, conn *sql.Conn) error {
	_, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA cache_size = -%d", writerCacheKiB))
	return err
}

// canceled is false: SQLite interrupts a query only for its own context.
func (d *sqliteDialect) canceled(error) bool { return false }

func (d *sqliteDialect) stringAgg(expr, sep string) string {
	return "group_concat(" + expr + ", '" + sep + "')"
}

// milestoneCases is a CROSS JOIN, which keeps SQLite walking the
// milestones index in the feed's order and looking each case up by id
// (the caller's WHERE holds c.id = m.case_id).
func (d *sqliteDialect) milestoneCases(string) string { return "milestones m CROSS JOIN cases c" }

// forUpdate is empty: BEGIN IMMEDIATE already holds the database's write
// lock.
func (d *sqliteDialect) forUpdate() string { return "" }

// skipLocked is empty for the same reason as forUpdate.
func (d *sqliteDialect) skipLocked() string { return "" }

func (d *sqliteDialect) notifyTx(context.Context, *sql.Tx, []string) error { return nil }

func (d *sqliteDialect) committed(ids []string) { d.hub.publish(ids) }

// scrubBusyTimeout is how long, in milliseconds, one checkpoint attempt
// waits for readers of an older snapshot. While it waits, new writers
// wait too, so it is short; the store's scrubber tries again later.
const scrubBusyTimeout = 100

// errCheckpointBlocked says that a reader still used the write-ahead log.
var errCheckpointBlocked = errors.New("checkpoint WAL: blocked by a concurrent reader or writer")

// scrub checkpoints the write-ahead log into the database file and
// truncates it to nothing: the WAL still holds the pages as they were
// before the delete, text included, until it is overwritten. It fails
// with errCheckpointBlocked when a reader of an older snapshot kept the
// checkpoint from finishing; a plain (non-truncating) checkpoint would
// leave the old frames in the file until new ones happen to overwrite
// them, and SQLite's automatic checkpoints are of that kind.
func (d *sqliteDialect) scrub(ctx context.Context, db *sql.DB) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("checkpoint WAL: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA busy_timeout = %d", scrubBusyTimeout)); err != nil {
		return fmt.Errorf("checkpoint WAL: %w", err)
	}
	defer func() {
		// The connection goes back to the pool, where writers rely on
		// the long timeout to queue; otherwise it is thrown away.
		if _, err := conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA busy_timeout = 10000"); err != nil {
			conn.Raw(func(any) error { return driver.ErrBadConn }) //nolint:errcheck
		}
	}()
	var busy, logFrames, checkpointed int
	if err := conn.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &logFrames, &checkpointed); err != nil {
		return fmt.Errorf("checkpoint WAL: %w", err)
	}
	if busy != 0 {
		return errCheckpointBlocked
	}
	return nil
}

func (d *sqliteDialect) listen(ctx context.Context, fn func(caseID string)) error {
	return d.hub.listen(ctx, fn)
}

// Multi-row INSERT sizes for the bulk inserts, within SQLite's limit of
// 32,766 bound parameters per statement.
const (
	sqliteCaseBatch      = 500  // 19 parameters a row
	sqliteMilestoneBatch = 1000 // 4 parameters a row
)

// insertCases inserts cases with multi-row INSERTs, each full batch
// through one prepared statement, all in one transaction. Two measured
// choices make it several times faster than plain INSERTs, besides the
// id order of each chunk (insertBulk):
//
//   - No statement journal. A multi-row statement that may fail with ABORT
//     (the default conflict resolution, and any immediate foreign key
//     check) makes SQLite journal every page it changes so that it can undo
//     just that statement; that took a third of the time. The bulk inserts
//     are all or nothing anyway, so the statements say OR ROLLBACK, and
//     foreign keys are off on this connection for the transaction: every
//     milestone refers to a case inserted just before it, in the same
//     transaction.
//   - Batches of cases first, then their milestones, so that no milestone
//     is written before its case.
func (d *sqliteDialect) insertCases(ctx context.Context, db *sql.DB, next func() ([]caseRow, error), announce func() []string, _ bool) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("get connection: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "PRAGMA foreign_keys = OFF"); err != nil {
		return fmt.Errorf("prepare connection for bulk insert: %w", err)
	}
	defer func() {
		// The connection goes back to the pool: it must enforce foreign
		// keys (and cascade deletes) again, or be thrown away.
		if _, err := conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA foreign_keys = ON"); err != nil {
			conn.Raw(func(any) error { return driver.ErrBadConn }) //nolint:errcheck
		}
	}()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck
	cases := newBatchInserter(tx, "INSERT OR ROLLBACK INTO cases ("+insertColumns+") VALUES ", len(insertColumnList), sqliteCaseBatch)
	defer cases.close()
	ms := newBatchInserter(tx, "INSERT OR ROLLBACK INTO milestones (case_id, seq, code, date) VALUES ", 4, sqliteMilestoneBatch)
	defer ms.close()
	for {
		rows, err := next()
		if err != nil {
			return err
		}
		if len(rows) == 0 {
			break
		}
		for batch := range slices.Chunk(rows, sqliteCaseBatch) {
			for _, r := range batch {
				if err := cases.add(ctx, caseInsertArgs(r)...); err != nil {
					return fmt.Errorf("insert cases: %w", err)
				}
			}
			if err := cases.flush(ctx); err != nil {
				return fmt.Errorf("insert cases: %w", err)
			}
			for _, r := range batch {
				for _, m := range r.milestones {
					if err := ms.add(ctx, r.id, m.seq, m.code, m.date); err != nil {
						return fmt.Errorf("insert milestones: %w", err)
					}
				}
			}
		}
	}
	if err := ms.flush(ctx); err != nil {
		return fmt.Errorf("insert milestones: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	d.committed(announce())
	return nil
}

// batchInserter gathers rows for multi-row INSERTs.
type batchInserter struct {
	tx     *sql.Tx
	prefix string
	cols   int
	rows   int // rows per full batch
	args   []any
	full   *sql.Stmt // prepared on first use
}

func newBatchInserter(tx *sql.Tx, prefix string, cols, rows int) *batchInserter {
	return &batchInserter{tx: tx, prefix: prefix, cols: cols, rows: rows, args: make([]any, 0, cols*rows)}
}

func (b *batchInserter) add(ctx context.Context, row ...any) error {
	b.args = append(b.args, row...)
	if len(b.args) < b.cols*b.rows {
		return nil
	}
	if b.full == nil {
		st, err := b.tx.PrepareContext(ctx, b.prefix+valueLists(b.rows, b.cols))
		if err != nil {
			return err
		}
		b.full = st
	}
	if _, err := b.full.ExecContext(ctx, b.args...); err != nil {
		return err
	}
	b.args = b.args[:0]
	return nil
}

// flush inserts the last, partial batch.
func (b *batchInserter) flush(ctx context.Context) error {
	if len(b.args) == 0 {
		return nil
	}
	_, err := b.tx.ExecContext(ctx, b.prefix+valueLists(len(b.args)/b.cols, b.cols), b.args...)
	b.args = b.args[:0]
	return err
}

func (b *batchInserter) close() {
	if b.full != nil {
		b.full.Close()
	}
}
