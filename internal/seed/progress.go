package seed

import (
	"fmt"
	"io"
	"os"
	"time"
)

// redrawEvery limits how often the live progress line is redrawn.
const redrawEvery = 100 * time.Millisecond

// progress reports how far seeding has come. Writes to w are best-effort:
// a broken terminal must not abort a long seeding run, so their errors are
// ignored.
type progress struct {
	w     io.Writer
	total int
	// live redraws one line in place (a terminal); otherwise a line is
	// written each time another tenth of the total is done.
	live  bool
	clock func() time.Time

	start     time.Time
	lastDraw  time.Time
	done      int
	nextTenth int
	drawn     bool // a live line is on screen
}

func newProgress(w io.Writer, total int, live bool, clock func() time.Time) *progress {
	return &progress{w: w, total: total, live: live, clock: clock, start: clock(), nextTenth: 1}
}

// isTerminal reports whether w is a character device, where carriage
// returns redraw a line rather than pile up in a log.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// add records k more cases written.
func (p *progress) add(k int) {
	p.done += k
	now := p.clock()
	if p.live {
		if now.Sub(p.lastDraw) >= redrawEvery || p.done == p.total {
			fmt.Fprintf(p.w, "\r%s\x1b[K", p.line(now))
			p.lastDraw, p.drawn = now, true
		}
		return
	}
	// One line per batch at most, even if a batch crosses several tenths;
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
// "seeding 350000/1000000 cases (35%), 41000 cases/s, eta 16s".
func (p *progress) line(now time.Time) string {
	pct := 100
	if p.total > 0 {
		pct = p.done * 100 / p.total
	}
	rate := p.rate(now)
	eta := "?"
	if rate > 0 {
		eta = time.Duration(float64(p.total-p.done) / rate * float64(time.Second)).Round(time.Second).String()
	}
	return fmt.Sprintf("seeding %d/%d cases (%d%%), %.0f cases/s, eta %s", p.done, p.total, pct, rate, eta)
}

func (p *progress) rate(now time.Time) float64 {
	el := now.Sub(p.start).Seconds()
	if el <= 0 {
		return 0
	}
	return float64(p.done) / el
}

// finish writes the summary line.
func (p *progress) finish() {
	now := p.clock()
	p.clear()
	el := now.Sub(p.start)
	fmt.Fprintf(p.w, "seeded %d cases in %s (%.0f cases/s)\n", p.done, el.Round(time.Millisecond), p.rate(now))
}

// stop ends an interrupted run's live line so that what follows (the
// error) starts on a line of its own.
func (p *progress) stop() {
	if p.drawn {
		fmt.Fprintln(p.w)
		p.drawn = false
	}
}

// clear removes the live line.
func (p *progress) clear() {
	if p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.drawn = false
	}
}
