package alerts_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/alerts"
	"github.com/casetrack/casetrack/internal/auth"
	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/mail"
	"github.com/casetrack/casetrack/internal/mail/mailtest"
	"github.com/casetrack/casetrack/internal/stats"
	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/timeline"
)

// siteURL is the site the test mail links to.
const siteURL = "https://casetrack.example.org"

// start is the first day of the tests: a Monday, with a time of day.
var start = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)

// clock is a settable clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) days(n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.AddDate(0, 0, n)
}

// fixture is a store, an index, a scheduler on a clock and a real SMTP
// server the outbox is delivered to.
type fixture struct {
	t      *testing.T
	ctx    context.Context
	st     *store.Store
	ix     *stats.Index
	clock  *clock
	sch    *alerts.Scheduler
	smtp   *mailtest.Server
	sender *mail.Sender
}

func newFixture(t *testing.T, st *store.Store) *fixture {
	t.Helper()
	cat := catalog.Default()
	clk := &clock{t: start}
	ix := stats.NewIndex(cat)
	ix.SetClock(clk.Now)
	composer, err := mail.NewComposer(mail.Site{URL: siteURL})
	if err != nil {
		t.Fatal(err)
	}
	srv := mailtest.Start(t)
	client, err := mail.NewClient(srv.SMTP())
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{
		t: t, ctx: context.Background(), st: st, ix: ix, clock: clk, smtp: srv,
		sch: &alerts.Scheduler{
			Service: alerts.Service{Store: st, Index: ix, Catalog: cat, MinCases: 5, Now: clk.Now},
			Mail:    composer,
		},
		sender: &mail.Sender{Store: st, Transport: client, From: "CaseTrack <no-reply@casetrack.example.org>", Now: clk.Now},
	}
}

// account stores a verified account.
func (f *fixture) account(id, email string) {
	f.t.Helper()
	if err := f.st.CreateAccount(f.ctx, store.Account{ID: id, Email: email}); err != nil {
		f.t.Fatal(err)
	}
}

// addCase stores a case shared today, pending unless its milestones say
// otherwise, and indexes it; ms alternates codes and dates.
func (f *fixture) addCase(owner, category, country, filed string, ms ...string) *timeline.Case {
	f.t.Helper()
	m, err := timeline.ParseMonth(filed)
	if err != nil {
		f.t.Fatal(err)
	}
	today := timeline.Today(f.clock.Now())
	c := &timeline.Case{ID: timeline.NewCaseID(), Category: category, Country: country, Filed: m,
		AsOf: today, Created: today, OwnerID: owner}
	c.Milestones = append(c.Milestones, timeline.Milestone{Code: "received", Date: timeline.DateOf(m.Mid())})
	for i := 0; i+1 < len(ms); i += 2 {
		d, err := timeline.ParseApproxDate(ms[i+1])
		if err != nil {
			f.t.Fatal(err)
		}
		c.Milestones = append(c.Milestones, timeline.Milestone{Code: ms[i], Date: d})
	}
	if err := f.st.CreateCase(f.ctx, c, nil); err != nil {
		f.t.Fatal(err)
	}
	f.ix.Upsert(c)
	return c
}

// step adds a milestone dated today to a case, as the site does.
func (f *fixture) step(id, code string) {
	f.t.Helper()
	today := timeline.Today(f.clock.Now())
	c, err := f.st.UpdateCase(f.ctx, id, func(c *timeline.Case) error {
		c.Update(func(c *timeline.Case) {
			c.Milestones = append(c.Milestones, timeline.Milestone{Code: code, Date: timeline.DateOf(today)})
			c.AsOf = today
		})
		return nil
	})
	if err != nil {
		f.t.Fatal(err)
	}
	f.ix.Upsert(c)
}

// run runs the scheduler once.
func (f *fixture) run() alerts.Ran {
	f.t.Helper()
	r, err := f.sch.RunOnce(f.ctx)
	if err != nil {
		f.t.Fatal(err)
	}
	return r
}

// deliver sends the whole outbox and returns what arrived, in all,
// with the plain text's line ends as \n.
func (f *fixture) deliver() []mailtest.Received {
	f.t.Helper()
	want := len(f.smtp.Messages())
	for {
		n, err := f.sender.Flush(f.ctx)
		if err != nil {
			f.t.Fatal(err)
		}
		if n == 0 {
			break
		}
		want += n
	}
	got := f.smtp.Wait(f.t, want)
	for i := range got {
		got[i].Text = strings.ReplaceAll(got[i].Text, "\r\n", "\n")
	}
	return got
}

// linkTo returns the link of a message that starts with the site path
// prefix.
func linkTo(t *testing.T, m mailtest.Received, prefix string) string {
	t.Helper()
	for _, l := range m.Links() {
		if strings.HasPrefix(l, siteURL+prefix) {
			return l
		}
	}
	t.Fatalf("no link to %s in:\n%s", prefix, m.Text)
	return ""
}

// token is the t parameter of a link.
func token(t *testing.T, link string) string {
	t.Helper()
	_, tok, ok := strings.Cut(link, "?t=")
	if !ok || !auth.WellFormedToken(tok) {
		t.Fatalf("no token in %s", link)
	}
	return tok
}
