package store_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
	"github.com/casetrack/casetrack/internal/timeline"
)

var modDay = day(2025, time.June, 20)

// count runs a count query.
func count(t *testing.T, s *store.Store, q string, args ...any) int {
	t.Helper()
	var n int
	if err := store.DB(s).QueryRowContext(ctx(t), q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func placeholder(s *store.Store) string {
	if s.Dialect() == "postgres" {
		return "$1"
	}
	return "?"
}

// TestModerationStateRoundTrip stores cases in each state and reads them
// back, through Case and ScanCases.
func TestModerationStateRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		flagged := sampleCase()
		flagged.Moderation = timeline.Moderation{State: timeline.ModerationFlagged, Reason: "burst_of_copies"}
		visible := sampleCase()
		mustCreate(t, s, flagged)
		mustCreate(t, s, visible)
		assertSame(t, mustGet(t, s, flagged.ID), flagged)
		assertSame(t, mustGet(t, s, visible.ID), visible)
		// A flagged creation is logged as an automatic flag.
		if n := count(t, s, "SELECT count(*) FROM moderation_log WHERE action = 'flag' AND actor_account_id IS NULL AND case_id = "+placeholder(s), flagged.ID); n != 1 {
			t.Errorf("%d flag log entries for the flagged case, want 1", n)
		}
		states := map[string]string{}
		if err := s.ScanCases(ctx(t), func(c *timeline.Case) error { states[c.ID] = c.Moderation.State; return nil }); err != nil {
			t.Fatal(err)
		}
		if states[flagged.ID] != timeline.ModerationFlagged || states[visible.ID] != "" {
			t.Errorf("ScanCases states %v", states)
		}
		bad := sampleCase()
		bad.Moderation.State = "vanished"
		if err := s.CreateCase(ctx(t), bad, nil); err == nil {
			t.Error("an unknown moderation state was stored")
		}
	})
}

// TestModerateAndReports covers reports, Moderate, Flag and the queue,
// and that deleting a case, by its owner or a moderator, leaves nothing
// of it in the moderation tables.
func TestModerateAndReports(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a, b, c := sampleCase(), sampleCase(), sampleCase()
		for _, x := range []*timeline.Case{a, b, c} {
			mustCreate(t, s, x)
		}
		missing := timeline.NewCaseID()
		if err := s.AddReport(ctx(t), missing, "spam", modDay); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("report of a missing case: %v", err)
		}
		if err := s.Moderate(ctx(t), missing, store.ActionHide, "spam", timeline.Moderation{State: timeline.ModerationHidden, Reason: "spam"}, "", modDay); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("hide of a missing case: %v", err)
		}
		if err := s.AddReport(ctx(t), a.ID, "bad reason!", modDay); err == nil {
			t.Error("a malformed reason was stored")
		}
		for _, r := range []string{"spam", "fake", "spam"} {
			if err := s.AddReport(ctx(t), a.ID, r, modDay); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.AddReport(ctx(t), b.ID, "fake", modDay); err != nil {
			t.Fatal(err)
		}
		n, err := s.Flag(ctx(t), []string{c.ID, missing}, "implausible_decision_time", modDay)
		if err != nil || n != 1 {
			t.Fatalf("Flag = %d, %v; want 1", n, err)
		}
		if n, _ := s.Flag(ctx(t), []string{c.ID}, "burst_of_copies", modDay); n != 0 {
			t.Errorf("flagging a flagged case again flagged %d", n)
		}
		// A case a moderator approved is not flagged again automatically.
		approved := sampleCase()
		approved.Moderation = timeline.Moderation{State: timeline.ModerationFlagged, Reason: "burst_of_copies"}
		mustCreate(t, s, approved)
		if err := s.Moderate(ctx(t), approved.ID, store.ActionApprove, "checked_plausible", timeline.Moderation{}, "acct_1", modDay); err != nil {
			t.Fatal(err)
		}
		if n, _ := s.Flag(ctx(t), []string{approved.ID}, "burst_of_copies", modDay); n != 0 || !mustGet(t, s, approved.ID).Counts() {
			t.Error("an approved case was flagged again")
		}
		if err := s.DeleteCase(ctx(t), approved.ID); err != nil {
			t.Fatal(err)
		}
		open, hidden, err := s.ModerationQueue(ctx(t), 10)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, it := range open {
			ids = append(ids, it.Case.ID)
		}
		// Most reported first; the flagged case has none.
		if want := []string{a.ID, b.ID, c.ID}; !slices.Equal(ids, want) || len(hidden) != 0 || len(open[0].Reports) != 3 {
			t.Errorf("queue %v (hidden %d), want %v", ids, len(hidden), want)
		}

		// Hiding clears the reports (they were reviewed) and logs.
		if err := s.Moderate(ctx(t), a.ID, store.ActionHide, "spam", timeline.Moderation{State: timeline.ModerationHidden, Reason: "spam"}, "acct_1", modDay); err != nil {
			t.Fatal(err)
		}
		if got := mustGet(t, s, a.ID).Moderation; got.State != timeline.ModerationHidden || got.Reason != "spam" {
			t.Errorf("after hide: %+v", got)
		}
		open, hidden, _ = s.ModerationQueue(ctx(t), 10)
		if len(open) != 2 || len(hidden) != 1 || hidden[0].Case.ID != a.ID || len(hidden[0].Reports) != 0 {
			t.Errorf("queue after hide: %d open, %d hidden", len(open), len(hidden))
		}
		// Newest day first; within a day the order is that of the random
		// ids, not of the actions.
		log, err := s.ModerationLog(ctx(t), 10)
		if err != nil || len(log) != 4 || !slices.IsSortedFunc(log, func(x, y store.LogEntry) int { return y.Day.Compare(x.Day) }) {
			t.Errorf("log %+v, %v", log, err)
		}
		hide := slices.IndexFunc(log, func(e store.LogEntry) bool { return e.Action == "hide" })
		if hide < 0 || log[hide].ActorID != "acct_1" || log[hide].CaseID != a.ID || !log[hide].Day.Equal(modDay) {
			t.Errorf("log %+v: no hide entry by acct_1 for %s on %v", log, a.ID, modDay)
		}

		// The owner deletes b and c; a moderator deletes a.
		for _, x := range []*timeline.Case{b, c} {
			if err := s.DeleteCase(ctx(t), x.ID); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.DeleteCaseModerated(ctx(t), a.ID, "spam", "acct_1", modDay); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteCaseModerated(ctx(t), a.ID, "spam", "acct_1", modDay); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("second delete: %v", err)
		}
		if n := count(t, s, "SELECT count(*) FROM reports"); n != 0 {
			t.Errorf("%d reports left after deleting every case", n)
		}
		if n := count(t, s, "SELECT count(*) FROM moderation_log WHERE case_id IS NOT NULL"); n != 0 {
			t.Errorf("%d log entries still name a deleted case", n)
		}
		if n := count(t, s, "SELECT count(*) FROM moderation_log WHERE action = 'delete'"); n != 1 {
			t.Errorf("%d delete entries, want 1", n)
		}
	})
}

