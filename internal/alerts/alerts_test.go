package alerts_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/casetrack/casetrack/internal/alerts"
	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
)

var niwIndia = alerts.Group{Category: "eb2-niw", Country: "IN"}

// TestDigest: a weekly alert mails what moved in its group, with its
// numbers, links and one-click unsubscribe headers; a week in which
// nothing moved mails nothing; the unsubscribe link stops it.
func TestDigest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		f.account("a_1", "ana@example.org")
		var ids []string
		for range 8 {
			ids = append(ids, f.addCase("", "eb2-niw", "IN", "2025-01").ID)
		}
		f.addCase("", "eb2-niw", "CN", "2025-01") // another group
		a, err := f.sch.Save(f.ctx, "a_1", niwIndia, alerts.Weekly)
		if err != nil {
			t.Fatal(err)
		}
		if r := f.run(); r.Digests != 0 {
			t.Fatalf("a digest on the day the alert was saved: %+v", r)
		}
		f.clock.days(3)
		f.step(ids[0], "approved")
		f.step(ids[1], "approved")
		f.step(ids[2], "rfe")
		f.addCase("", "eb2-niw", "CN", "2025-01", "approved", "2026-03-05") // not in the group
		if r := f.run(); r.Digests != 0 {
			t.Fatalf("a weekly digest after three days: %+v", r)
		}
		f.clock.days(4)
		if r := f.run(); r.Digests != 1 {
			t.Fatalf("after a week: %+v, want one digest", r)
		}
		if r := f.run(); r.Digests != 0 {
			t.Fatalf("a second run the same day queued again: %+v", r)
		}
		got := f.deliver()
		if len(got) != 1 {
			t.Fatalf("%d messages", len(got))
		}
		m := got[0]
		if m.To[0] != "ana@example.org" {
			t.Errorf("to %v", m.To)
		}
		if s := m.Header.Get("Subject"); s != "2 approvals, 1 RFE in EB-2 National Interest Waiver cases from India" {
			t.Errorf("subject %q", s)
		}
		for _, want := range []string{
			"What moved in EB-2 National Interest Waiver cases from India in the past week:",
			"- 2 approvals\n", "- 1 request for evidence (RFE)\n",
			"Decided so far: 25% of 8 cases (was 0% of 8).",
			siteURL + "/explore?category=eb2-niw&country=IN",
			siteURL + "/feed?category=eb2-niw&country=IN",
			siteURL + "/me#alerts",
		} {
			if !strings.Contains(m.Text, want) {
				t.Errorf("text lacks %q:\n%s", want, m.Text)
			}
		}
		if strings.Contains(m.Text, "interview") || strings.Contains(m.Text, "denial") {
			t.Errorf("steps nobody took are mentioned:\n%s", m.Text)
		}
		unsub := linkTo(t, m, "/mail/unsubscribe?t=")
		if h := m.Header.Get("List-Unsubscribe"); h != "<"+unsub+">" {
			t.Errorf("List-Unsubscribe %q, want <%s>", h, unsub)
		}
		if h := m.Header.Get("List-Unsubscribe-Post"); h != "List-Unsubscribe=One-Click" {
			t.Errorf("List-Unsubscribe-Post %q", h)
		}
		if !strings.Contains(m.HTML, "<li>2 approvals</li>") {
			t.Errorf("html:\n%s", m.HTML)
		}

		// Nothing moved: nothing mailed.
		f.clock.days(7)
		if r := f.run(); r.Digests != 0 || r.Quiet != 1 {
			t.Fatalf("a week without news: %+v", r)
		}
		// Something moved again, compared with the last digest.
		f.step(ids[3], "denied")
		f.clock.days(7)
		if r := f.run(); r.Digests != 1 {
			t.Fatalf("after a denial: %+v", r)
		}
		m = f.deliver()[1]
		if s := m.Header.Get("Subject"); s != "1 denial in EB-2 National Interest Waiver cases from India" ||
			!strings.Contains(m.Text, "since March 9, 2026") || !strings.Contains(m.Text, "(was 25% of 8)") {
			t.Errorf("second digest %q:\n%s", s, m.Text)
		}

		// One click stops it, without an account.
		u, err := f.sch.Unsubscribe(f.ctx, token(t, linkTo(t, m, "/mail/unsubscribe?t=")))
		if err != nil || u.Alert == nil || u.Alert.ID != a.ID {
			t.Fatalf("unsubscribe: %+v, %v", u, err)
		}
		if u, err := f.sch.Unsubscribe(f.ctx, token(t, unsub)); err != nil || !u.Done {
			t.Errorf("the first digest's link, used after the second's: %+v, %v", u, err)
		}
		f.step(ids[4], "approved")
		f.clock.days(7)
		if r := f.run(); r.Digests != 0 {
			t.Errorf("a stopped alert mailed: %+v", r)
		}
	})
}

