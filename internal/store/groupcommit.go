package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/casetrack/casetrack/internal/timeline"
)

// Group commit: submissions that arrive together are written in one
// transaction, so that they share its commit (on SQLite one fsync of the
// write-ahead log, on PostgreSQL one WAL flush and fewer round trips)
// instead of each paying for its own. Durability is unchanged: CreateCase
// still returns only after the transaction holding its case committed.
//
// No submission waits for others to arrive. A committer takes whatever is
// queued when it becomes free: with one submission at a time each commits
// alone, as before; under load the queue fills while a commit runs and the
// next transaction takes all of it. database/sql and the drivers do not
// batch independent transactions, so this is done here.

// maxGroup bounds the cases of one transaction, so that a burst of
// submissions holds SQLite's write lock for a few milliseconds at a time
// and one slow group does not keep many people waiting.
const maxGroup = 128

// groupWriteTimeout bounds one group's transaction. It is not tied to any
// one request: a person who gives up must not undo the others' writes.
const groupWriteTimeout = 30 * time.Second

// ErrClosed is returned by writes that reach a store after Close.
var ErrClosed = errors.New("store is closed")

// pendingCase is one CreateCase waiting for its group's commit.
type pendingCase struct {
	ctx  context.Context
	row  caseRow
	when time.Time // the day of a moderation-log entry, for a flagged case
	done chan error
}

// groupCommitter runs the committers of one Store.
type groupCommitter struct {
	queue chan *pendingCase
	quit  chan struct{}
	wg    sync.WaitGroup
	once  sync.Once
	// groups and grouped count transactions and the cases in them, for
	// tests and metrics: grouped/groups is the mean group size.
	mu      sync.Mutex
	groups  int
	grouped int
	waiting int
}

// startGroupCommit starts n committers (the dialect's choice: one for
// SQLite, which has one writer at a time anyway; a few for PostgreSQL,
// which commits concurrent transactions in parallel).
func (s *Store) startGroupCommit(n int) {
	g := &groupCommitter{queue: make(chan *pendingCase, maxGroup*n), quit: make(chan struct{})}
	s.group = g
	for range n {
		g.wg.Add(1)
		go func() {
			defer g.wg.Done()
			s.commitLoop()
		}()
	}
}

// stop lets the committers finish the groups they hold and answers every
// case still queued with ErrClosed.
func (g *groupCommitter) stop() {
	g.once.Do(func() {
		close(g.quit)
		g.wg.Wait()
		for {
			select {
			case p := <-g.queue:
				g.answer(p, ErrClosed)
			default:
				return
			}
		}
	})
}

// GroupStats says what group commit has done so far.
type GroupStats struct {
	// Groups is how many transactions wrote new cases, Cases how many
	// cases they held: Cases/Groups is the mean group size.
	Groups, Cases int
	// Waiting is how many cases wait for their commit now, queued or
	// in a transaction.
	Waiting int
}

// GroupStats returns what group commit has done so far.
func (s *Store) GroupStats() GroupStats {
	s.group.mu.Lock()
	defer s.group.mu.Unlock()
	return GroupStats{Groups: s.group.groups, Cases: s.group.grouped, Waiting: s.group.waiting}
}

// enqueue hands a case to the committers and waits for its commit. When
// ctx ends first it returns ctx's error: the case may still be stored, as
// when a request times out during a commit, but it is never acknowledged
// without being stored.
func (s *Store) enqueue(ctx context.Context, row caseRow, when time.Time) error {
	g := s.group
	p := &pendingCase{ctx: ctx, row: row, when: when, done: make(chan error, 1)}
	select {
	case <-g.quit:
		return ErrClosed
	default:
	}
	select {
	case g.queue <- p:
		g.mu.Lock()
		g.waiting++
		g.mu.Unlock()
	case <-g.quit:
		return ErrClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-p.done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	case <-g.quit:
		// The committers finish the groups they hold; a case they did
		// not take is answered by stop, or by nobody when it was queued
		// after stop drained the queue.
		g.wg.Wait()
		select {
		case err := <-p.done:
			return err
		default:
			return ErrClosed
		}
	}
}

// commitLoop takes a group from the queue, writes it and answers each of
// its cases, until the store closes.
func (s *Store) commitLoop() {
	g := s.group
	for {
		var first *pendingCase
		select {
		case first = <-g.queue:
		case <-g.quit:
			return
		}
		group := []*pendingCase{first}
	fill:
		for len(group) < maxGroup {
			select {
			case p := <-g.queue:
				group = append(group, p)
			default:
				break fill
			}
		}
		s.commitGroup(group)
	}
}

// commitGroup writes the cases of group whose requests still wait, in one
// transaction. When that fails and the group held more than one case, each
// is tried again alone, so that one case the database refuses (or a
// conflict) fails only its own submission.
func (s *Store) commitGroup(group []*pendingCase) {
	live := group[:0]
	for _, p := range group {
		if err := p.ctx.Err(); err != nil {
			s.group.answer(p, err) // given up before its write began: not stored
			continue
		}
		live = append(live, p)
	}
	if len(live) == 0 {
		return
	}
	err := s.writeGroup(live)
	if err == nil || len(live) == 1 {
		s.group.count(1, len(live))
		for _, p := range live {
			s.group.answer(p, err)
		}
		return
	}
	for _, p := range live {
		err := s.writeGroup([]*pendingCase{p})
		if err == nil {
			s.group.count(1, 1)
		}
		s.group.answer(p, err)
	}
}

// answer tells a waiting CreateCase the outcome of its write.
func (g *groupCommitter) answer(p *pendingCase, err error) {
	g.mu.Lock()
	g.waiting--
	g.mu.Unlock()
	p.done <- err
}

func (g *groupCommitter) count(groups, cases int) {
	g.mu.Lock()
	g.groups += groups
	g.grouped += cases
	g.mu.Unlock()
}

// writeGroup inserts the cases of group, in order, in one transaction.
// Inserting them in order keeps repeats_earlier exact within the group:
// the second of two identical cases sees the first.
func (s *Store) writeGroup(group []*pendingCase) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(group[0].ctx), groupWriteTimeout)
	defer cancel()
	ids := make([]string, len(group))
	for i, p := range group {
		ids[i] = p.row.id
	}
	return s.write(ctx, ids, func(tx *sql.Tx) error {
		for _, p := range group {
			if err := s.insertCase(ctx, tx, p.row); err != nil {
				return fmt.Errorf("case %q: %w", p.row.id, err)
			}
			if p.row.moderation == timeline.ModerationFlagged {
				if err := s.logAction(ctx, tx, ActionFlag, p.row.moderationReason, p.row.id, "", p.when); err != nil {
					return fmt.Errorf("case %q: %w", p.row.id, err)
				}
			}
		}
		return nil
	})
}
