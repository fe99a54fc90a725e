package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
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
	ctx   context.Context
	c     *timeline.Case
	row   caseRow
	check *CopyCheck // nil: none
	// flagged are the cases the copy check flagged, set by the
	// committer before it answers.
	flagged []string
	done    chan error
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
//
// With ownConn each committer writes through a connection of its own
// rather than any pooled one. On SQLite that keeps its page cache: a
// connection drops its whole cache whenever another connection has
// written, so transactions spread over the pool each started cold and
// read the B-tree pages they change from the file again.
func (s *Store) startGroupCommit(n int, ownConn bool) {
	g := &groupCommitter{queue: make(chan *pendingCase, maxGroup*n), quit: make(chan struct{})}
	s.group = g
	for range n {
		g.wg.Add(1)
		go func() {
			defer g.wg.Done()
			w := &committer{s: s, own: ownConn}
			defer w.close()
			s.commitLoop(w)
		}()
	}
}

// committer is one committing goroutine's way to begin transactions.
type committer struct {
	s    *Store
	own  bool
	conn *sql.Conn // the connection of its own, once taken
}

// begin starts a write transaction. A connection of its own that fails
// to begin one is given back and replaced at the next group, so that a
// broken connection is not kept.
func (w *committer) begin(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error) {
	if !w.own {
		return w.s.db.BeginTx(ctx, opts)
	}
	if w.conn == nil {
		conn, err := w.s.db.Conn(ctx)
		if err != nil {
			return nil, err
		}
		if err := w.s.d.ownWriter(ctx, conn); err != nil {
			conn.Close()
			return nil, err
		}
		w.conn = conn
	}
	tx, err := w.conn.BeginTx(ctx, opts)
	if err != nil {
		w.close()
	}
	return tx, err
}

func (w *committer) close() {
	if w.conn != nil {
		w.conn.Close()
		w.conn = nil
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
func (s *Store) enqueue(ctx context.Context, c *timeline.Case, row caseRow, check *CopyCheck) (flagged []string, err error) {
	g := s.group
	p := &pendingCase{ctx: ctx, c: c, row: row, check: check, done: make(chan error, 1)}
	select {
	case <-g.quit:
		return nil, ErrClosed
	default:
	}
	select {
	case g.queue <- p:
		g.mu.Lock()
		g.waiting++
		g.mu.Unlock()
	case <-g.quit:
		return nil, ErrClosed
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	// p.flagged is written before p.done is sent, and read after it is
	// received.
	select {
	case err := <-p.done:
		return p.flagged, err
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-g.quit:
		// The committers finish the groups they hold; a case they did
		// not take is answered by stop, or by nobody when it was queued
		// after stop drained the queue.
		g.wg.Wait()
		select {
		case err := <-p.done:
			return p.flagged, err
		default:
			return nil, ErrClosed
		}
	}
}

// commitLoop takes a group from the queue, writes it and answers each of
// its cases, until the store closes.
func (s *Store) commitLoop(w *committer) {
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
		s.commitGroup(w, group)
	}
}

// commitGroup writes the cases of group whose requests still wait, in one
// transaction. When that fails and the group held more than one case, each
// is tried again alone, so that one case the database refuses (or a
// conflict) fails only its own submission.
func (s *Store) commitGroup(w *committer, group []*pendingCase) {
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
	err := s.writeGroup(w, live)
	if err == nil || len(live) == 1 {
		s.group.count(1, len(live))
		for _, p := range live {
			s.group.answer(p, err)
		}
		return
	}
	for _, p := range live {
		err := s.writeGroup(w, []*pendingCase{p})
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
// Inserting them in order keeps repeats_earlier and the copy checks exact
// within the group: the second of two identical cases sees the first.
// The cases are kept for their read-back (readback.go) before the commit
// announces them, and forgotten again if it fails.
func (s *Store) writeGroup(w *committer, group []*pendingCase) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(group[0].ctx), groupWriteTimeout)
	defer cancel()
	ids := make([]string, len(group))
	for i, p := range group {
		ids[i] = p.row.id
		s.fresh.keep(p.c)
	}
	announce := ids
	identities := make([]string, len(group))
	for i, p := range group {
		identities[i] = identity(p.row)
	}
	err := s.writeWith(ctx, w.begin, func() []string { return announce }, func(tx *sql.Tx) error {
		announce = ids
		if err := s.d.lockIdentical(ctx, tx, identities); err != nil {
			return fmt.Errorf("lock identical cases: %w", err)
		}
		for _, p := range group {
			flagged, err := s.insertChecked(ctx, tx, p)
			if err != nil {
				return fmt.Errorf("case %q: %w", p.row.id, err)
			}
			p.flagged = flagged
			announce = append(announce, flagged...)
		}
		return nil
	})
	if err != nil {
		for _, id := range ids {
			s.fresh.take(id)
		}
	}
	return err
}

// identity is what identical cases share (identicalArgs), as one string.
func identity(r caseRow) string {
	args := identicalArgs(r)
	parts := make([]string, len(args))
	for i, v := range args {
		parts[i] = fmt.Sprint(v)
	}
	return strings.Join(parts, "\x1f")
}

// insertChecked runs p's copy check, if any, and inserts its case; it
// returns the cases the check flagged.
func (s *Store) insertChecked(ctx context.Context, tx *sql.Tx, p *pendingCase) (flagged []string, err error) {
	row := p.row
	var flag []string
	if p.check != nil {
		similar, err := s.similarIn(ctx, tx, row, p.check.Since)
		if err != nil {
			return nil, err
		}
		var burst bool
		burst, flag = p.check.Decide(similar)
		if burst {
			row.moderation, row.moderationReason = timeline.ModerationFlagged, p.check.Reason
			p.c.Moderation = timeline.Moderation{State: timeline.ModerationFlagged, Reason: p.check.Reason}
		}
	}
	if err := s.insertCase(ctx, tx, row); err != nil {
		return nil, err
	}
	if row.moderation == timeline.ModerationFlagged {
		if err := s.logAction(ctx, tx, ActionFlag, row.moderationReason, row.id, "", p.c.Created); err != nil {
			return nil, err
		}
	}
	for _, id := range flag {
		ok, err := s.flagOne(ctx, tx, id, p.check.Reason, p.c.Created)
		if err != nil {
			return nil, err
		}
		if ok {
			flagged = append(flagged, id)
		}
	}
	return flagged, nil
}
