package web

import (
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
	"github.com/casetrack/casetrack/internal/timeline"
)

// floodCases stores n cases from common countries, none from ZW, so that
// a feed for ZW is the rarest filter there is.
func floodCases(t *testing.T, st *store.Store, n int) []string {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 12))
	cases := make([]*timeline.Case, n)
	hashes := make([][]byte, n)
	for i := range cases {
		filed := timeline.Month{Year: 2023 + rng.IntN(2), Month: time.Month(1 + rng.IntN(12))}
		d := time.Date(filed.Year, filed.Month, 1+rng.IntN(28), 0, 0, 0, 0, time.UTC)
		cases[i] = &timeline.Case{
			ID: timeline.NewCaseID(), Category: "i485-employment", Country: []string{"IN", "CN", "MX"}[rng.IntN(3)],
			ServiceCenter: "NBC", Filed: filed, AsOf: testStart, Created: testStart,
			Milestones: []timeline.Milestone{
				{Code: "received", Date: timeline.DateOf(d)},
				{Code: "biometrics", Date: timeline.DateOf(d.AddDate(0, 0, 30+rng.IntN(30)))},
			},
		}
		hashes[i] = timeline.HashEditKey(cases[i].ID)
	}
	if err := st.CreateCases(t.Context(), cases, hashes); err != nil {
		t.Fatal(err)
	}
	ids := make([]string, n)
	for i, c := range cases {
		ids[i] = c.ID
	}
	return ids
}

// TestHealthzWhileFeedFlooded sends many parallel requests for the
// rarest feed filter and checks that /healthz keeps answering 200 and
// that every feed request gets an answer: its page, or a 503 saying the
// server is busy. On PostgreSQL the feed's tables are locked meanwhile,
// so that every feed query hangs in the database as the slowest one
// could: the feed must not take every connection, and the request's
// deadline must end the wait.
func TestHealthzWhileFeedFlooded(t *testing.T) {
	storetest.EachRaw(t, func(t *testing.T, st *store.Store, raw *sql.DB, path string) {
		ids := floodCases(t, st, 3000)
		e := newEnv(t, st, func(c *Config) { c.RequestTimeout = 500 * time.Millisecond })

		var release func()
		var waiting func() int
		if path == "" { // PostgreSQL
			lockCtx, cancel := context.WithCancel(t.Context())
			conn, err := raw.Conn(lockCtx)
			if err != nil {
				t.Fatal(err)
			}
			tx, err := conn.BeginTx(lockCtx, nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := tx.Exec("LOCK TABLE cases, milestones IN ACCESS EXCLUSIVE MODE"); err != nil {
				t.Fatal(err)
			}
			var pid int
			if err := tx.QueryRow("SELECT pg_backend_pid()").Scan(&pid); err != nil {
				t.Fatal(err)
			}
			release = func() { tx.Rollback(); conn.Close(); cancel() } //nolint:errcheck
			t.Cleanup(release)
			waiting = func() int {
				var n int
				if err := raw.QueryRow("SELECT count(*) FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))", pid).Scan(&n); err != nil {
					t.Errorf("count blocked queries: %v", err)
				}
				return n
			}
		}

		const flooders = 24
		var (
			stop       atomic.Bool
			answered   atomic.Int64
			busy       atomic.Int64
			wg         sync.WaitGroup
			mu         sync.Mutex
			unexpected []string
		)
		// Each flooder asks for its own page size: identical requests
		// share one rendering (rendered.go), and the flood must be of
		// queries that each reach the database.
		for i := range flooders {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for !stop.Load() {
					res, err := e.client.Get(e.srv.URL + "/api/v1/feed?country=ZW&milestone=approved&limit=" + strconv.Itoa(i+1))
					if err != nil {
						mu.Lock()
						unexpected = append(unexpected, err.Error())
						mu.Unlock()
						return
					}
					body, _ := io.ReadAll(res.Body)
					res.Body.Close()
					var eb errorBody
					switch {
					case res.StatusCode == http.StatusOK:
					case res.StatusCode == http.StatusServiceUnavailable && json.Unmarshal(body, &eb) == nil && eb.Error == "busy" &&
						res.Header.Get("Retry-After") != "":
						busy.Add(1)
					default:
						mu.Lock()
						unexpected = append(unexpected, res.Status+": "+string(body))
						mu.Unlock()
					}
					answered.Add(1)
				}
			}()
		}
		// The flood is on once many queries wait in the database
		// (PostgreSQL) or many requests have been answered (SQLite).
		for {
			if waiting != nil && waiting() >= 4 || waiting == nil && answered.Load() >= 4*flooders {
				break
			}
			if t.Failed() {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
		for range 3 {
			if res := e.get("/healthz"); res.status != http.StatusOK {
				t.Errorf("/healthz during the flood: %d %s", res.status, res.body)
			}
		}
		if release != nil {
			// The queries stuck behind the lock must end with a 503 by
			// their deadline, before the lock goes away.
			for busy.Load() < flooders {
				time.Sleep(5 * time.Millisecond)
			}
			if res := e.get("/feed?country=ZW"); res.status != http.StatusServiceUnavailable ||
				!strings.Contains(res.body, "could not answer in time") || res.header.Get("Retry-After") == "" {
				t.Errorf("feed page while the database hangs: %d %q", res.status, res.body)
			}
			// Any other request's queries end with the request's deadline.
			if res := e.get("/api/v1/cases/" + ids[0]); res.status != http.StatusServiceUnavailable || res.apiError(t).Error != "busy" {
				t.Errorf("a case while the database hangs: %d %q", res.status, res.body)
			}
			release()
		}
		stop.Store(true)
		wg.Wait()
		if len(unexpected) > 0 {
			t.Errorf("%d unexpected answers to the flood, first: %s\n%s", len(unexpected), unexpected[0], e.logs.String())
		}
		if res := e.get("/api/v1/feed?country=ZW"); res.status != http.StatusOK {
			t.Errorf("feed after the flood: %d %s", res.status, res.body)
		}
	})
}
