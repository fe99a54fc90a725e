package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/casetrack/casetrack/internal/truthlab/report"
)

// TestTruthlabCommand runs a tiny truth lab the whole way (one replicate
// through import and the API) and checks the table, the full-path line
// and the report it writes.
func TestTruthlabCommand(t *testing.T) {
	path := filepath.Join(t.TempDir(), "report.json")
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"truthlab", "--replicates", "1", "--seed", "3", "--today", "2026-12-01",
		"--behaviours", "early-faithful,delayed-entry", "--full-path", "1", "--write", path}, env(nil), &out, &errOut)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	for _, want := range []string{
		"casetrack truthlab --replicates 1 --seed 3 --today 2026-12-01 --full-path 1 --behaviours early-faithful,delayed-entry",
		"early-faithful   published",
		"delayed-entry    plain Kaplan-Meier",
		"Full path (SQLite): 2 of 2 replicates identical to the in-process run.",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var r report.Report
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	if r.Replicates != 1 || r.Seed != 3 || r.Today != "2026-12-01" || len(r.Behaviours) != 2 || r.FullPath.Identical != 2 {
		t.Errorf("report %+v", r)
	}
}

func TestTruthlabCommandUsage(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"truthlab", "--behaviours", "nope"}, `unknown behaviour "nope"`},
		{[]string{"truthlab", "--replicates", "0"}, "--replicates"},
		{[]string{"truthlab", "--today", "2026-13-01"}, `"2026-13-01" is not a date`},
		{[]string{"truthlab", "--seed", "-1"}, "--seed"},
		{[]string{"truthlab", "--reminder-response", "0.2,1.5"}, `--reminder-response: "1.5" is not a share from 0 to 1`},
		{[]string{"truthlab", "--reminder-accounts", "0"}, "--reminder-accounts: must be more than 0"},
	} {
		var out, errOut bytes.Buffer
		if code := run(context.Background(), tt.args, env(nil), &out, &errOut); code != 2 || !strings.Contains(errOut.String(), tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tt.args, code, errOut.String(), tt.want)
		}
	}
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"truthlab", "--replicates", "1", "--full-path", "1", "--database", "sqlite:x.db",
		"--behaviours", "stale"}, env(nil), &out, &errOut); code != 2 || !strings.Contains(errOut.String(), "postgres:// URL") {
		t.Errorf("a SQLite database for the full path: exit %d, %q", code, errOut.String())
	}
}

// TestTruthlabReminders: --reminder-response runs each behaviour also
// with reminders and prints the comparison.
func TestTruthlabReminders(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"truthlab", "--replicates", "1", "--seed", "3", "--today", "2026-12-01",
		"--behaviours", "forgetting", "--reminder-response", "0.5", "--reminder-accounts", "0.8", "--full-path", "0"}, env(nil), &out, &errOut)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	for _, want := range []string{
		"--behaviours forgetting --reminder-response 0.5 --reminder-accounts 0.8",
		"forgetting +reminders 50% of 80% published",
		"The published numbers without and with \"still pending?\" reminders",
		"forgetting       none ",
		"forgetting       50% of 80% ",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
