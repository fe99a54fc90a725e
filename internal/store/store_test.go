package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
	"github.com/casetrack/casetrack/internal/timeline"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func ms(code string, date string) timeline.Milestone {
	d, err := timeline.ParseApproxDate(date)
	if err != nil {
		panic(err)
	}
	return timeline.Milestone{Code: code, Date: d}
}

// sampleCase returns a valid case with a fresh id.
func sampleCase() *timeline.Case {
	return &timeline.Case{
		ID:            timeline.NewCaseID(),
		Category:      "i485-employment",
		Country:       "IN",
		ServiceCenter: "NBC",
		Filed:         timeline.Month{Year: 2024, Month: time.March},
		Milestones: []timeline.Milestone{
			ms("received", "2024-03-20"),
			ms("biometrics", "2024-05"),
		},
		Note:    "Interview waived.",
		AsOf:    day(2025, time.January, 10),
		Created: day(2025, time.January, 10),
	}
}

// ctx is the context of a test's store calls: the test's own, with no
// deadline of its own. On a busy machine a test may take minutes; go
// test's -timeout is the hang guard.
func ctx(t *testing.T) context.Context { return t.Context() }

func mustCreate(t *testing.T, s *store.Store, c *timeline.Case) {
	t.Helper()
	if err := s.CreateCase(ctx(t), c, timeline.HashEditKey("ek_"+c.ID)); err != nil {
		t.Fatalf("CreateCase: %v", err)
	}
}

func mustGet(t *testing.T, s *store.Store, id string) *timeline.Case {
	t.Helper()
	c, err := s.Case(ctx(t), id)
	if err != nil {
		t.Fatalf("Case(%s): %v", id, err)
	}
	return c
}

func assertSame(t *testing.T, got, want *timeline.Case) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("case differs\n got: %+v\nwant: %+v", got, want)
	}
}

func TestDialect(t *testing.T) {
	storetest.EachURL(t, func(t *testing.T, url string) {
		s, err := store.Open(ctx(t), url)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		want := map[bool]string{true: "sqlite", false: "postgres"}[url[:7] == "sqlite:"]
		if s.Dialect() != want {
			t.Errorf("Dialect() = %q, want %q", s.Dialect(), want)
		}
		if err := s.Ping(ctx(t)); err != nil {
			t.Errorf("Ping: %v", err)
		}
	})
}

func TestRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		tests := []struct {
			name string
			edit func(c *timeline.Case)
		}{
			{"day and month dates", func(c *timeline.Case) {}},
			{"no service center, no milestones, no note", func(c *timeline.Case) {
				c.ServiceCenter, c.Milestones, c.Note = "", nil, ""
			}},
			{"month-only dates only", func(c *timeline.Case) {
				c.Milestones = []timeline.Milestone{ms("received", "2024-03"), ms("approved", "2024-12")}
			}},
			{"owner and unicode note", func(c *timeline.Case) {
				c.OwnerID = "u_owner"
				c.Note = "Überprüfung; code:ok — 45 days"
			}},
			{"leap day", func(c *timeline.Case) {
				c.Milestones = []timeline.Milestone{ms("received", "2024-02-29")}
				c.AsOf = day(2024, time.February, 29)
			}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				c := sampleCase()
				tt.edit(c)
				mustCreate(t, s, c)
				assertSame(t, mustGet(t, s, c.ID), c)
			})
		}
	})
}

func TestCreateKeepsOnlyTheDay(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := sampleCase()
		c.Created = time.Date(2025, 1, 10, 23, 59, 58, 7, time.UTC)
		c.AsOf = time.Date(2025, 1, 11, 8, 30, 0, 0, time.UTC)
		mustCreate(t, s, c)
		got := mustGet(t, s, c.ID)
		if !got.Created.Equal(day(2025, 1, 10)) || !got.AsOf.Equal(day(2025, 1, 11)) {
			t.Errorf("created %v, as of %v: want the days only", got.Created, got.AsOf)
		}
	})
}

