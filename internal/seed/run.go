package seed

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/progress"
	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/timeline"
)

// batchSize is the number of cases written per transaction. On SQLite each
// commit rewrites most pages of the indexes, so big batches seed markedly
// faster (1M cases: about 2 minutes at 10,000 per call, 1 minute at
// 100,000); 50,000 cases still take only some tens of megabytes.
const batchSize = 50000

// editKeyHashSize is the size of a SHA-256 edit key hash.
const editKeyHashSize = 32

// Run fills a store with n cases from Generate in batches via CreateCases,
// writing progress to w: one updating line when w is a terminal, a line per
// tenth otherwise, and a summary at the end. It stops between batches when
// ctx ends.
//
// Each case gets random bytes in place of an edit key hash. No key hashes to
// them, so nobody can edit or delete a seeded case through the API.
func Run(ctx context.Context, st *store.Store, cat *catalog.Catalog, n int, now time.Time, seed uint64, w io.Writer) error {
	pr := progress.New(w, progress.Words{Doing: "seeding", Done: "seeded", Items: "cases"}, n)
	done := 0
	batch := make([]*timeline.Case, 0, min(max(n, 0), batchSize))
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("seed: stopped after %d of %d cases: %w", done, n, err)
		}
		// A fresh buffer per batch: the store must not see its keys change.
		keys := make([]byte, editKeyHashSize*len(batch))
		rand.Read(keys) // never fails: crypto/rand crashes the program rather than return an error
		hashes := make([][]byte, len(batch))
		for i := range hashes {
			hashes[i] = keys[i*editKeyHashSize : (i+1)*editKeyHashSize : (i+1)*editKeyHashSize]
		}
		if err := st.CreateCases(ctx, batch, hashes); err != nil {
			return fmt.Errorf("seed: store cases %d to %d: %w", done+1, done+len(batch), err)
		}
		done += len(batch)
		pr.Add(len(batch))
		batch = batch[:0]
		return nil
	}
	err := Generate(cat, n, now, seed, func(c *timeline.Case) error {
		batch = append(batch, c)
		if len(batch) == batchSize {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		pr.Stop()
		return err
	}
	pr.Finish()
	return nil
}
