package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// startServe runs "casetrack serve" with args in the process, as main
// does, until the test ends, and returns its address once /healthz
// answers.
func startServe(t *testing.T, stderr *lockedBuffer, args ...string) string {
	t.Helper()
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", addr}, args...), env(nil), &bytes.Buffer{}, stderr)
	}()
	t.Cleanup(func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("serve exited with %d:\n%s", code, stderr.String())
		}
	})
	for {
		res, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return addr
			}
		}
		select {
		case code := <-done:
			done <- code
			t.Fatalf("serve exited with %d before answering:\n%s", code, stderr.String())
		default:
		}
		time.Sleep(20 * time.Millisecond) // pacing of the poll, not a deadline
	}
}

// TestStartupErrors checks the start-up errors README "Start-up errors"
// lists: each is one line on stderr that names the path or host and says
// what to do, and the exit code is 1.
func TestStartupErrors(t *testing.T) {
	dir := t.TempDir()
	isDir := filepath.Join(dir, "db-is-a-directory")
	if err := os.Mkdir(isDir, 0o755); err != nil {
		t.Fatal(err)
	}
	// A closed port: something listened there a moment ago.
	refused := freeAddr(t)
	host, port, _ := net.SplitHostPort(refused)
	tests := []struct {
		name string
		db   string
		// setup, when set, prepares the case; an error skips it.
		setup func(t *testing.T) error
		want  []string
	}{
		{"missing directory", "sqlite:" + filepath.Join(dir, "nowhere", "c.db"), nil,
			[]string{filepath.Join(dir, "nowhere"), "does not exist", "create it"}},
		{"path is a directory", "sqlite:" + isDir, nil,
			[]string{isDir, "is a directory", "give the path of a file"}},
		{"read-only directory", "sqlite:" + filepath.Join(dir, "ro", "c.db"), func(t *testing.T) error {
			ro := filepath.Join(dir, "ro")
			if err := os.Mkdir(ro, 0o755); err != nil {
				return err
			}
			// Tests run as root, which ignores permission bits; the
			// immutable attribute refuses even root, like a read-only
			// file system. Without it, permission bits do for others.
			if os.Geteuid() != 0 {
				return os.Chmod(ro, 0o555)
			}
			if out, err := exec.Command("chattr", "+i", ro).CombinedOutput(); err != nil {
				t.Skipf("skipping: cannot make a directory read-only as root (chattr +i): %v %s", err, out)
			}
			t.Cleanup(func() { exec.Command("chattr", "-i", ro).Run() }) //nolint:errcheck
			return nil
		}, []string{filepath.Join(dir, "ro"), "not writable", "make it writable or choose another path with --database"}},
		{"PostgreSQL refuses", "postgres://postgres@" + refused + "/test?sslmode=disable&connect_timeout=5", nil,
			[]string{"cannot connect to PostgreSQL at " + net.JoinHostPort(host, port), "connection refused", "check that PostgreSQL runs there"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.setup != nil {
				if err := tt.setup(t); err != nil {
					t.Fatal(err)
				}
			}
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), []string{"serve", "--addr", freeAddr(t), "--database", tt.db, "--contact", "ops@casetrack.test"},
				env(nil), &stdout, &stderr)
			if code != 1 {
				t.Errorf("exit code %d, want 1", code)
			}
			// The log lines before the error are slog's; the error is
			// the last line and the only one from run.
			lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
			last := lines[len(lines)-1]
			if !strings.HasPrefix(last, "casetrack serve: ") {
				t.Fatalf("last line %q is not the error; stderr:\n%s", last, stderr.String())
			}
			for _, l := range lines[:len(lines)-1] {
				if !strings.HasPrefix(l, "time=") {
					t.Errorf("the error spans more than one line:\n%s", stderr.String())
					break
				}
			}
			for _, w := range tt.want {
				if !strings.Contains(last, w) {
					t.Errorf("error %q lacks %q", last, w)
				}
			}
		})
	}
}

