package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
	"golang.org/x/sys/unix"
	sqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Unavailable reports whether err says that the database cannot be used
// at all right now (PostgreSQL unreachable or refusing writes, an SQLite
// file that is read-only, on a full disk or that cannot be opened), as
// opposed to a problem with one request. Such an error is an outage:
// the web layer answers it with 503 and Retry-After instead of 500.
func Unavailable(err error) bool {
	if err == nil {
		return false
	}
	var ce *pgconn.ConnectError
	var pe *pgconn.PgError
	var se *sqlite.Error
	var ne net.Error
	switch {
	case errors.As(err, &ce):
		return true
	case errors.As(err, &pe):
		return pgUnavailable(pe.Code)
	case errors.As(err, &se):
		return sqliteUnavailable(se.Code())
	// pgx returns a connection that broke mid-query as a bare
	// io.ErrUnexpectedEOF (measured with a proxy cut between the store
	// and the server). The web handlers turn errors reading a request
	// body into 400s before they reach the error renderer, so an EOF
	// that gets there is the database connection's.
	case errors.Is(err, pgconn.ErrConnClosed), errors.Is(err, driver.ErrBadConn),
		errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.EPIPE), errors.Is(err, syscall.EROFS), errors.Is(err, syscall.ENOSPC):
		return true
	case errors.As(err, &ne):
		// A timeout is the request's own deadline (busy), not an outage.
		return !ne.Timeout()
	}
	return false
}

// pgUnavailable recognises the SQLSTATE codes of a server that cannot
// serve: connection exceptions (class 08), shutdown or start-up (57P01
// to 57P03), insufficient resources such as a full disk or too many
// connections (class 53), and a read-only server (25006, a hot standby).
func pgUnavailable(code string) bool {
	return strings.HasPrefix(code, "08") || strings.HasPrefix(code, "53") ||
		code == "57P01" || code == "57P02" || code == "57P03" || code == "25006"
}

// sqliteUnavailable recognises the SQLite result codes of a file that
// cannot take writes or cannot be read: read-only (the file or its file
// system), full, I/O error, cannot open. The extended codes carry the
// primary code in their low byte.
func sqliteUnavailable(code int) bool {
	switch code & 0xff {
	case sqlite3.SQLITE_READONLY, sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN:
		return true
	}
	return false
}

// Ready reports whether the database accepts a write now, for a
// readiness check: a load balancer should stop sending traffic to an
// instance that cannot write, although the process is alive.
//
// The probe rewrites something with the value it already has and
// commits: on SQLite the header's user_version, on PostgreSQL the newest
// row of goose's migration table. It leaves no data behind, needs no
// table of its own and is a real write: on SQLite a rolled-back write in
// WAL mode never reaches the disk (it stays in the page cache), so only
// a commit, which appends to the write-ahead log and syncs it, proves
// that the file system takes writes; on PostgreSQL the commit is refused
// by a read-only server or one whose disk is full. It waits for the
// write lock like any writer, so a database that is merely busy makes
// the probe slow, not failed; callers bound it with ctx.
func (s *Store) Ready(ctx context.Context) error {
	if d, ok := s.d.(*sqliteDialect); ok {
		if err := d.roomToWrite(); err != nil {
			return fmt.Errorf("readiness probe of the sqlite database: %w", err)
		}
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("readiness probe of the %s database: %w", s.d.name(), err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it does nothing
	probe := "UPDATE goose_db_version SET is_applied = is_applied WHERE id = (SELECT max(id) FROM goose_db_version)"
	if _, ok := s.d.(*sqliteDialect); ok {
		// SQLite skips writing a row that an UPDATE leaves as it was
		// (measured: the log does not grow), but always writes the
		// header page when user_version is set, even to its own value.
		var v int64
		if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
			return fmt.Errorf("readiness probe of the sqlite database: %w", err)
		}
		probe = fmt.Sprintf("PRAGMA user_version = %d", v)
	}
	if _, err := tx.ExecContext(ctx, probe); err != nil {
		return fmt.Errorf("readiness probe of the %s database: %w", s.d.name(), err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("readiness probe of the %s database: %w", s.d.name(), err)
	}
	return nil
}

// minFreeBytes is the free space below which an SQLite database is not
// ready: a committed probe may reuse space the write-ahead log already
// holds and succeed on a full disk where the next new case, which grows
// the log or the file, fails.
const minFreeBytes = 1 << 20

// roomToWrite checks that the file system holding the database has
// minFreeBytes free for this process (statfs's available blocks, which
// leave out the blocks reserved for root).
func (d *sqliteDialect) roomToWrite() error {
	var fs unix.Statfs_t
	dir := filepath.Dir(d.path)
	if err := unix.Statfs(dir, &fs); err != nil {
		return fmt.Errorf("free space of %s: %w", dir, err)
	}
	if free := fs.Bavail * uint64(fs.Bsize); free < minFreeBytes {
		return fmt.Errorf("%s has %d bytes free, less than the %d a write may need: %w", dir, free, minFreeBytes, syscall.ENOSPC)
	}
	return nil
}
