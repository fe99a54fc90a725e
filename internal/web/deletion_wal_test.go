package web

import (
	"bytes"
	"crypto/rand"
	"database/sql"
	"errors"
	"io/fs"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
)

// TestDeletionAnswersWhileAReaderHoldsTheDatabase: a deletion through the
// API answers while another connection still reads an older snapshot,
// and the deleted text then leaves the SQLite database file and its
// write-ahead log once that reader lets go.
func TestDeletionAnswersWhileAReaderHoldsTheDatabase(t *testing.T) {
	tests := []struct {
		name string
		// plant stores secret and returns the request that removes it.
		plant func(e *testEnv, secret string) *http.Request
	}{
		{"case deleted with its edit key", func(e *testEnv, secret string) *http.Request {
			sub := validSubmission()
			sub["note"] = "Reach me at " + secret
			c := e.create(sub)
			return deletion(e, "/api/v1/cases/"+c.ID, editKey(c.EditKey))
		}},
		{"account deleted", func(e *testEnv, secret string) *http.Request {
			e.signup(secret+"@example.org", testPassword, "")
			me := e.signin(secret+"@example.org", testPassword)
			return deletion(e, "/api/v1/me", me)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			storetest.EachRaw(t, func(t *testing.T, st *store.Store, db *sql.DB, path string) {
				e := newEnv(t, st)
				secret := "zq" + strings.ToLower(rand.Text())
				req := tt.plant(e, secret)
				if path != "" && !fileHolds(t, path, secret) && !fileHolds(t, path+"-wal", secret) {
					t.Fatal("the text never reached the database files; the test would prove nothing")
				}

				reader, err := db.BeginTx(t.Context(), nil)
				if err != nil {
					t.Fatal(err)
				}
				defer reader.Rollback() //nolint:errcheck
				var n int
				if err := reader.QueryRow("SELECT count(*) FROM cases").Scan(&n); err != nil {
					t.Fatal(err)
				}

				answered := make(chan int, 1)
				go func() {
					res, err := e.client.Do(req)
					if err != nil {
						answered <- -1
						return
					}
					res.Body.Close()
					answered <- res.StatusCode
				}()
				select {
				case status := <-answered:
					if status != http.StatusNoContent {
						t.Fatalf("deletion answered %d, want %d", status, http.StatusNoContent)
					}
				case <-time.After(time.Minute): // a guard against hanging, not a timing
					t.Fatal("the deletion waited for a reader of an older snapshot")
				}
				if err := reader.Rollback(); err != nil {
					t.Fatal(err)
				}
				if path == "" {
					return
				}
				deadline := time.Now().Add(time.Minute)
				for fileHolds(t, path, secret) || fileHolds(t, path+"-wal", secret) {
					if time.Now().After(deadline) {
						t.Fatalf("the deleted text is still in %s or its WAL", path)
					}
					time.Sleep(20 * time.Millisecond)
				}
			})
		})
	}
}

// deletion is a DELETE request to path with headers.
func deletion(e *testEnv, path string, headers []string) *http.Request {
	e.t.Helper()
	req, err := http.NewRequest(http.MethodDelete, e.srv.URL+path, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return req
}

// fileHolds reports whether the file at path exists and contains s.
func fileHolds(t *testing.T, path, s string) bool {
	t.Helper()
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false
	}
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Contains(b, []byte(s))
}
