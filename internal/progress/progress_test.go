package progress

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// seeding are the words of "casetrack seed".
var seeding = Words{Doing: "seeding", Done: "seeded", Items: "cases"}

// fakeClock returns a clock that advances by step on every reading.
func fakeClock(step time.Duration) func() time.Time {
	t := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	return func() time.Time {
		t = t.Add(step)
		return t
	}
}

func TestProgressLine(t *testing.T) {
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	p := newPrinter(&bytes.Buffer{}, seeding, 1000000, false, func() time.Time { return start })
	p.done = 350000
	elapsed := 350000.0 / 41000 * float64(time.Second)
	got := p.line(start.Add(time.Duration(int64(elapsed))))
	want := "seeding 350000/1000000 cases (35%), 41000 cases/s, eta 16s"
	if got != want {
		t.Errorf("line = %q, want %q", got, want)
	}
	if got := p.line(start); !strings.HasSuffix(got, "0 cases/s, eta ?") {
		t.Errorf("line with no time elapsed = %q", got)
	}
}

func TestProgressTenths(t *testing.T) {
	tests := []struct {
		name    string
		total   int
		batches []int
		lines   []string // prefixes of the lines written, summary last
	}{
		{"even batches", 100, repeat(10, 10), []string{
			"seeding 10/100 ", "seeding 20/100 ", "seeding 30/100 ", "seeding 40/100 ", "seeding 50/100 ",
			"seeding 60/100 ", "seeding 70/100 ", "seeding 80/100 ", "seeding 90/100 ", "seeded 100 cases"}},
		{"big batches cross several tenths", 100, []int{35, 30, 35}, []string{
			"seeding 35/100 ", "seeding 65/100 ", "seeded 100 cases"}},
		{"below a tenth", 100, []int{5, 95}, []string{"seeded 100 cases"}},
		{"one batch", 3, []int{3}, []string{"seeded 3 cases"}},
		{"nothing", 0, nil, []string{"seeded 0 cases"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			p := newPrinter(&buf, seeding, tt.total, false, fakeClock(time.Second))
			for _, k := range tt.batches {
				p.Add(k)
			}
			p.Finish()
			out := buf.String()
			if strings.ContainsAny(out, "\r\x1b") {
				t.Errorf("terminal control characters in log output %q", out)
			}
			lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			if len(lines) != len(tt.lines) {
				t.Fatalf("lines:\n%s\nwant %d lines", out, len(tt.lines))
			}
			for i, prefix := range tt.lines {
				if !strings.HasPrefix(lines[i], prefix) {
					t.Errorf("line %d = %q, want prefix %q", i, lines[i], prefix)
				}
			}
		})
	}
}

func TestProgressLive(t *testing.T) {
	var buf bytes.Buffer
	// 30 ms per clock reading: with a 100 ms redraw limit, not every batch draws.
	p := newPrinter(&buf, seeding, 1000, true, fakeClock(30*time.Millisecond))
	for range 10 {
		p.Add(100)
	}
	out := buf.String()
	if strings.Contains(out, "\n") {
		t.Errorf("live progress wrote a newline before finishing: %q", out)
	}
	draws := strings.Count(out, "\r")
	if draws < 2 || draws >= 10 {
		t.Errorf("%d redraws for 10 batches, want throttling but some", draws)
	}
	if !strings.Contains(out, "seeding 1000/1000 cases (100%)") {
		t.Errorf("the last batch was not drawn: %q", out)
	}
	p.Finish()
	out = buf.String()
	if !strings.HasSuffix(out, "\r\x1b[Kseeded 1000 cases in 330ms (3030 cases/s)\n") {
		t.Errorf("summary: %q", out)
	}

	buf.Reset()
	p = newPrinter(&buf, seeding, 1000, true, fakeClock(time.Second))
	p.Add(100)
	p.Stop()
	if out := buf.String(); !strings.HasSuffix(out, "\n") {
		t.Errorf("an interrupted live line is not ended: %q", out)
	}
}

func TestIsTerminal(t *testing.T) {
	if IsTerminal(&bytes.Buffer{}) {
		t.Error("a buffer is a terminal")
	}
	f, err := os.Create(filepath.Join(t.TempDir(), "log"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if IsTerminal(f) {
		t.Error("a regular file is a terminal")
	}
	if dev, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0); err == nil {
		defer dev.Close()
		if !IsTerminal(dev) {
			t.Error("a character device is not treated as a terminal")
		}
	}
}

func repeat(k, times int) []int {
	out := make([]int, times)
	for i := range out {
		out[i] = k
	}
	return out
}

// TestProgressUnknownTotal: without a total, a log gets a line every
// logEvery with the count and rate, and the summary; a terminal gets the
// same line redrawn.
func TestProgressUnknownTotal(t *testing.T) {
	checking := Words{Doing: "checking", Done: "checked", Items: "rows"}
	var buf bytes.Buffer
	p := newPrinter(&buf, checking, -1, false, fakeClock(3*time.Second))
	for range 10 {
		p.Add(1000)
	}
	p.Finish()
	want := []string{
		"checking 4000 rows, 333 rows/s", // 12 s after the start
		"checking 8000 rows, 333 rows/s", // 24 s
		"checked 10000 rows in 33s (303 rows/s)",
	}
	if got := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n"); !slices.Equal(got, want) {
		t.Errorf("log lines:\n%q\nwant\n%q", got, want)
	}

	buf.Reset()
	p = newPrinter(&buf, checking, -1, true, fakeClock(time.Second))
	p.Add(500)
	p.Add(500)
	if out := buf.String(); !strings.HasSuffix(out, "\rchecking 1000 rows, 500 rows/s\x1b[K") || strings.Contains(out, "\n") {
		t.Errorf("live line: %q", out)
	}
}
