package store_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
	"github.com/casetrack/casetrack/internal/timeline"
)

func TestAccounts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := ctx(t)
		ana := store.Account{ID: "a_ANA", Email: " Ana@Example.org ", Name: "Ana", PasswordHash: "$2a$hash"}
		if err := s.CreateAccount(c, ana); err != nil {
			t.Fatal(err)
		}
		got, err := s.AccountByEmail(c, "ANA@example.ORG")
		if err != nil {
			t.Fatal(err)
		}
		if got.Email != "Ana@Example.org" || got.Name != "Ana" || got.PasswordHash != "$2a$hash" || got.Role != "" {
			t.Errorf("read back %+v", got)
		}
		if b, err := s.AccountByID(c, "a_ANA"); err != nil || b != got {
			t.Errorf("by id: %+v, %v", b, err)
		}
		for _, dup := range []store.Account{
			{ID: "a_2", Email: "ana@EXAMPLE.org"},
		} {
			if err := s.CreateAccount(c, dup); !errors.Is(err, store.ErrConflict) {
				t.Errorf("duplicate %+v: %v", dup, err)
			}
		}
		oidc := store.Account{ID: "a_OIDC", Email: "o@example.org", OIDCIssuer: "https://id.example", OIDCSubject: "sub-1"}
		if err := s.CreateAccount(c, oidc); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateAccount(c, store.Account{ID: "a_3", Email: "other@example.org", OIDCIssuer: "https://id.example", OIDCSubject: "sub-1"}); !errors.Is(err, store.ErrConflict) {
			t.Errorf("duplicate identity: %v", err)
		}
		if a, err := s.AccountByOIDC(c, "https://id.example", "sub-1"); err != nil || a.ID != "a_OIDC" || a.PasswordHash != "" {
			t.Errorf("by identity: %+v %v", a, err)
		}
		for _, err := range []error{
			func() error { _, err := s.AccountByEmail(c, "nobody@example.org"); return err }(),
			func() error { _, err := s.AccountByID(c, "a_NONE"); return err }(),
			func() error { _, err := s.AccountByOIDC(c, "https://id.example", "sub-2"); return err }(),
			s.SetRole(c, "nobody@example.org", "admin"),
			s.SetPassword(c, "a_NONE", "x", nil),
		} {
			if !errors.Is(err, store.ErrNotFound) {
				t.Errorf("missing account: %v, want ErrNotFound", err)
			}
		}
		if err := s.UpdateAccountProfile(c, "a_OIDC", "ANA@example.org", "x"); !errors.Is(err, store.ErrConflict) {
			t.Errorf("profile update to a taken address: %v", err)
		}
		if err := s.UpdateAccountProfile(c, "a_OIDC", "Olu@example.org", "Olu"); err != nil {
			t.Fatal(err)
		}
		if a, _ := s.AccountByEmail(c, "olu@EXAMPLE.org"); a.ID != "a_OIDC" || a.Name != "Olu" {
			t.Errorf("after profile update: %+v", a)
		}
		if err := s.SetRole(c, "ana@example.org", "admin"); err != nil {
			t.Fatal(err)
		}
		if a, _ := s.AccountByID(c, "a_ANA"); a.Role != "admin" {
			t.Errorf("role %q", a.Role)
		}
	})
}

func TestSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := ctx(t)
		if err := s.CreateAccount(c, store.Account{ID: "a_1", Email: "a@example.org", PasswordHash: "h1"}); err != nil {
			t.Fatal(err)
		}
		h1, h2, h3 := []byte("hash-one-32-bytes..............."), []byte("hash-two-32-bytes..............."), []byte("hash-three-32-bytes.............")
		for _, h := range [][]byte{h1, h2, h3} {
			if err := s.CreateSession(c, h, "a_1", 100); err != nil {
				t.Fatal(err)
			}
		}
		se, a, err := s.SessionAccount(c, h1)
		if err != nil || se.AccountID != "a_1" || se.StartedDay != 100 || se.UsedDay != 100 || a.Email != "a@example.org" {
			t.Fatalf("session %+v %+v %v", se, a, err)
		}
		if err := s.TouchSession(c, h1, 105); err != nil {
			t.Fatal(err)
		}
		if err := s.TouchSession(c, h1, 103); err != nil { // never backwards
			t.Fatal(err)
		}
		if se, _, _ := s.SessionAccount(c, h1); se.UsedDay != 105 {
			t.Errorf("used day %d", se.UsedDay)
		}
		if err := s.DeleteExpiredSessions(c, 90, 101); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.SessionAccount(c, h2); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("idle session survived the sweep: %v", err)
		}
		if err := s.CreateSession(c, h2, "a_1", 105); err != nil {
			t.Fatal(err)
		}
		// A new password ends every session but the one kept.
		if err := s.SetPassword(c, "a_1", "h2", h1); err != nil {
			t.Fatal(err)
		}
		list, err := s.SessionsOf(c, "a_1")
		if err != nil || len(list) != 1 {
			t.Fatalf("sessions after password change: %+v %v", list, err)
		}
		if _, _, err := s.SessionAccount(c, h1); err != nil {
			t.Errorf("kept session: %v", err)
		}
		if err := s.DeleteSession(c, h1); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteSession(c, h1); err != nil {
			t.Errorf("deleting twice: %v", err)
		}
	})
}

