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
// an account, its outbox, its alerts and its cases' reminders.
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
		c := sampleCase()
		c.OwnerID, c.Created = "a_1", now
		if err := s.CreateCase(ctx, c, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SaveAlert(ctx, store.Alert{AccountID: "a_1", CaseID: c.ID, Query: "q", Every: "weekly", NextDay: 1}, 10); err != nil {
			t.Fatal(err)
		}
		if _, err := s.EnrollReminders(ctx, 1); err != nil {
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
		if a, err := s.AlertsOf(ctx, "a_1"); err != nil || len(a) != 1 {
			t.Errorf("alerts after reorganising: %d, %v; want 1", len(a), err)
		}
		if r, err := s.RemindersOf(ctx, "a_1"); err != nil || len(r) != 1 {
			t.Errorf("reminders after reorganising: %d, %v; want 1", len(r), err)
		}
	})
}
