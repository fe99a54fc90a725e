package store

import (
	"context"
	"sync"

	"github.com/casetrack/casetrack/internal/timeline"
)

// Every write is announced to Listen, and the listener (the statistics
// index) reads each announced case back. For a case this process has just
// created the read is wasted: the store held the case a moment ago. At a
// thousand submissions a second it was a tenth of the server's time. So
// CreateCase keeps each new case until its announcement is read back
// (ReadBack), once; any later announcement of the same case (an edit,
// from any instance) reads the database as before, and announcements
// arrive in commit order, so the kept copy is never older than one that
// was read.

// maxFresh bounds the cases kept for ReadBack; past it they are read
// from the database like any other.
const maxFresh = 10_000

// freshCases are the cases created here and not yet read back.
type freshCases struct {
	mu        sync.Mutex
	listeners int
	cases     map[string]*timeline.Case
}

// keep remembers c when someone listens.
func (f *freshCases) keep(c *timeline.Case) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.listeners == 0 || len(f.cases) >= maxFresh {
		return
	}
	if f.cases == nil {
		f.cases = map[string]*timeline.Case{}
	}
	f.cases[c.ID] = c
}

// take returns and forgets the kept copy of id.
func (f *freshCases) take(id string) (*timeline.Case, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, ok := f.cases[id]
	delete(f.cases, id)
	return c, ok
}

// forget drops every kept copy: after "resynchronise everything" the
// listener reads all cases from the database, and announcements that
// were lost would keep their copies for ever.
func (f *freshCases) forget() {
	f.mu.Lock()
	defer f.mu.Unlock()
	clear(f.cases)
}

// listening counts a Listen call while it runs.
func (f *freshCases) listening(delta int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.listeners += delta
	if f.listeners == 0 {
		clear(f.cases)
	}
}

// ReadBack returns an announced case as the database holds it, or
// ErrNotFound (wrapped) when it is gone. It is Case, except that the first
// read of a case this process created returns the case as created, without
// a query. The case returned must not be changed.
func (s *Store) ReadBack(ctx context.Context, id string) (*timeline.Case, error) {
	if c, ok := s.fresh.take(id); ok {
		return c, nil
	}
	return s.Case(ctx, id)
}
