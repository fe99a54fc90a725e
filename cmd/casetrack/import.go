package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/replay"
	"github.com/casetrack/casetrack/internal/store"
)

// importHelp is the row format, for "casetrack import --help".
const importHelp = `Arguments:
  FILE    the replay file, or - for standard input (then --format is needed)

A replay file has one timeline per row, with the dates a live submission
takes from the server's clock:

  JSON Lines (.jsonl, .ndjson, .json), one object per line:
    {"category":"eb2-niw","country":"IN","service_center":"TSC","filed":"2024-03",
     "milestones":[{"code":"received","date":"2024-03-20"},{"code":"approved","date":"2025-06"}],
     "note":"...","shared":"2024-04-02","last_pending":"2025-05-01","as_of":"2025-06-20"}

  CSV (.csv) with a header row naming its columns: category, country,
    service_center, filed, note, shared, last_pending, as_of, and the
    milestones as a column "milestones" (received:2024-03-20;approved:2025-06)
    and/or a column per milestone code (received, biometrics, rfe, approved,
    ...) holding its date (several dates separated by ";" for a step that
    repeats).

shared, the day the timeline was first shared (YYYY-MM-DD), is required;
service_center, milestones, note, last_pending and as_of are optional.
Unknown fields and columns are refused. Every row is checked like a
submission, and its dates:
  shared        not before the filing month, not after today
  last_pending  the last day the case was known to be pending before its
                decision: not before shared, not after today; left out
                when the decision came on or before shared; otherwise it
                defaults to shared and is not after the decision
  as_of         the day the timeline was last updated: not before shared,
                last_pending or any milestone, not after today; defaults
                to the latest of them (a month-only date as its 15th)

The whole file is checked first: with any problem, they are all listed
and nothing is imported (exit status 1). Then every row is stored in one
transaction. Imported cases have no edit key, so nobody can change them
through the web. On SQLite the import holds the database's write lock
until it commits, and a server on the same file sees the new cases after
its next start.`

// runImport is "casetrack import FILE": it loads a replay file, an
// existing community spreadsheet or a simulated population, with each
// timeline's history dates (package replay), all rows or none.
func runImport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	s := newOptionSet("import", "Import case timelines with their history dates from a replay file (JSON Lines or CSV).")
	s.args = "FILE"
	database := s.addDatabase("")
	formatOpt := s.add("format", "FORMAT", "", "jsonl or csv (default: from the file's extension)", "CASETRACK_IMPORT_FORMAT")
	// The file may stand before, among or after the flags: the flags
	// after it are parsed once it is taken.
	s.maxArgs = len(args)
	if err := parseOptions(s, args, getenv, stdout, importHelp); err != nil {
		return err
	}
	file := ""
	if rest := s.fs.Args(); len(rest) > 0 {
		file, s.maxArgs = rest[0], 0
		if err := parseOptions(s, rest[1:], getenv, stdout, importHelp); err != nil {
			return err
		}
	}
	url := s.database(database)
	var format replay.Format
	switch f, ok := replay.FormatOf(file); {
	case file == "":
		s.errs = append(s.errs, errors.New("FILE: name the replay file to import, or - for standard input"))
	case formatOpt.value != "":
		var err error
		if format, err = replay.ParseFormat(formatOpt.value); err != nil {
			s.fail(formatOpt, "%q is not a format: use jsonl or csv", formatOpt.value)
		}
	case file == "-":
		s.fail(formatOpt, "is needed to read standard input: jsonl or csv")
	case !ok:
		s.fail(formatOpt, "is needed: the name %q does not end in .jsonl, .ndjson, .json or .csv", file)
	default:
		format = f
	}
	if err := s.err(); err != nil {
		return usageError{err}
	}

	in := io.Reader(os.Stdin)
	name := "standard input"
	if file != "-" {
		f, err := os.Open(file)
		if err != nil {
			return err
		}
		defer f.Close()
		in, name = f, file
	}
	st, err := store.OpenWriter(ctx, url)
	if err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	defer st.Close()
	start := time.Now()
	n, err := replay.Import(ctx, st, catalog.Default(), in, format, start, stdout)
	if err != nil {
		return fmt.Errorf("%s: nothing was imported: %w", name, err)
	}
	fmt.Fprintf(stdout, "added %d cases from %s in %s\n", n, name, time.Since(start).Round(time.Millisecond))
	return nil
}
