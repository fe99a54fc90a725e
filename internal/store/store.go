// Package store keeps CaseTrack's anonymous case timelines in SQLite (the
// embedded default) or PostgreSQL (production), through database/sql.
//
// Both databases share one implementation; what differs between them is
// gathered behind the dialect interface (dialect.go) rather than spread
// through the queries as if statements. The schema is created and upgraded
// by embedded goose migrations when a Store is opened.
//
// Privacy promise 4: nothing stored with a case can be joined to an access
// log line. The schema has no client address, user agent or time-of-day
// column; the creation date is a calendar date only.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	neturl "net/url"
	"os"
	"strings"
	"time"
)

// ErrNotFound is returned (wrapped) when a case does not exist.
var ErrNotFound = errors.New("not found")

// Store is a case store. It is safe for concurrent use.
type Store struct {
	db *sql.DB
	d  dialect
	// bulkChunk is bulkChunk, or fewer in tests that cross chunk
	// boundaries with a few cases.
	bulkChunk int
	// scrub overwrites removed text in the background (scrub.go).
	scrub *scrubber
	// feedGate holds a token per feed request running in the database:
	// at most half the pool, so that a flood of feed requests always
	// leaves connections for everything else, health checks included.
	feedGate chan struct{}
	feed     feedBounds
	// serverLock is held while this process serves an SQLite database
	// (ClaimServer); nil otherwise.
	serverLock *os.File
	// group writes new cases submitted together in one transaction
	// (groupcommit.go).
	group *groupCommitter
	// stmts keeps the statements of the write path prepared
	// (stmtcache.go).
	stmts stmtCache
	// fresh keeps created cases for their read-back (readback.go).
	fresh freshCases
	// reorg adjusts Reorganize (tests only).
	reorg reorgSettings
	// stopUpkeep ends the dialect's background work (dialect.background).
	stopUpkeep func()
}

// Open connects to the database named by url and applies any pending
// migrations. url is "sqlite:PATH" (a file; its directory must exist) or a
// PostgreSQL URL ("postgres://..." or "postgresql://...").
func Open(ctx context.Context, url string) (*Store, error) {
	return open(ctx, url, false)
}

// OpenWriter is Open for a process that writes: the server and every
// command that changes the database (migrate, seed, import, admin,
// reorganize). On SQLite it first claims the database for this process
// (ClaimServer), before any migration, and fails with ErrServedElsewhere
// while another process holds it: a server keeps its statistics current
// only from its own writes, so another process writing the same file
// would go unseen until a restart.
func OpenWriter(ctx context.Context, url string) (*Store, error) {
	return open(ctx, url, true)
}

func open(ctx context.Context, url string, claim bool) (*Store, error) {
	d, err := dialectFor(url)
	if err != nil {
		return nil, err
	}
	db, err := d.open()
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", d.name(), err)
	}
	s := &Store{db: db, d: d, bulkChunk: bulkChunk,
		feedGate: make(chan struct{}, max(1, db.Stats().MaxOpenConnections/2)), feed: defaultFeedBounds}
	if err := s.Ping(ctx); err != nil {
		db.Close()
		if pd, ok := d.(*postgresDialect); ok {
			return nil, pd.explainConnect(err)
		}
		return nil, err
	}
	if claim {
		if err := s.ClaimServer(); err != nil {
			db.Close()
			return nil, err
		}
	}
	if err := s.Migrate(ctx); err != nil {
		db.Close()
		s.releaseServer()
		return nil, err
	}
	s.scrub = newScrubber(func(ctx context.Context) error { return d.scrub(ctx, db) })
	s.startGroupCommit(d.committers())
	s.stopUpkeep = d.background(db)
	return s, nil
}

// dialectFor picks the dialect from the URL scheme.
func dialectFor(url string) (dialect, error) {
	switch {
	case strings.HasPrefix(url, "sqlite:"):
		return newSQLite(strings.TrimPrefix(url, "sqlite:"))
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
		return newPostgres(url)
	default:
		return nil, fmt.Errorf("unsupported database URL %q: use sqlite:PATH or postgres://...", redactURL(url))
	}
}

// Close closes the database connections.
func (s *Store) Close() error {
	s.group.stop()
	s.stopUpkeep()
	s.scrub.close()
	s.closeStmts()
	err := s.db.Close()
	s.releaseServer()
	if err != nil {
		return fmt.Errorf("close %s database: %w", s.d.name(), err)
	}
	return nil
}

// Dialect names the database: "sqlite" or "postgres".
func (s *Store) Dialect() string { return s.d.name() }

// Ping checks that the database is reachable.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return fmt.Errorf("ping %s database: %w", s.d.name(), err)
	}
	return nil
}

// redactURL hides a password in a database URL so that it can go into an
// error message.
func redactURL(raw string) string {
	u, err := neturl.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}

// sleep waits for d or until ctx ends, and reports whether it waited the
// whole time.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
