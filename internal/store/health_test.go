package store_test

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
)

// TestUnavailable: the outage promise tells an unusable database (503)
// from a failure of one request (500) by the error alone.
func TestUnavailable(t *testing.T) {
	wrap := func(err error) error { return fmt.Errorf("create case: %w", err) }
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"plain", errors.New("boom"), false},
		{"not found", store.ErrNotFound, false},
		{"deadline", context.DeadlineExceeded, false},
		{"connect", wrap(&pgconn.ConnectError{}), true},
		{"connection lost mid-query", wrap(io.ErrUnexpectedEOF), true},
		{"bad connection", wrap(driver.ErrBadConn), true},
		{"refused", wrap(&net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}), true},
		{"network timeout", wrap(&net.OpError{Op: "read", Err: timeoutErr{}}), false},
		{"admin shutdown", wrap(&pgconn.PgError{Code: "57P01"}), true},
		{"disk full", wrap(&pgconn.PgError{Code: "53100"}), true},
		{"read-only standby", wrap(&pgconn.PgError{Code: "25006"}), true},
		{"connection failure", wrap(&pgconn.PgError{Code: "08006"}), true},
		{"unique violation", wrap(&pgconn.PgError{Code: "23505"}), false},
		{"query canceled", wrap(&pgconn.PgError{Code: "57014"}), false},
		{"read-only file system", wrap(&net.OpError{Err: syscall.EROFS}), true},
		{"no space", wrap(syscall.ENOSPC), true},
	}
	for _, tt := range tests {
		if got := store.Unavailable(tt.err); got != tt.want {
			t.Errorf("%s: Unavailable(%v) = %v, want %v", tt.name, tt.err, got, tt.want)
		}
	}
}

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

// TestReadyLeavesNoData: the readiness probe succeeds on a healthy
// database, on both, and changes nothing a reader can see.
func TestReadyLeavesNoData(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		before, err := s.CountCases(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for range 3 {
			if err := s.Ready(ctx); err != nil {
				t.Fatalf("Ready on a healthy database: %v", err)
			}
		}
		after, err := s.CountCases(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if before != after {
			t.Errorf("cases %d before the probes, %d after", before, after)
		}
		if err := s.Migrate(ctx); err != nil {
			t.Errorf("migrations after the probes: %v", err)
		}
	})
}

// TestClaimServer: one server per SQLite file; a second claim on the
// same file, from another store, is refused with ErrServedElsewhere
// until the first store closes. PostgreSQL stores never refuse.
func TestClaimServer(t *testing.T) {
	url := storetest.SQLiteURL(t)
	open := func() *store.Store {
		s, err := store.Open(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	first, second := open(), open()
	defer second.Close()
	if err := first.ClaimServer(); err != nil {
		t.Fatalf("first claim: %v", err)
	}
	if err := first.ClaimServer(); err != nil {
		t.Errorf("claiming again what this store holds: %v", err)
	}
	if err := second.ClaimServer(); !errors.Is(err, store.ErrServedElsewhere) {
		t.Errorf("second claim: %v, want ErrServedElsewhere", err)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	if err := second.ClaimServer(); err != nil {
		t.Errorf("claim after the first store closed: %v", err)
	}
	pg := storetest.Postgres(t)
	if err := pg.ClaimServer(); err != nil {
		t.Errorf("PostgreSQL claim: %v", err)
	}
}
