package store

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// subscribed waits until n listeners are registered with h.
func subscribed(t *testing.T, h *hub, n int) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		h.mu.Lock()
		got := len(h.subs)
		h.mu.Unlock()
		if got == n {
			return
		}
	}
	t.Fatalf("hub never had %d listeners", n)
}

func TestHubDeliversInOrderToEveryListener(t *testing.T) {
	h := newHub()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	outs := []chan string{make(chan string, 10), make(chan string, 10)}
	for _, out := range outs {
		go h.listen(ctx, func(id string) { out <- id }) //nolint:errcheck
	}
	subscribed(t, h, 2)
	h.publish([]string{"a", "b"})
	h.publish([]string{"c"})
	for i, out := range outs {
		for _, want := range []string{"", "a", "b", "c"} {
			if got := <-out; got != want {
				t.Errorf("listener %d heard %q, want %q", i, got, want)
			}
		}
	}
	cancel()
	subscribed(t, h, 0)
}

func TestHubOverflowResyncs(t *testing.T) {
	h := newHub()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	got := make(chan string, 10)
	entered := make(chan struct{})
	block := make(chan struct{})
	go h.listen(ctx, func(id string) { //nolint:errcheck
		if id == "first" {
			close(entered)
			<-block
		}
		got <- id
	})
	next := func(want string) {
		t.Helper()
		select {
		case id := <-got:
			if id != want {
				t.Fatalf("heard %q, want %q", id, want)
			}
		case <-time.After(time.Minute): // a guard against hanging, not a timing
			t.Fatalf("heard nothing, want %q", want)
		}
	}
	next("") // listening
	h.publish([]string{"first"})
	<-entered // fn holds "first"; what follows queues up
	ids := make([]string, maxQueued/2+1)
	for i := range ids {
		ids[i] = fmt.Sprint("c_", i)
	}
	h.publish(ids)
	h.publish(ids) // one more than the queue may hold
	h.publish([]string{"after"})
	close(block)
	next("first")
	next("") // the queue overflowed: resynchronise, instead of every id
	select {
	case id := <-got:
		t.Errorf("heard %q after the resync, want nothing: the resync covers it", id)
	case <-time.After(100 * time.Millisecond):
	}
	// After a resync the listener queues again.
	h.publish([]string{"later"})
	next("later")
}
