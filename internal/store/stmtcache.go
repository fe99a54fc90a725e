package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
)

// The statements every submission runs are prepared once per connection
// and kept, instead of being parsed again at each call: database/sql
// prepares a statement for every ExecContext with arguments, and on SQLite
// parsing was a fifth of a submission's cost. database/sql's *sql.Stmt
// already keeps one prepared copy per connection and prepares again on a
// new one; this only remembers the *sql.Stmt per query text.
type stmtCache struct {
	mu        sync.Mutex
	stmts     map[string]*sql.Stmt
	preparing map[string]bool
	closed    bool
}

// prepared returns the prepared statement of query (already rebound for
// the dialect), preparing it on first use. It takes a connection from the
// pool, so it must not be called while holding one for a transaction
// (txExec).
func (s *Store) prepared(ctx context.Context, query string) (*sql.Stmt, error) {
	if st := s.cachedStmt(query); st != nil {
		return st, nil
	}
	st, err := s.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("prepare: %w", err)
	}
	if st = s.keepStmt(query, st); st == nil {
		return nil, ErrClosed // closed while it was being prepared
	}
	return st, nil
}

// cachedStmt returns query's prepared statement, or nil.
func (s *Store) cachedStmt(query string) *sql.Stmt {
	c := &s.stmts
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stmts[query]
}

// keepStmt remembers st as query's statement and returns the one kept
// (an earlier one when two were prepared at once; nil once the store is
// closed).
func (s *Store) keepStmt(query string, st *sql.Stmt) *sql.Stmt {
	c := &s.stmts
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.stmts[query]; ok || c.closed {
		st.Close()
		return old
	}
	if c.stmts == nil {
		c.stmts = map[string]*sql.Stmt{}
	}
	c.stmts[query] = st
	return st
}

// txExec runs a query (rebound by the caller) in tx through its prepared
// statement. The first time, the query runs unprepared and the statement
// is prepared beside it: preparing needs a second connection, and waiting
// for one while the transaction holds the write lock could wait for ever
// (every other connection may be waiting for that lock).
func (s *Store) txExec(ctx context.Context, tx *sql.Tx, query string, args ...any) (sql.Result, error) {
	if st := s.cachedStmt(query); st != nil {
		return tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	s.prepareLater(query)
	return tx.ExecContext(ctx, query, args...)
}

// txQuery is txExec for a query that returns rows.
func (s *Store) txQuery(ctx context.Context, tx *sql.Tx, query string, args ...any) (*sql.Rows, error) {
	if st := s.cachedStmt(query); st != nil {
		return tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	}
	s.prepareLater(query)
	return tx.QueryContext(ctx, query, args...)
}

// prepareLater prepares query in the background, once.
func (s *Store) prepareLater(query string) {
	c := &s.stmts
	c.mu.Lock()
	if c.preparing[query] || c.closed {
		c.mu.Unlock()
		return
	}
	if c.preparing == nil {
		c.preparing = map[string]bool{}
	}
	c.preparing[query] = true
	c.mu.Unlock()
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), groupWriteTimeout)
		defer cancel()
		st, err := s.db.PrepareContext(ctx, query)
		c.mu.Lock()
		delete(c.preparing, query)
		c.mu.Unlock()
		if err == nil { // otherwise the next use tries again
			s.keepStmt(query, st)
		}
	}()
}

// closeStmts closes the prepared statements (Close).
func (s *Store) closeStmts() {
	c := &s.stmts
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.stmts {
		st.Close()
	}
	c.stmts = nil
	c.closed = true
}
