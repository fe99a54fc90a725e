package web

import (
	"context"
	"database/sql"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx", to read rows as they are stored
	_ "modernc.org/sqlite"             // database/sql driver "sqlite"

	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
)

// Canaries sent with every request of the privacy test; none may reach
// the database (privacy promise 4).
const (
	canaryUserAgent = "PrivacyCanaryAgent/7.3 (KHTML)"
	canaryAddress   = "198.51.100.203"
)

// timeOfDay finds a clock time in a stored text value.
var timeOfDay = regexp.MustCompile(`\d{2}:\d{2}`)

func TestStoredCaseCarriesNoUsageData(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "privacy.db")
		st, err := store.Open(context.Background(), "sqlite:"+path)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		keys := exerciseWithCanaries(t, st)
		db, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		tables := schemaTables(t, db, st.Dialect())
		checkRows(t, db, tables, keys)

		// The raw files too, including the write-ahead log.
		st.Close()
		files, _ := filepath.Glob(path + "*")
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, canary := range append([]string{canaryUserAgent, "PrivacyCanaryAgent", canaryAddress}, keys...) {
				if strings.Contains(string(b), canary) {
					t.Errorf("%s contains %q", filepath.Base(f), canary)
				}
			}
		}
	})
	t.Run("postgres", func(t *testing.T) {
		dsn := storetest.PostgresURL(t)
		st, err := store.Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		keys := exerciseWithCanaries(t, st)
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		tables := schemaTables(t, db, st.Dialect())
		checkRows(t, db, tables, keys)
	})
}

// exerciseWithCanaries submits, updates and confirms cases through the API
// and the form with a distinctive user agent and client address, and
// returns the edit keys handed out.
func exerciseWithCanaries(t *testing.T, st *store.Store) []string {
	e := newEnv(t, st, func(c *Config) { c.TrustProxy = true; c.WriteRate = 100 })
	h := []string{"User-Agent", canaryUserAgent, "X-Forwarded-For", canaryAddress}
	created := e.create(validSubmission(), h...)
	if res := e.postJSON("/api/v1/cases/"+created.ID+"/milestones", map[string]string{"code": "rfe_response", "date": "2024-11"}, append(h, editKey(created.EditKey)...)...); res.status != 200 {
		t.Fatalf("add milestone: %d %s", res.status, res.body)
	}
	e.clock.Add(3 * time.Hour)
	if res := e.postJSON("/api/v1/cases/"+created.ID+"/confirm", nil, append(h, editKey(created.EditKey)...)...); res.status != 200 {
		t.Fatalf("confirm: %d %s", res.status, res.body)
	}
	id, key := e.submitForm(validForm(), h...)
	if res := e.postForm("/cases/"+id+"/confirm", url.Values{"edit_key": {key}}, h...); res.status != 303 {
		t.Fatalf("form confirm: %d", res.status)
	}
	if n, err := st.CountCases(context.Background()); err != nil || n != 2 {
		t.Fatalf("%d cases stored (%v), want 2", n, err)
	}
	// Reports and moderation write rows of their own.
	if res := e.postJSON("/api/v1/cases/"+created.ID+"/reports", map[string]string{"reason": "spam"}, h...); res.status != http.StatusAccepted {
		t.Fatalf("report: %d %s", res.status, res.body)
	}
	if res := e.postForm("/cases/"+created.ID+"/report", url.Values{"reason": {"fake"}}, h...); res.status != http.StatusSeeOther {
		t.Fatalf("report form: %d", res.status)
	}
	if res := e.postForm("/admin/cases/"+id, url.Values{"action": {"hide"}, "reason": {"spam"}}, append(h, e.adminHeaders()...)...); res.status != http.StatusSeeOther {
		t.Fatalf("hide: %d", res.status)
	}
	if res := e.get("/admin", e.adminHeaders()...); !strings.Contains(res.body, "spam × 1") || !strings.Contains(res.body, "<td>hide</td>") {
		t.Fatal("the reports or the log entry were not stored; the check below would prove nothing about them")
	}
	return []string{created.EditKey, key}
}

// checkRows reads every value of every table and fails on a canary, an
// edit key, a time of day or a number that looks like a timestamp of now.
func checkRows(t *testing.T, db *sql.DB, tables, keys []string) {
	t.Helper()
	now := time.Now()
	cells := 0
	for _, table := range tables {
		cols := eachRow(t, db, table, func(cols []string, vals []any) {
			for i, v := range vals {
				cells++
				where := table + "." + cols[i]
				switch v := v.(type) {
				case time.Time:
					if v.Hour() != 0 || v.Minute() != 0 || v.Second() != 0 || v.Nanosecond() != 0 {
						t.Errorf("%s holds a time of day: %v", where, v)
					}
				case int64:
					// A day stored as a midnight timestamp is fine; a
					// timestamp with a time of day is not.
					for _, ref := range []time.Time{now, testStart} {
						if d := v - ref.Unix(); d > -3*86400 && d < 3*86400 && v%86400 != 0 {
							t.Errorf("%s holds what looks like a Unix timestamp: %d", where, v)
						}
						if d := v - ref.UnixMilli(); d > -3*86400e3 && d < 3*86400e3 && v%86400e3 != 0 {
							t.Errorf("%s holds what looks like a millisecond timestamp: %d", where, v)
						}
					}
				case []byte:
					checkText(t, where, string(v), keys)
				case string:
					checkText(t, where, v, keys)
				}
			}
		})
		for _, c := range cols {
			lc := strings.ToLower(c)
			for _, bad := range []string{"ip", "addr", "agent", "ua", "receipt", "timestamp", "created_at", "updated_at"} {
				if lc == bad || strings.HasPrefix(lc, bad+"_") || strings.HasSuffix(lc, "_"+bad) {
					t.Errorf("%s has a column %q", table, c)
				}
			}
		}
	}
	if cells == 0 {
		t.Fatal("read no values at all")
	}
}

func checkText(t *testing.T, where, s string, keys []string) {
	t.Helper()
	for _, canary := range append([]string{"PrivacyCanaryAgent", canaryAddress, "198.51.100"}, keys...) {
		if strings.Contains(s, canary) {
			t.Errorf("%s contains %q", where, canary)
		}
	}
	if timeOfDay.MatchString(s) {
		t.Errorf("%s holds a time of day: %q", where, s)
	}
}