func TestCreateRejects(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		tests := []struct {
			name string
			edit func(c *timeline.Case)
		}{
			{"no id", func(c *timeline.Case) { c.ID = "" }},
			{"no category", func(c *timeline.Case) { c.Category = "" }},
			{"no filing month", func(c *timeline.Case) { c.Filed = timeline.Month{} }},
			{"filing month out of range", func(c *timeline.Case) { c.Filed = timeline.Month{Year: 2024, Month: 13} }},
			{"year beyond 9999", func(c *timeline.Case) { c.AsOf = day(12025, time.January, 1) }},
			{"space in a code", func(c *timeline.Case) { c.Country = "I N" }},
			{"bad service center", func(c *timeline.Case) { c.ServiceCenter = "NSC;" }},
			{"no as-of", func(c *timeline.Case) { c.AsOf = time.Time{} }},
			{"bad code", func(c *timeline.Case) { c.Milestones[0].Code = "rfe;x:1" }},
			{"no milestone date", func(c *timeline.Case) { c.Milestones[0].Date = timeline.ApproxDate{} }},
			{"impossible date", func(c *timeline.Case) {
				c.Milestones[0].Date = timeline.ApproxDate{Year: 2024, Month: 2, Day: 30}
			}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				c := sampleCase()
				tt.edit(c)
				if err := s.CreateCase(ctx(t), c, nil); err == nil {
					t.Fatal("CreateCase accepted an invalid case")
				}
			})
		}
		c := sampleCase()
		mustCreate(t, s, c)
		if err := s.CreateCase(ctx(t), c, nil); err == nil {
			t.Error("CreateCase accepted a duplicate id")
		}
		if n, _ := s.CountCases(ctx(t)); n != 1 {
			t.Errorf("%d cases stored, want 1", n)
		}
	})
}

func TestNotFound(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		const id = "c_NOSUCHCASE"
		if _, err := s.Case(ctx(t), id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Case: %v, want ErrNotFound", err)
		}
		if _, err := s.EditKeyHash(ctx(t), id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("EditKeyHash: %v, want ErrNotFound", err)
		}
		called := false
		if _, err := s.UpdateCase(ctx(t), id, func(*timeline.Case) error { called = true; return nil }); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("UpdateCase: %v, want ErrNotFound", err)
		}
		if called {
			t.Error("UpdateCase called fn for a missing case")
		}
		if err := s.DeleteCase(ctx(t), id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("DeleteCase: %v, want ErrNotFound", err)
		}
	})
}

func TestUpdateCase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := sampleCase()
		mustCreate(t, s, c)

		got, err := s.UpdateCase(ctx(t), c.ID, func(u *timeline.Case) error {
			u.Milestones = append(u.Milestones, ms("interview", "2024-09-02"), ms("approved", "2024-10"))
			u.AsOf = day(2025, time.February, 1)
			u.Note = "Approved after interview."
			u.Category = "n400" // not written back
			return nil
		})
		if err != nil {
			t.Fatalf("UpdateCase: %v", err)
		}
		want := *c
		want.Milestones = append(slices.Clone(c.Milestones), ms("interview", "2024-09-02"), ms("approved", "2024-10"))
		want.AsOf = day(2025, time.February, 1)
		want.Note = "Approved after interview."
		assertSame(t, got, &want)
		assertSame(t, mustGet(t, s, c.ID), &want)
		if got.Status() != timeline.StatusApproved {
			t.Errorf("status %q after adding the decision", got.Status())
		}

		// Milestones can also be removed or replaced.
		if _, err := s.UpdateCase(ctx(t), c.ID, func(u *timeline.Case) error {
			u.Milestones = u.Milestones[:1]
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if n := len(mustGet(t, s, c.ID).Milestones); n != 1 {
			t.Errorf("%d milestones after truncating to 1", n)
		}
		if n := milestoneRows(t, s, c.ID); n != 1 {
			t.Errorf("milestones table has %d rows for the case, want 1", n)
		}
	})
}

func TestUpdateCaseFnError(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := sampleCase()
		mustCreate(t, s, c)
		fe := timeline.FieldErrors{"date": "the date is in the future"}
		got, err := s.UpdateCase(ctx(t), c.ID, func(u *timeline.Case) error {
			u.Note = "changed"
			u.Milestones = nil
			return fe
		})
		if got != nil {
			t.Errorf("UpdateCase returned a case with an error")
		}
		var gotFE timeline.FieldErrors
		if !errors.As(err, &gotFE) || !reflect.DeepEqual(gotFE, fe) {
			t.Fatalf("UpdateCase error %#v, want fn's FieldErrors unchanged", err)
		}
		if _, ok := err.(timeline.FieldErrors); !ok {
			t.Errorf("error is %T, want timeline.FieldErrors itself (unwrapped)", err)
		}
		sentinel := errors.New("refused")
		if _, err := s.UpdateCase(ctx(t), c.ID, func(*timeline.Case) error { return sentinel }); err != sentinel {
			t.Errorf("UpdateCase error %v, want fn's error itself", err)
		}
		assertSame(t, mustGet(t, s, c.ID), c)
	})
}

