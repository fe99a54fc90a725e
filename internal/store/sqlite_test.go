package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/timeline"
)

// TestSQLiteBulkRestoresForeignKeys: CreateCases turns foreign keys off on
// its connection; the pooled connection must enforce them (and cascade
// deletes) again afterwards.
func TestSQLiteBulkRestoresForeignKeys(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "fk.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.db.SetMaxOpenConns(1) // every statement below uses the bulk connection
	c := &timeline.Case{
		ID: timeline.NewCaseID(), Category: "n400", Country: "FR", Filed: timeline.Month{Year: 2024, Month: 1},
		Milestones: []timeline.Milestone{{Code: "received", Date: timeline.ApproxDate{Year: 2024, Month: 1, Day: 9}}},
		AsOf:       time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC), Created: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC),
	}
	if err := s.CreateCases(ctx, []*timeline.Case{c}, [][]byte{nil}); err != nil {
		t.Fatal(err)
	}
	var on int
	if err := s.db.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&on); err != nil || on != 1 {
		t.Fatalf("foreign_keys = %d, %v after CreateCases; want 1", on, err)
	}
	if err := s.DeleteCase(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM milestones").Scan(&n); err != nil || n != 0 {
		t.Errorf("%d milestones left after deleting their case (%v)", n, err)
	}
	_, err = s.db.ExecContext(ctx, "INSERT INTO milestones (case_id, seq, code, date) VALUES ('c_none', 0, 'received', '2024-01')")
	if err == nil || !strings.Contains(err.Error(), "FOREIGN KEY") {
		t.Errorf("orphan milestone: %v, want a foreign key error", err)
	}
}

// TestSQLitePragmas: every pooled connection runs with the settings the
// durability promise depends on.
func TestSQLitePragmas(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// Hold several connections at once so that more than one is checked.
	conns := 3
	for i := range conns {
		conn, err := s.db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		for pragma, want := range map[string]string{
			"journal_mode": "wal", "synchronous": "2", "foreign_keys": "1", "busy_timeout": "10000",
			"secure_delete": "1", // deleted accounts are overwritten, not just unlinked
		} {
			var got string
			if err := conn.QueryRowContext(ctx, "PRAGMA "+pragma).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("connection %d: PRAGMA %s = %s, want %s", i, pragma, got, want)
			}
		}
	}
}
