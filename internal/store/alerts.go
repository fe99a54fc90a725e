package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
)

// ErrLimit is returned (wrapped) when an account already has as many
// alerts as it may keep.
var ErrLimit = errors.New("limit reached")

// Alert is a group of cases an account follows by mail (see migration
// 00009). The store keeps the group as an opaque query string and the
// snapshot as opaque JSON; package alerts gives them their meaning.
type Alert struct {
	ID        string
	AccountID string
	// CaseID is set for an alert on the people who filed the same month
	// as one of the account's cases; "" for any other group.
	CaseID string
	// Query is the group's canonical query string.
	Query string
	// Every is "daily" or "weekly".
	Every string
	// NextDay is the day the next digest is due, CreatedDay the day the
	// alert was saved (days since 1970-01-01, UTC).
	NextDay, CreatedDay int64
	// Stopped is set when the account unsubscribed from the alert's mail.
	Stopped bool
	// Snapshot holds the numbers last mailed, or "".
	Snapshot string
}

// NewAlertID returns a random alert id.
func NewAlertID() string { return "al_" + rand.Text() }

const alertColumns = "id, account_id, coalesce(case_id, ''), query, every, next_day, created_day, stopped, snapshot"

func scanAlert(scan func(dest ...any) error) (Alert, error) {
	var a Alert
	var stopped int
	err := scan(&a.ID, &a.AccountID, &a.CaseID, &a.Query, &a.Every, &a.NextDay, &a.CreatedDay, &stopped, &a.Snapshot)
	a.Stopped = stopped == 1
	return a, err
}

// SaveAlert stores an alert, or, when the account already follows the
// same group (the same case, for a same-month alert), updates that one:
// its frequency, next day and snapshot, and starts it again if it was
// stopped. It returns the alert as stored. An account keeps at most max
// alerts; one more is refused with ErrLimit.
func (s *Store) SaveAlert(ctx context.Context, a Alert, max int) (Alert, error) {
	if a.AccountID == "" || a.Query == "" || (a.Every != "daily" && a.Every != "weekly") {
		return Alert{}, errors.New("save alert: an account, a group and a frequency (daily or weekly) are required")
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		// The same group again: update the alert there is.
		update := func() (bool, error) {
			var id string
			var err error
			if a.CaseID != "" {
				err = tx.QueryRowContext(ctx, s.d.rebind("SELECT id FROM alerts WHERE account_id = ? AND case_id = ?"),
					a.AccountID, a.CaseID).Scan(&id)
			} else {
				err = tx.QueryRowContext(ctx, s.d.rebind("SELECT id FROM alerts WHERE account_id = ? AND case_id IS NULL AND query = ?"),
					a.AccountID, a.Query).Scan(&id)
			}
			if errors.Is(err, sql.ErrNoRows) {
				return false, nil
			}
			if err != nil {
				return false, err
			}
			a.ID = id
			return true, s.execOne(ctx, tx, "UPDATE alerts SET query = ?, every = ?, next_day = ?, stopped = 0, snapshot = ? WHERE id = ?",
				a.Query, a.Every, a.NextDay, a.Snapshot, id)
		}
		if done, err := update(); done || err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, s.d.rebind("SELECT count(*) FROM alerts WHERE account_id = ?"), a.AccountID).Scan(&n); err != nil {
			return err
		}
		if n >= max {
			return ErrLimit
		}
		a.ID = NewAlertID()
		// A concurrent save of the same group (a double click) meets the
		// unique indexes: it then updates the row the other one wrote.
		res, err := tx.ExecContext(ctx, s.d.rebind(
			"INSERT INTO alerts (id, account_id, case_id, query, every, next_day, created_day, stopped, snapshot) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?) ON CONFLICT DO NOTHING"),
			a.ID, a.AccountID, nullString(a.CaseID), a.Query, a.Every, a.NextDay, a.CreatedDay, a.Snapshot)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			return err
		}
		done, err := update()
		if err == nil && !done {
			err = errors.New("the alert was neither inserted nor found")
		}
		return err
	})
	if err != nil {
		return Alert{}, fmt.Errorf("save alert: %w", err)
	}
	return s.alert(ctx, a.ID)
}

func (s *Store) alert(ctx context.Context, id string) (Alert, error) {
	a, err := scanAlert(s.db.QueryRowContext(ctx, s.d.rebind("SELECT "+alertColumns+" FROM alerts WHERE id = ?"), id).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return Alert{}, fmt.Errorf("read alert: %w", ErrNotFound)
	}
	if err != nil {
		return Alert{}, fmt.Errorf("read alert: %w", err)
	}
	return a, nil
}

