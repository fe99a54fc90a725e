package storetest

import (
	"database/sql"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver

	"github.com/casetrack/casetrack/internal/store"
)

// EachRaw runs fn as a subtest on every database (as Each does) with a
// store and a separate raw connection pool to the same database, for
// tests that look at the tables and files behind the store's back. path
// is the SQLite database file ("" on PostgreSQL).
func EachRaw(t *testing.T, fn func(t *testing.T, s *store.Store, db *sql.DB, path string)) {
	t.Helper()
	EachURL(t, func(t *testing.T, url string) {
		s := open(t, url)
		var db *sql.DB
		var err error
		path := ""
		if p, ok := strings.CutPrefix(url, "sqlite:"); ok {
			path = p
			db, err = sql.Open("sqlite", p)
		} else {
			db, err = sql.Open("pgx", url)
		}
		if err != nil {
			t.Fatalf("open raw connection: %v", err)
		}
		t.Cleanup(func() { db.Close() })
		fn(t, s, db, path)
	})
}
