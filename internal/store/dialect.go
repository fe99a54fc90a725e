package store

import (
	"context"
	"database/sql"
	"io/fs"
	"strconv"
	"strings"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// dialect is everything that differs between SQLite and PostgreSQL. The
// queries themselves are written once, with "?" placeholders (see rebind).
type dialect interface {
	// name is "sqlite" or "postgres".
	name() string
	// open returns a configured connection pool.
	open() (*sql.DB, error)
	// goose returns the migration dialect, the dialect's migration files and
	// the lock that keeps concurrent starts from migrating at once (nil when
	// the database itself serialises migrations).
	goose() (goose.Dialect, fs.FS, lock.SessionLocker)
	// background starts the dialect's upkeep of the pool; stop ends it
	// (Close).
	background(db *sql.DB) (stop func())
	// committers is how many transactions of new cases may run at once
	// and whether each committer keeps a connection of its own
	// (groupcommit.go).
	committers() (n int, ownConn bool)
	// lockIdentical makes the transactions that store identical cases
	// (identity) take turns until they commit, so that each sees the ones
	// before it: repeats_earlier and the copy check stay exact when
	// transactions run side by side. It takes every lock of a group at
	// once, at the start, in one order, so that two groups never wait for
	// each other in a circle.
	lockIdentical(ctx context.Context, tx *sql.Tx, identities []string) error
	// ownWriter configures a committer's own connection.
	ownWriter(ctx context.Context, conn *sql.Conn) error
	// rebind turns "?" placeholders into the dialect's own.
	rebind(query string) string
	// stringAgg is the aggregate that joins the text values of expr with
	// sep (SQLite's group_concat, PostgreSQL's string_agg).
	stringAgg(expr, sep string) string
	// milestoneCases is the FROM clause of the feed's walk (feedWalk):
	// the milestones m, each joined with its case c, which has the
	// columns cols of cases and is found by its id, one milestone at a
	// time, whatever the planner estimates. A walk's window holds a
	// bounded number of milestones, so looking their cases up one by one
	// bounds its cost; any other join reads every case the filters select.
	milestoneCases(cols string) string
	// canceled reports whether err says the database cancelled the query
	// (a cancel request meant for an earlier query on the same connection
	// can arrive late and hit the next one).
	canceled(err error) bool
	// forUpdate is appended to the SELECT that reads a case before it is
	// changed, so that concurrent updates of one case take turns.
	forUpdate() string
	// skipLocked is appended to a locking SELECT that should pass over
	// rows another transaction holds (the outbox claim).
	skipLocked() string
	// notifyTx announces changed case ids inside the writing transaction,
	// so that other instances hear of them exactly when they commit. The
	// empty id announces that anything may have changed.
	notifyTx(ctx context.Context, tx *sql.Tx, ids []string) error
	// committed is told the ids of a committed write.
	committed(ids []string)
	// insertCases stores the rows of every chunk next returns, until it
	// returns an empty one, in one transaction, as fast as the database
	// allows; then it announces the ids that announce returns (asked once
	// the chunks are written) and commits. A chunk's rows may be reused
	// by next once it is called again. Any error rolls everything back.
	// synthetic cases need no reorganisation, and the dialect may record
	// so (see CreateCases).
	insertCases(ctx context.Context, db *sql.DB, next func() ([]caseRow, error), announce func() []string, synthetic bool) error
	// readCases runs caseSelect over every case and fills the scan
	// pipeline's batches with the rows (see ScanCases).
	readCases(ctx context.Context, db *sql.DB, p *scanPipeline) error
	// listen calls fn with changed case ids until ctx ends (see Store.Listen).
	listen(ctx context.Context, fn func(caseID string)) error
	// scrub tries once to push deleted or overwritten personal data out
	// of places a plain DELETE or UPDATE leaves it in (a write-ahead log,
	// free pages). The store's scrubber calls it after such writes, again
	// and again until it succeeds.
	scrub(ctx context.Context, db *sql.DB) error
	// reorganize rewrites recently written rows so that their place in
	// the files follows their random keys, not the order they came in
	// (see Store.Reorganize).
	reorganize(ctx context.Context, db *sql.DB, now time.Time, set reorgSettings) (Reorganized, error)
}

// rebindDollar numbers "?" placeholders as $1, $2, ... for PostgreSQL. The
// store's queries contain no "?" inside string literals, so a plain scan is
// enough.
func rebindDollar(query string) string {
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(query[i])
	}
	return b.String()
}
