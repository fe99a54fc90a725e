package store_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
)

// childEnv, when set to a database URL, turns the test binary into the
// writer process of TestDurability (see TestMain).
const childEnv = "CASETRACK_STORE_DURABILITY_CHILD"

func TestMain(m *testing.M) {
	if url := os.Getenv(childEnv); url != "" {
		os.Exit(durabilityChild(url))
	}
	os.Exit(m.Run())
}

// durabilityChild creates cases until it is killed, printing the id of
// each one after CreateCase has acknowledged it.
func durabilityChild(url string) int {
	ctx := context.Background()
	s, err := store.Open(ctx, url)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	for {
		c := sampleCase()
		if err := s.CreateCase(ctx, c, nil); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		// os.Stdout is unbuffered: the line leaves the process now.
		if _, err := fmt.Println(c.ID); err != nil {
			return 1
		}
	}
}

// TestDurability kills a writing process with SIGKILL and checks that
// every case it had acknowledged is in the database afterwards.
func TestDurability(t *testing.T) {
	const acks = 200
	storetest.EachURL(t, func(t *testing.T, url string) {
		// Create the schema first, so the child only writes.
		s, err := store.Open(ctx(t), url)
		if err != nil {
			t.Fatal(err)
		}
		s.Close()

		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), childEnv+"="+url)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		var acked []string
		r := bufio.NewReader(out)
		killed := false
		timeout := time.AfterFunc(60*time.Second, func() { cmd.Process.Kill() })
		defer timeout.Stop()
		for {
			line, err := r.ReadString('\n')
			if err == io.EOF {
				break // a line cut short by the kill was never acknowledged
			}
			if err != nil {
				t.Fatal(err)
			}
			acked = append(acked, strings.TrimSuffix(line, "\n"))
			if len(acked) == acks && !killed {
				if err := cmd.Process.Kill(); err != nil { // SIGKILL
					t.Fatal(err)
				}
				killed = true
			}
		}
		cmd.Wait() //nolint:errcheck // killed on purpose
		if !killed {
			t.Fatalf("the writer stopped after %d acknowledged cases: %s", len(acked), stderr.String())
		}

		s, err = store.Open(ctx(t), url)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		for _, id := range acked {
			if _, err := s.Case(ctx(t), id); err != nil {
				t.Errorf("acknowledged case %s: %v", id, err)
			}
		}
		n, err := s.CountCases(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		// At most the one write in flight at the kill may be there
		// unacknowledged.
		if n < len(acked) || n > len(acked)+1 {
			t.Errorf("%d cases stored, %d acknowledged", n, len(acked))
		}
		t.Logf("%d acknowledged cases all present after SIGKILL", len(acked))
	})
}
