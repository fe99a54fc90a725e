package web

import (
	"context"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
)

// outageDrill checks what DESIGN.md "Operations" promises while the
// database cannot be used: writes, case pages and the feed answer 503
// "unavailable" with Retry-After (JSON under /api/, a page for people),
// the statistics keep answering from the in-memory index, /healthz stays
// 200 while /readyz answers 503, the outage is logged once at its start
// and once at its end, and everything works again once the database is
// back. breakDB makes the database unusable and fixDB repairs it;
// readsWork says that reads still work meanwhile (an SQLite file that
// cannot take writes can still be read, and is).
func outageDrill(t *testing.T, st *store.Store, readsWork bool, breakDB, fixDB func()) {
	e := newEnv(t, st)
	created := e.create(validSubmission())
	session := e.account("outage@casetrack.test")
	if res := e.get("/readyz"); res.status != http.StatusOK {
		t.Fatalf("readiness before the outage: %d %s", res.status, res.body)
	}

	breakDB()
	for range 5 {
		res := e.postJSON("/api/v1/cases", validSubmission())
		if res.status != http.StatusServiceUnavailable || res.apiError(t).Error != "unavailable" || res.header.Get("Retry-After") != "30" {
			t.Fatalf("API write during the outage: %d %v %s\n%s", res.status, res.header, res.body, e.logs.String())
		}
	}
	// The form comes back with what the person typed.
	if res := e.postForm("/submit", validForm()); res.status != http.StatusServiceUnavailable ||
		!strings.Contains(res.body, "database is unavailable") || res.header.Get("Retry-After") == "" ||
		!strings.HasPrefix(res.header.Get("Content-Type"), "text/html") || !strings.Contains(res.body, "Premium processing was not used.") {
		t.Errorf("form submission during the outage: %d %v %.300s", res.status, res.header, res.body)
	}
	for _, path := range []string{"/cases/" + created.ID, "/api/v1/cases/" + created.ID, "/feed", "/api/v1/feed"} {
		res := e.get(path)
		switch {
		case readsWork && res.status != http.StatusOK:
			t.Errorf("GET %s while only writes fail: %d %.200s", path, res.status, res.body)
		case !readsWork && (res.status != http.StatusServiceUnavailable || res.header.Get("Retry-After") == ""):
			t.Errorf("GET %s during the outage: %d %v %.200s", path, res.status, res.header, res.body)
		}
	}
	// The home page shows what the index knows and says why the latest
	// milestones are missing.
	if res := e.get("/"); res.status != http.StatusOK ||
		readsWork == strings.Contains(res.body, "the database is unavailable") {
		t.Errorf("home page during the outage: %d, says unavailable: %v", res.status, strings.Contains(res.body, "the database is unavailable"))
	}
	// The statistics come from the in-memory index, for people signed
	// in too (whose session cannot be read meanwhile).
	for _, path := range []string{"/api/v1/stats?category=eb2-niw", "/explore?category=eb2-niw", "/api/v1/catalog"} {
		if res := e.get(path); res.status != http.StatusOK {
			t.Errorf("GET %s during the outage: %d %.200s", path, res.status, res.body)
		}
		if res := e.get(path, session...); res.status != http.StatusOK {
			t.Errorf("GET %s signed in during the outage: %d %.200s", path, res.status, res.body)
		}
	}
	if res := e.get("/healthz"); res.status != http.StatusOK {
		t.Errorf("liveness during the outage: %d", res.status)
	}
	if res := e.get("/readyz"); res.status != http.StatusServiceUnavailable || res.header.Get("Retry-After") == "" {
		t.Errorf("readiness during the outage: %d %v %s", res.status, res.header, res.body)
	}
	logs := e.logs.String()
	if n := strings.Count(logs, "database unavailable"); n != 1 {
		t.Errorf("outage start logged %d times, want once:\n%s", n, logs)
	}
	if strings.Contains(logs, "level=ERROR msg=\"request failed\"") || strings.Contains(logs, "level=ERROR msg=http") ||
		strings.Contains(logs, "level=ERROR msg=\"read session\"") {
		t.Errorf("an error line per request during the outage:\n%s", logs)
	}

	fixDB()
	// Readiness follows the database; the load balancer would poll it.
	for e.get("/readyz").status != http.StatusOK {
		time.Sleep(20 * time.Millisecond) // pacing of the poll, not a deadline
	}
	if !strings.Contains(e.logs.String(), "database available again") {
		t.Errorf("the end of the outage was not logged:\n%s", e.logs.String())
	}
	if res := e.postJSON("/api/v1/cases", validSubmission()); res.status != http.StatusCreated {
		t.Errorf("write after the outage: %d %s", res.status, res.body)
	}
	if res := e.get("/cases/" + created.ID); res.status != http.StatusOK {
		t.Errorf("case page after the outage: %d", res.status)
	}
}

