// Package alerts mails people what moves in the groups of cases they
// follow, and asks the owners of pending cases, once a month, whether
// they are still waiting.
//
// An alert follows a group (any filter of Explore or the feed, or "the
// people who filed the same month as you" for one of the account's
// cases) and mails a digest daily or weekly: the approvals, denials,
// requests for evidence and interviews shared in the group since the
// last digest, the share decided and the median Explore shows, with what
// they were. Nothing is mailed when nothing moved, and nothing at all
// about a group with fewer than k cases: not a number, and not that
// something happened in it (a note that "something moved" in a group of
// three people says that one of them took a step). Such an alert waits
// until its group has k cases and then sends its first numbers.
//
// A reminder asks the owner of a pending case, about once a month after
// the case was last confirmed or updated, whether it is still pending,
// with a one-click "still waiting" link and a link to the form that
// records the decision. Reminders are on for every verified account with
// pending cases when the site sends mail, and can be turned off.
//
// Every digest and reminder carries a one-click unsubscribe link (RFC
// 8058) that works without signing in. The links are random tokens of
// which the store keeps only a hash; "still waiting" works once, while
// unsubscribe links stay usable until they expire (a second click finds
// the mail already stopped). A Scheduler finds what is due and queues it
// in the outbox; several instances may run one on one database.
package alerts

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/casetrack/casetrack/internal/auth"
	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/stats"
	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/timeline"
)

// Frequencies of an alert.
const (
	Daily  = "daily"
	Weekly = "weekly"
)

// period is the number of days between two digests of a frequency.
func period(every string) int64 {
	if every == Daily {
		return 1
	}
	return 7
}

// ValidEvery reports whether s is a frequency.
func ValidEvery(s string) bool { return s == Daily || s == Weekly }

// MaxAlerts is how many alerts one account may keep.
const MaxAlerts = 50

// ReminderDays is how long after a case was last confirmed or updated,
// and after the last reminder, the next "still pending?" mail goes.
const ReminderDays = 30

