package store

import (
	"context"
	"sync"
	"time"
)

// Listen calls fn with the id of every case created, updated or deleted by
// any instance sharing the database, until ctx ends; then it returns nil.
// fn is called from one goroutine, one id at a time.
//
// fn("") means "resynchronise everything": changes may have been missed.
// It is always the first call, made once Listen is listening, so that a
// caller that loads the cases then cannot miss a change made between its
// load and the start of listening. On PostgreSQL (LISTEN/NOTIFY on a
// dedicated connection) it also follows every reconnection after the
// connection to the server was lost, because notifications sent while
// nobody listened are gone. On SQLite only the writes made through this
// Store are seen (an in-process fan-out), and "" also follows a burst of
// more changes than a slow listener was able to queue.
//
// Listen returns an error only when it cannot start listening at all.
func (s *Store) Listen(ctx context.Context, fn func(caseID string)) error {
	s.fresh.listening(1)
	defer s.fresh.listening(-1)
	return s.d.listen(ctx, func(id string) {
		if id == "" {
			s.fresh.forget()
		}
		fn(id)
	})
}

// maxQueued bounds the ids queued for one slow in-process listener; past
// it the listener is told to resynchronise instead (a bulk seed of a
// million cases would otherwise queue them all).
const maxQueued = 100_000

// hub fans committed writes out to this process's listeners.
type hub struct {
	mu   sync.Mutex
	subs map[*subscriber]struct{}
}

// subscriber is one Listen call's queue.
type subscriber struct {
	mu       sync.Mutex
	queue    []string
	overflow bool
	wake     chan struct{} // capacity 1: "the queue has something"
}

func newHub() *hub { return &hub{subs: map[*subscriber]struct{}{}} }

// publish queues ids for every listener without ever blocking the writer.
func (h *hub) publish(ids []string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for sub := range h.subs {
		sub.mu.Lock()
		switch {
		case sub.overflow:
		case len(sub.queue)+len(ids) > maxQueued:
			sub.queue, sub.overflow = nil, true
		default:
			sub.queue = append(sub.queue, ids...)
		}
		sub.mu.Unlock()
		select {
		case sub.wake <- struct{}{}:
		default:
		}
	}
}

// listen delivers published ids to fn until ctx ends.
func (h *hub) listen(ctx context.Context, fn func(caseID string)) error {
	sub := &subscriber{wake: make(chan struct{}, 1)}
	h.mu.Lock()
	h.subs[sub] = struct{}{}
	h.mu.Unlock()
	defer func() {
		h.mu.Lock()
		delete(h.subs, sub)
		h.mu.Unlock()
	}()
	fn("")
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-sub.wake:
		}
		sub.mu.Lock()
		queue, overflow := sub.queue, sub.overflow
		sub.queue, sub.overflow = nil, false
		sub.mu.Unlock()
		if overflow {
			fn("")
		}
		for _, id := range queue {
			if ctx.Err() != nil {
				return nil
			}
			fn(id)
		}
	}
}

// ObserveListen sets functions that Listen tells when its connection to
// the database is lost (with the error) and when it listens again (with
// how long it was deaf: the statistics index may have missed other
// instances' writes for that long, and is resynchronised next). Only
// PostgreSQL's Listen has a connection to lose; on SQLite it does
// nothing. Call it before Listen.
func (s *Store) ObserveListen(lost func(err error), back func(deaf time.Duration)) {
	if d, ok := s.d.(*postgresDialect); ok {
		d.listenLost, d.listenBack = lost, back
	}
}
