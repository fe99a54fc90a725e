package store

import (
	"context"
	"testing"
	"time"
)

// TestListenFailsWhenItCannotStart: an unreachable server is reported,
// not retried for ever, when Listen starts.
func TestListenFailsWhenItCannotStart(t *testing.T) {
	d, err := newPostgres("postgres://postgres@127.0.0.1:1/none?sslmode=disable&connect_timeout=2")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	called := false
	if err := d.listen(ctx, func(string) { called = true }); err == nil {
		t.Error("listen on an unreachable server returned nil")
	}
	if called {
		t.Error("fn was called although listening never started")
	}
}
