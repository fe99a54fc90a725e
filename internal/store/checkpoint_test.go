package store_test

import (
	"database/sql"
	"encoding/binary"
	"os"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
)

// walProgress reads, from SQLite's shared-memory WAL index (PATH-shm),
// how many frames the log holds (mxFrame, in the index header) and how
// many of them a checkpoint has copied into the database (nBackfill, in
// the checkpoint information after the header's two copies). Both are
// native-endian 32-bit integers; see SQLite's wal.c.
func walProgress(t *testing.T, path string) (frames, backfilled uint32) {
	t.Helper()
	b, err := os.ReadFile(path + "-shm")
	if err != nil {
		t.Fatal(err)
	}
	if len(b) < 100 {
		t.Fatalf("WAL index of %d bytes", len(b))
	}
	return binary.NativeEndian.Uint32(b[16:]), binary.NativeEndian.Uint32(b[96:])
}

// TestCheckpointsRunBesideTheWrites: commits never checkpoint the
// write-ahead log themselves (so no submission waits for one), and the
// background checkpoints copy every committed frame into the database soon
// after, so the log does not grow without end.
func TestCheckpointsRunBesideTheWrites(t *testing.T) {
	storetest.EachRaw(t, func(t *testing.T, s *store.Store, _ *sql.DB, path string) {
		if path == "" {
			t.Skip("PostgreSQL checkpoints by itself")
		}
		var auto int
		if err := store.DB(s).QueryRowContext(ctx(t), "PRAGMA wal_autocheckpoint").Scan(&auto); err != nil {
			t.Fatal(err)
		}
		if auto != 0 {
			t.Errorf("wal_autocheckpoint = %d on the store's connections, want 0", auto)
		}
		for range 20 {
			mustCreate(t, s, sampleCase())
		}
		c := ctx(t)
		for {
			frames, done := walProgress(t, path)
			if done == frames { // 0 of 0 after the log was reset
				return
			}
			select {
			case <-c.Done():
				t.Fatalf("%d of %d WAL frames checkpointed", done, frames)
			case <-time.After(10 * time.Millisecond):
			}
		}
	})
}
