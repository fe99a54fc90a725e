package store_test

import (
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
)

// TestSignUpMailCommitsWithTheAccount: an account made unverified and its
// verification link and message are one transaction; the link verifies
// once, and an expired or misdirected link does nothing.
func TestSignUpMailCommitsWithTheAccount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := ctx(t)
		now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
		a := store.Account{ID: "a_NEW", Email: "new@example.org", PasswordHash: "h", Unverified: true}
		m := store.Mailing{
			Tokens: []store.Token{{Hash: []byte("verify-token"), AccountID: a.ID, Purpose: "verify", Expires: now.Add(time.Hour)}},
			Mails:  []store.OutMail{{AccountID: a.ID, Kind: "verify", Subject: "Confirm", Text: "t", HTML: "<p>h</p>"}},
		}
		if err := s.CreateAccount(c, a, m); err != nil {
			t.Fatal(err)
		}
		got, err := s.AccountByID(c, a.ID)
		if err != nil || !got.Unverified {
			t.Fatalf("new account %+v, %v", got, err)
		}
		// A second sign-up with the address is refused and queues nothing.
		if err := s.CreateAccount(c, store.Account{ID: "a_DUP", Email: "NEW@example.org"}, store.Mailing{
			Mails: []store.OutMail{{AccountID: "a_DUP", Kind: "verify"}}}); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("duplicate: %v", err)
		}
		if n, _ := s.OutboxSize(c); n != 1 {
			t.Fatalf("outbox holds %d messages, want 1", n)
		}
		if _, err := s.VerifyAccount(c, []byte("verify-token"), now.Add(2*time.Hour)); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("expired token: %v", err)
		}
		if _, err := s.UseToken(c, []byte("verify-token"), "reset", now, nil); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("token for another purpose: %v", err)
		}
		if _, err := s.PeekToken(c, []byte("verify-token"), "verify", now); err != nil {
			t.Errorf("peek: %v", err)
		}
		if tok, err := s.VerifyAccount(c, []byte("verify-token"), now); err != nil || tok.AccountID != a.ID {
			t.Fatalf("verify: %+v, %v", tok, err)
		}
		if got, _ := s.AccountByID(c, a.ID); got.Unverified {
			t.Error("still unverified after the link was used")
		}
		if _, err := s.VerifyAccount(c, []byte("verify-token"), now); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("second use: %v", err)
		}
	})
}

// TestResetEndsEverySession: a reset sets the password, ends every session
// and voids the account's other reset links; a failing action keeps the
// token.
func TestResetEndsEverySession(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := ctx(t)
		now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
		if err := s.CreateAccount(c, store.Account{ID: "a_1", Email: "a@example.org", PasswordHash: "old"}); err != nil {
			t.Fatal(err)
		}
		for _, h := range []string{"s1", "s2"} {
			if err := s.CreateSession(c, []byte(h), "a_1", 1); err != nil {
				t.Fatal(err)
			}
		}
		exp := now.Add(time.Hour)
		if err := s.Queue(c, store.Mailing{Tokens: []store.Token{
			{Hash: []byte("r1"), AccountID: "a_1", Purpose: "reset", Expires: exp},
			{Hash: []byte("r2"), AccountID: "a_1", Purpose: "reset", Expires: exp},
		}}); err != nil {
			t.Fatal(err)
		}
		boom := errors.New("boom")
		if _, err := s.UseToken(c, []byte("r1"), "reset", now, func(*sql.Tx, store.Token) error { return boom }); !errors.Is(err, boom) {
			t.Fatalf("failing action: %v", err)
		}
		if _, err := s.ResetPassword(c, []byte("r1"), now, "new"); err != nil {
			t.Fatalf("reset after a failed try: %v", err)
		}
		if a, _ := s.AccountByID(c, "a_1"); a.PasswordHash != "new" {
			t.Errorf("password hash %q", a.PasswordHash)
		}
		if list, _ := s.SessionsOf(c, "a_1"); len(list) != 0 {
			t.Errorf("sessions left after reset: %v", list)
		}
		if _, err := s.ResetPassword(c, []byte("r2"), now, "other"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("the other reset link still works: %v", err)
		}
	})
}

// TestOutboxClaims: claimed messages are not claimed again until their
// lease ends; a failure puts a message back for later; a sent message is
// gone; deleting the account takes its queue and links with it.
func TestOutboxClaims(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := ctx(t)
		now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
		if err := s.CreateAccount(c, store.Account{ID: "a_1", Email: "One@example.org"}); err != nil {
			t.Fatal(err)
		}
		var mails []store.OutMail
		for _, k := range []string{"a", "b", "c"} {
			mails = append(mails, store.OutMail{AccountID: "a_1", Kind: k, Subject: "s " + k, Text: "t", HTML: "h", Due: now.Add(-time.Minute)})
		}
		mails = append(mails, store.OutMail{AccountID: "a_1", Kind: "later", Due: now.Add(time.Hour)})
		if err := s.Queue(c, store.Mailing{Mails: mails,
			Tokens: []store.Token{{Hash: []byte("x"), AccountID: "a_1", Purpose: "verify", Expires: now.Add(time.Hour)}}}); err != nil {
			t.Fatal(err)
		}
		first, err := s.ClaimMail(c, "one", now, time.Minute, 2)
		if err != nil || len(first) != 2 {
			t.Fatalf("first claim: %+v, %v", first, err)
		}
		if first[0].To != "One@example.org" {
			t.Errorf("address %q", first[0].To)
		}
		second, err := s.ClaimMail(c, "two", now, time.Minute, 10)
		if err != nil || len(second) != 1 || second[0].ID == first[0].ID || second[0].ID == first[1].ID {
			t.Fatalf("second claim: %+v, %v", second, err)
		}
		if err := s.MailSent(c, first[0].ID, "one"); err != nil {
			t.Fatal(err)
		}
		if err := s.MailFailed(c, first[1].ID, "one", now.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		// "two" lost its lease; "three" takes the message over, and a late
		// report from "two" is refused.
		third, err := s.ClaimMail(c, "three", now.Add(2*time.Minute), time.Minute, 10)
		if err != nil || len(third) != 2 {
			t.Fatalf("third claim: %+v, %v", third, err)
		}
		if err := s.MailSent(c, second[0].ID, "two"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("sent under a lost claim: %v", err)
		}
		for _, d := range third {
			if d.ID == first[1].ID && d.Attempts != 1 {
				t.Errorf("attempts %d after one failure", d.Attempts)
			}
		}
		if list, _ := s.OutboxOf(c, "a_1"); len(list) != 3 {
			t.Errorf("outbox of the account: %d messages, want 3", len(list))
		}
		if list, _ := s.TokensOf(c, "a_1"); len(list) != 1 || list[0].Purpose != "verify" {
			t.Errorf("tokens of the account: %+v", list)
		}
		if _, err := s.DeleteAccount(c, "a_1"); err != nil {
			t.Fatal(err)
		}
		if n, _ := s.OutboxSize(c); n != 0 {
			t.Errorf("outbox holds %d messages of a deleted account", n)
		}
		if list, _ := s.TokensOf(c, "a_1"); len(list) != 0 {
			t.Errorf("tokens of a deleted account: %+v", list)
		}
	})
}
