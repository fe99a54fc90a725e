package replay

import (
	"bufio"
	"encoding/csv"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/seed"
	"github.com/casetrack/casetrack/internal/timeline"
)

// TestGenerateReplayFile writes a replay file of realistic rows for
// measuring an import (bench/import.sh): CASETRACK_REPLAY_ROWS rows
// (default 1,000,000) from the seeder, valid today, to the file
// CASETRACK_REPLAY_FILE, as JSON Lines or, for a name ending in .csv, as
// CSV. Half of the cases decided after they were shared get a last
// pending day between the two. It runs only when the file is named, so
// the normal test run stays fast.
func TestGenerateReplayFile(t *testing.T) {
	path := os.Getenv("CASETRACK_REPLAY_FILE")
	if path == "" {
		t.Skip("set CASETRACK_REPLAY_FILE (and CASETRACK_REPLAY_ROWS) to write a replay file")
	}
	n := 1_000_000
	if v := os.Getenv("CASETRACK_REPLAY_ROWS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 {
			t.Fatalf("CASETRACK_REPLAY_ROWS=%q: want a number of rows", v)
		}
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	bw := bufio.NewWriterSize(f, 1<<20)
	write := NewWriter(bw).Write
	if format, _ := FormatOf(path); format == CSV {
		write = csvRowWriter(t, bw)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	today := time.Now()
	err = seed.Generate(catalog.Default(), n, today, 11, func(c *timeline.Case) error {
		if d, ok := c.Decision(); ok && rng.IntN(2) == 0 {
			// The latest day it can have been pending: the decision (the
			// end of its month) and as-of bound it.
			latest := lastDay(d.Date)
			if c.AsOf.Before(latest) {
				latest = c.AsOf
			}
			if days := timeline.DaysBetween(c.Created, latest); d.Date.Time().After(c.Created) && days > 0 {
				c.LastPending = c.Created.AddDate(0, 0, 1+rng.IntN(days))
			}
		}
		return write(FromCase(c))
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := bw.Flush(); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %d rows to %s", n, path)
}

// csvRowWriter writes rows as CSV with a milestones column.
func csvRowWriter(t *testing.T, w *bufio.Writer) func(Row) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvColumns); err != nil {
		t.Fatal(err)
	}
	return func(r Row) error {
		items := make([]string, len(r.Milestones))
		for i, m := range r.Milestones {
			items[i] = m.Code + ":" + m.Date
		}
		cw.Write([]string{r.Category, r.Country, r.ServiceCenter, r.Filed, strings.Join(items, ";"), r.Note, r.Shared, r.LastPending, r.AsOf})
		cw.Flush()
		return cw.Error()
	}
}
