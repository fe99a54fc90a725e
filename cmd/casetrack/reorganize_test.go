package main

import (
	"bytes"
	"context"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
	"github.com/casetrack/casetrack/internal/timeline"
)

func TestParseServeReorganizeEvery(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want time.Duration
		err  string
	}{
		{"default", nil, nil, time.Hour, ""},
		{"flag", []string{"--reorganize-every", "30m"}, nil, 30 * time.Minute, ""},
		{"environment", nil, map[string]string{"CASETRACK_REORGANIZE_EVERY": "2h"}, 2 * time.Hour, ""},
		{"off", []string{"--reorganize-every=0"}, nil, 0, ""},
		{"not a duration", []string{"--reorganize-every", "hourly"}, nil, 0, `--reorganize-every: "hourly" is not a duration`},
		{"negative", nil, map[string]string{"CASETRACK_REORGANIZE_EVERY": "-1h"}, 0, "--reorganize-every (from CASETRACK_REORGANIZE_EVERY): must not be negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseServe(tt.args, env(tt.env), &bytes.Buffer{})
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want it to contain %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.ReorganizeEvery != tt.want {
				t.Errorf("ReorganizeEvery = %v, want %v", got.ReorganizeEvery, tt.want)
			}
		})
	}
}

// storeWithCase opens a store at url holding one case shared today.
func storeWithCase(t *testing.T, url string) *store.Store {
	t.Helper()
	st, err := store.Open(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	today := timeline.Today(time.Now())
	c := &timeline.Case{ID: timeline.NewCaseID(), Category: "eb2-niw", Country: "IN", Filed: timeline.Month{Year: 2024, Month: time.March},
		Milestones: []timeline.Milestone{{Code: "received", Date: timeline.DateOf(time.Date(2024, 3, 20, 0, 0, 0, 0, time.UTC))}},
		AsOf:       today, Created: today}
	if err := st.CreateCase(t.Context(), c, timeline.HashEditKey("ek")); err != nil {
		t.Fatal(err)
	}
	return st
}

func TestReorganizeCommand(t *testing.T) {
	storetest.EachURL(t, func(t *testing.T, url string) {
		storeWithCase(t, url)
		var out, errOut bytes.Buffer
		if code := run(t.Context(), []string{"reorganize", "--database", url}, env(nil), &out, &errOut); code != 0 {
			t.Fatalf("exit %d: %s", code, errOut.String())
		}
		// The case and its milestone.
		if !regexp.MustCompile(`^reorganized: 2 rows rewritten in \S+\n$`).MatchString(out.String()) {
			t.Errorf("output %q", out.String())
		}
	})
}

func TestReorganizeCommandUsage(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run(t.Context(), []string{"reorganize", "--database", "mysql://x"}, env(nil), &out, &errOut); code != 2 {
		t.Fatalf("exit %d, want 2", code)
	}
	if !strings.Contains(errOut.String(), `"mysql://x" is not a database URL`) {
		t.Errorf("stderr %q", errOut.String())
	}
}

// logRecorder keeps the messages logged through it.
type logRecorder struct {
	mu   sync.Mutex
	msgs []string
	seen chan struct{}
}

func (l *logRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (l *logRecorder) Handle(_ context.Context, r slog.Record) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.msgs = append(l.msgs, r.Message)
	select {
	case l.seen <- struct{}{}:
	default:
	}
	return nil
}
func (l *logRecorder) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *logRecorder) WithGroup(string) slog.Handler      { return l }

// TestReorganizeEveryRunsAtStart checks that the periodic reorganisation
// runs once right away, not only after its first interval, and stops
// with its context.
func TestReorganizeEveryRunsAtStart(t *testing.T) {
	storetest.EachURL(t, func(t *testing.T, url string) {
		st := storeWithCase(t, url)
		rec := &logRecorder{seen: make(chan struct{}, 1)}
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() {
			defer close(done)
			reorganizeEvery(ctx, st, time.Hour, slog.New(rec))
		}()
		select {
		case <-rec.seen:
		case <-t.Context().Done():
			t.Fatal("no reorganization logged")
		}
		cancel()
		<-done
		rec.mu.Lock()
		defer rec.mu.Unlock()
		if len(rec.msgs) != 1 || rec.msgs[0] != "database reorganized" {
			t.Errorf("logged %q, want one successful reorganization", rec.msgs)
		}
	})
}
