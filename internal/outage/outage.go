// Package outage follows whether a dependency (the database) is
// reachable and logs each outage twice: once when it starts, with the
// first error, and once when it ends, with its duration and how many
// requests it failed. A server that logged every failed request would
// write tens of thousands of identical lines during one outage and still
// not say when it began or ended.
package outage

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// Tracker is the state of one dependency. It is safe for concurrent use.
// The zero value is not usable; call New.
type Tracker struct {
	what  string // "database", in the log lines
	log   *slog.Logger
	now   func() time.Time
	probe func(context.Context) error
	// every is the least time between two recovery probes.
	every time.Duration
	// timeout bounds one recovery probe.
	timeout time.Duration

	mu        sync.Mutex
	since     time.Time // start of the current outage; zero when up
	failures  int       // failures reported during the current outage
	probing   bool      // a recovery probe is running
	lastProbe time.Time
}

// Options are the settings of New; zero values take the defaults.
type Options struct {
	// Now is the clock of the log lines; defaults to time.Now. Probes
	// are paced by the monotonic clock whatever it is.
	Now func() time.Time
	// Probe, when set, is run in the background by Check while an outage
	// lasts; its success ends the outage. Without it only OK ends one.
	Probe func(context.Context) error
	// Every is the least time between two probes (default 1 s).
	Every time.Duration
	// Timeout bounds one probe (default 2 s).
	Timeout time.Duration
}

// New returns a tracker of the dependency named what, which starts up.
func New(what string, log *slog.Logger, o Options) *Tracker {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Every <= 0 {
		o.Every = time.Second
	}
	if o.Timeout <= 0 {
		o.Timeout = 2 * time.Second
	}
	return &Tracker{what: what, log: log, now: o.Now, probe: o.Probe, every: o.Every, timeout: o.Timeout}
}

// Fail records a failure caused by the dependency being unavailable. The
// first failure of an outage is logged as an error; later ones only
// counted.
func (t *Tracker) Fail(err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.failures++
	if !t.since.IsZero() {
		return
	}
	t.since = t.now()
	t.log.Error(t.what+" unavailable: answering 503 until it is back", "err", err)
}

// OK records that the dependency answered. It ends an outage, logging
// when it began, how long it lasted and how many failures it caused.
func (t *Tracker) OK() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.since.IsZero() {
		return
	}
	now := t.now()
	t.log.Info(t.what+" available again", "down_since", t.since.UTC().Format(time.RFC3339),
		"duration", now.Sub(t.since).Round(time.Millisecond), "failed_requests", t.failures)
	t.since, t.failures = time.Time{}, 0
}

// Down reports whether an outage is going on, and since when.
func (t *Tracker) Down() (since time.Time, down bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.since, !t.since.IsZero()
}

// Check starts a recovery probe in the background when an outage is
// going on, no probe is running and the last one is at least Every ago.
// Callers call it often (every request may); it never blocks. The
// probe's goroutine ends within Timeout.
func (t *Tracker) Check() {
	t.mu.Lock()
	if t.probe == nil || t.since.IsZero() || t.probing || time.Since(t.lastProbe) < t.every {
		t.mu.Unlock()
		return
	}
	t.probing, t.lastProbe = true, time.Now()
	t.mu.Unlock()
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), t.timeout)
		err := t.probe(ctx)
		cancel()
		t.mu.Lock()
		t.probing = false
		t.mu.Unlock()
		if err == nil {
			t.OK()
		}
	}()
}
