package main

import (
	"context"
	"fmt"
	"io"

	"github.com/casetrack/casetrack/internal/store"
)

// runMigrate is "casetrack migrate": opening the store applies the
// embedded migrations.
func runMigrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	s := newOptionSet("migrate", "Apply the embedded database migrations and exit. \"serve\" also applies them on start.")
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
		return fmt.Errorf("migrate: %w", err)
	}
	defer st.Close()
	fmt.Fprintf(stdout, "migrations applied (%s)\n", st.Dialect())
	return nil
}
