package replay

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/progress"
	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/timeline"
)

// progressEvery is how many rows the check counts between reports.
const progressEvery = 1000

// Check reads a whole replay file and checks every row (Row.Case), with
// today as the day of the check. It returns the number of rows and, when
// any row has a problem, an *Errors with them all; an error reading in,
// or a CSV header it cannot use, stops it early. A file without rows is
// an error too. progress, when not nil, is told the rows checked so far
// every thousand rows.
//
// It keeps one row in memory at a time, whatever the size of the file.
func Check(in io.Reader, f Format, cat *catalog.Catalog, today time.Time, progress func(rows int)) (int, error) {
	rd, err := NewReader(in, f, cat)
	if err != nil {
		return 0, err
	}
	var errs Errors
	rows := 0
	for {
		row, line, err := rd.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var re *RowError
		switch {
		case errors.As(err, &re):
			errs.add(*re)
		case err != nil:
			return rows, err
		default:
			if _, fe := row.check(cat, today); fe != nil {
				errs.add(rowErrors(line, fe, rd.Field)...)
			}
		}
		if rows++; rows%progressEvery == 0 && progress != nil {
			progress(rows)
		}
	}
	switch {
	case errs.Total > 0:
		return rows, &errs
	case rows == 0:
		return 0, errEmpty
	}
	return rows, nil
}

// Import stores a replay file in st, all or nothing. It reads the file
// once to check every row (Check) and, only if all of them pass, once
// more to store their cases in one transaction (store.CreateCasesFrom),
// so that a million rows need not be held in memory. A file with any
// problem stores nothing and returns an *Errors; if storing fails, nothing
// remains either. The second reading converts every row again with the
// same today, and a row that no longer passes, or a different number of
// rows, stops it.
//
// in is read again from where it started when it can seek (a file);
// otherwise (standard input, a pipe) it is copied to a temporary file
// while it is checked, which is removed as soon as it is created (it
// lives on only as long as it is open). Progress goes to w (package
// progress). Import returns the number of cases stored.
func Import(ctx context.Context, st *store.Store, cat *catalog.Catalog, in io.Reader, f Format, today time.Time, w io.Writer) (int, error) {
	first, again, done, err := rereadable(in)
	if err != nil {
		return 0, err
	}
	defer done()

	checking := progress.New(w, progress.Words{Doing: "checking", Done: "checked", Items: "rows"}, -1)
	last := 0
	n, err := Check(first, f, cat, today, func(rows int) {
		checking.Add(rows - last)
		last = rows
	})
	if err != nil {
		checking.Stop()
		return 0, err
	}
	checking.Add(n - last)
	checking.Finish()

	second, err := again()
	if err != nil {
		return 0, fmt.Errorf("read the file again: %w", err)
	}
	importing := progress.New(w, progress.Words{Doing: "importing", Done: "imported", Items: "rows"}, n)
	last = 0
	stored, err := st.CreateCasesFrom(ctx, cases(second, f, cat, today, n), func(written int) {
		importing.Add(written - last)
		last = written
	})
	if err != nil {
		importing.Stop()
		return 0, err
	}
	importing.Finish()
	return stored, nil
}

// cases converts the rows of a checked file, which has want rows.
func cases(in io.Reader, f Format, cat *catalog.Catalog, today time.Time, want int) iter.Seq2[*timeline.Case, error] {
	return func(yield func(*timeline.Case, error) bool) {
		rd, err := NewReader(in, f, cat)
		if err != nil {
			yield(nil, fmt.Errorf("the file changed after it was checked: %w", err))
			return
		}
		rows := 0
		for {
			row, line, err := rd.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				yield(nil, fmt.Errorf("the file changed after it was checked: %w", err))
				return
			}
			rows++
			c, fe := row.Case(cat, today)
			if fe != nil {
				var errs Errors
				errs.add(rowErrors(line, fe, rd.Field)...)
				yield(nil, fmt.Errorf("the file changed after it was checked: %w", &errs))
				return
			}
			if !yield(c, nil) {
				return
			}
		}
		if rows != want {
			yield(nil, fmt.Errorf("the file changed after it was checked: it has %d rows, not %d", rows, want))
		}
	}
}

// rereadable returns a reader for in, a function that returns a reader
// for the same bytes again once the first has been read to its end, and
// a function that frees what that took.
func rereadable(in io.Reader) (first io.Reader, again func() (io.Reader, error), done func(), err error) {
	if s, ok := in.(io.ReadSeeker); ok {
		if start, err := s.Seek(0, io.SeekCurrent); err == nil {
			again := func() (io.Reader, error) {
				_, err := s.Seek(start, io.SeekStart)
				return s, err
			}
			return in, again, func() {}, nil
		}
	}
	tmp, err := os.CreateTemp("", "casetrack-import-*")
	if err != nil {
		return nil, nil, nil, fmt.Errorf("keep a copy of the input: %w", err)
	}
	// Nobody else needs to find it, and it must not outlive the import.
	removed := os.Remove(tmp.Name()) == nil
	again = func() (io.Reader, error) {
		_, err := tmp.Seek(0, io.SeekStart)
		return tmp, err
	}
	done = func() {
		tmp.Close()
		if !removed {
			os.Remove(tmp.Name())
		}
	}
	return io.TeeReader(in, tmp), again, done, nil
}
