package store_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"io/fs"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
	"github.com/casetrack/casetrack/internal/timeline"
)

// scrubGuard only keeps a broken build from hanging: the test waits for
// conditions, and they hold within a few scrubber attempts.
const scrubGuard = 60 * time.Second

// TestRemovedTextLeavesTheFiles: after every write that removes personal
// text, the text is soon in neither the SQLite database file nor its
// write-ahead log, even when a reader held an older snapshot while it was
// removed, and the write itself returns without waiting for that reader.
// On PostgreSQL it checks what the store promises there: the text is gone
// from every query at once.
func TestRemovedTextLeavesTheFiles(t *testing.T) {
	tests := []struct {
		name string
		// plant stores secret as personal text and returns the write
		// that removes it.
		plant func(t *testing.T, s *store.Store, secret string) func(context.Context) error
	}{
		{"case deleted with its edit key", func(t *testing.T, s *store.Store, secret string) func(context.Context) error {
			c := noteCase(t, s, secret, "")
			return func(ctx context.Context) error { return s.DeleteCase(ctx, c.ID) }
		}},
		{"case deleted by a moderator", func(t *testing.T, s *store.Store, secret string) func(context.Context) error {
			c := noteCase(t, s, secret, "")
			return func(ctx context.Context) error {
				return s.DeleteCaseModerated(ctx, c.ID, "personal_data", "a_MOD", day(2025, time.January, 11))
			}
		}},
		{"note changed by its owner", func(t *testing.T, s *store.Store, secret string) func(context.Context) error {
			c := noteCase(t, s, secret, "")
			return func(ctx context.Context) error {
				_, err := s.EditCase(ctx, c.ID, func(c *timeline.Case) error { c.Note = "Nothing to add."; return nil })
				return err
			}
		}},
		{"note cleared through an update", func(t *testing.T, s *store.Store, secret string) func(context.Context) error {
			c := noteCase(t, s, secret, "")
			return func(ctx context.Context) error {
				_, err := s.UpdateCase(ctx, c.ID, func(c *timeline.Case) error { c.Note = ""; return nil })
				return err
			}
		}},
		{"account deleted", func(t *testing.T, s *store.Store, secret string) func(context.Context) error {
			a := store.Account{ID: "a_GONE", Email: secret + "@example.org", Name: "Gone", PasswordHash: "$2a$hash"}
			if err := s.CreateAccount(ctx(t), a); err != nil {
				t.Fatal(err)
			}
			noteCase(t, s, "owned by "+secret, a.ID)
			return func(ctx context.Context) error { _, err := s.DeleteAccount(ctx, a.ID); return err }
		}},
		{"address changed by the identity provider", func(t *testing.T, s *store.Store, secret string) func(context.Context) error {
			a := store.Account{ID: "a_MOVED", Email: secret + "@example.org", OIDCIssuer: "https://id.example", OIDCSubject: "sub-1"}
			if err := s.CreateAccount(ctx(t), a); err != nil {
				t.Fatal(err)
			}
			return func(ctx context.Context) error { return s.UpdateAccountProfile(ctx, a.ID, "new@example.org", "New") }
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			storetest.EachRaw(t, func(t *testing.T, s *store.Store, raw *sql.DB, path string) {
				// Distinctive enough never to occur in a page by chance.
				secret := "zq" + strings.ToLower(rand.Text())
				remove := tt.plant(t, s, secret)
				if path != "" && !inFiles(t, path, secret) {
					t.Fatal("the text never reached the database files; the test would prove nothing")
				}

				// A reader holds a snapshot from before the removal.
				reader, err := raw.BeginTx(t.Context(), nil)
				if err != nil {
					t.Fatal(err)
				}
				defer reader.Rollback() //nolint:errcheck
				var n int
				if err := reader.QueryRow("SELECT count(*) FROM cases").Scan(&n); err != nil {
					t.Fatal(err)
				}

				removed := make(chan error, 1)
				go func() { removed <- remove(t.Context()) }()
				select {
				case err := <-removed:
					if err != nil {
						t.Fatalf("removal: %v", err)
					}
				case <-time.After(scrubGuard):
					t.Fatal("the removal waited for a reader of an older snapshot")
				}
				// Only now, after the answer, does the reader let go.
				if err := reader.Rollback(); err != nil {
					t.Fatal(err)
				}

				if got := rowsMentioning(t, raw, secret); got != 0 {
					t.Errorf("%d rows still mention the removed text", got)
				}
				if path == "" {
					return
				}
				deadline := time.Now().Add(scrubGuard)
				for inFiles(t, path, secret) {
					if time.Now().After(deadline) {
						t.Fatalf("the removed text is still in %s or its WAL", path)
					}
					time.Sleep(20 * time.Millisecond)
				}
			})
		})
	}
}

// noteCase stores a case whose note contains secret, owned by owner when
// it is not "".
func noteCase(t *testing.T, s *store.Store, secret, owner string) *timeline.Case {
	t.Helper()
	c := sampleCase()
	c.Note = "Call me, reference " + secret + "."
	c.OwnerID = owner
	mustCreate(t, s, c)
	return c
}

// rowsMentioning counts the case notes and account addresses and names
// that contain secret.
func rowsMentioning(t *testing.T, db *sql.DB, secret string) int {
	t.Helper()
	var n int
	err := db.QueryRowContext(t.Context(), `SELECT
		(SELECT count(*) FROM cases WHERE note LIKE '%' || $1 || '%') +
		(SELECT count(*) FROM accounts WHERE email LIKE '%' || $1 || '%' OR email_key LIKE '%' || $1 || '%' OR name LIKE '%' || $1 || '%')`,
		secret).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// inFiles reports whether secret occurs in the SQLite database file at
// path or in its write-ahead log. The log is read first: a checkpoint
// running meanwhile copies pages into the database file before it
// empties the log, so text that is stored is always found in one of them.
func inFiles(t *testing.T, path, secret string) bool {
	t.Helper()
	for _, p := range []string{path + "-wal", path} {
		b, err := os.ReadFile(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(secret)) {
			return true
		}
	}
	return false
}
