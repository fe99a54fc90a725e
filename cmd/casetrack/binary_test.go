package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/store/storetest"
)

// TestBinarySurvivesKill builds the real binary, acknowledges a burst of
// submissions, kills the process with SIGKILL right after the last
// acknowledgement, restarts it and checks that every acknowledged case is
// there: a 201 means the case is durable.
func TestBinarySurvivesKill(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildBinary(t)
	t.Run("sqlite", func(t *testing.T) {
		crashAndRecover(t, bin, "sqlite:"+filepath.Join(t.TempDir(), "crash.db"))
	})
	t.Run("postgres", func(t *testing.T) {
		crashAndRecover(t, bin, storetest.PostgresURL(t))
	})
}

func crashAndRecover(t *testing.T, bin, database string) {
	p := startBinary(t, bin, "--database", database, "--write-rate", "0", "--contact", "ops@casetrack.test")
	first := p.submit(t)
	ids := []string{first}

	const burst, workers = 50, 5
	var mu sync.Mutex
	var wg sync.WaitGroup
	jobs := make(chan int)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range jobs {
				id := p.submit(t)
				mu.Lock()
				ids = append(ids, id)
				mu.Unlock()
			}
		}()
	}
	for i := range burst {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	p.kill(t)
	if len(ids) != burst+1 {
		t.Fatalf("%d acknowledged submissions, want %d", len(ids), burst+1)
	}

	p = startBinary(t, bin, "--database", database, "--write-rate", "0", "--contact", "ops@casetrack.test")
	for _, id := range ids {
		res, err := http.Get(p.url + "/api/v1/cases/" + id)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Errorf("acknowledged case %s: status %d after the restart", id, res.StatusCode)
		}
	}
	// The restarted server rebuilt its statistics index from the database.
	res, err := http.Get(p.url + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if want := fmt.Sprintf("<strong>%d</strong>", len(ids)); !strings.Contains(string(body), want) {
		t.Errorf("home page does not count %d cases", len(ids))
	}
	// The metrics see the loaded index, and the index synchronisation
	// reports its refresh times to them.
	p.submit(t)
	deadline := time.Now().Add(time.Minute) // a guard against hanging, not a timing
	for {
		m := p.metrics(t)
		if strings.Contains(m, fmt.Sprintf("casetrack_stats_index_cases %d\n", len(ids)+1)) &&
			strings.Contains(m, "casetrack_stats_index_refresh_seconds_count ") &&
			!strings.Contains(m, "casetrack_stats_index_refresh_seconds_count 0\n") {
			break
		}
		if time.Now().After(deadline) {
			t.Errorf("/metrics does not show the index (%d cases) and a refresh:\n%s", len(ids)+1, m)
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	p.stop(t)
	if logs := p.logs.String(); !strings.Contains(logs, "statistics index loaded") || !strings.Contains(logs, "cases="+fmt.Sprint(len(ids))) {
		t.Errorf("start-up log does not report the index:\n%s", logs)
	}
}

func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "casetrack")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("go build: %v", err)
	}
	return bin
}

// process is a running casetrack binary.
type process struct {
	cmd        *exec.Cmd
	url        string
	metricsURL string // the --metrics-addr listener
	logs       *lockedBuffer
	done       chan error
}

// submitted numbers the test submissions, so that each differs: identical
// timelines in a burst are held back by the quality checks.
var submitted atomic.Int64

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startBinary runs the binary on a free loopback port and waits until it
// answers /healthz.
func startBinary(t *testing.T, bin string, args ...string) *process {
	t.Helper()
	return startBinaryEnv(t, bin, nil, args...)
}

// startBinaryEnv is startBinary with more environment variables
// ("NAME=value").
func startBinaryEnv(t *testing.T, bin string, env []string, args ...string) *process {
	t.Helper()
	addr, maddr := freeAddr(t), freeAddr(t)
	p := &process{url: "http://" + addr, metricsURL: "http://" + maddr, logs: &lockedBuffer{}, done: make(chan error, 1)}
	p.cmd = exec.Command(bin, append([]string{"serve", "--addr", addr, "--metrics-addr", maddr}, args...)...)
	p.cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}, env...)
	p.cmd.Stdout = p.logs
	p.cmd.Stderr = p.logs
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			_ = p.cmd.Process.Kill()
			<-p.done
		}
	})
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-p.done:
			p.done <- err
			t.Fatalf("casetrack exited early: %v\n%s", err, p.logs.String())
		default:
		}
		res, err := http.Get(p.url + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return p
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("casetrack did not become healthy:\n%s", p.logs.String())
	return nil
}

// submit posts one valid case and returns its id; only a 201 counts.
func (p *process) submit(t *testing.T) string {
	n := int(submitted.Add(1))
	filed := fmt.Sprintf("%04d-%02d", 2020+n/12%5, n%12+1)
	body := `{"category":"i130-spouse-usc","country":"PH","filed":"` + filed + `","milestones":[{"code":"received","date":"` + filed + `-20"}]}`
	res, err := http.Post(p.url+"/api/v1/cases", "application/json", strings.NewReader(body))
	if err != nil {
		t.Error(err)
		return ""
	}
	defer res.Body.Close()
	var created struct{ ID string }
	if res.StatusCode != http.StatusCreated {
		b, _ := io.ReadAll(res.Body)
		t.Errorf("submit: status %d: %s", res.StatusCode, b)
		return ""
	}
	if err := json.NewDecoder(res.Body).Decode(&created); err != nil || created.ID == "" {
		t.Errorf("submit: %v", err)
	}
	return created.ID
}

// freeAddr returns a loopback address with a port that was free a moment
// ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// metrics reads /metrics from the metrics listener.
func (p *process) metrics(t *testing.T) string {
	t.Helper()
	res, err := http.Get(p.metricsURL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return string(b)
}

// kill ends the process with SIGKILL: no shutdown code runs.
func (p *process) kill(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-p.done
}

// stop ends the process with SIGTERM and expects a clean exit.
func (p *process) stop(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.done:
		if err != nil {
			t.Errorf("exit after SIGTERM: %v\n%s", err, p.logs.String())
		}
	case <-time.After(2 * time.Minute):
		t.Fatal("no exit within 2 minutes of SIGTERM")
	}
	if !strings.Contains(p.logs.String(), "stopped") {
		t.Errorf("no clean shutdown in the log:\n%s", p.logs.String())
	}
}
