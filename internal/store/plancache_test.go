package store_test

import (
	"testing"

	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
)

// TestPostgresPlansEachRun: on a small cases table the pool's connections
// plan each run of a prepared statement (planCacheMode), so that a plan
// chosen while the tables were empty is not kept as they grow; on a large
// one they keep PostgreSQL's default; a URL that sets plan_cache_mode
// keeps its own.
func TestPostgresPlansEachRun(t *testing.T) {
	mode := func(s *store.Store) string {
		t.Helper()
		var m string
		if err := store.DB(s).QueryRowContext(t.Context(), "SHOW plan_cache_mode").Scan(&m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	if m := mode(storetest.Postgres(t)); m != "force_custom_plan" {
		t.Errorf("plan_cache_mode = %q, want force_custom_plan", m)
	}
	s, err := store.Open(t.Context(), storetest.PostgresURL(t)+"&plan_cache_mode=auto")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if m := mode(s); m != "auto" {
		t.Errorf("with plan_cache_mode=auto in the URL: %q", m)
	}

	// A table PostgreSQL has counted at or over the bound.
	url := storetest.PostgresURL(t)
	first, err := store.Open(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if err := first.CreateCase(t.Context(), sampleCase(), nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := store.DB(first).ExecContext(t.Context(), "ANALYZE cases"); err != nil {
		t.Fatal(err)
	}
	first.Close()
	defer store.SetGenericPlanMinCases(store.SetGenericPlanMinCases(3))
	large, err := store.Open(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer large.Close()
	if m := mode(large); m != "auto" {
		t.Errorf("on a table of 3 cases with a bound of 3: %q, want auto", m)
	}
}