// TestFeedQuery checks the store's feed: order, visibility, one item for
// a step listed twice on one day, and the keyset continuation.
func TestFeedQuery(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := sampleCase()
		a.Category, a.Milestones = "eb2-niw", []timeline.Milestone{ms("received", "2024-03-20"), ms("rfe", "2024-06-01"), ms("rfe", "2024-06-01"), ms("approved", "2024-06")}
		a.ServiceCenter = "TSC"
		hidden := sampleCase()
		hidden.Moderation = timeline.Moderation{State: timeline.ModerationHidden, Reason: "spam"}
		flagged := sampleCase()
		flagged.Moderation = timeline.Moderation{State: timeline.ModerationFlagged, Reason: "burst_of_copies"}
		for _, x := range []*timeline.Case{a, hidden, flagged} {
			mustCreate(t, s, x)
		}
		items, err := s.Feed(ctx(t), store.FeedQuery{Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, it := range items {
			got = append(got, it.Code+" "+it.Date)
		}
		want := []string{"rfe 2024-06-01", "approved 2024-06", "received 2024-03-20"}
		if !slices.Equal(got, want) {
			t.Errorf("feed %q, want %q", got, want)
		}
		after := items[0].FeedKey
		rest, err := s.Feed(ctx(t), store.FeedQuery{After: &after, Limit: 1})
		if err != nil || len(rest) != 1 || rest[0].Code != "approved" {
			t.Errorf("after %+v: %+v, %v", after, rest, err)
		}
		if it := items[0]; it.Category != "eb2-niw" || it.ServiceCenter != "TSC" || it.Filed != a.Filed || it.Note != a.Note || it.CaseID != a.ID {
			t.Errorf("item %+v", it)
		}
		for _, q := range []store.FeedQuery{
			{Category: "eb2-niw", Filed: a.Filed, Limit: 10}, // the cohort plan
			{Category: "eb2-niw", Country: "IN", ServiceCenter: "TSC", Milestone: "rfe", Limit: 10},
		} {
			items, err := s.Feed(ctx(t), q)
			if err != nil || len(items) == 0 || items[0].CaseID != a.ID {
				t.Errorf("%+v: %+v, %v", q, items, err)
			}
		}
	})
}