func TestDeleteAccount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := ctx(t)
		for _, id := range []string{"a_1", "a_2"} {
			if err := s.CreateAccount(c, store.Account{ID: id, Email: id + "@example.org"}); err != nil {
				t.Fatal(err)
			}
			if err := s.CreateSession(c, []byte("session-of-"+id), id, 1); err != nil {
				t.Fatal(err)
			}
		}
		var mine, theirs []string
		for i := range 4 {
			cs := sampleCase()
			cs.OwnerID = "a_1"
			if i == 3 {
				cs.OwnerID = "a_2"
			}
			if err := s.CreateCase(c, cs, nil); err != nil {
				t.Fatal(err)
			}
			if cs.OwnerID == "a_1" {
				mine = append(mine, cs.ID)
			} else {
				theirs = append(theirs, cs.ID)
			}
		}
		anon := sampleCase()
		if err := s.CreateCase(c, anon, []byte("k")); err != nil {
			t.Fatal(err)
		}
		owned, err := s.CasesOf(c, "a_1")
		if err != nil || len(owned) != 3 {
			t.Fatalf("CasesOf: %d %v", len(owned), err)
		}

		// Every instance must hear of every deleted case.
		var mu sync.Mutex
		heard := map[string]bool{}
		lctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		ready := make(chan struct{})
		go s.Listen(lctx, func(id string) {
			if id == "" {
				select {
				case <-ready:
				default:
					close(ready)
				}
				return
			}
			mu.Lock()
			heard[id] = true
			mu.Unlock()
		})
		<-ready

		ids, err := s.DeleteAccount(c, "a_1")
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(ids)
		slices.Sort(mine)
		if !slices.Equal(ids, mine) {
			t.Errorf("deleted %v, want %v", ids, mine)
		}
		deadline := time.Now().Add(time.Minute) // a guard against hanging, not a timing
		for {
			mu.Lock()
			n := 0
			for _, id := range mine {
				if heard[id] {
					n++
				}
			}
			mu.Unlock()
			if n == len(mine) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("heard of %d of %d deleted cases", n, len(mine))
			}
			time.Sleep(10 * time.Millisecond)
		}
		for _, id := range mine {
			if _, err := s.Case(c, id); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("case %s: %v", id, err)
			}
		}
		if _, err := s.AccountByID(c, "a_1"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("account: %v", err)
		}
		if list, _ := s.SessionsOf(c, "a_1"); len(list) != 0 {
			t.Errorf("sessions left: %v", list)
		}
		for _, id := range append(theirs, anon.ID) {
			if _, err := s.Case(c, id); err != nil {
				t.Errorf("someone else's case %s: %v", id, err)
			}
		}
		if list, _ := s.SessionsOf(c, "a_2"); len(list) != 1 {
			t.Errorf("someone else's sessions: %v", list)
		}
		if _, err := s.DeleteAccount(c, "a_1"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("deleting twice: %v", err)
		}
	})
}

func TestClaimAndAccess(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := ctx(t)
		cs := sampleCase()
		key, hash := timeline.NewEditKey()
		if err := s.CreateCase(c, cs, hash); err != nil {
			t.Fatal(err)
		}
		h, owner, err := s.CaseAccess(c, cs.ID)
		if err != nil || owner != "" || !timeline.EditKeyMatches(key, h) {
			t.Fatalf("access before claim: %v %q %v", h, owner, err)
		}
		if err := s.ClaimCase(c, cs.ID, "a_1"); err != nil {
			t.Fatal(err)
		}
		if err := s.ClaimCase(c, cs.ID, "a_1"); err != nil {
			t.Errorf("claiming one's own case again: %v", err)
		}
		if err := s.ClaimCase(c, cs.ID, "a_2"); !errors.Is(err, store.ErrConflict) {
			t.Errorf("claiming another's case: %v", err)
		}
		h, owner, err = s.CaseAccess(c, cs.ID)
		if err != nil || owner != "a_1" || len(h) != 0 {
			t.Errorf("access after claim: %v %q %v", h, owner, err)
		}
		if o, _ := s.CaseOwner(c, cs.ID); o != "a_1" {
			t.Errorf("owner %q", o)
		}
		for _, err := range []error{
			s.ClaimCase(c, "c_NONE", "a_1"),
			func() error { _, _, err := s.CaseAccess(c, "c_NONE"); return err }(),
			func() error { _, err := s.CaseOwner(c, "c_NONE"); return err }(),
		} {
			if !errors.Is(err, store.ErrNotFound) {
				t.Errorf("missing case: %v", err)
			}
		}
	})
}

