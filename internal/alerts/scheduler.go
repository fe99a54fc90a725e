package alerts

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/casetrack/casetrack/internal/auth"
	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/i18n"
	"github.com/casetrack/casetrack/internal/mail"
	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/timeline"
)

// DefaultEvery is how often a Scheduler looks for due alerts and
// reminders.
const DefaultEvery = 10 * time.Minute

// Scheduler queues the digests and reminders that are due. Several
// instances may run one on one database: each due alert or reminder is
// claimed by moving its next day on in the transaction that queues its
// mail (store.AdvanceAlert), so that only one of them sends it.
type Scheduler struct {
	Service
	// Mail composes the messages; their links start at its site URL.
	Mail *mail.Composer
	// Every is how often Run looks; zero means DefaultEvery.
	Every time.Duration
	// Wake, when set, is called after mail was queued (the sender of
	// this instance then sends it at once).
	Wake func()
	// Log receives counts and failures, never an address or a group.
	Log *slog.Logger
	// Lang writes each account's mail in the language it asked for mail
	// in (store.MailLanguage); nil writes English.
	Lang *i18n.Catalog

	refsMu sync.Mutex                  // guards Lang's first load and refs
	refs   map[string]*catalog.Catalog // language -> reference data named in it
}

// wordsFor is the language an account's mail is written in, with the
// reference data named in it: the language it last asked for mail in,
// English when it never said or the site no longer offers it.
func (s *Scheduler) wordsFor(ctx context.Context, accountID string) (words, error) {
	code, err := s.Store.MailLanguage(ctx, accountID)
	if err != nil {
		return words{}, err
	}
	s.refsMu.Lock()
	defer s.refsMu.Unlock()
	if s.Lang == nil {
		c, err := i18n.Load()
		if err != nil {
			return words{}, err
		}
		s.Lang = c
	}
	l := s.Lang.Locale(code)
	if l == nil {
		l = s.Lang.Default()
	}
	if ref, ok := s.refs[l.Code()]; ok {
		return words{l: l, ref: ref}, nil
	}
	ref := s.Catalog
	if l.Code() != i18n.Source {
		if ref, err = l.Reference(s.Catalog); err != nil {
			return words{}, err
		}
	}
	if s.refs == nil {
		s.refs = map[string]*catalog.Catalog{}
	}
	s.refs[l.Code()] = ref
	return words{l: l, ref: ref}, nil
}

// batch is how many due alerts or reminders are read at a time.
const batch = 100

// Ran says what one RunOnce did.
type Ran struct {
	// Digests and Reminders count the messages queued; Quiet the alerts
	// and reminders that were due but had nothing to say.
	Digests, Reminders, Quiet int
}