func TestUpdateCaseConcurrent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := sampleCase()
		c.Milestones = nil
		mustCreate(t, s, c)
		const n = 10
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for i := range n {
			wg.Go(func() {
				_, err := s.UpdateCase(ctx(t), c.ID, func(u *timeline.Case) error {
					// Widen the window between read and write.
					time.Sleep(5 * time.Millisecond)
					u.Milestones = append(u.Milestones, ms("rfe", fmt.Sprintf("2024-06-%02d", i+1)))
					return nil
				})
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Errorf("UpdateCase: %v", err)
			}
		}
		got := mustGet(t, s, c.ID)
		var dates []string
		for _, m := range got.Milestones {
			dates = append(dates, m.Date.String())
		}
		slices.Sort(dates)
		var want []string
		for i := range n {
			want = append(want, fmt.Sprintf("2024-06-%02d", i+1))
		}
		if !slices.Equal(dates, want) {
			t.Errorf("milestones after %d concurrent updates: %v, want %v", n, dates, want)
		}
		if rows := milestoneRows(t, s, c.ID); rows != n {
			t.Errorf("milestones table has %d rows, want %d", rows, n)
		}
	})
}

func TestDeleteCase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c, keep := sampleCase(), sampleCase()
		mustCreate(t, s, c)
		mustCreate(t, s, keep)
		if n := milestoneRows(t, s, c.ID); n != 2 {
			t.Fatalf("milestones table has %d rows before delete, want 2", n)
		}
		if err := s.DeleteCase(ctx(t), c.ID); err != nil {
			t.Fatalf("DeleteCase: %v", err)
		}
		if _, err := s.Case(ctx(t), c.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Case after delete: %v, want ErrNotFound", err)
		}
		if n := milestoneRows(t, s, c.ID); n != 0 {
			t.Errorf("%d milestone rows left after delete", n)
		}
		if err := s.DeleteCase(ctx(t), c.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("second DeleteCase: %v, want ErrNotFound", err)
		}
		assertSame(t, mustGet(t, s, keep.ID), keep)
		if n := milestoneRows(t, s, keep.ID); n != 2 {
			t.Errorf("other case has %d milestone rows, want 2", n)
		}
	})
}

func TestEditKeyHash(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		key, hash := timeline.NewEditKey()
		c := sampleCase()
		if err := s.CreateCase(ctx(t), c, hash); err != nil {
			t.Fatal(err)
		}
		got, err := s.EditKeyHash(ctx(t), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, hash) || !timeline.EditKeyMatches(key, got) {
			t.Errorf("EditKeyHash = %x, want %x", got, hash)
		}
		noKey := sampleCase()
		noKey.OwnerID = "u_1"
		if err := s.CreateCase(ctx(t), noKey, nil); err != nil {
			t.Fatal(err)
		}
		got, err = s.EditKeyHash(ctx(t), noKey.ID)
		if err != nil || got == nil || len(got) != 0 {
			t.Errorf("EditKeyHash of a case without key = %v, %v; want empty, nil", got, err)
		}
	})
}

func TestScanAndCount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if n, err := s.CountCases(ctx(t)); err != nil || n != 0 {
			t.Fatalf("CountCases on an empty store = %d, %v", n, err)
		}
		want := map[string]*timeline.Case{}
		for i := range 30 {
			c := sampleCase()
			c.Country = []string{"IN", "CN", "MX"}[i%3]
			if i%4 == 0 {
				c.ServiceCenter = ""
			}
			mustCreate(t, s, c)
			want[c.ID] = c
		}
		if n, err := s.CountCases(ctx(t)); err != nil || n != len(want) {
			t.Fatalf("CountCases = %d, %v; want %d", n, err, len(want))
		}
		got := map[string]*timeline.Case{}
		err := s.ScanCases(ctx(t), func(c *timeline.Case) error {
			got[c.ID] = c
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("ScanCases returned %d cases differing from the %d stored", len(got), len(want))
		}
		stop := errors.New("stop")
		calls := 0
		err = s.ScanCases(ctx(t), func(*timeline.Case) error { calls++; return stop })
		if err != stop || calls != 1 {
			t.Errorf("ScanCases with failing fn: %v after %d calls, want fn's error after 1", err, calls)
		}
	})
}