// TestOutagePostgresUnreachable runs the outage drill with PostgreSQL
// cut off by a proxy between the store and the server: every connection
// closed and new ones refused, then let through again.
func TestOutagePostgresUnreachable(t *testing.T) {
	st, p := storetest.PostgresBehindProxy(t)
	outageDrill(t, st, false, p.Cut, p.Restore)
}

// TestOutageSQLiteUnwritable runs the outage drill with the SQLite file
// and its write-ahead log made immutable (chattr +i). Tests run as root,
// which permission bits do not stop; the immutable attribute stops every
// write, even through descriptors opened before, as a file system gone
// read-only would. Without chattr or the right to use it the test is
// skipped.
func TestOutageSQLiteUnwritable(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "casetrack.db")
	st, err := store.Open(context.Background(), "sqlite:"+path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	files := []string{path, path + "-wal"}
	chattr := func(flag string) error {
		out, err := exec.Command("chattr", append([]string{flag}, files...)...).CombinedOutput()
		if err != nil {
			return errors.New(strings.TrimSpace(string(out)) + ": " + err.Error())
		}
		return nil
	}
	if err := chattr("+i"); err != nil {
		t.Skipf("skipping: cannot make the database immutable (needs chattr and root on a file system that has the attribute): %v", err)
	}
	t.Cleanup(func() { chattr("-i") }) //nolint:errcheck // else t.TempDir cannot remove them
	if err := chattr("-i"); err != nil {
		t.Fatal(err)
	}
	outageDrill(t, st, true,
		func() {
			if err := chattr("+i"); err != nil {
				t.Fatal(err)
			}
		},
		func() {
			if err := chattr("-i"); err != nil {
				t.Fatal(err)
			}
		})
}

// TestOutageSQLiteDiskFull runs the outage drill with the SQLite database
// on a small tmpfs that a filler file fills to the last byte, then
// removed. Mounting needs root (CAP_SYS_ADMIN); without it the test is
// skipped.
func TestOutageSQLiteDiskFull(t *testing.T) {
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=8m", "casetrack-test", dir).CombinedOutput(); err != nil {
		t.Skipf("skipping: cannot mount a small file system to fill (needs root): %v %s", err, out)
	}
	path := filepath.Join(dir, "casetrack.db")
	st, err := store.Open(context.Background(), "sqlite:"+path)
	if err != nil {
		exec.Command("umount", dir).Run() //nolint:errcheck
		t.Fatal(err)
	}
	// Cleanups run last first: close the store, then unmount.
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v %s", dir, err, out)
		}
	})
	t.Cleanup(func() { st.Close() })
	filler := filepath.Join(dir, "filler")
	outageDrill(t, st, true,
		func() {
			f, err := os.Create(filler)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			block := make([]byte, 64<<10)
			for len(block) > 0 {
				if _, err := f.Write(block); err != nil {
					if !errors.Is(err, syscall.ENOSPC) {
						t.Fatal(err)
					}
					block = block[:len(block)/2]
				}
			}
		},
		func() {
			if err := os.Remove(filler); err != nil {
				t.Fatal(err)
			}
		})
}
