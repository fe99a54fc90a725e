package store_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
)

// ownedCase stores a sample case owned by account and returns its id.
func ownedCase(t *testing.T, s *store.Store, account string) string {
	t.Helper()
	c := sampleCase()
	c.OwnerID = account
	mustCreate(t, s, c)
	return c.ID
}

func mustAccount(t *testing.T, s *store.Store, a store.Account) {
	t.Helper()
	if err := s.CreateAccount(ctx(t), a); err != nil {
		t.Fatal(err)
	}
}

// TestSaveAlert: saving the same group again updates the alert (and
// starts it again); an account keeps at most max alerts.
func TestSaveAlert(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		mustAccount(t, s, store.Account{ID: "a_1", Email: "a@example.org"})
		a, err := s.SaveAlert(ctx(t), store.Alert{AccountID: "a_1", Query: "category=eb2-niw", Every: "daily", NextDay: 100, CreatedDay: 99}, 2)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.StopAlert(ctx(t), "a_1", a.ID, true, 0); err != nil {
			t.Fatal(err)
		}
		again, err := s.SaveAlert(ctx(t), store.Alert{AccountID: "a_1", Query: "category=eb2-niw", Every: "weekly", NextDay: 106, CreatedDay: 99, Snapshot: `{"x":1}`}, 2)
		if err != nil {
			t.Fatal(err)
		}
		if again.ID != a.ID || again.Every != "weekly" || again.NextDay != 106 || again.Stopped || again.Snapshot != `{"x":1}` {
			t.Errorf("saved again: %+v (first %+v)", again, a)
		}
		caseID := ownedCase(t, s, "a_1")
		same, err := s.SaveAlert(ctx(t), store.Alert{AccountID: "a_1", CaseID: caseID, Query: "category=i485-employment", Every: "weekly", NextDay: 106}, 2)
		if err != nil || same.CaseID != caseID {
			t.Fatalf("same-month alert: %+v, %v", same, err)
		}
		if _, err := s.SaveAlert(ctx(t), store.Alert{AccountID: "a_1", Query: "category=eb1a", Every: "weekly", NextDay: 106}, 2); !errors.Is(err, store.ErrLimit) {
			t.Errorf("a third alert with a limit of 2: %v", err)
		}
		list, err := s.AlertsOf(ctx(t), "a_1")
		if err != nil || len(list) != 2 {
			t.Fatalf("alerts of the account: %d, %v", len(list), err)
		}
		if _, err := s.AlertOf(ctx(t), "a_other", a.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("another account read the alert: %v", err)
		}
		if err := s.DeleteAlert(ctx(t), "a_other", a.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("another account deleted the alert: %v", err)
		}
	})
}

// TestConcurrentSaveAlert: a double click saves one alert.
func TestConcurrentSaveAlert(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		mustAccount(t, s, store.Account{ID: "a_1", Email: "a@example.org"})
		var wg sync.WaitGroup
		errs := make(chan error, 4)
		for range 4 {
			wg.Go(func() {
				_, err := s.SaveAlert(ctx(t), store.Alert{AccountID: "a_1", Query: "category=eb2-niw&country=IN", Every: "daily", NextDay: 1}, 10)
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Error(err)
			}
		}
		if list, _ := s.AlertsOf(ctx(t), "a_1"); len(list) != 1 {
			t.Errorf("%d alerts after four saves of one group", len(list))
		}
	})
}