// Service saves, lists and stops alerts and reminders over one store and
// statistics index.
type Service struct {
	Store   *store.Store
	Index   *stats.Index
	Catalog *catalog.Catalog
	// MinCases is k: no number of a smaller group is ever mailed.
	MinCases int
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// today is the current day, UTC midnight.
func (s *Service) today() time.Time { return timeline.Today(s.now()) }

// dayNumber is a day as days since 1970-01-01 (UTC), as the store keeps
// days.
func dayNumber(t time.Time) int64 { return timeline.Today(t).Unix() / 86400 }

// DayOf is the date of a day number.
func DayOf(n int64) time.Time { return time.Unix(n*86400, 0).UTC() }

// Enough reports whether a group has k cases now, so that its digests
// can say something.
func (s *Service) Enough(g Group) bool {
	return s.measure(g, nil, s.today()).Enough
}

// Save saves an alert on a group for an account (or updates the one it
// has on the same group), with the group's numbers of today as the
// starting point of its first digest. An account keeps at most MaxAlerts
// alerts (store.ErrLimit).
func (s *Service) Save(ctx context.Context, accountID string, g Group, every string) (store.Alert, error) {
	if err := g.Check(s.Catalog); err != nil {
		return store.Alert{}, err
	}
	return s.save(ctx, store.Alert{AccountID: accountID, Query: g.Query()}, g, nil, every)
}

// SaveSameMonth saves an alert on the people who filed the same month as
// one of the account's cases.
func (s *Service) SaveSameMonth(ctx context.Context, accountID string, c *timeline.Case, every string) (store.Alert, error) {
	if c.OwnerID == "" || c.OwnerID != accountID {
		return store.Alert{}, fmt.Errorf("save alert: case %s is not the account's", c.ID)
	}
	g := SameMonth(c)
	return s.save(ctx, store.Alert{AccountID: accountID, CaseID: c.ID, Query: g.Query()}, g, c, every)
}

func (s *Service) save(ctx context.Context, a store.Alert, g Group, own *timeline.Case, every string) (store.Alert, error) {
	if !ValidEvery(every) {
		return store.Alert{}, fmt.Errorf("save alert: frequency %q is neither daily nor weekly", every)
	}
	today := s.today()
	a.Every = every
	a.CreatedDay = dayNumber(today)
	a.NextDay = a.CreatedDay + period(every)
	a.Snapshot = s.measure(g, own, today).snapshot()
	return s.Store.SaveAlert(ctx, a, MaxAlerts)
}

// Listed is an alert as the account page shows it.
type Listed struct {
	store.Alert
	Group Group
	// Describe names the group; Next is the day the next digest is due.
	Describe string
	Next     time.Time
	// Enough says whether the group has k cases now.
	Enough bool
}

// List returns an account's alerts. An alert whose group the catalog no
// longer knows is listed by its query string, so that it can still be
// deleted.
func (s *Service) List(ctx context.Context, accountID string) ([]Listed, error) {
	all, err := s.Store.AlertsOf(ctx, accountID)
	if err != nil {
		return nil, err
	}
	out := make([]Listed, 0, len(all))
	for _, a := range all {
		l := Listed{Alert: a, Next: DayOf(a.NextDay)}
		if g, err := ParseGroup(s.Catalog, a.Query); err == nil {
			l.Group, l.Describe = g, g.Describe(s.Catalog)
			l.Enough = readSnapshot(a.Snapshot).Enough
		} else {
			l.Describe = a.Query
		}
		out = append(out, l)
	}
	return out, nil
}

// Unsubscribed is what an unsubscribe link stops.
type Unsubscribed struct {
	AccountID string
	// Alert is the alert whose digests it stops; nil for a reminder's
	// link, which stops every "still pending?" reminder of the account.
	Alert *Listed
	// Done says the mail was already stopped.
	Done bool
}

// ErrLink is returned (wrapped) for a link that does not exist, was used
// up, or has expired.
var ErrLink = errors.New("this link is not valid any more")

// PeekUnsubscribe says what an unsubscribe link would stop, without
// stopping anything: the page a link opens shows it first, so that a
// mail scanner opening the link stops nothing.
func (s *Service) PeekUnsubscribe(ctx context.Context, token string) (Unsubscribed, error) {
	if !auth.WellFormedToken(token) {
		return Unsubscribed{}, ErrLink
	}
	t, err := s.Store.PeekToken(ctx, auth.HashToken(token), PurposeUnsubscribe, s.now())
	if errors.Is(err, store.ErrNotFound) {
		return Unsubscribed{}, ErrLink
	}
	if err != nil {
		return Unsubscribed{}, err
	}
	u := Unsubscribed{AccountID: t.AccountID}
	if t.Subject == SubjectReminders {
		u.Done, err = s.Store.RemindersOff(ctx, t.AccountID)
		return u, err
	}
	a, err := s.Store.AlertOf(ctx, t.AccountID, t.Subject)
	if errors.Is(err, store.ErrNotFound) {
		return Unsubscribed{}, ErrLink // deleted meanwhile
	}
	if err != nil {
		return Unsubscribed{}, err
	}
	l := Listed{Alert: a, Describe: a.Query, Next: DayOf(a.NextDay)}
	if g, err := ParseGroup(s.Catalog, a.Query); err == nil {
		l.Group, l.Describe = g, g.Describe(s.Catalog)
	}
	u.Alert, u.Done = &l, a.Stopped
	return u, nil
}

// Unsubscribe stops what an unsubscribe link names. It needs no sign-in:
// the link is the proof. Using a link again is no error.
func (s *Service) Unsubscribe(ctx context.Context, token string) (Unsubscribed, error) {
	u, err := s.PeekUnsubscribe(ctx, token)
	if err != nil {
		return Unsubscribed{}, err
	}
	if u.Alert == nil {
		err = s.Store.SetRemindersOff(ctx, u.AccountID, true)
	} else {
		err = s.Store.StopAlert(ctx, u.AccountID, u.Alert.ID, true, 0)
	}
	if err != nil {
		return Unsubscribed{}, err
	}
	return u, nil
}

// PeekStillPending returns the case a "still waiting" link confirms,
// without using the link.
func (s *Service) PeekStillPending(ctx context.Context, token string) (store.Token, error) {
	if !auth.WellFormedToken(token) {
		return store.Token{}, ErrLink
	}
	t, err := s.Store.PeekToken(ctx, auth.HashToken(token), PurposeStillPending, s.now())
	if errors.Is(err, store.ErrNotFound) {
		return store.Token{}, ErrLink
	}
	return t, err
}

// UseStillPending spends a "still waiting" link and returns the case it
// names (Subject) for the caller to confirm; a second use is ErrLink.
func (s *Service) UseStillPending(ctx context.Context, token string) (store.Token, error) {
	if !auth.WellFormedToken(token) {
		return store.Token{}, ErrLink
	}
	t, err := s.Store.UseToken(ctx, auth.HashToken(token), PurposeStillPending, s.now(), nil)
	if errors.Is(err, store.ErrNotFound) {
		return store.Token{}, ErrLink
	}
	return t, err
}

// Reminders is an account's reminder setting and its reminders.
type Reminders struct {
	Off  bool
	List []store.Reminder
}

// RemindersOf returns an account's reminder setting and reminders.
func (s *Service) RemindersOf(ctx context.Context, accountID string) (Reminders, error) {
	off, err := s.Store.RemindersOff(ctx, accountID)
	if err != nil {
		return Reminders{}, err
	}
	list, err := s.Store.RemindersOf(ctx, accountID)
	return Reminders{Off: off, List: list}, err
}
