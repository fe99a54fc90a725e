package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
	"github.com/casetrack/casetrack/internal/timeline"
)

// importLines are three rows, valid on any day after mid-2025: one
// decided after it was shared, one shared already decided, one pending.
const importLines = `{"category":"eb2-niw","country":"IN","service_center":"TSC","filed":"2024-03","milestones":[{"code":"received","date":"2024-03-20"},{"code":"approved","date":"2025-06"}],"note":"one","shared":"2024-04-02","last_pending":"2025-05-01","as_of":"2025-06-20"}
{"category":"n400","country":"MX","filed":"2024-01","milestones":[{"code":"received","date":"2024-01-05"},{"code":"approved","date":"2024-11-02"}],"note":"two","shared":"2025-01-03"}

{"category":"i130-spouse-usc","country":"PH","filed":"2023-11","note":"three","shared":"2024-02-01","last_pending":"2025-03-01"}
`

func writeFile(t *testing.T, name, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// storedNotes opens the database and returns its cases by note.
func storedNotes(t *testing.T, url string) map[string]*timeline.Case {
	t.Helper()
	st, err := store.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	out := map[string]*timeline.Case{}
	if err := st.ScanCases(context.Background(), func(c *timeline.Case) error {
		out[c.Note] = c
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestImportCommand(t *testing.T) {
	storetest.EachURL(t, func(t *testing.T, url string) {
		file := writeFile(t, "rows.jsonl", importLines)
		var out, errOut bytes.Buffer
		if code := run(context.Background(), []string{"import", file, "--database", url}, env(nil), &out, &errOut); code != 0 {
			t.Fatalf("import: exit %d: %s", code, errOut.String())
		}
		for _, want := range []string{"checked 3 rows in ", "imported 3 rows in ", "added 3 cases from " + file + " in "} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("output %q does not say %q", out.String(), want)
			}
		}
		got := storedNotes(t, url)
		d := func(s string) time.Time {
			if s == "" {
				return time.Time{}
			}
			day, _ := time.Parse(time.DateOnly, s)
			return day
		}
		for note, want := range map[string][3]string{
			"one":   {"2024-04-02", "2025-06-20", "2025-05-01"},
			"two":   {"2025-01-03", "2025-01-03", ""},
			"three": {"2024-02-01", "2025-03-01", ""},
		} {
			c := got[note]
			if c == nil || !c.Created.Equal(d(want[0])) || !c.AsOf.Equal(d(want[1])) || !c.LastPending.Equal(d(want[2])) {
				t.Errorf("case %q = %+v; want created, as of, last pending %v", note, c, want)
			}
		}
	})
}

func TestImportCommandRefusesABadFile(t *testing.T) {
	storetest.EachURL(t, func(t *testing.T, url string) {
		// A good row, and a last one as of a day before its decision.
		file := writeFile(t, "rows.csv", "category,country,filed,shared,approved,as_of\n"+
			"n400,MX,2024-01,2024-02-01,2024-11,2025-01-01\n"+
			"n400,MX,2024-01,2024-02-01,2024-11,2024-10-31\n")
		var out, errOut bytes.Buffer
		code := run(context.Background(), []string{"import", "--database", url, file}, env(nil), &out, &errOut)
		if code != 1 {
			t.Fatalf("exit %d, want 1: %s", code, errOut.String())
		}
		want := "casetrack import: " + file + ": nothing was imported: 1 problem in 1 row:\nrow 3: as_of: The timeline cannot be as of a day before one of its steps (milestones[0]: approved on 2024-11)."
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("stderr:\n%s\nwant\n%s", errOut.String(), want)
		}
		if got := storedNotes(t, url); len(got) != 0 {
			t.Errorf("%d cases stored from a bad file", len(got))
		}
	})
}

func TestImportCommandUsage(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"import"}, nil, "FILE: name the replay file to import"},
		{[]string{"import", "-"}, nil, "--format: is needed to read standard input"},
		{[]string{"import", "rows.txt"}, nil, `--format: is needed: the name "rows.txt" does not end in .jsonl, .ndjson, .json or .csv`},
		{[]string{"import", "--format", "xlsx", "rows.csv"}, nil, `--format: "xlsx" is not a format`},
		{[]string{"import", "rows.txt"}, map[string]string{"CASETRACK_IMPORT_FORMAT": "yaml"}, `--format (from CASETRACK_IMPORT_FORMAT): "yaml" is not a format`},
		{[]string{"import", "a.jsonl", "b.jsonl"}, nil, `unexpected argument "b.jsonl"`},
		{[]string{"import", "--database", "oracle:x", "a.jsonl"}, nil, "is not a database URL"},
	}
	for _, tt := range tests {
		var out, errOut bytes.Buffer
		code := run(context.Background(), tt.args, env(tt.env), &out, &errOut)
		if code != 2 || !strings.Contains(errOut.String(), tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tt.args, code, errOut.String(), tt.want)
		}
	}
	// A file that cannot be read is a failure, not a usage error.
	var out, errOut bytes.Buffer
	missing := filepath.Join(dir, "missing.jsonl")
	if code := run(context.Background(), []string{"import", missing, "--database", "sqlite:" + filepath.Join(dir, "x.db")}, env(nil), &out, &errOut); code != 1 || !strings.Contains(errOut.String(), "no such file") {
		t.Errorf("missing file: exit %d, %q", code, errOut.String())
	}

	out.Reset()
	if code := run(context.Background(), []string{"import", "--help"}, env(nil), &out, &out); code != 0 {
		t.Fatalf("import --help: exit %d", code)
	}
	for _, want := range []string{"Usage: casetrack import [flags] FILE", "--format FORMAT", "CASETRACK_IMPORT_FORMAT", "--database URL",
		`"shared":"2024-04-02"`, "received:2024-03-20;approved:2025-06", "last_pending", "nothing is imported", "no edit key"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("import --help lacks %q", want)
		}
	}
	out.Reset()
	run(context.Background(), []string{"help"}, env(nil), &out, &out)
	if !strings.Contains(out.String(), "import    import timelines") {
		t.Errorf("help does not list import:\n%s", out.String())
	}
}

// TestImportFromStandardInput runs the built binary with the rows on a
// pipe, which cannot be read twice.
func TestImportFromStandardInput(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildBinary(t)
	url := "sqlite:" + filepath.Join(t.TempDir(), "stdin.db")
	cmd := exec.Command(bin, "import", "--format", "jsonl", "-", "--database", url)
	cmd.Stdin = strings.NewReader(importLines) // through a pipe
	if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), "added 3 cases from standard input") {
		t.Fatalf("import from standard input: %v\n%s", err, out)
	}
	if got := storedNotes(t, url); len(got) != 3 {
		t.Errorf("%d cases stored, want 3", len(got))
	}
}
