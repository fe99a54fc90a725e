package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/casetrack/casetrack/internal/timeline"
)

// ScanCases streams every case with its milestones to fn, in no particular
// order, for building the in-memory statistics index at start-up. fn is
// called from one goroutine and may keep the cases it is given. An error
// from fn stops the scan and is returned unchanged. The cases come from one
// query, so they are one consistent snapshot of the store.
//
// Two measured choices keep a million cases well under 5 s:
//
//   - The milestones come from cases.milestone_list, not the milestones
//     table. At 1,000,000 cases with four milestones each, streaming the
//     milestones table alone (ordered by case, to merge with the cases)
//     took about 6 s on SQLite and 7 s on PostgreSQL; the store keeps this
//     compact copy, written in the same transaction as the table, and
//     reads everything in one pass over cases.
//   - Reading rows from the driver and turning them into cases run in two
//     goroutines (a pipeline), so that both cores work: fetching a row is
//     about two thirds of the cost on SQLite, decoding it the rest.
//
// The dialect reads the rows (dialect.readCases): PostgreSQL's bypasses
// database/sql.
func (s *Store) ScanCases(ctx context.Context, fn func(c *timeline.Case) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	p := newScanPipeline()
	readErr := make(chan error, 1)
	go func() {
		defer close(p.full)
		readErr <- s.d.readCases(ctx, s.db, p)
	}()
	in := interner{}
	a := &slabs{}
	var stopErr error // fn's error, or a corrupt row
	for b := range p.full {
		for i := 0; i < b.n && stopErr == nil; i++ {
			c, err := b.rows[i].toCase(in, a)
			if err != nil {
				stopErr = fmt.Errorf("scan cases: %w", err)
				break
			}
			if err := fn(c); err != nil {
				stopErr = err
			}
		}
		if stopErr != nil {
			cancel() // stops the reader; the loop drains what it sent
		}
		p.free <- b
	}
	err := <-readErr
	if stopErr != nil {
		return stopErr
	}
	if err != nil {
		return fmt.Errorf("scan cases: %w", err)
	}
	return nil
}

// scanBatch rows travel between the reading and the decoding goroutine at
// a time; scanBuffers batches are in flight at most.
const (
	scanBatch   = 512
	scanBuffers = 4
)

// scanBuf is a batch of scanned rows with the Scan destinations of each
// row prepared once, so that a scan allocates nothing per row beyond what
// the driver does.
type scanBuf struct {
	rows  [scanBatch]caseScan
	dests [scanBatch][]any
	n     int
}

type scanPipeline struct {
	free, full chan *scanBuf
}

func newScanPipeline() *scanPipeline {
	p := &scanPipeline{free: make(chan *scanBuf, scanBuffers), full: make(chan *scanBuf, scanBuffers)}
	for range scanBuffers {
		b := &scanBuf{}
		for i := range b.rows {
			b.dests[i] = b.rows[i].dest()
		}
		p.free <- b
	}
	return p
}

// readCasesSQL is readCases through database/sql, for SQLite.
func readCasesSQL(ctx context.Context, db *sql.DB, p *scanPipeline) error {
	rows, err := db.QueryContext(ctx, caseSelect)
	if err != nil {
		return err
	}
	defer rows.Close()
	return p.readRows(ctx, rows, func(b *scanBuf, i int) error { return rows.Scan(b.dests[i]...) })
}

// rowCursor is what readRows needs of a driver's rows: *sql.Rows and
// pgx.Rows both have it.
type rowCursor interface {
	Next() bool
	Err() error
}

// readRows is read over rows, with fill filling row i of a batch from the
// current row.
func (p *scanPipeline) readRows(ctx context.Context, rows rowCursor, fill func(b *scanBuf, i int) error) error {
	return p.read(ctx, func(b *scanBuf, i int) (bool, error) {
		if !rows.Next() {
			return false, rows.Err()
		}
		return true, fill(b, i)
	})
}

// read fills batches with next, which fills row i of a batch or reports
// that there are no more rows, and sends them on until the rows are
// exhausted or ctx ends.
func (p *scanPipeline) read(ctx context.Context, next func(b *scanBuf, i int) (bool, error)) error {
	for {
		var b *scanBuf
		select {
		case b = <-p.free:
		case <-ctx.Done():
			return ctx.Err()
		}
		b.n = 0
		for b.n < scanBatch {
			more, err := next(b, b.n)
			if err != nil {
				return err
			}
			if !more {
				break
			}
			b.n++
		}
		if b.n > 0 {
			select {
			case p.full <- b:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		if b.n < scanBatch {
			return nil
		}
	}
}
