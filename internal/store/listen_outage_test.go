package store_test

import (
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/store/storetest"
)

// TestListenLostAndBack checks what the operations log relies on: when
// the LISTEN connection to PostgreSQL is cut, ObserveListen's lost is
// told with the error; when the server is reachable again, back is told
// how long the listener was deaf, and Listen asks for a resynchronisation
// ("") because notifications sent meanwhile are gone.
func TestListenLostAndBack(t *testing.T) {
	st, p := storetest.PostgresBehindProxy(t)
	lost := make(chan error, 10)
	back := make(chan time.Duration, 10)
	st.ObserveListen(func(err error) { lost <- err }, func(d time.Duration) { back <- d })
	l := listen(t, st)
	l.ready(t)

	cutAt := time.Now()
	p.Cut()
	if err := <-lost; err == nil {
		t.Error("lost was told no error")
	}
	// Let a reconnection attempt fail before the server comes back.
	for p.Refused() == 0 {
		time.Sleep(10 * time.Millisecond) // pacing of the poll, not a deadline
	}
	p.Restore()
	deaf := <-back
	if deaf <= 0 || deaf > time.Since(cutAt) {
		t.Errorf("deaf for %v, want between 0 and %v", deaf, time.Since(cutAt))
	}
	if id := <-l.ids; id != "" {
		t.Errorf("after reconnecting Listen delivered %q, want \"\" (resynchronise)", id)
	}
	if len(lost) > 0 {
		t.Errorf("lost told %d more times for one cut", len(lost))
	}
}
