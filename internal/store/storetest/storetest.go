// Package storetest hands tests a fresh, migrated store on each database
// CaseTrack supports, and cleans it up afterwards.
//
// SQLite always runs (a file in the test's temporary directory).
// PostgreSQL runs against CASETRACK_TEST_POSTGRES, by default
// postgres://postgres@127.0.0.1:5432/test?sslmode=disable, in a schema of
// its own that is dropped when the test ends, so tests may run in
// parallel. When that server cannot be reached the PostgreSQL half is
// skipped with a message saying so, except under CI=true, where it fails:
// continuous integration must never pass without having run it.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/casetrack/casetrack/internal/store"
)

// DefaultPostgresURL is the server used when CASETRACK_TEST_POSTGRES is
// not set.
const DefaultPostgresURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// connectTimeout bounds how long an absent server can delay a test.
const connectTimeout = 5 * time.Second

// Each runs fn as a subtest on every database: "sqlite", then "postgres"
// (skipped, or failed under CI=true, when PostgreSQL is unreachable).
func Each(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
}

// EachURL runs fn as a subtest with the URL of a fresh, empty database on
// every database, for tests that open several stores on one database or
// start a process: "sqlite" (a file URL), then "postgres" (a fresh schema;
// same skip and CI rules as Each).
func EachURL(t *testing.T, fn func(t *testing.T, url string)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLiteURL(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, PostgresURL(t)) })
}

// SQLiteURL returns the URL of a not yet created database file in the
// test's temporary directory.
func SQLiteURL(t testing.TB) string {
	t.Helper()
	return "sqlite:" + filepath.Join(t.TempDir(), "casetrack.db")
}

// SQLite opens a store on a new file in the test's temporary directory
// and closes it when the test ends.
func SQLite(t testing.TB) *store.Store {
	t.Helper()
	return open(t, SQLiteURL(t))
}

// Postgres opens a store on a fresh PostgreSQL schema, closed and dropped
// when the test ends.
func Postgres(t testing.TB) *store.Store {
	t.Helper()
	return open(t, PostgresURL(t))
}

// PostgresBehindProxy opens a store on a fresh PostgreSQL schema through
// a Proxy the test can cut and restore, for outage drills.
func PostgresBehindProxy(t testing.TB) (*store.Store, *Proxy) {
	t.Helper()
	p := NewProxy(t, PostgresURL(t))
	return open(t, p.URL), p
}

// PostgresURL creates an empty schema and returns a URL whose connections
// use it (search_path), for tests that open several stores on one schema
// or start the binary. The schema is dropped when the test ends.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := postgresBase()
	ctx, cancel := context.WithTimeout(context.Background(), connectTimeout)
	defer cancel()
	u, drop, err := store.NewSchema(ctx, base, "test_")
	if err != nil {
		var ce *pgconn.ConnectError
		if errors.As(err, &ce) {
			unreachable(t, base, err)
		}
		t.Fatalf("create test schema: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), connectTimeout)
		defer cancel()
		if err := drop(ctx); err != nil {
			t.Errorf("%v", err)
		}
	})
	return u
}

// PostgresBase returns the URL of the test server itself, for code that
// makes its own schemas on it (store.NewSchema). Like Postgres, it skips
// the test, or fails it under CI=true, when the server cannot be reached.
func PostgresBase(t testing.TB) string {
	t.Helper()
	// Making and dropping a schema checks the server as the tests use it.
	_ = PostgresURL(t)
	return postgresBase()
}

// postgresBase is CASETRACK_TEST_POSTGRES or the default server.
func postgresBase() string {
	if base := os.Getenv("CASETRACK_TEST_POSTGRES"); base != "" {
		return base
	}
	return DefaultPostgresURL
}

// unreachable skips the test, or fails it under CI=true.
func unreachable(t testing.TB, base string, err error) {
	t.Helper()
	msg := fmt.Sprintf("PostgreSQL at %s is not reachable (%v); set CASETRACK_TEST_POSTGRES to run the PostgreSQL half of the store tests", redact(base), err)
	if os.Getenv("CI") == "true" {
		t.Fatal(msg + " (CI=true: PostgreSQL tests must run)")
	}
	t.Skip("skipping: " + msg)
}

func open(t testing.TB, url string) *store.Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := store.Open(ctx, url)
	if err != nil {
		t.Fatalf("open test store: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close test store: %v", err)
		}
	})
	return s
}

// redact hides a password in a URL shown in a test message.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}
