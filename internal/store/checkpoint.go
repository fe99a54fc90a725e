package store

import (
	"context"
	"database/sql"
	"time"
)

// SQLite copies the write-ahead log back into the database file at a
// checkpoint. Left to itself (wal_autocheckpoint) it does so inside the
// commit that crosses a thousand pages, so that every so often one group
// of submissions waits for a whole checkpoint and its fsync: a tenth of
// the write path's time at a million cases, all of it in the slowest
// answers. The connections therefore never checkpoint on their own (the
// DSN sets wal_autocheckpoint to 0) and this goroutine does it beside
// them. A PASSIVE checkpoint never waits for readers or writers: it
// copies what it can, and the next tick the rest.

// checkpointEvery is how often the log is checkpointed. At a thousand
// submissions a second it holds a few tens of megabytes in between.
const checkpointEvery = 500 * time.Millisecond

// walCheckpointer runs the background checkpoints of one SQLite pool.
type walCheckpointer struct {
	stop context.CancelFunc
	exit chan struct{}
}

func startCheckpoints(db *sql.DB) *walCheckpointer {
	ctx, stop := context.WithCancel(context.Background())
	w := &walCheckpointer{stop: stop, exit: make(chan struct{})}
	go func() {
		defer close(w.exit)
		t := time.NewTicker(checkpointEvery)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			// An error (the file is gone, the disk is full) shows in the
			// writes themselves; the next tick tries again.
			var busy, logFrames, done int
			_ = db.QueryRowContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &logFrames, &done)
		}
	}()
	return w
}

// close stops the checkpoints. Closing the last connection checkpoints
// what is left.
func (w *walCheckpointer) close() {
	if w == nil {
		return
	}
	w.stop()
	<-w.exit
}
