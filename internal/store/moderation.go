package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/casetrack/casetrack/internal/timeline"
)

// Moderation actions as recorded in the moderation log.
const (
	ActionFlag    = "flag"    // an automatic quality check held a case back
	ActionHide    = "hide"    // a moderator removed a case from public view
	ActionApprove = "approve" // a moderator published a flagged or hidden case
	ActionDelete  = "delete"  // a moderator deleted a case
	ActionDismiss = "dismiss" // a moderator found the reports of a case unfounded
)

// LogEntry is one line of the moderation log. CaseID is empty once the
// case has been deleted; ActorID is empty for automatic checks.
type LogEntry struct {
	Action, Reason, CaseID, ActorID string
	Day                             time.Time
}

// Report is what a reader's report holds: a reason code and the day. No
// client address, account or time of day is recorded (privacy promise 4).
type Report struct {
	Reason string
	Day    time.Time
}

// AddReport records a reader's report about a case; ErrNotFound when the
// case does not exist. Reports do not change what the public sees, so they
// announce nothing.
func (s *Store) AddReport(ctx context.Context, caseID, reason string, now time.Time) error {
	if !validCode(reason) {
		return fmt.Errorf("report case %q: invalid reason %q", caseID, reason)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("report case %q: begin: %w", caseID, err)
	}
	defer tx.Rollback() //nolint:errcheck
	// Inserting checks the foreign key too, but the error it gives differs
	// between the databases; asking first gives one clean ErrNotFound.
	var one int
	err = tx.QueryRowContext(ctx, s.d.rebind("SELECT 1 FROM cases WHERE id = ?"), caseID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("report case %q: %w", caseID, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("report case %q: %w", caseID, err)
	}
	if _, err := tx.ExecContext(ctx, s.d.rebind("INSERT INTO reports (id, case_id, reason, created) VALUES (?, ?, ?, ?)"),
		"r_"+rand.Text(), caseID, reason, formatDay(now)); err != nil {
		return fmt.Errorf("report case %q: %w", caseID, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("report case %q: commit: %w", caseID, err)
	}
	return nil
}

// Moderate sets a case's moderation state, records the action with its
// reason code in the log and, for every action but an automatic flag,
// clears the case's reports: they have been reviewed. It goes through write, so every instance sharing the database
// refreshes the case in its statistics index at once. actorID is the
// moderator's account id ("" for an automatic check). ErrNotFound when the
// case does not exist.
func (s *Store) Moderate(ctx context.Context, caseID, action, reason string, m timeline.Moderation, actorID string, now time.Time) error {
	mod, err := encodeModeration(m)
	if err != nil {
		return fmt.Errorf("moderate case %q: %w", caseID, err)
	}
	if !validCode(action) || !validCode(reason) {
		return fmt.Errorf("moderate case %q: invalid action %q or reason %q", caseID, action, reason)
	}
	err = s.write(ctx, []string{caseID}, func(tx *sql.Tx) error {
		if err := s.execOne(ctx, tx, "UPDATE cases SET moderation = ?, moderation_reason = ? WHERE id = ?",
			mod.State, mod.Reason, caseID); err != nil {
			return err
		}
		if action != ActionFlag {
			if _, err := tx.ExecContext(ctx, s.d.rebind("DELETE FROM reports WHERE case_id = ?"), caseID); err != nil {
				return err
			}
		}
		return s.logAction(ctx, tx, action, reason, caseID, actorID, now)
	})
	if err != nil {
		return fmt.Errorf("moderate case %q: %w", caseID, err)
	}
	return nil
}

// Flag holds back those of the given cases that are visible, for the
// reason code given, and logs each as an automatic flag. Cases already
// flagged, hidden or deleted are left alone, and so are cases a moderator
// approved: a person's judgement outranks the automatic check. It returns how many it
// flagged.
func (s *Store) Flag(ctx context.Context, caseIDs []string, reason string, now time.Time) (int, error) {
	if !validCode(reason) {
		return 0, fmt.Errorf("flag cases: invalid reason %q", reason)
	}
	if len(caseIDs) == 0 {
		return 0, nil
	}
	flagged := 0
	err := s.write(ctx, caseIDs, func(tx *sql.Tx) error {
		flagged = 0
		for _, id := range caseIDs {
			ok, err := s.flagOne(ctx, tx, id, reason, now)
			if err != nil {
				return err
			}
			if ok {
				flagged++
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("flag cases: %w", err)
	}
	return flagged, nil
}

// flagOne flags a published case a moderator has not approved, and logs
// it; it reports whether the case was flagged.
func (s *Store) flagOne(ctx context.Context, tx *sql.Tx, id, reason string, now time.Time) (bool, error) {
	res, err := s.txExec(ctx, tx, s.d.rebind(
		`UPDATE cases SET moderation = 'flagged', moderation_reason = ? WHERE id = ? AND moderation = 'visible'
		   AND NOT EXISTS (SELECT 1 FROM moderation_log l WHERE l.case_id = cases.id AND l.action = 'approve')`), reason, id)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	if err != nil || n == 0 {
		return false, err
	}
	return true, s.logAction(ctx, tx, ActionFlag, reason, id, "", now)
}

// DismissReports clears a case's reports without changing it, and logs
// that a moderator looked.
func (s *Store) DismissReports(ctx context.Context, caseID, reason, actorID string, now time.Time) error {
	c, err := s.Case(ctx, caseID)
	if err != nil {
		return err
	}
	return s.Moderate(ctx, caseID, ActionDismiss, reason, c.Moderation, actorID, now)
}

// DeleteCaseModerated deletes a case as a moderator: the log keeps the
// action and reason but, like every trace of a deleted case, not its id.
func (s *Store) DeleteCaseModerated(ctx context.Context, caseID, reason, actorID string, now time.Time) error {
	if !validCode(reason) {
		return fmt.Errorf("delete case %q: invalid reason %q", caseID, reason)
	}
	err := s.write(ctx, []string{caseID}, func(tx *sql.Tx) error {
		if err := s.execOne(ctx, tx, "DELETE FROM cases WHERE id = ?", caseID); err != nil {
			return err
		}
		return s.logAction(ctx, tx, ActionDelete, reason, "", actorID, now)
	})
	if err != nil {
		return fmt.Errorf("delete case %q: %w", caseID, err)
	}
	s.scrub.removed()
	return nil
}

// logAction adds one line to the moderation log. Its id is random, like
// every key in the store, so that neither it nor where the line is stored
// tells in what order things happened within a day.
func (s *Store) logAction(ctx context.Context, tx *sql.Tx, action, reason, caseID, actorID string, now time.Time) error {
	_, err := tx.ExecContext(ctx, s.d.rebind(
		"INSERT INTO moderation_log (id, action, reason, case_id, actor_account_id, created) VALUES (?, ?, ?, ?, ?, ?)"),
		"l_"+rand.Text(), action, reason, nullString(caseID), nullString(actorID), formatDay(now))
	if err != nil {
		return fmt.Errorf("log moderation: %w", err)
	}
	return nil
}

// QueueItem is a case that needs a moderator's attention, with its reports.
type QueueItem struct {
	Case    *timeline.Case
	Reports []Report
}

// ModerationQueue returns the cases a moderator should look at: flagged
// ones and visible ones with reports, most reported first, then hidden
// ones (so they can be restored), each list at most limit long.
func (s *Store) ModerationQueue(ctx context.Context, limit int) (open, hidden []QueueItem, err error) {
	// "moderation <> 'visible'" repeats the condition of the partial
	// index cases_moderation, so that both databases use it instead of
	// reading every case.
	q := s.d.rebind(`SELECT id, n FROM (
		SELECT c.id AS id, (SELECT count(*) FROM reports r WHERE r.case_id = c.id) AS n
		  FROM cases c WHERE c.moderation <> 'visible' AND c.moderation = 'flagged'
		UNION ALL
		SELECT r.case_id AS id, count(*) AS n
		  FROM reports r JOIN cases c ON c.id = r.case_id WHERE c.moderation = 'visible'
		  GROUP BY r.case_id
		) q ORDER BY n DESC, id LIMIT ?`)
	if open, err = s.queueItems(ctx, q, limit); err != nil {
		return nil, nil, err
	}
	q = s.d.rebind("SELECT id, 0 FROM cases WHERE moderation <> 'visible' AND moderation = 'hidden' ORDER BY id LIMIT ?")
	if hidden, err = s.queueItems(ctx, q, limit); err != nil {
		return nil, nil, err
	}
	return open, hidden, nil
}

func (s *Store) queueItems(ctx context.Context, q string, limit int) ([]QueueItem, error) {
	ids, err := s.firstColumn(ctx, q, limit)
	if err != nil {
		return nil, fmt.Errorf("moderation queue: %w", err)
	}
	items := make([]QueueItem, 0, len(ids))
	for _, id := range ids {
		c, err := s.Case(ctx, id)
		if errors.Is(err, ErrNotFound) {
			continue // deleted meanwhile
		}
		if err != nil {
			return nil, err
		}
		reports, err := s.reports(ctx, id)
		if err != nil {
			return nil, err
		}
		items = append(items, QueueItem{Case: c, Reports: reports})
	}
	return items, nil
}

// reports lists a case's reports, newest day first.
func (s *Store) reports(ctx context.Context, caseID string) ([]Report, error) {
	rows, err := s.db.QueryContext(ctx, s.d.rebind("SELECT reason, created FROM reports WHERE case_id = ? ORDER BY created DESC, id"), caseID)
	if err != nil {
		return nil, fmt.Errorf("reports of case %q: %w", caseID, err)
	}
	defer rows.Close()
	var out []Report
	for rows.Next() {
		var r Report
		var d dayValue
		if err := rows.Scan(&r.Reason, &d); err != nil {
			return nil, fmt.Errorf("reports of case %q: %w", caseID, err)
		}
		r.Day = d.t
		out = append(out, r)
	}
	return out, rows.Err()
}

// ModerationLog returns the latest limit log entries, newest day first.
// Within a day the order is that of the random ids, not of the actions:
// that order is deliberately not kept (see migration 00005).
func (s *Store) ModerationLog(ctx context.Context, limit int) ([]LogEntry, error) {
	rows, err := s.db.QueryContext(ctx, s.d.rebind(
		"SELECT action, reason, coalesce(case_id, ''), coalesce(actor_account_id, ''), created FROM moderation_log ORDER BY created DESC, id LIMIT ?"), limit)
	if err != nil {
		return nil, fmt.Errorf("moderation log: %w", err)
	}
	defer rows.Close()
	var out []LogEntry
	for rows.Next() {
		var e LogEntry
		var d dayValue
		if err := rows.Scan(&e.Action, &e.Reason, &e.CaseID, &e.ActorID, &d); err != nil {
			return nil, fmt.Errorf("moderation log: %w", err)
		}
		e.Day = d.t
		out = append(out, e)
	}
	return out, rows.Err()
}

// firstColumn runs a query and returns its first column as text.
func (s *Store) firstColumn(ctx context.Context, q string, args ...any) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		cols, err := rows.Columns()
		if err != nil {
			return nil, err
		}
		var v string
		dest := []any{&v}
		for range len(cols) - 1 {
			dest = append(dest, new(any))
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// identicalCase is the condition, with identicalArgs, for a case identical
// to a given one in category, country, service center, filing month and
// milestones (dates included): what makes copies of one timeline.
const identicalCase = `category = ? AND filed = ? AND country = ? AND coalesce(service_center, '') = ? AND milestone_list = ?`

func identicalArgs(r caseRow) []any {
	return []any{r.category, r.filed, r.country, r.serviceCenter.String, r.milestoneList}
}

// Similar is a stored case identical to another one (SimilarRecent).
type Similar struct {
	ID string
	// RepeatsEarlier says that, when it was submitted, an identical case
	// was already stored: it is a copy, not the original.
	RepeatsEarlier bool
	// Visible says the case is published (not already flagged or
	// hidden), so that a burst flags each copy once, not again at every
	// further copy.
	Visible bool
}

// similarRecent is SimilarRecent's query: identicalArgs, the first day
// and the id of the case itself. The index cases_identical (migration
// 00012) leads it to true copies only.
const similarRecent = `SELECT id, repeats_earlier, moderation = 'visible' FROM cases
	WHERE ` + identicalCase + ` AND created >= ? AND id <> ?
	ORDER BY id LIMIT 1000`

// SimilarRecent returns the cases created on or after since that are
// identical to c in category, country, service center, filing month and
// milestones (dates included), c itself excepted: the automatic check for
// bursts of copies. Only the creation date is stored, so the window is
// whole days; which of them came first is known only through
// RepeatsEarlier, recorded at submission.
func (s *Store) SimilarRecent(ctx context.Context, c *timeline.Case, since time.Time) ([]Similar, error) {
	row, err := newCaseRow(c, nil)
	if err != nil {
		return nil, fmt.Errorf("similar cases: %w", err)
	}
	args := append(identicalArgs(row), formatDay(since), row.id)
	st, err := s.prepared(ctx, s.d.rebind(similarRecent))
	if err != nil {
		return nil, fmt.Errorf("similar cases: %w", err)
	}
	rows, err := st.QueryContext(ctx, args...)
	if err != nil {
		return nil, fmt.Errorf("similar cases: %w", err)
	}
	return scanSimilar(rows)
}

// similarIn is SimilarRecent for the case of row, inside tx.
func (s *Store) similarIn(ctx context.Context, tx *sql.Tx, row caseRow, since time.Time) ([]Similar, error) {
	args := append(identicalArgs(row), formatDay(since), row.id)
	rows, err := s.txQuery(ctx, tx, s.d.rebind(similarRecent), args...)
	if err != nil {
		return nil, fmt.Errorf("similar cases: %w", err)
	}
	return scanSimilar(rows)
}

// scanSimilar reads and closes the rows of similarRecent.
func scanSimilar(rows *sql.Rows) ([]Similar, error) {
	defer rows.Close()
	var out []Similar
	for rows.Next() {
		var x Similar
		if err := rows.Scan(&x.ID, &x.RepeatsEarlier, &x.Visible); err != nil {
			return nil, fmt.Errorf("similar cases: %w", err)
		}
		out = append(out, x)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("similar cases: %w", err)
	}
	return out, nil
}
