package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/seed"
	"github.com/casetrack/casetrack/internal/store"
)

// runSeed is "casetrack seed": it adds n synthetic cases, for demos,
// development and load tests.
func runSeed(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	s := newOptionSet("seed", "Add synthetic cases to the database (deterministic for a given --seed). Never use it on a database with real data.")
	database := s.addDatabase("")
	cases := s.add("cases", "N", "", "number of cases to add (required, at least 1)")
	seedOpt := s.add("seed", "S", "1", "random seed; the same seed gives the same cases")
	if err := parseOptions(s, args, getenv, stdout, ""); err != nil {
		return err
	}
	url := s.database(database)
	var n int
	if cases.value == "" {
		s.fail(cases, "is required")
	} else {
		n = s.int(cases, 1)
	}
	seedValue, err := strconv.ParseUint(strings.TrimSpace(seedOpt.value), 10, 64)
	if err != nil {
		s.fail(seedOpt, "%q is not a whole number of at least 0", seedOpt.value)
	}
	if err := s.err(); err != nil {
		return usageError{err}
	}
	st, err := store.OpenWriter(ctx, url)
	if err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	defer st.Close()
	start := time.Now()
	if err := seed.Run(ctx, st, catalog.Default(), n, time.Now(), seedValue, stdout); err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	fmt.Fprintf(stdout, "added %d synthetic cases in %s\n", n, time.Since(start).Round(time.Millisecond))
	return nil
}