func TestEditCase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := ctx(t)
		cs := sampleCase()
		cs.OwnerID = "a_1"
		if err := s.CreateCase(c, cs, nil); err != nil {
			t.Fatal(err)
		}
		got, err := s.EditCase(c, cs.ID, func(x *timeline.Case) error {
			x.Country, x.ServiceCenter, x.Filed = "MX", "", timeline.Month{Year: 2024, Month: time.February}
			x.OwnerID, x.Created = "a_2", day(2000, 1, 1) // ignored
			x.AsOf = day(2025, time.February, 1)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		read, err := s.Case(c, cs.ID)
		if err != nil {
			t.Fatal(err)
		}
		if read.Country != "MX" || read.ServiceCenter != "" || read.Filed.String() != "2024-02" || read.OwnerID != "a_1" ||
			!read.Created.Equal(cs.Created) || !read.AsOf.Equal(day(2025, time.February, 1)) || got.Country != "MX" {
			t.Errorf("after edit: %+v", read)
		}
		// UpdateCase still leaves those fields alone.
		if _, err := s.UpdateCase(c, cs.ID, func(x *timeline.Case) error { x.Country = "FR"; return nil }); err != nil {
			t.Fatal(err)
		}
		if read, _ := s.Case(c, cs.ID); read.Country != "MX" {
			t.Errorf("UpdateCase wrote the country: %s", read.Country)
		}
	})
}

// Deleting an account and keeping its timelines in the statistics: the
// cases stay, anonymous (no owner) and with no edit key that works, on
// both databases; the account and its sessions go; other accounts' cases
// are untouched.
func TestDeleteAccountKeepCases(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := ctx(t)
		for _, id := range []string{"a_1", "a_2"} {
			if err := s.CreateAccount(c, store.Account{ID: id, Email: id + "@example.org"}); err != nil {
				t.Fatal(err)
			}
			if err := s.CreateSession(c, []byte("session-of-"+id), id, 1); err != nil {
				t.Fatal(err)
			}
		}
		var mine []string
		keys := map[string]string{}
		for i := range 3 {
			cs := sampleCase()
			cs.OwnerID = "a_1"
			if i == 2 {
				cs.OwnerID = "a_2"
			}
			key, hash := timeline.NewEditKey()
			if err := s.CreateCase(c, cs, hash); err != nil {
				t.Fatal(err)
			}
			keys[cs.ID] = key
			if cs.OwnerID == "a_1" {
				mine = append(mine, cs.ID)
			}
		}
		kept, err := s.DeleteAccountKeepCases(c, "a_1")
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(kept)
		slices.Sort(mine)
		if !slices.Equal(kept, mine) {
			t.Errorf("kept %v, want %v", kept, mine)
		}
		for _, id := range mine {
			got, err := s.Case(c, id)
			if err != nil {
				t.Fatalf("kept case %s: %v", id, err)
			}
			if got.OwnerID != "" {
				t.Errorf("kept case %s still owned by %q", id, got.OwnerID)
			}
			hash, owner, err := s.CaseAccess(c, id)
			if err != nil || owner != "" || len(hash) != 0 || timeline.EditKeyMatches(keys[id], hash) {
				t.Errorf("kept case %s: hash %x owner %q err %v, want no owner and no key", id, hash, owner, err)
			}
		}
		if _, err := s.AccountByID(c, "a_1"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("account: %v", err)
		}
		if list, _ := s.SessionsOf(c, "a_1"); len(list) != 0 {
			t.Errorf("sessions left: %v", list)
		}
		if got, _ := s.CasesOf(c, "a_2"); len(got) != 1 || got[0].OwnerID != "a_2" {
			t.Errorf("someone else's cases: %v", got)
		}
		if _, err := s.DeleteAccountKeepCases(c, "a_1"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("deleting twice: %v", err)
		}
	})
}
