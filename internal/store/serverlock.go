package store

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// ErrServedElsewhere is returned (wrapped) by ClaimServer when another
// process already serves the same SQLite database.
var ErrServedElsewhere = errors.New("the SQLite database is already served by another process")

// ClaimServer makes this process the only server of an SQLite database
// until the store is closed; on PostgreSQL, which several instances
// share, it does nothing.
//
// Two servers on one SQLite file would both write to it, but each keeps
// its statistics index current only from its own writes (SQLite has no
// LISTEN/NOTIFY), so their statistics would silently diverge. The claim
// is an exclusive flock(2) on PATH.lock, which holds the server's process
// id for the message the second one prints. A lock file of its own rather
// than SQLite's locking or the database file itself: SQLite's locks are
// held only during a transaction, and a second descriptor on the database
// file would lose SQLite's POSIX locks when it is closed. The operating
// system releases a flock when its process ends, even after kill -9, so a
// crash never leaves a stale lock behind; the file itself stays and is
// reused.
func (s *Store) ClaimServer() error {
	d, ok := s.d.(*sqliteDialect)
	if !ok {
		return nil
	}
	if s.serverLock != nil {
		return nil
	}
	path := d.path + ".lock"
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("sqlite database %s: open lock file: %w", d.path, err)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		defer f.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			holder := "another process"
			if b, rerr := os.ReadFile(path); rerr == nil {
				if pid, perr := strconv.Atoi(strings.TrimSpace(string(b))); perr == nil && pid > 0 {
					holder = fmt.Sprintf("process %d", pid)
				}
			}
			return fmt.Errorf("%w: %s is served by %s (lock %s); stop it first, or use PostgreSQL to run several instances",
				ErrServedElsewhere, d.path, holder, path)
		}
		return fmt.Errorf("sqlite database %s: lock %s: %w", d.path, path, err)
	}
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	s.serverLock = f
	return nil
}

// releaseServer gives up ClaimServer's lock.
func (s *Store) releaseServer() {
	if s.serverLock != nil {
		s.serverLock.Close() // closing the descriptor releases the flock
		s.serverLock = nil
	}
}