// TestOneServerPerSQLiteFile checks the single-writer promise of README
// "Several instances": a second server on the same SQLite file refuses to
// start with one line naming the file and PostgreSQL, the first keeps
// serving, and once the first has stopped (even killed: the lock is the
// kernel's) the file can be served again.
func TestOneServerPerSQLiteFile(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "one.db")
	var firstLog lockedBuffer
	first := startServe(t, &firstLog, "--database", db, "--contact", "ops@casetrack.test")

	var stderr bytes.Buffer
	code := run(context.Background(), []string{"serve", "--addr", freeAddr(t), "--database", db, "--contact", "ops@casetrack.test"},
		env(nil), &bytes.Buffer{}, &stderr)
	if code != 1 {
		t.Errorf("second server: exit code %d, want 1", code)
	}
	lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	last := lines[len(lines)-1]
	for _, w := range []string{"casetrack serve: ", strings.TrimPrefix(db, "sqlite:"), "already served", "process " + strconv.Itoa(os.Getpid()), "PostgreSQL"} {
		if !strings.Contains(last, w) {
			t.Errorf("second server's error %q lacks %q", last, w)
		}
	}
	// Every command that writes is refused the same way while the server
	// holds the file: its writes would never reach the server's
	// statistics. (Their other arguments are valid: without the server
	// each would run.)
	for _, args := range [][]string{
		{"migrate", "--database", db},
		{"seed", "--database", db, "--cases", "10"},
		{"reorganize", "--database", db},
		{"admin", "grant", "ops@casetrack.test", "--database", db},
	} {
		var stderr bytes.Buffer
		if code := run(context.Background(), args, env(nil), &bytes.Buffer{}, &stderr); code == 0 {
			t.Errorf("%s while a server holds the file: exit code 0, want a refusal", args[0])
		}
		if !strings.Contains(stderr.String(), "already served") || !strings.Contains(stderr.String(), "stop it first") {
			t.Errorf("%s while a server holds the file: %q, want the server named and what to do", args[0], stderr.String())
		}
	}
	res, err := http.Get("http://" + first + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("first server after the second was refused: readiness %d", res.StatusCode)
	}
}

// TestOneServerPerSQLiteFileReleased: the lock goes with the server that
// held it, so the next server starts.
func TestOneServerPerSQLiteFileReleased(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "again.db")
	for range 2 {
		t.Run("serve", func(t *testing.T) {
			var log lockedBuffer
			startServe(t, &log, "--database", db, "--contact", "ops@casetrack.test")
		})
	}
}

// TestStartupLog checks the start-up log: the address as a URL a person
// can open, and the placeholder-contact warning once, saying how to set
// the contact.
func TestStartupLog(t *testing.T) {
	var log lockedBuffer
	addr := startServe(t, &log, "--database", "sqlite:"+filepath.Join(t.TempDir(), "log.db"))
	_, port, _ := net.SplitHostPort(addr)
	out := log.String()
	if want := "listening on http://127.0.0.1:" + port + "/"; !strings.Contains(out, want) {
		t.Errorf("start-up log lacks %q:\n%s", want, out)
	}
	if n := strings.Count(out, "privacy contact is the placeholder"); n != 1 {
		t.Errorf("placeholder warning %d times, want once:\n%s", n, out)
	}
	if !strings.Contains(out, "--contact or CASETRACK_CONTACT") {
		t.Errorf("placeholder warning does not say how to set the contact:\n%s", out)
	}
}

// TestListenURL: a listener on every interface is opened as localhost.
func TestListenURL(t *testing.T) {
	for _, tt := range []struct{ addr, want string }{
		{"0.0.0.0:8080", "http://localhost:8080/"},
		{"[::]:8080", "http://localhost:8080/"},
		{"127.0.0.1:9000", "http://127.0.0.1:9000/"},
		{"[::1]:9000", "http://[::1]:9000/"},
	} {
		a, err := net.ResolveTCPAddr("tcp", tt.addr)
		if err != nil {
			t.Fatal(err)
		}
		if got := listenURL(a); got != tt.want {
			t.Errorf("listenURL(%s) = %q, want %q", tt.addr, got, tt.want)
		}
	}
}
