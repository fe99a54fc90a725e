package web

import (
	"database/sql"
	"fmt"
	"strings"
	"testing"
)

// The helpers below read the database behind the store's back, for tests
// that must prove something is (or is not) stored anywhere.

// schemaTables lists every table of the store's schema but goose's own,
// read from the database itself so that tables added later are searched
// too.
func schemaTables(t *testing.T, db *sql.DB, dialect string) []string {
	t.Helper()
	q := "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'goose_db_version'"
	if dialect == "postgres" {
		q = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> 'goose_db_version'"
	}
	return queryStrings(t, db, q)
}

// queryStrings returns the one text column of every row of query, and
// fails when there is none.
func queryStrings(t *testing.T, db *sql.DB, query string) []string {
	t.Helper()
	rows, err := db.Query(query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		t.Fatal("no tables found")
	}
	return out
}

// eachRow calls fn with the column names and the values, as the driver
// returns them, of every row of table, and returns the column names (also
// of an empty table).
func eachRow(t *testing.T, db *sql.DB, table string, fn func(cols []string, vals []any)) []string {
	t.Helper()
	rows, err := db.Query(`SELECT * FROM "` + table + `"`)
	if err != nil {
		t.Fatalf("%s: %v", table, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		fn(cols, vals)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return cols
}

// dumpTables renders every row of the tables as text, one row a line:
// the table's name, then each value after a "|".
func dumpTables(t *testing.T, db *sql.DB, tables []string) string {
	t.Helper()
	var b strings.Builder
	for _, table := range tables {
		eachRow(t, db, table, func(_ []string, vals []any) {
			b.WriteString(table)
			for _, v := range vals {
				if bs, ok := v.([]byte); ok {
					v = string(bs)
				}
				fmt.Fprintf(&b, "|%v", v)
			}
			b.WriteByte('\n')
		})
	}
	return b.String()
}