// AlertOf returns one of an account's alerts; ErrNotFound when the
// account has no alert with that id.
func (s *Store) AlertOf(ctx context.Context, accountID, id string) (Alert, error) {
	a, err := s.alert(ctx, id)
	if err == nil && a.AccountID != accountID {
		return Alert{}, fmt.Errorf("read alert: %w", ErrNotFound)
	}
	return a, err
}

// AlertsOf lists an account's alerts, oldest first.
func (s *Store) AlertsOf(ctx context.Context, accountID string) ([]Alert, error) {
	return s.listAlerts(ctx, "SELECT "+alertColumns+" FROM alerts WHERE account_id = ? ORDER BY created_day, id", accountID)
}

func (s *Store) listAlerts(ctx context.Context, q string, args ...any) ([]Alert, error) {
	rows, err := s.db.QueryContext(ctx, s.d.rebind(q), args...)
	if err != nil {
		return nil, fmt.Errorf("list alerts: %w", err)
	}
	defer rows.Close()
	var out []Alert
	for rows.Next() {
		a, err := scanAlert(rows.Scan)
		if err != nil {
			return nil, fmt.Errorf("list alerts: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list alerts: %w", err)
	}
	return out, nil
}

// DeleteAlert deletes one of an account's alerts with the unsubscribe
// links mailed for it (their subject is the alert's id); ErrNotFound when
// the account has no such alert.
func (s *Store) DeleteAlert(ctx context.Context, accountID, id string) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.execOne(ctx, tx, "DELETE FROM alerts WHERE id = ? AND account_id = ?", id, accountID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, s.d.rebind("DELETE FROM account_tokens WHERE account_id = ? AND subject = ?"), accountID, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("delete alert: %w", err)
	}
	// The group an account followed says something about the person.
	s.scrub.removed()
	return nil
}

// StopAlert stops (or starts again) the mail of one of an account's
// alerts; ErrNotFound when the account has no such alert. Starting it
// again makes its next digest due no earlier than nextDay.
func (s *Store) StopAlert(ctx context.Context, accountID, id string, stopped bool, nextDay int64) error {
	q := "UPDATE alerts SET stopped = 1 WHERE id = ? AND account_id = ?"
	args := []any{id, accountID}
	if !stopped {
		q = "UPDATE alerts SET stopped = 0, next_day = CASE WHEN next_day < ? THEN ? ELSE next_day END WHERE id = ? AND account_id = ?"
		args = []any{nextDay, nextDay, id, accountID}
	}
	if err := s.execOne(ctx, s.db, q, args...); err != nil {
		return fmt.Errorf("stop alert: %w", err)
	}
	return nil
}

// DueAlerts lists, in id order after the id after, up to limit alerts
// that are due on day, not stopped, and belong to verified accounts.
func (s *Store) DueAlerts(ctx context.Context, day int64, after string, limit int) ([]Alert, error) {
	return s.listAlerts(ctx, "SELECT al.id, al.account_id, coalesce(al.case_id, ''), al.query, al.every, al.next_day, al.created_day, al.stopped, al.snapshot"+
		" FROM alerts al JOIN accounts a ON a.id = al.account_id"+
		" WHERE al.stopped = 0 AND al.next_day <= ? AND a.verified = 1 AND al.id > ? ORDER BY al.id LIMIT ?", day, after, limit)
}

// AdvanceAlert claims a due alert: in one transaction it moves its next
// day from from to to, stores its group query and snapshot, and queues m
// (which may be empty: nothing to mail). It reports false, having done
// nothing, when the alert's next day is no longer from (another
// scheduler claimed it), or the alert was stopped or deleted meanwhile:
// of several schedulers on one database, each digest goes out once.
func (s *Store) AdvanceAlert(ctx context.Context, id string, from, to int64, query, snapshot string, m Mailing) (bool, error) {
	claimed, err := s.claimAndQueue(ctx, m, "UPDATE alerts SET next_day = ?, query = ?, snapshot = ? WHERE id = ? AND next_day = ? AND stopped = 0",
		to, query, snapshot, id, from)
	if err != nil {
		return false, fmt.Errorf("advance alert: %w", err)
	}
	return claimed, nil
}

// Reminder is when the next "still pending?" mail of an owned case is
// due.
type Reminder struct {
	CaseID, AccountID string
	// NextDay is a day number (days since 1970-01-01, UTC).
	NextDay int64
}

// EnrollReminders gives every owned case that has no reminder yet one due
// on day, and returns how many it added. It is safe to run on several
// instances at once.
func (s *Store) EnrollReminders(ctx context.Context, day int64) (int64, error) {
	res, err := s.db.ExecContext(ctx, s.d.rebind("INSERT INTO reminders (case_id, account_id, next_day)"+
		" SELECT c.id, c.owner_id, ? FROM cases c WHERE c.owner_id IS NOT NULL"+
		" AND NOT EXISTS (SELECT 1 FROM reminders r WHERE r.case_id = c.id) ON CONFLICT DO NOTHING"), day)
	if err != nil {
		return 0, fmt.Errorf("enroll reminders: %w", err)
	}
	return res.RowsAffected()
}

