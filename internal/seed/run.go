package seed

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"iter"
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/progress"
	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/timeline"
)

// editKeyHashSize is the size of a SHA-256 edit key hash.
const editKeyHashSize = 32

// Run fills a store with n cases from Generate in one transaction
// (store.SeedCasesFrom), writing progress to w: one updating line when w
// is a terminal, a line per tenth otherwise, and a summary at the end.
// When ctx ends it stops, and nothing is stored.
//
// Each case gets random bytes in place of an edit key hash. No key hashes to
// them, so nobody can edit or delete a seeded case through the API.
func Run(ctx context.Context, st *store.Store, cat *catalog.Catalog, n int, now time.Time, seed uint64, w io.Writer) error {
	pr := progress.New(w, progress.Words{Doing: "seeding", Done: "seeded", Items: "cases"}, n)
	done := 0
	_, err := st.SeedCasesFrom(ctx, generated(cat, n, now, seed), editKeyHashes(), func(written int) {
		pr.Add(written - done)
		done = written
	})
	if err != nil {
		pr.Stop()
		return fmt.Errorf("seed: store %d cases: %w", n, err)
	}
	pr.Finish()
	return nil
}

// errStopped ends Generate when the store stops reading cases.
var errStopped = errors.New("stopped")

// generated yields the cases of Generate.
func generated(cat *catalog.Catalog, n int, now time.Time, seed uint64) iter.Seq2[*timeline.Case, error] {
	return func(yield func(*timeline.Case, error) bool) {
		err := Generate(cat, n, now, seed, func(c *timeline.Case) error {
			if !yield(c, nil) {
				return errStopped
			}
			return nil
		})
		if err != nil && !errors.Is(err, errStopped) {
			yield(nil, err)
		}
	}
}

// editKeyHashes returns a source of random edit key hashes, drawn from
// crypto/rand a few thousand at a time. A buffer is never written again
// once its hashes are handed out: the store must not see its keys change.
func editKeyHashes() func() []byte {
	const perDraw = 4096
	var keys []byte
	return func() []byte {
		if len(keys) == 0 {
			keys = make([]byte, editKeyHashSize*perDraw)
			rand.Read(keys) // never fails: crypto/rand crashes the program rather than return an error
		}
		h := keys[:editKeyHashSize:editKeyHashSize]
		keys = keys[editKeyHashSize:]
		return h
	}
}
