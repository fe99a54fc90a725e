package throttle

import (
	"bytes"
	"sync"
	"testing"
	"time"
)

// clock is a settable clock for tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newClock() *clock { return &clock{t: time.Date(2025, 6, 20, 10, 0, 0, 0, time.UTC)} }

func TestLimiterForgets(t *testing.T) {
	c := newClock()
	l := PerHour(2, c.Now)
	for _, addr := range []string{"198.51.100.1", "198.51.100.2"} {
		if _, _, ok := l.Reserve(addr); !ok {
			t.Fatal("first action refused")
		}
	}
	// Keys are salted hashes: no address appears in the limiter.
	l.mu.Lock()
	for k := range l.entries {
		if bytes.Contains([]byte(k), []byte("198.51.100")) {
			t.Errorf("limiter key contains the address: %q", k)
		}
	}
	l.mu.Unlock()
	if n := l.Size(); n != 2 {
		t.Fatalf("tracking %d clients, want 2", n)
	}

	// Idle entries expire once they would have refilled.
	c.Add(61 * time.Minute)
	l.Reserve("198.51.100.3")
	if n := l.Size(); n != 1 {
		t.Errorf("after an idle hour: tracking %d clients, want 1", n)
	}

	// A new day brings a new salt and forgets everyone.
	l.mu.Lock()
	oldSalt := append([]byte(nil), l.salt...)
	l.mu.Unlock()
	c.Add(14 * time.Hour)
	l.Reserve("198.51.100.4")
	l.mu.Lock()
	rotated := !bytes.Equal(oldSalt, l.salt)
	l.mu.Unlock()
	if !rotated || l.Size() != 1 {
		t.Errorf("next day: salt rotated %v, tracking %d clients", rotated, l.Size())
	}
}

func TestLimiterCancelGivesBack(t *testing.T) {
	c := newClock()
	l := PerHour(1, c.Now)
	cancel, _, ok := l.Reserve("a")
	if !ok {
		t.Fatal("refused")
	}
	cancel()
	if _, _, ok := l.Reserve("a"); !ok {
		t.Fatal("cancelled action was not given back")
	}
	_, retry, ok := l.Reserve("a")
	if ok || retry < 59*time.Minute || retry > time.Hour {
		t.Errorf("over the limit: ok %v retry %v, want about an hour", ok, retry)
	}
}

func TestLimiterPerDay(t *testing.T) {
	c := newClock()
	l := Per(6, 24*time.Hour, c.Now)
	for i := range 6 {
		if _, _, ok := l.Reserve("a"); !ok {
			t.Fatalf("action %d refused", i)
		}
	}
	_, retry, ok := l.Reserve("a")
	if ok || retry < 3*time.Hour || retry > 4*time.Hour+time.Second {
		t.Errorf("over the daily limit: ok %v retry %v, want about 4h", ok, retry)
	}
	// An entry of a daily limiter is not forgotten after an idle hour.
	c.Add(61 * time.Minute)
	l.Reserve("b")
	if n := l.Size(); n != 2 {
		t.Errorf("tracking %d keys, want 2", n)
	}
}

func TestLimiterOff(t *testing.T) {
	l := PerHour(0, newClock().Now)
	for range 100 {
		if _, _, ok := l.Reserve("a"); !ok {
			t.Fatal("a limit of 0 refused")
		}
	}
}