// TestAdvanceAlertOnce: of several schedulers claiming the same due
// alert at once, one queues its mail.
func TestAdvanceAlertOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		mustAccount(t, s, store.Account{ID: "a_1", Email: "a@example.org"})
		mustAccount(t, s, store.Account{ID: "a_2", Email: "b@example.org", Unverified: true})
		a, err := s.SaveAlert(ctx(t), store.Alert{AccountID: "a_1", Query: "category=eb2-niw", Every: "daily", NextDay: 100}, 10)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.SaveAlert(ctx(t), store.Alert{AccountID: "a_2", Query: "category=eb2-niw", Every: "daily", NextDay: 100}, 10); err != nil {
			t.Fatal(err)
		}
		if due, _ := s.DueAlerts(ctx(t), 99, "", 10); len(due) != 0 {
			t.Errorf("due before its day: %+v", due)
		}
		due, err := s.DueAlerts(ctx(t), 100, "", 10)
		if err != nil || len(due) != 1 || due[0].ID != a.ID {
			t.Fatalf("due alerts (the unverified account's left out): %+v, %v", due, err)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		won := 0
		for range 4 {
			wg.Go(func() {
				m := store.Mailing{Mails: []store.OutMail{{AccountID: "a_1", Kind: "digest", Subject: "s", Text: "t"}}}
				ok, err := s.AdvanceAlert(ctx(t), a.ID, 100, 101, a.Query, `{"n":1}`, m)
				if err != nil {
					t.Error(err)
				}
				if ok {
					mu.Lock()
					won++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if won != 1 {
			t.Errorf("%d schedulers claimed the alert, want 1", won)
		}
		if n, _ := s.OutboxSize(ctx(t)); n != 1 {
			t.Errorf("outbox holds %d digests, want 1", n)
		}
		got, _ := s.AlertOf(ctx(t), "a_1", a.ID)
		if got.NextDay != 101 || got.Snapshot != `{"n":1}` {
			t.Errorf("after the claim: %+v", got)
		}
		if err := s.StopAlert(ctx(t), "a_1", a.ID, true, 0); err != nil {
			t.Fatal(err)
		}
		if due, _ := s.DueAlerts(ctx(t), 200, "", 10); len(due) != 0 {
			t.Errorf("a stopped alert is due: %+v", due)
		}
		if ok, err := s.AdvanceAlert(ctx(t), a.ID, 101, 102, a.Query, "", store.Mailing{}); ok || err != nil {
			t.Errorf("a stopped alert was claimed: %v, %v", ok, err)
		}
		if err := s.StopAlert(ctx(t), "a_1", a.ID, false, 150); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.AlertOf(ctx(t), "a_1", a.ID); got.Stopped || got.NextDay != 150 {
			t.Errorf("started again: %+v", got)
		}
	})
}

// TestDeleteAlertTakesItsLinks: the unsubscribe links mailed for an
// alert go with it; other links of the account stay.
func TestDeleteAlertTakesItsLinks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		mustAccount(t, s, store.Account{ID: "a_1", Email: "a@example.org"})
		a, err := s.SaveAlert(ctx(t), store.Alert{AccountID: "a_1", Query: "category=eb2-niw", Every: "daily", NextDay: 100}, 10)
		if err != nil {
			t.Fatal(err)
		}
		exp := time.Now().Add(time.Hour)
		m := store.Mailing{Tokens: []store.Token{
			{Hash: []byte("u1"), AccountID: "a_1", Purpose: "unsubscribe", Subject: a.ID, Expires: exp},
			{Hash: []byte("r1"), AccountID: "a_1", Purpose: "reset", Expires: exp},
		}}
		if err := s.Queue(ctx(t), m); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteAlert(ctx(t), "a_1", a.ID); err != nil {
			t.Fatal(err)
		}
		toks, _ := s.TokensOf(ctx(t), "a_1")
		if len(toks) != 1 || toks[0].Purpose != "reset" {
			t.Errorf("links after deleting the alert: %+v", toks)
		}
	})
}

// TestReminders: every owned case gets a reminder once; due reminders
// leave out accounts that turned them off or are not verified; deleting
// the case or the account deletes its reminders and alerts.
func TestReminders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		mustAccount(t, s, store.Account{ID: "a_1", Email: "a@example.org"})
		mustAccount(t, s, store.Account{ID: "a_2", Email: "b@example.org"})
		mustAccount(t, s, store.Account{ID: "a_3", Email: "c@example.org", Unverified: true})
		one := ownedCase(t, s, "a_1")
		two := ownedCase(t, s, "a_2")
		ownedCase(t, s, "a_3")
		mustCreate(t, s, sampleCase()) // anonymous
		if n, err := s.EnrollReminders(ctx(t), 50); err != nil || n != 3 {
			t.Fatalf("enrolled %d, %v; want the 3 owned cases", n, err)
		}
		if n, err := s.EnrollReminders(ctx(t), 60); err != nil || n != 0 {
			t.Fatalf("enrolled again %d, %v", n, err)
		}
		if err := s.SetRemindersOff(ctx(t), "a_2", true); err != nil {
			t.Fatal(err)
		}
		due, err := s.DueReminders(ctx(t), 50, "", 10)
		if err != nil || len(due) != 1 || due[0].CaseID != one {
			t.Fatalf("due reminders: %+v, %v", due, err)
		}
		if ok, err := s.AdvanceReminder(ctx(t), two, 50, 80, store.Mailing{}); ok || err != nil {
			t.Errorf("a reminder of an account that turned them off was claimed: %v, %v", ok, err)
		}
		if ok, err := s.AdvanceReminder(ctx(t), one, 50, 80, store.Mailing{}); !ok || err != nil {
			t.Errorf("claim: %v, %v", ok, err)
		}
		if ok, _ := s.AdvanceReminder(ctx(t), one, 50, 80, store.Mailing{}); ok {
			t.Error("claimed twice")
		}
		if off, _ := s.RemindersOff(ctx(t), "a_2"); !off {
			t.Error("the setting was not kept")
		}
		if _, err := s.SaveAlert(ctx(t), store.Alert{AccountID: "a_1", CaseID: one, Query: "q", Every: "weekly", NextDay: 1}, 10); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteCase(ctx(t), one); err != nil {
			t.Fatal(err)
		}
		if r, _ := s.RemindersOf(ctx(t), "a_1"); len(r) != 0 {
			t.Errorf("reminders of a deleted case: %+v", r)
		}
		if a, _ := s.AlertsOf(ctx(t), "a_1"); len(a) != 0 {
			t.Errorf("same-month alert of a deleted case: %+v", a)
		}
		if _, err := s.SaveAlert(ctx(t), store.Alert{AccountID: "a_2", Query: "q", Every: "weekly", NextDay: 1}, 10); err != nil {
			t.Fatal(err)
		}
		if _, err := s.DeleteAccount(ctx(t), "a_2"); err != nil {
			t.Fatal(err)
		}
		if r, _ := s.RemindersOf(ctx(t), "a_2"); len(r) != 0 {
			t.Errorf("reminders of a deleted account: %+v", r)
		}
		if a, _ := s.AlertsOf(ctx(t), "a_2"); len(a) != 0 {
			t.Errorf("alerts of a deleted account: %+v", a)
		}
	})
}
