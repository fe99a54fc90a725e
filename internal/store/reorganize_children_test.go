package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
)

// TestReorganizeKeepsChildren: the reorganisation deletes and inserts
// again the accounts (and recent cases), and every row that refers to
// them with a cascading foreign key must survive it: the links mailed to
// an account and its outbox.
func TestReorganizeKeepsChildren(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Now().UTC()
		if err := s.CreateAccount(ctx, store.Account{ID: "a_1", Email: "a@example.org"}); err != nil {
			t.Fatal(err)
		}
		m := store.Mailing{
			Tokens: []store.Token{{Hash: []byte("hash"), AccountID: "a_1", Purpose: "verify", Expires: now.Add(time.Hour)}},
			Mails:  []store.OutMail{{AccountID: "a_1", Kind: "verify", Subject: "s", Text: "t"}},
		}
		if err := s.Queue(ctx, m); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Reorganize(ctx, now); err != nil {
			t.Fatal(err)
		}
		if n, err := s.OutboxSize(ctx); err != nil || n != 1 {
			t.Errorf("outbox after reorganising: %d messages, %v; want 1", n, err)
		}
		if toks, err := s.TokensOf(ctx, "a_1"); err != nil || len(toks) != 1 {
			t.Errorf("links after reorganising: %d, %v; want 1", len(toks), err)
		}
	})
}
