package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestScrubberRetriesUntilDone: a scrub that a reader blocked is tried
// again, without a new request, until one succeeds; a request after a
// success starts a new scrub; close stops a scrubber that is backing off.
func TestScrubberRetriesUntilDone(t *testing.T) {
	blocked := errors.New("blocked")
	// Each attempt hands the test a channel for its result.
	attempts := make(chan chan error)
	sc := newScrubber(func(ctx context.Context) error {
		res := make(chan error)
		select {
		case attempts <- res:
		case <-ctx.Done():
			return ctx.Err()
		}
		return <-res
	})
	answer := func(err error) {
		t.Helper()
		select {
		case res := <-attempts:
			res <- err
		case <-time.After(time.Minute): // a guard against hanging, not a timing
			t.Fatal("no scrub attempt came")
		}
	}

	// The request pending from the start: blocked three times, then done.
	for range 3 {
		answer(blocked)
	}
	answer(nil)
	// A new removal: a new scrub, retried after a block.
	sc.removed()
	answer(blocked)
	answer(nil)
	// Blocked again; close must not wait for a success.
	sc.removed()
	answer(blocked)
	sc.close()
}