// Run looks for due alerts and reminders every Every until ctx ends.
func (s *Scheduler) Run(ctx context.Context) error {
	every := s.Every
	if every <= 0 {
		every = DefaultEvery
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if r, err := s.RunOnce(ctx); err != nil && ctx.Err() == nil {
			s.log().Error("alerts: a run failed", "err", err)
		} else if r.Digests+r.Reminders > 0 {
			s.log().Info("alerts: mail queued", "digests", r.Digests, "reminders", r.Reminders)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// RunOnce queues every digest and reminder due today. An alert or
// reminder that fails is logged and left due for the next run; the
// others go on.
func (s *Scheduler) RunOnce(ctx context.Context) (Ran, error) {
	var r Ran
	today := s.today()
	day := dayNumber(today)
	var errs []error
	numbers := map[string]Numbers{} // by group, for this run
	for after := ""; ; {
		due, err := s.Store.DueAlerts(ctx, day, after, batch)
		if err != nil {
			return r, err
		}
		for _, a := range due {
			after = a.ID
			queued, err := s.digest(ctx, a, today, numbers)
			switch {
			case err != nil:
				s.log().Error("alerts: digest", "alert", a.ID, "err", err)
				errs = append(errs, err)
			case queued:
				r.Digests++
			default:
				r.Quiet++
			}
		}
		if len(due) < batch {
			break
		}
	}
	if _, err := s.Store.EnrollReminders(ctx, day); err != nil {
		return r, err
	}
	for after := ""; ; {
		due, err := s.Store.DueReminders(ctx, day, after, batch)
		if err != nil {
			return r, err
		}
		for _, rem := range due {
			after = rem.CaseID
			queued, err := s.remind(ctx, rem, today)
			switch {
			case err != nil:
				s.log().Error("alerts: reminder", "err", err)
				errs = append(errs, err)
			case queued:
				r.Reminders++
			default:
				r.Quiet++
			}
		}
		if len(due) < batch {
			break
		}
	}
	if r.Digests+r.Reminders > 0 && s.Wake != nil {
		s.Wake()
	}
	if len(errs) > 0 {
		return r, fmt.Errorf("alerts: %d failed, the first: %w", len(errs), errs[0])
	}
	return r, nil
}

// nextDay is the first day after today on the alert's rhythm.
func nextDay(a store.Alert, today int64) int64 {
	n, p := a.NextDay, period(a.Every)
	for n <= today {
		n += p
	}
	return n
}

// digest handles one due alert and reports whether it queued a mail.
func (s *Scheduler) digest(ctx context.Context, a store.Alert, today time.Time, cache map[string]Numbers) (bool, error) {
	day := dayNumber(today)
	next := nextDay(a, day)
	var g Group
	var own *timeline.Case
	if a.CaseID != "" {
		c, err := s.Store.Case(ctx, a.CaseID)
		if errors.Is(err, store.ErrNotFound) {
			return false, nil // deleted: the alert goes with it
		}
		if err != nil {
			return false, err
		}
		own, g = c, SameMonth(c)
	} else {
		var err error
		if g, err = ParseGroup(s.Catalog, a.Query); err != nil {
			// Kept for the account to see and delete; not mailed.
			_, err := s.Store.AdvanceAlert(ctx, a.ID, a.NextDay, next, a.Query, a.Snapshot, store.Mailing{})
			return false, err
		}
	}
	query := g.Query()
	var cur Numbers
	if own != nil {
		cur = s.measure(g, own, today)
	} else {
		var ok bool
		if cur, ok = cache[query]; !ok {
			cur = s.measure(g, nil, today)
			cache[query] = cur
		}
	}
	if query != a.Query {
		// The case moved to another group (its owner edited it): start
		// again from its numbers, quietly.
		_, err := s.Store.AdvanceAlert(ctx, a.ID, a.NextDay, next, query, cur.snapshot(), store.Mailing{})
		return false, err
	}
	prev := readSnapshot(a.Snapshot)
	w, err := s.wordsFor(ctx, a.AccountID)
	if err != nil {
		return false, err
	}
	d, moved := digest(w, g, own != nil, prev, cur, s.MinCases, today)
	if !moved {
		// The snapshot stays what was last mailed.
		_, err := s.Store.AdvanceAlert(ctx, a.ID, a.NextDay, next, a.Query, a.Snapshot, store.Mailing{})
		return false, err
	}
	token, hash := auth.NewToken()
	if p := g.ExplorePath(); p != "" {
		d.Explore = s.Mail.Link(p)
	}
	if p := g.FeedPath(); p != "" {
		d.Feed = s.Mail.Link(p)
	}
	if own != nil {
		d.Case = s.Mail.Link("/cases/" + own.ID)
	}
	d.Manage = s.Mail.Link("/me#alerts")
	site := s.Mail.Site().Name
	why := w.l.T("mail.digest.why_"+a.Every, "Site", site, "Group", g.Describe(w.ref))
	if own != nil {
		why = w.l.T("mail.digest.why_same_"+a.Every, "Site", site)
	}
	m, err := s.Mail.ComposeIn(w.l, a.AccountID, "digest", d, s.Mail.Link("/mail/unsubscribe?t="+token), why)
	if err != nil {
		return false, err
	}
	tok := store.Token{Hash: hash, AccountID: a.AccountID, Purpose: PurposeUnsubscribe, Subject: a.ID, Expires: s.now().Add(UnsubscribeValid)}
	return s.Store.AdvanceAlert(ctx, a.ID, a.NextDay, next, a.Query, cur.snapshot(), store.Mailing{Tokens: []store.Token{tok}, Mails: []store.OutMail{m}})
}

// reminderData is the data of the "reminder" mail templates.
type reminderData struct {
	// Case names the case: "EB-2 National Interest Waiver case filed in
	// March 2024"; Confirmed is the day it was last confirmed or updated,
	// Waiting how long since filing.
	Case, Confirmed, Waiting string
	// StillWaiting confirms it (once); Decided opens the form that
	// records the decision; CaseURL is its page.
	StillWaiting, Decided, CaseURL string
	// Valid is how long the "still waiting" link works.
	Valid string
}

// remind handles one due reminder and reports whether it queued a mail.
// A case is asked about ReminderDays after it was last confirmed or
// updated, and again ReminderDays after each reminder; a decided case is
// not asked about (its reminder stays, in case the decision is removed).
func (s *Scheduler) remind(ctx context.Context, r store.Reminder, today time.Time) (bool, error) {
	day := dayNumber(today)
	c, err := s.Store.Case(ctx, r.CaseID)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil // deleted: the reminder goes with it
	}
	if err != nil {
		return false, err
	}
	if c.Status() != timeline.StatusPending {
		_, err := s.Store.AdvanceReminder(ctx, r.CaseID, r.NextDay, day+ReminderDays, store.Mailing{})
		return false, err
	}
	if asked := dayNumber(c.AsOf) + ReminderDays; asked > day {
		_, err := s.Store.AdvanceReminder(ctx, r.CaseID, r.NextDay, asked, store.Mailing{})
		return false, err
	}
	w, err := s.wordsFor(ctx, r.AccountID)
	if err != nil {
		return false, err
	}
	name := c.Category
	if cat, ok := w.ref.Category(c.Category); ok {
		name = cat.Name
	}
	pending, pendingHash := auth.NewToken()
	unsub, unsubHash := auth.NewToken()
	d := reminderData{
		Case:         w.l.T("mail.reminder.case", "Category", name, "Month", w.l.MonthYear(c.Filed.Mid())),
		Confirmed:    w.date(c.AsOf),
		Waiting:      w.l.Duration(c.Filed.DaysSinceFiled(today)),
		StillWaiting: s.Mail.Link("/mail/pending?t=" + pending),
		Decided:      s.Mail.Link("/me/cases/" + c.ID + "/edit"),
		CaseURL:      s.Mail.Link("/cases/" + c.ID),
		Valid:        w.l.T("mail.valid.days", "Count", int(StillPendingValid.Hours()/24)),
	}
	why := w.l.T("mail.reminder.why", "Site", s.Mail.Site().Name)
	m, err := s.Mail.ComposeIn(w.l, r.AccountID, "reminder", d, s.Mail.Link("/mail/unsubscribe?t="+unsub), why)
	if err != nil {
		return false, err
	}
	now := s.now()
	return s.Store.AdvanceReminder(ctx, r.CaseID, r.NextDay, day+ReminderDays, store.Mailing{
		Tokens: []store.Token{
			{Hash: pendingHash, AccountID: r.AccountID, Purpose: PurposeStillPending, Subject: c.ID, Expires: now.Add(StillPendingValid)},
			{Hash: unsubHash, AccountID: r.AccountID, Purpose: PurposeUnsubscribe, Subject: SubjectReminders, Expires: now.Add(UnsubscribeValid)},
		},
		Mails: []store.OutMail{m},
	})
}

func (s *Scheduler) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}