func (s *Store) listReminders(ctx context.Context, q string, args ...any) ([]Reminder, error) {
	rows, err := s.db.QueryContext(ctx, s.d.rebind(q), args...)
	if err != nil {
		return nil, fmt.Errorf("list reminders: %w", err)
	}
	defer rows.Close()
	var out []Reminder
	for rows.Next() {
		var r Reminder
		if err := rows.Scan(&r.CaseID, &r.AccountID, &r.NextDay); err != nil {
			return nil, fmt.Errorf("list reminders: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list reminders: %w", err)
	}
	return out, nil
}

// DueReminders lists, in case id order after the id after, up to limit
// reminders due on day of verified accounts that have not turned
// reminders off.
func (s *Store) DueReminders(ctx context.Context, day int64, after string, limit int) ([]Reminder, error) {
	return s.listReminders(ctx, "SELECT r.case_id, r.account_id, r.next_day FROM reminders r JOIN accounts a ON a.id = r.account_id"+
		" WHERE r.next_day <= ? AND a.verified = 1 AND r.case_id > ?"+
		" AND NOT EXISTS (SELECT 1 FROM reminders_off o WHERE o.account_id = r.account_id) ORDER BY r.case_id LIMIT ?", day, after, limit)
}

// RemindersOf lists the reminders of an account's cases.
func (s *Store) RemindersOf(ctx context.Context, accountID string) ([]Reminder, error) {
	return s.listReminders(ctx, "SELECT case_id, account_id, next_day FROM reminders WHERE account_id = ? ORDER BY next_day, case_id", accountID)
}

// AdvanceReminder claims a due reminder as AdvanceAlert claims an alert:
// it moves the next day from from to to and queues m in one transaction,
// and reports false, having done nothing, when another scheduler was
// first or the account turned reminders off meanwhile.
func (s *Store) AdvanceReminder(ctx context.Context, caseID string, from, to int64, m Mailing) (bool, error) {
	claimed, err := s.claimAndQueue(ctx, m, "UPDATE reminders SET next_day = ? WHERE case_id = ? AND next_day = ?"+
		" AND account_id NOT IN (SELECT account_id FROM reminders_off)", to, caseID, from)
	if err != nil {
		return false, fmt.Errorf("advance reminder: %w", err)
	}
	return claimed, nil
}

// claimAndQueue runs claim, an update that changes one row or none, and
// when it changed one queues m in the same transaction: the row claimed
// and its mail commit together, and a claim another scheduler made first
// changes nothing and queues nothing.
func (s *Store) claimAndQueue(ctx context.Context, m Mailing, claim string, args ...any) (bool, error) {
	claimed := false
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		err := s.execOne(ctx, tx, claim, args...)
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		claimed = true
		return s.queue(ctx, tx, m)
	})
	return claimed, err
}

// RemindersOff reports whether an account turned "still pending?"
// reminders off.
func (s *Store) RemindersOff(ctx context.Context, accountID string) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, s.d.rebind("SELECT count(*) FROM reminders_off WHERE account_id = ?"), accountID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("reminder setting: %w", err)
	}
	return n > 0, nil
}

// SetRemindersOff turns an account's "still pending?" reminders off or
// on again. Turning them off twice is no error.
func (s *Store) SetRemindersOff(ctx context.Context, accountID string, off bool) error {
	q := "DELETE FROM reminders_off WHERE account_id = ?"
	if off {
		q = "INSERT INTO reminders_off (account_id) VALUES (?) ON CONFLICT DO NOTHING"
	}
	if _, err := s.db.ExecContext(ctx, s.d.rebind(q), accountID); err != nil {
		return fmt.Errorf("reminder setting: %w", err)
	}
	return nil
}

// SetMailLanguage remembers the language an account's later mail is
// written in: the code of the language of the page where it last asked
// for mail.
func (s *Store) SetMailLanguage(ctx context.Context, accountID, code string) error {
	if _, err := s.db.ExecContext(ctx, s.d.rebind("UPDATE accounts SET mail_lang = ? WHERE id = ?"), code, accountID); err != nil {
		return fmt.Errorf("mail language: %w", err)
	}
	return nil
}

// MailLanguage is the language code SetMailLanguage stored for an
// account, "" when none was (English).
func (s *Store) MailLanguage(ctx context.Context, accountID string) (string, error) {
	var code string
	err := s.db.QueryRowContext(ctx, s.d.rebind("SELECT mail_lang FROM accounts WHERE id = ?"), accountID).Scan(&code)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("mail language: %w", err)
	}
	return code, nil
}
