package seed

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
	"github.com/casetrack/casetrack/internal/timeline"
)

func TestRun(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		cat := catalog.Default()
		const chunk = 50_000    // the store's chunk, after each of which progress is told
		const n = 2*chunk + 345 // two full chunks and a partial one
		var out bytes.Buffer
		if err := Run(t.Context(), st, cat, n, testNow, 9, &out); err != nil {
			t.Fatalf("Run: %v", err)
		}
		count, err := st.CountCases(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if count != n {
			t.Fatalf("%d cases stored, want %d", count, n)
		}

		want := map[string]*timeline.Case{}
		for _, c := range collect(t, cat, n, testNow, 9) {
			want[c.ID] = c
		}
		seen := 0
		err = st.ScanCases(t.Context(), func(got *timeline.Case) error {
			w, ok := want[got.ID]
			if !ok {
				t.Errorf("stored case %s was not generated", got.ID)
				return nil
			}
			seen++
			if got.Category != w.Category || got.Country != w.Country || got.ServiceCenter != w.ServiceCenter ||
				got.Filed != w.Filed || got.Note != w.Note || !got.AsOf.Equal(w.AsOf) || !got.Created.Equal(w.Created) ||
				len(got.Milestones) != len(w.Milestones) {
				t.Errorf("stored case differs:\n got %+v\nwant %+v", got, w)
				return nil
			}
			for i := range got.Milestones {
				if got.Milestones[i] != w.Milestones[i] {
					t.Errorf("case %s milestone %d: got %+v, want %+v", got.ID, i, got.Milestones[i], w.Milestones[i])
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if seen != n {
			t.Errorf("scanned %d generated cases, want %d", seen, n)
		}

		hashes := map[string]bool{}
		i := 0
		for id := range want {
			if i++; i > 50 {
				break
			}
			h, err := st.EditKeyHash(t.Context(), id)
			if err != nil {
				t.Fatalf("EditKeyHash(%s): %v", id, err)
			}
			if len(h) != editKeyHashSize || hashes[string(h)] {
				t.Errorf("case %s: edit key hash %x is short or repeated", id, h)
			}
			hashes[string(h)] = true
		}

		// Not a terminal: one line per tenth below 100%, then the summary.
		lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
		if len(lines) != 3 ||
			!strings.HasPrefix(lines[0], fmt.Sprintf("seeding %d/%d cases (%d%%)", chunk, n, 100*chunk/n)) ||
			!strings.HasPrefix(lines[1], fmt.Sprintf("seeding %d/%d cases (%d%%)", 2*chunk, n, 200*chunk/n)) ||
			!strings.HasPrefix(lines[2], fmt.Sprintf("seeded %d cases in ", n)) {
			t.Errorf("progress output:\n%s", out.String())
		}

		// The same seed again collides with the stored ids: the error must
		// come back, and nothing of the second seed remain.
		err = Run(t.Context(), st, cat, 10, testNow, 9, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), "store 10 cases") {
			t.Errorf("seeding the same cases twice: err = %v", err)
		}
		if count, err := st.CountCases(t.Context()); err != nil || count != n {
			t.Errorf("after the failed seed: %d cases, err %v; want %d", count, err, n)
		}
	})
}

func TestRunCancelled(t *testing.T) {
	st := storetest.SQLite(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := Run(ctx, st, catalog.Default(), 100, testNow, 1, &bytes.Buffer{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Run with a cancelled context: err = %v, want context.Canceled", err)
	}
	if count, err := st.CountCases(t.Context()); err != nil || count != 0 {
		t.Errorf("after cancel: %d cases stored, err %v", count, err)
	}
}
