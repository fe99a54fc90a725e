package store

import (
	"context"
	"time"
)

// Backoff of the scrubber between attempts that a reader blocked: short at
// first, since most readers finish within milliseconds, and never longer
// than scrubMaxWait, so that the text is gone soon after the last old
// reader lets go.
const (
	scrubFirstWait = 50 * time.Millisecond
	scrubMaxWait   = 2 * time.Second
)

// scrubber pushes removed text out of the places a committed DELETE or
// UPDATE leaves it in (dialect.scrub). Writes that remove personal text
// call removed and return at once; the scrubber's goroutine then retries
// the dialect's scrub, with backoff, until one succeeds after the latest
// call. A long reader can delay a checkpoint, but can neither make a
// request wait for it nor make it give up.
type scrubber struct {
	run  func(context.Context) error
	kick chan struct{} // holds at most one pending request
	stop context.CancelFunc
	exit chan struct{}
}

// newScrubber starts a scrubber that calls run, with one request pending so
// that whatever a crash left behind is scrubbed too.
func newScrubber(run func(context.Context) error) *scrubber {
	ctx, stop := context.WithCancel(context.Background())
	sc := &scrubber{run: run, kick: make(chan struct{}, 1), stop: stop, exit: make(chan struct{})}
	sc.kick <- struct{}{}
	go sc.loop(ctx)
	return sc
}

// removed asks for a scrub after text was removed by a committed write.
// It never blocks: requests made while one is pending are served by the
// same scrub, which starts after all of them.
func (sc *scrubber) removed() {
	select {
	case sc.kick <- struct{}{}:
	default:
	}
}

// close stops the goroutine and waits for it. A pending scrub is
// abandoned: closing the last connection checkpoints SQLite's WAL and
// deletes it anyway.
func (sc *scrubber) close() {
	sc.stop()
	<-sc.exit
}

func (sc *scrubber) loop(ctx context.Context) {
	defer close(sc.exit)
	for {
		select {
		case <-ctx.Done():
			return
		case <-sc.kick:
		}
		wait := scrubFirstWait
		for {
			if sc.run(ctx) == nil {
				break
			}
			if !sleep(ctx, wait) {
				return
			}
			wait = min(2*wait, scrubMaxWait)
		}
	}
}