func TestCreateCases(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		// More than one full batch of cases and of milestones, with more
		// milestones per case than fit beside one batch of cases.
		const n = 1234
		cases := make([]*timeline.Case, n)
		hashes := make([][]byte, n)
		for i := range cases {
			cases[i] = sampleCase()
			cases[i].Milestones = append(cases[i].Milestones,
				ms("rfe", "2024-06-01"), ms("rfe_response", "2024-07"), ms("approved", "2024-09-30"))
			if i%7 == 0 {
				cases[i].ServiceCenter = ""
			}
			hashes[i] = timeline.HashEditKey(fmt.Sprint("ek_", i))
		}
		hashes[3] = nil
		if err := s.CreateCases(ctx(t), cases, hashes); err != nil {
			t.Fatalf("CreateCases: %v", err)
		}
		if got, _ := s.CountCases(ctx(t)); got != n {
			t.Errorf("CountCases = %d, want %d", got, n)
		}
		for _, i := range []int{0, 3, 7, n - 1} {
			assertSame(t, mustGet(t, s, cases[i].ID), cases[i])
			h, err := s.EditKeyHash(ctx(t), cases[i].ID)
			if err != nil || !bytes.Equal(h, hashes[i]) {
				t.Errorf("EditKeyHash(case %d) = %x, %v; want %x", i, h, err, hashes[i])
			}
			if rows := milestoneRows(t, s, cases[i].ID); rows != len(cases[i].Milestones) {
				t.Errorf("case %d has %d milestone rows, want %d", i, rows, len(cases[i].Milestones))
			}
		}

		// All or nothing: a duplicate id fails the whole call.
		more := []*timeline.Case{sampleCase(), cases[5]}
		if err := s.CreateCases(ctx(t), more, make([][]byte, 2)); err == nil {
			t.Error("CreateCases accepted a duplicate id")
		}
		if _, err := s.Case(ctx(t), more[0].ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("case of a failed bulk insert: %v, want ErrNotFound", err)
		}
		if err := s.CreateCases(ctx(t), more, nil); err == nil {
			t.Error("CreateCases accepted a missing hash list")
		}
		if err := s.CreateCases(ctx(t), nil, nil); err != nil {
			t.Errorf("CreateCases of nothing: %v", err)
		}
	})
}

func TestMigrationsIdempotent(t *testing.T) {
	storetest.EachURL(t, func(t *testing.T, url string) {
		s1, err := store.Open(ctx(t), url)
		if err != nil {
			t.Fatal(err)
		}
		c := sampleCase()
		mustCreate(t, s1, c)
		if err := s1.Migrate(ctx(t)); err != nil {
			t.Errorf("Migrate on an up-to-date database: %v", err)
		}
		if err := s1.Close(); err != nil {
			t.Fatal(err)
		}
		s2, err := store.Open(ctx(t), url)
		if err != nil {
			t.Fatalf("second Open: %v", err)
		}
		defer s2.Close()
		assertSame(t, mustGet(t, s2, c.ID), c)
	})
}

func TestConcurrentOpen(t *testing.T) {
	storetest.EachURL(t, func(t *testing.T, url string) {
		var wg sync.WaitGroup
		const n = 6
		errs := make(chan error, n)
		for range n {
			wg.Go(func() {
				s, err := store.Open(ctx(t), url)
				if err == nil {
					err = s.Close()
				}
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Errorf("concurrent Open: %v", err)
			}
		}
	})
}

func TestOpenErrors(t *testing.T) {
	for _, url := range []string{
		"",
		"mysql://localhost/x",
		"sqlite:",
		"sqlite::memory:",
		"sqlite:" + t.TempDir() + "/missing/dir/casetrack.db",
		"sqlite:" + t.TempDir() + "/a?b.db",
		"postgres://%zz",
	} {
		if s, err := store.Open(ctx(t), url); err == nil {
			s.Close()
			t.Errorf("Open(%q) succeeded", url)
		}
	}
}

func TestOpenErrorHidesPassword(t *testing.T) {
	_, err := store.Open(ctx(t), "postgres://casetrack:s3cret@127.0.0.1:1/nodb?connect_timeout=1")
	if err == nil {
		t.Fatal("Open of an unreachable server succeeded")
	}
	if bytes.Contains([]byte(err.Error()), []byte("s3cret")) {
		t.Errorf("error reveals the password: %v", err)
	}
}

// milestoneRows counts a case's rows in the milestones table, which the
// store keeps in step with the compact copy it reads cases from.
func milestoneRows(t *testing.T, s *store.Store, id string) int {
	t.Helper()
	q := "SELECT count(*) FROM milestones WHERE case_id = ?"
	if s.Dialect() == "postgres" {
		q = "SELECT count(*) FROM milestones WHERE case_id = $1"
	}
	var n int
	if err := store.DB(s).QueryRowContext(ctx(t), q, id).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
