package store_test

import (
	"database/sql"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
)

// schemaDefinitions reads from PostgreSQL's catalog the definition of
// every index and constraint on cases and milestones, and of the
// constraints of other tables that refer to them, by name.
func schemaDefinitions(t *testing.T, db *sql.DB) map[string]string {
	t.Helper()
	rows, err := db.QueryContext(t.Context(), `
SELECT 'index ' || c.relname, pg_get_indexdef(i.indexrelid) || CASE WHEN i.indisvalid THEN '' ELSE ' (invalid)' END
FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
WHERE i.indrelid IN ('cases'::regclass, 'milestones'::regclass)
UNION ALL
SELECT 'constraint ' || conrelid::regclass || '.' || conname,
       pg_get_constraintdef(oid) || CASE WHEN convalidated THEN '' ELSE ' (not validated)' END
FROM pg_constraint
WHERE conrelid IN ('cases'::regclass, 'milestones'::regclass)
   OR confrelid IN ('cases'::regclass, 'milestones'::regclass)`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	defs := map[string]string{}
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			t.Fatal(err)
		}
		defs[name] = def
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return defs
}

// indexOIDs gives the oid of every index on cases and milestones, by
// name: an index built again has a new one.
func indexOIDs(t *testing.T, db *sql.DB) map[string]int64 {
	t.Helper()
	rows, err := db.QueryContext(t.Context(), `
SELECT indexrelid::regclass::text, indexrelid::bigint FROM pg_index
WHERE indrelid IN ('cases'::regclass, 'milestones'::regclass)`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	oids := map[string]int64{}
	for rows.Next() {
		var name string
		var oid int64
		if err := rows.Scan(&name, &oid); err != nil {
			t.Fatal(err)
		}
		oids[name] = oid
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return oids
}

// sameSchema fails the test when the definitions differ from want.
func sameSchema(t *testing.T, db *sql.DB, want map[string]string) {
	t.Helper()
	got := schemaDefinitions(t, db)
	for _, name := range slices.Sorted(maps.Keys(want)) {
		if got[name] != want[name] {
			t.Errorf("%s: %q, want %q", name, got[name], want[name])
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("%s appeared: %q", name, got[name])
		}
	}
}

// rebuilt returns the secondary indexes whose oid changed, and fails the
// test when a primary key was built again (those are never dropped).
func rebuilt(t *testing.T, before, after map[string]int64) []string {
	t.Helper()
	var names []string
	for name, oid := range before {
		if after[name] != oid {
			if strings.HasSuffix(name, "_pkey") {
				t.Errorf("primary key %s was built again", name)
			}
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

func editKey() []byte { return make([]byte, 32) }

// TestLoadIntoEmptyPostgresKeepsSchema: a seed or an import into an
// empty PostgreSQL store builds the secondary indexes and the foreign key
// of milestones after the copy, and leaves every index and constraint
// defined exactly as before; a failed one leaves them untouched; a seed
// into a store that has cases keeps its indexes.
func TestLoadIntoEmptyPostgresKeepsSchema(t *testing.T) {
	s := storetest.Postgres(t)
	store.SetBulkChunk(s, 4)
	db := store.DB(s)
	want := schemaDefinitions(t, db)
	if !strings.Contains(want["constraint milestones.milestones_case_id_fkey"], "REFERENCES cases(id) ON DELETE CASCADE") ||
		want["index cases_category_filed"] == "" || want["index milestones_feed"] == "" {
		t.Fatalf("unexpected schema before the load: %v", want)
	}
	before := indexOIDs(t, db)

	// A failed seed into the empty store: nothing stored, and the drops
	// rolled back with the rest.
	_, err := s.SeedCasesFrom(ctx(t), failing(errors.New("stop"), fresh(10)...), editKey, nil)
	if err == nil {
		t.Fatal("SeedCasesFrom with a failing source succeeded")
	}
	if n, _ := s.CountCases(ctx(t)); n != 0 {
		t.Errorf("%d cases after a failed seed", n)
	}
	sameSchema(t, db, want)
	if got := rebuilt(t, before, indexOIDs(t, db)); len(got) != 0 {
		t.Errorf("a failed seed changed the indexes %v", got)
	}

	// The seed into the empty store builds the secondary indexes again.
	seeded := fresh(10)
	if n, err := s.SeedCasesFrom(ctx(t), cases(seeded...), editKey, nil); err != nil || n != len(seeded) {
		t.Fatalf("SeedCasesFrom = %d, %v", n, err)
	}
	sameSchema(t, db, want)
	after := indexOIDs(t, db)
	if got := rebuilt(t, before, after); !slices.Contains(got, "cases_category_filed") || !slices.Contains(got, "milestones_feed") {
		t.Errorf("seed into an empty store rebuilt %v, want every secondary index", got)
	}
	for _, c := range seeded[:3] {
		assertSame(t, mustGet(t, s, c.ID), c)
	}
	// The foreign key is back and cascades.
	if err := s.DeleteCase(ctx(t), seeded[0].ID); err != nil || milestoneRows(t, s, seeded[0].ID) != 0 {
		t.Errorf("delete after the seed: %v, %d milestone rows left", err, milestoneRows(t, s, seeded[0].ID))
	}
	if _, err := db.ExecContext(ctx(t), "INSERT INTO milestones (case_id, seq, code, date) VALUES ('nosuchcase', 0, 'received', '2024-01-01')"); err == nil {
		t.Error("a milestone without its case was stored after the seed")
	}

	// A seed into a store with cases leaves the indexes in place.
	more := fresh(10)
	if n, err := s.SeedCasesFrom(ctx(t), cases(more...), editKey, nil); err != nil || n != len(more) {
		t.Fatalf("SeedCasesFrom into a store with cases = %d, %v", n, err)
	}
	if n, _ := s.CountCases(ctx(t)); n != len(seeded)-1+len(more) {
		t.Errorf("%d cases after the second seed, want %d", n, len(seeded)-1+len(more))
	}
	sameSchema(t, db, want)
	if got := rebuilt(t, after, indexOIDs(t, db)); len(got) != 0 {
		t.Errorf("seed into a store with cases rebuilt %v", got)
	}
	assertSame(t, mustGet(t, s, more[9].ID), more[9])

	// An import into an empty store takes the same path.
	s2 := storetest.Postgres(t)
	store.SetBulkChunk(s2, 4)
	db2 := store.DB(s2)
	want2 := schemaDefinitions(t, db2) // its own schema's name is in the definitions
	before2 := indexOIDs(t, db2)
	imported := fresh(9)
	if n, err := s2.CreateCasesFrom(ctx(t), cases(imported...), nil); err != nil || n != len(imported) {
		t.Fatalf("CreateCasesFrom = %d, %v", n, err)
	}
	sameSchema(t, db2, want2)
	if got := rebuilt(t, before2, indexOIDs(t, db2)); !slices.Contains(got, "cases_category_filed") {
		t.Errorf("import into an empty store rebuilt %v, want every secondary index", got)
	}
	assertSame(t, mustGet(t, s2, imported[4].ID), imported[4])
}