// TestSmallGroup: a group with fewer than k cases is never mailed, not
// even that something moved, and its snapshot holds no number; once it
// has k cases its first numbers go out.
func TestSmallGroup(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		f.account("a_1", "ana@example.org")
		g := alerts.Group{Category: "i130-parent", Country: "NG"}
		var ids []string
		for range 3 {
			ids = append(ids, f.addCase("", "i130-parent", "NG", "2025-02").ID)
		}
		if _, err := f.sch.Save(f.ctx, "a_1", g, alerts.Daily); err != nil {
			t.Fatal(err)
		}
		for _, id := range ids {
			f.clock.days(1)
			f.step(id, "approved")
			if r := f.run(); r.Digests != 0 {
				t.Fatalf("a digest about %d cases: %+v", len(ids), r)
			}
		}
		list, err := f.st.AlertsOf(f.ctx, "a_1")
		if err != nil || len(list) != 1 {
			t.Fatal(err)
		}
		if s := list[0].Snapshot; strings.Contains(s, "cases") || strings.Contains(s, "approved") || !strings.Contains(s, `"enough":false`) {
			t.Errorf("the snapshot of a small group: %s", s)
		}
		f.addCase("", "i130-parent", "NG", "2025-02")
		f.addCase("", "i130-parent", "NG", "2025-02")
		f.clock.days(1)
		if r := f.run(); r.Digests != 1 {
			t.Fatalf("the group reached k: %+v", r)
		}
		m := f.deliver()[0]
		if s := m.Header.Get("Subject"); !strings.HasPrefix(s, "Numbers are now available for I-130") {
			t.Errorf("subject %q", s)
		}
		if !strings.Contains(m.Text, "Decided so far: 60% of 5 cases.") || !strings.Contains(m.Text, "at least 5 cases") {
			t.Errorf("text:\n%s", m.Text)
		}
	})
}

// TestSameMonth: an alert on the people who filed the same month as
// one's case speaks of them, leaves the case itself out, and needs k
// other people.
func TestSameMonth(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		f.account("a_1", "ana@example.org")
		mine := f.addCase("a_1", "i485-employment", "IN", "2025-04")
		var others []string
		for range 5 {
			others = append(others, f.addCase("", "i485-employment", "IN", "2025-04").ID)
		}
		f.addCase("", "i485-employment", "IN", "2025-05") // another month
		if _, err := f.sch.SaveSameMonth(f.ctx, "a_1", mine, alerts.Weekly); err != nil {
			t.Fatal(err)
		}
		f.clock.days(2)
		f.step(others[0], "approved")
		f.step(others[1], "approved")
		f.step(others[2], "approved")
		f.step(others[3], "interview")
		f.step(mine.ID, "approved") // the reader's own news is not news to them
		f.clock.days(5)
		if r := f.run(); r.Digests != 1 {
			t.Fatalf("%+v", r)
		}
		m := f.deliver()[0]
		if s := m.Header.Get("Subject"); s != "3 people who filed the same month as you shared their approval" {
			t.Errorf("subject %q", s)
		}
		for _, want := range []string{
			"What moved in the past week among the other I-485 Adjustment of Status (employment-based) cases from India filed in April 2025:",
			"- 3 people who filed the same month as you shared their approval\n",
			"- 1 person who filed the same month as you shared an interview\n",
			"Decided so far: 60% of the 5 others (was 0% of 5).",
			siteURL + "/cases/" + mine.ID,
		} {
			if !strings.Contains(m.Text, want) {
				t.Errorf("text lacks %q:\n%s", want, m.Text)
			}
		}

		// With one of the others gone, the group of others is below k.
		if err := f.st.DeleteCase(f.ctx, others[4]); err != nil {
			t.Fatal(err)
		}
		f.ix.Remove(others[4])
		f.step(others[3], "approved")
		f.clock.days(7)
		if r := f.run(); r.Digests != 0 {
			t.Errorf("a digest about 4 other people: %+v", r)
		}
	})
}

