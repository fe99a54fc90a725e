package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/casetrack/casetrack/internal/store"
)

// defaultReorganizeEvery is how often "serve" reorganises the database
// (store.Reorganize): within that time after a submission, the order of
// recent rows can still be read from the database files.
const defaultReorganizeEvery = "1h"

// runReorganize is "casetrack reorganize": one reorganisation, for
// instance right after an upgrade, whose first reorganisation of a
// PostgreSQL database rewrites every row.
func runReorganize(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	s := newOptionSet("reorganize", "Rewrite recently stored rows in the order of their random keys, so that the database files do not show the order in which they were submitted, and exit. \"serve\" does this periodically (--reorganize-every).")
	database := s.addDatabase("")
	if err := parseOptions(s, args, getenv, stdout, ""); err != nil {
		return err
	}
	url := s.database(database)
	if err := s.err(); err != nil {
		return usageError{err}
	}
	st, err := store.OpenWriter(ctx, url)
	if err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	defer st.Close()
	start := time.Now()
	r, err := st.Reorganize(ctx, time.Now())
	if err != nil {
		return err
	}
	if r.Skipped {
		fmt.Fprintln(stdout, "another instance is reorganizing this database; nothing done")
		return nil
	}
	fmt.Fprintf(stdout, "reorganized: %d rows rewritten in %s\n", r.Rows, time.Since(start).Round(time.Millisecond))
	return nil
}

// reorganizeEvery reorganises the database once at start and then every
// interval until ctx ends. A failed run is logged and tried again at the
// next one.
func reorganizeEvery(ctx context.Context, st *store.Store, every time.Duration, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		start := time.Now()
		r, err := st.Reorganize(ctx, start)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			log.Warn("reorganization failed; retrying at the next interval", "err", err)
		case r.Skipped:
			log.Info("reorganization skipped: another instance is running it")
		default:
			log.Info("database reorganized", "rows", r.Rows, "duration", time.Since(start).Round(time.Millisecond))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
