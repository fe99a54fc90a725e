package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/pressly/goose/v3"
)

// DB exposes the connection pool to the external tests, which inspect the
// schema and the milestones table directly.
func DB(s *Store) *sql.DB { return s.db }

// SetBulkChunk makes s's CreateCasesFrom write n cases per chunk, so
// that tests cross chunk boundaries with a few cases.
func SetBulkChunk(s *Store, n int) { s.bulkChunk = n }

// SetFeedBounds makes s's feed read cases from an index range of at most
// rangeMax cases and otherwise walk windows of firstWindow milestones and
// up, at most walkMax in one request, so that tests reach every plan and
// every early stop with a few cases.
func SetFeedBounds(s *Store, rangeMax, firstWindow, walkMax int) {
	s.feed = feedBounds{rangeMax: rangeMax, firstWindow: firstWindow, walkMax: walkMax}
}

// FeedWalkQuery is the query (rebound for s's database) and arguments
// with which the feed's walk reads the milestones after pos down to end.
func FeedWalkQuery(s *Store, q FeedQuery, pos, end *FeedKey, limit int) (string, []any) {
	return s.walkQuery(q, pos, end, limit)
}

// SimilarRecentQuery and IdenticalStored are the burst check's queries,
// for the tests of their plans.
const (
	SimilarRecentQuery = similarRecent
	IdenticalStored    = "SELECT " + identicalStored
)

// MaxAnnounced is the most ids a write announces one by one.
const MaxAnnounced = maxAnnounced

// MigrateTo applies the migrations of a fresh database up to version
// only, so that a test can store rows as an older release did and then
// watch a later migration convert them.
func MigrateTo(ctx context.Context, url string, version int64) error {
	d, err := dialectFor(url)
	if err != nil {
		return err
	}
	db, err := d.open()
	if err != nil {
		return err
	}
	defer db.Close()
	gd, files, _ := d.goose()
	p, err := goose.NewProvider(gd, db, files)
	if err != nil {
		return err
	}
	if _, err := p.UpTo(ctx, version); err != nil {
		return fmt.Errorf("migrate to %d: %w", version, err)
	}
	return nil
}

// SetReorganizeSteps makes s's Reorganize rewrite batch rows (PostgreSQL)
// or cases (SQLite) per transaction, call listed (PostgreSQL) once the
// recent rows are listed and inBatch in each batch's transaction before
// it commits; either may be nil.
func SetReorganizeSteps(s *Store, batch int, listed func(), inBatch func(i int)) {
	s.reorg = reorgSettings{batch: batch, listed: listed, inBatch: inBatch}
}

// SetGenericPlanMinCases sets how many cases a PostgreSQL store must hold
// when it opens to keep PostgreSQL's generic plans; it returns the
// previous value.
func SetGenericPlanMinCases(n int) int {
	old := genericPlanMinCases
	genericPlanMinCases = n
	return old
}
