package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
)

// column is one column of a table as the database reports it.
type column struct{ table, name, typ string }

// TestSchemaPrivacy inspects the tables the migrations actually created
// (privacy promise 4): no column may hold a client address, a user agent
// or a point in time that could join a case to an access log line.
func TestSchemaPrivacy(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		cols := schemaColumns(t, s)
		byTable := map[string][]string{}
		for _, c := range cols {
			byTable[c.table] = append(byTable[c.table], c.name)
			if mailTimes[c.table+"."+c.name] {
				continue
			}
			if reason := identifying(c); reason != "" {
				t.Errorf("column %s.%s (%s): %s", c.table, c.name, c.typ, reason)
			}
		}
		// The test must see the real tables, or it would pass on nothing.
		for table, want := range map[string][]string{
			"cases": {"id", "category", "country", "service_center", "filed", "note", "as_of", "created", "last_pending", "edit_key_hash", "owner_id", "milestone_list",
				"moderation", "moderation_reason", "repeats_earlier",
				// The details (DESIGN.md "What is collected"): codes, a
				// day count from filing and a month, never a day.
				"premium", "premium_day", "filing_method", "interview_office", "priority_date", "chargeability", "pd_current"},
			"milestones":     {"case_id", "seq", "code", "date"},
			"reports":        {"id", "case_id", "reason", "created"},
			"moderation_log": {"id", "action", "reason", "case_id", "actor_account_id", "created"},
			// Privacy promise 3: an email address, an optional name and
			// what signing in needs; sessions keep days, not times.
			// The language of its mail is a choice the person made, the
			// same for many.
			"accounts": {"id", "email", "email_key", "name", "role", "password_hash", "oidc_issuer", "oidc_subject", "verified", "mail_lang"},
			"sessions": {"token_hash", "account_id", "started_day", "used_day"},
			// Alerts and reminders keep days, not times.
			"alerts":        {"id", "account_id", "case_id", "query", "every", "next_day", "created_day", "stopped", "snapshot"},
			"reminders":     {"case_id", "account_id", "next_day"},
			"reminders_off": {"account_id"},
		} {
			got := slices.Clone(byTable[table])
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("table %s has columns %v, want %v", table, got, want)
			}
		}
	})
}

// mailTimes are the points in time the mail tables keep, none of them on
// a case: when a mailed link stops working (the web layer rounds it up to
// the hour, and the row goes when the link is used) and when a message
// that failed is tried again (a message due at once keeps 0).
var mailTimes = map[string]bool{"account_tokens.expires_at": true, "outbox.due_at": true}

// migrationTable is goose's bookkeeping: it records when each schema
// migration ran, which says nothing about any case.
const migrationTable = "goose_db_version"

// schemaColumns lists every column of every table of the store's schema
// except goose's own.
func schemaColumns(t *testing.T, s *store.Store) []column {
	t.Helper()
	db := store.DB(s)
	ctx := context.Background()
	var rows *sql.Rows
	var err error
	switch s.Dialect() {
	case "sqlite":
		rows, err = db.QueryContext(ctx, `
			SELECT m.name, c.name, c.type
			FROM sqlite_schema m JOIN pragma_table_info(m.name) c
			WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> ?`, migrationTable)
	case "postgres":
		rows, err = db.QueryContext(ctx, `
			SELECT table_name, column_name, data_type
			FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name <> $1`, migrationTable)
	default:
		t.Fatalf("unknown dialect %q", s.Dialect())
	}
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var cols []column
	for rows.Next() {
		var c column
		if err := rows.Scan(&c.table, &c.name, &c.typ); err != nil {
			t.Fatal(err)
		}
		cols = append(cols, c)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return cols
}

// identifying says why a column could link a case to a request, or ""
// when it cannot.
func identifying(c column) string {
	name, typ := strings.ToLower(c.name), strings.ToLower(c.typ)
	for _, word := range strings.FieldsFunc(name, func(r rune) bool { return r == '_' || r == '-' }) {
		switch word {
		case "ip", "ips", "ipv4", "ipv6", "ua", "host", "hostname":
			return fmt.Sprintf("the name contains %q, which suggests a client address or user agent", word)
		}
	}
	for _, part := range []string{"addr", "agent", "timestamp", "created_at", "updated_at", "time", "referer", "referrer", "useragent", "remote"} {
		if strings.Contains(name, part) {
			return fmt.Sprintf("the name contains %q", part)
		}
	}
	if strings.HasSuffix(name, "_at") {
		return "the name ends in _at, which suggests a point in time"
	}
	for _, part := range []string{"timestamp", "time", "inet", "cidr", "macaddr", "interval"} {
		if strings.Contains(typ, part) {
			return fmt.Sprintf("the type %q can hold a point in time or an address", c.typ)
		}
	}
	return ""
}

// TestIdentifying makes sure the privacy check above can fail.
func TestIdentifying(t *testing.T) {
	tests := []struct {
		col  column
		flag bool
	}{
		{column{"cases", "client_ip", "TEXT"}, true},
		{column{"cases", "ip", "TEXT"}, true},
		{column{"cases", "remote_addr", "TEXT"}, true},
		{column{"cases", "user_agent", "TEXT"}, true},
		{column{"cases", "created_at", "TEXT"}, true},
		{column{"cases", "submitted_at", "DATE"}, true},
		{column{"cases", "ts", "timestamp without time zone"}, true},
		{column{"cases", "seen", "timestamp with time zone"}, true},
		{column{"cases", "when", "DATETIME"}, true},
		{column{"cases", "src", "inet"}, true},
		{column{"cases", "created", "date"}, false},
		{column{"cases", "as_of", "TEXT"}, false},
		{column{"cases", "description", "TEXT"}, false},
		{column{"cases", "zip_code", "TEXT"}, false},
		{column{"cases", "milestone_list", "TEXT"}, false},
		{column{"cases", "edit_key_hash", "bytea"}, false},
	}
	for _, tt := range tests {
		if got := identifying(tt.col) != ""; got != tt.flag {
			t.Errorf("identifying(%v) = %v, want %v", tt.col, got, tt.flag)
		}
	}
}