// TestMilestoneGroup: a feed filter with a step reports that step only,
// and a feed filter without a category counts every category.
func TestMilestoneGroup(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		f.account("a_1", "ana@example.org")
		var ids []string
		for i := range 6 {
			cat := "eb1a"
			if i%2 == 0 {
				cat = "eb3"
			}
			ids = append(ids, f.addCase("", cat, "MX", "2025-01").ID)
		}
		if _, err := f.sch.Save(f.ctx, "a_1", alerts.Group{Country: "MX", Milestone: "approved"}, alerts.Daily); err != nil {
			t.Fatal(err)
		}
		f.clock.days(1)
		f.step(ids[0], "rfe")
		f.addCase("", "eb1a", "MX", "2025-01")
		if r := f.run(); r.Digests != 0 {
			t.Fatalf("an RFE and a new timeline in an alert on approvals: %+v", r)
		}
		f.step(ids[0], "approved")
		f.step(ids[1], "approved")
		f.clock.days(1)
		if r := f.run(); r.Digests != 1 {
			t.Fatalf("%+v", r)
		}
		m := f.deliver()[0]
		if s := m.Header.Get("Subject"); s != "2 approvals in cases of every category from Mexico (approved only)" {
			t.Errorf("subject %q", s)
		}
		if strings.Contains(m.Text, "RFE") || strings.Contains(m.Text, "/explore") || !strings.Contains(m.Text, siteURL+"/feed?country=MX&milestone=approved") {
			t.Errorf("text:\n%s", m.Text)
		}
	})
}

