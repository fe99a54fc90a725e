// Package progress tells the person at a terminal how far a long command
// (seeding, an import) has come: one line redrawn in place on a terminal,
// a line now and then in a log, and a summary at the end.
package progress

import (
	"fmt"
	"io"
	"os"
	"time"
)

// redrawEvery limits how often the live line is redrawn.
const redrawEvery = 100 * time.Millisecond

// logEvery is how often a log gets a line while the total is not known
// (with a total, it gets one per tenth).
const logEvery = 10 * time.Second

// Words name what a Printer counts, as in "seeding 350/1000 cases" and
// "seeded 1000 cases in 2s".
type Words struct {
	Doing string // "seeding"
	Done  string // "seeded"
	Items string // "cases"
}

// Printer reports progress. Writes to its writer are best-effort: a
// broken terminal must not abort a long run, so their errors are
// ignored. It is not safe for concurrent use.
type Printer struct {
	w     io.Writer
	words Words
	total int // negative when not known
	// live redraws one line in place (a terminal); otherwise a line is
	// written each time another tenth of the total is done.
	live  bool
	clock func() time.Time

	start     time.Time
	lastDraw  time.Time // a live redraw, or a line in a log without a total
	done      int
	nextTenth int
	drawn     bool // a live line is on screen
}

// New returns a Printer for total items, or for an unknown number when
// total is negative. It redraws its line when w is a terminal.
func New(w io.Writer, words Words, total int) *Printer {
	return newPrinter(w, words, total, IsTerminal(w), time.Now)
}

func newPrinter(w io.Writer, words Words, total int, live bool, clock func() time.Time) *Printer {
	now := clock()
	return &Printer{w: w, words: words, total: total, live: live, clock: clock, start: now, lastDraw: now, nextTenth: 1}
}

// IsTerminal reports whether w is a character device, where carriage
// returns redraw a line rather than pile up in a log.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// Add records k more items done.
func (p *Printer) Add(k int) {
	p.done += k
	now := p.clock()
	if p.live {
		if now.Sub(p.lastDraw) >= redrawEvery || p.done == p.total {
			fmt.Fprintf(p.w, "\r%s\x1b[K", p.line(now))
			p.lastDraw, p.drawn = now, true
		}
		return
	}
	if p.total < 0 {
		if now.Sub(p.lastDraw) >= logEvery {
			fmt.Fprintln(p.w, p.line(now))
			p.lastDraw = now
		}
		return
	}
	// One line per call at most, even if it crosses several tenths;
	// none at 100%, where the summary follows.
	crossed := false
	for p.nextTenth < 10 && p.done*10 >= p.nextTenth*p.total {
		p.nextTenth++
		crossed = true
	}
	if crossed && p.done < p.total {
		fmt.Fprintln(p.w, p.line(now))
	}
}

// line is the progress message, e.g.
// "seeding 350000/1000000 cases (35%), 41000 cases/s, eta 16s", or
// "checking 350000 rows, 41000 rows/s" without a total.
func (p *Printer) line(now time.Time) string {
	rate := p.rate(now)
	if p.total < 0 {
		return fmt.Sprintf("%s %d %s, %.0f %s/s", p.words.Doing, p.done, p.words.Items, rate, p.words.Items)
	}
	pct := 100
	if p.total > 0 {
		pct = p.done * 100 / p.total
	}
	eta := "?"
	if rate > 0 {
		eta = time.Duration(float64(p.total-p.done) / rate * float64(time.Second)).Round(time.Second).String()
	}
	return fmt.Sprintf("%s %d/%d %s (%d%%), %.0f %s/s, eta %s", p.words.Doing, p.done, p.total, p.words.Items, pct, rate, p.words.Items, eta)
}

func (p *Printer) rate(now time.Time) float64 {
	el := now.Sub(p.start).Seconds()
	if el <= 0 {
		return 0
	}
	return float64(p.done) / el
}

// Finish writes the summary line, e.g.
// "seeded 1000000 cases in 46s (21739 cases/s)".
func (p *Printer) Finish() {
	now := p.clock()
	p.clear()
	el := now.Sub(p.start)
	fmt.Fprintf(p.w, "%s %d %s in %s (%.0f %s/s)\n", p.words.Done, p.done, p.words.Items, el.Round(time.Millisecond), p.rate(now), p.words.Items)
}

// Stop ends an interrupted run's live line so that what follows (the
// error) starts on a line of its own.
func (p *Printer) Stop() {
	if p.drawn {
		fmt.Fprintln(p.w)
		p.drawn = false
	}
}

// clear removes the live line.
func (p *Printer) clear() {
	if p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.drawn = false
	}
}
