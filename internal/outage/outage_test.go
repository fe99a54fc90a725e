package outage

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// lockedBuffer collects log lines written from the probe's goroutine.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestOutageLoggedOnce checks the outage log of the operations promise:
// a thousand failed requests during one outage give one line when it
// starts and one when it ends, with its start, duration and count.
func TestOutageLoggedOnce(t *testing.T) {
	var logs lockedBuffer
	now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	tr := New("database", slog.New(slog.NewTextHandler(&logs, nil)), Options{Now: func() time.Time { return now }})
	if _, down := tr.Down(); down {
		t.Fatal("a new tracker is down")
	}
	tr.OK() // nothing to end
	for range 1000 {
		tr.Fail(errors.New("connection refused"))
	}
	since, down := tr.Down()
	if !down || !since.Equal(now) {
		t.Fatalf("Down() = %v, %v; want %v, true", since, down, now)
	}
	now = now.Add(95 * time.Second)
	tr.OK()
	tr.OK()
	if _, down := tr.Down(); down {
		t.Fatal("still down after OK")
	}
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d log lines, want 2:\n%s", len(lines), logs.String())
	}
	for _, want := range []string{"level=ERROR", "database unavailable", "connection refused"} {
		if !strings.Contains(lines[0], want) {
			t.Errorf("start line %q lacks %q", lines[0], want)
		}
	}
	for _, want := range []string{"level=INFO", "database available again", "down_since=2026-12-02T09:00:00Z", "duration=1m35s", "failed_requests=1000"} {
		if !strings.Contains(lines[1], want) {
			t.Errorf("end line %q lacks %q", lines[1], want)
		}
	}
	// A second outage is logged again.
	tr.Fail(errors.New("disk full"))
	if n := strings.Count(logs.String(), "database unavailable"); n != 2 {
		t.Errorf("second outage: %d start lines, want 2", n)
	}
}

// TestOutageEndsByProbe checks that while the database is down the
// tracker probes it in the background, one probe at a time, and ends the
// outage when a probe succeeds.
func TestOutageEndsByProbe(t *testing.T) {
	var logs lockedBuffer
	var healthy atomic.Bool
	var running, most, calls atomic.Int32
	probe := func(ctx context.Context) error {
		calls.Add(1)
		n := running.Add(1)
		defer running.Add(-1)
		for {
			m := most.Load()
			if n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		if healthy.Load() {
			return nil
		}
		return errors.New("still down")
	}
	tr := New("database", slog.New(slog.NewTextHandler(&logs, nil)), Options{Probe: probe, Every: time.Millisecond})
	tr.Check() // up: no probe
	if calls.Load() != 0 {
		t.Fatal("probed while up")
	}
	tr.Fail(errors.New("connection refused"))
	// Probes fail while the database is down.
	for calls.Load() < 3 {
		tr.Check()
		time.Sleep(time.Millisecond) // pacing of the loop, not a deadline
	}
	if _, down := tr.Down(); !down {
		t.Fatal("a failed probe ended the outage")
	}
	healthy.Store(true)
	for {
		if _, down := tr.Down(); !down {
			break
		}
		tr.Check()
		time.Sleep(time.Millisecond)
	}
	if m := most.Load(); m != 1 {
		t.Errorf("%d probes ran at once, want 1", m)
	}
	if !strings.Contains(logs.String(), "database available again") {
		t.Errorf("no end line:\n%s", logs.String())
	}
}