// TestReminders: an owned pending case is asked about a month after it
// was last confirmed, with a "still waiting" link that works once and a
// link to the form that records the decision; decided cases and
// accounts that turned reminders off are not asked.
func TestReminders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		f.account("a_1", "ana@example.org")
		f.account("a_2", "bo@example.org")
		pending := f.addCase("a_1", "n400", "IN", "2025-06")
		f.addCase("a_1", "n400", "IN", "2025-06", "approved", "2026-02-01")
		f.addCase("a_2", "n400", "IN", "2025-06")
		if err := f.st.SetRemindersOff(f.ctx, "a_2", true); err != nil {
			t.Fatal(err)
		}
		if r := f.run(); r.Reminders != 0 {
			t.Fatalf("a reminder for a case confirmed today: %+v", r)
		}
		f.clock.days(29)
		if r := f.run(); r.Reminders != 0 {
			t.Fatalf("a reminder after 29 days: %+v", r)
		}
		f.clock.days(1)
		if r := f.run(); r.Reminders != 1 {
			t.Fatalf("after 30 days: %+v, want one reminder", r)
		}
		f.clock.days(1)
		if r := f.run(); r.Reminders != 0 {
			t.Fatalf("the next day: %+v", r)
		}
		got := f.deliver()
		if len(got) != 1 || got[0].To[0] != "ana@example.org" {
			t.Fatalf("%d reminders: %+v", len(got), got)
		}
		m := got[0]
		if s := m.Header.Get("Subject"); s != "Still waiting on your N-400 Naturalization case filed in June 2025?" {
			t.Errorf("subject %q", s)
		}
		if !strings.Contains(m.Text, "has been waiting 9.5 months since filing, as far as we know: it was last confirmed as still pending on March 2, 2026.") {
			t.Errorf("text:\n%s", m.Text)
		}
		still := linkTo(t, m, "/mail/pending?t=")
		if decided := linkTo(t, m, "/me/cases/"); decided != siteURL+"/me/cases/"+pending.ID+"/edit" {
			t.Errorf("decided link %s", decided)
		}
		if h := m.Header.Get("List-Unsubscribe-Post"); h != "List-Unsubscribe=One-Click" {
			t.Errorf("List-Unsubscribe-Post %q", h)
		}
		tok, err := f.sch.PeekStillPending(f.ctx, token(t, still))
		if err != nil || tok.Subject != pending.ID {
			t.Fatalf("peek: %+v, %v", tok, err)
		}
		if _, err := f.sch.UseStillPending(f.ctx, token(t, still)); err != nil {
			t.Fatal(err)
		}
		if _, err := f.sch.UseStillPending(f.ctx, token(t, still)); err == nil {
			t.Error("the link worked twice")
		}
		// A month after the reminder, the next one.
		f.clock.days(29)
		if r := f.run(); r.Reminders != 1 {
			t.Fatalf("a month after the reminder: %+v", r)
		}
		m = f.deliver()[1]
		if _, err := f.sch.Unsubscribe(f.ctx, token(t, linkTo(t, m, "/mail/unsubscribe?t="))); err != nil {
			t.Fatal(err)
		}
		f.clock.days(60)
		if r := f.run(); r.Reminders != 0 {
			t.Errorf("reminders after unsubscribing: %+v", r)
		}
		if off, _ := f.st.RemindersOff(f.ctx, "a_1"); !off {
			t.Error("the choice was not remembered")
		}
	})
}

// TestTwoSchedulers: two instances on one database, each with its own
// connection pool and index, running at the same moment, queue every
// digest and reminder once.
func TestTwoSchedulers(t *testing.T) {
	storetest.EachURL(t, func(t *testing.T, url string) {
		ctx := context.Background()
		open := func() *store.Store {
			st, err := store.Open(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			return st
		}
		f1, f2 := newFixture(t, open()), newFixture(t, open())
		const accounts = 6
		var ids []string
		for i := range accounts {
			id := "a_" + string(rune('a'+i))
			f1.account(id, id+"@example.org")
			ids = append(ids, f1.addCase(id, "eb2-niw", "IN", "2025-01").ID)
		}
		for i := range accounts {
			if _, err := f1.sch.Save(ctx, "a_"+string(rune('a'+i)), niwIndia, alerts.Daily); err != nil {
				t.Fatal(err)
			}
		}
		f1.clock.days(30)
		f2.clock.days(30)
		for _, id := range ids[:2] {
			f1.step(id, "approved")
		}
		// The second instance hears of the cases as Listen would tell it.
		for _, id := range ids {
			c, err := f2.st.Case(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			f2.ix.Upsert(c)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		var total alerts.Ran
		for _, f := range []*fixture{f1, f2} {
			wg.Go(func() {
				r, err := f.sch.RunOnce(ctx)
				if err != nil {
					t.Error(err)
				}
				mu.Lock()
				total.Digests += r.Digests
				total.Reminders += r.Reminders
				mu.Unlock()
			})
		}
		wg.Wait()
		// Every account gets its digest; the owners of the two
		// approved cases no reminder.
		if total.Digests != accounts || total.Reminders != accounts-2 {
			t.Errorf("queued %+v, want %d digests and %d reminders", total, accounts, accounts-2)
		}
		if n, _ := f1.st.OutboxSize(ctx); n != 2*accounts-2 {
			t.Errorf("outbox holds %d messages, want %d", n, 2*accounts-2)
		}
	})
}
