package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Token is the stored half of a single-use link mailed to an account: the
// SHA-256 of the token (the token itself is only in the mail), what it is
// for, what it acts on and when it stops working.
type Token struct {
	Hash      []byte
	AccountID string
	// Purpose names what the link does ("verify", "reset", ...); a token
	// is only ever accepted for its own purpose.
	Purpose string
	// Subject is what the link acts on besides the account (a case id),
	// or "".
	Subject string
	Expires time.Time
}

// OutMail is a message in the outbox. It names the account it goes to;
// the address is read from the account when the message is sent.
type OutMail struct {
	ID        string
	AccountID string
	// Kind names the message for logs and the export ("verify",
	// "digest", ...); it is the only part of a message ever logged.
	Kind    string
	Subject string
	Text    string
	HTML    string
	// Unsubscribe is the one-click unsubscribe address of the message
	// (List-Unsubscribe), or "" for mail an account cannot opt out of
	// (the links it asked for).
	Unsubscribe string
	// Due is when the message may next be sent.
	Due time.Time
	// Attempts counts the failed tries so far.
	Attempts int
}

// Delivery is a claimed outbox message with the address it goes to.
type Delivery struct {
	OutMail
	To string
}

// Mailing is what a change sends: single-use links to store and messages
// to queue, written in the transaction of the change, so that a change
// never commits without its mail or its mail without the change.
type Mailing struct {
	Tokens []Token
	Mails  []OutMail
}

// NewMailID returns a random outbox id.
func NewMailID() string { return "m_" + rand.Text() }

// queue writes a mailing in tx. Messages without an id get a random one;
// messages without a due time are due at once.
func (s *Store) queue(ctx context.Context, tx *sql.Tx, m Mailing) error {
	for _, t := range m.Tokens {
		if len(t.Hash) == 0 || t.AccountID == "" || t.Purpose == "" {
			return errors.New("queue mail: a token needs a hash, an account and a purpose")
		}
		if _, err := tx.ExecContext(ctx, s.d.rebind(
			"INSERT INTO account_tokens (token_hash, account_id, purpose, subject, expires_at) VALUES (?, ?, ?, ?, ?)"),
			t.Hash, t.AccountID, t.Purpose, t.Subject, t.Expires.Unix()); err != nil {
			return fmt.Errorf("queue mail: token: %w", err)
		}
	}
	for _, o := range m.Mails {
		if o.AccountID == "" || o.Kind == "" {
			return errors.New("queue mail: a message needs an account and a kind")
		}
		if o.ID == "" {
			o.ID = NewMailID()
		}
		var due int64
		if !o.Due.IsZero() {
			due = o.Due.Unix()
		}
		if _, err := tx.ExecContext(ctx, s.d.rebind(
			"INSERT INTO outbox (id, account_id, kind, subject, text_body, html_body, unsubscribe, due_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
			o.ID, o.AccountID, o.Kind, o.Subject, o.Text, o.HTML, o.Unsubscribe, due); err != nil {
			return fmt.Errorf("queue mail: %w", err)
		}
	}
	return nil
}

// Queue stores a mailing on its own, for mail that no other change causes
// (a password reset asked for, a digest).
func (s *Store) Queue(ctx context.Context, m Mailing) error {
	return s.inTx(ctx, func(tx *sql.Tx) error { return s.queue(ctx, tx, m) })
}

// inTx runs fn in a transaction that changes no case (so announces
// nothing to the statistics of other instances).
func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// PeekToken returns the token with the given hash when it exists, is for
// purpose and has not expired at now; ErrNotFound otherwise. It does not
// use the token: pages show what a link will do before it is done, so
// that a mail scanner that opens links does not spend them.
func (s *Store) PeekToken(ctx context.Context, hash []byte, purpose string, now time.Time) (Token, error) {
	return s.readToken(ctx, s.db, hash, purpose, now)
}

// queryer is what *sql.DB and *sql.Tx have in common for reading a row.
type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func (s *Store) readToken(ctx context.Context, q queryer, hash []byte, purpose string, now time.Time) (Token, error) {
	t := Token{Hash: hash}
	var expires int64
	err := q.QueryRowContext(ctx, s.d.rebind(
		"SELECT account_id, purpose, subject, expires_at FROM account_tokens WHERE token_hash = ? AND purpose = ?"),
		hash, purpose).Scan(&t.AccountID, &t.Purpose, &t.Subject, &expires)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && expires <= now.Unix()) {
		return Token{}, ErrNotFound
	}
	if err != nil {
		return Token{}, fmt.Errorf("read token: %w", err)
	}
	t.Expires = time.Unix(expires, 0).UTC()
	return t, nil
}

// UseToken spends a single-use token: within fn's transaction the token
// is read (ErrNotFound when it does not exist, is for another purpose or
// has expired) and deleted, and fn does what the link does. When fn fails
// the token stays. Two requests with one token cannot both succeed: the
// delete must remove the row.
func (s *Store) UseToken(ctx context.Context, hash []byte, purpose string, now time.Time, fn func(tx *sql.Tx, t Token) error) (Token, error) {
	var used Token
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		t, err := s.readToken(ctx, tx, hash, purpose, now)
		if err != nil {
			return err
		}
		if err := s.execOne(ctx, tx, "DELETE FROM account_tokens WHERE token_hash = ?", hash); err != nil {
			return err
		}
		if fn != nil {
			if err := fn(tx, t); err != nil {
				return err
			}
		}
		used = t
		return nil
	})
	if err != nil {
		return Token{}, fmt.Errorf("use token: %w", err)
	}
	return used, nil
}

// VerifyAccount spends a "verify" token and marks its account verified.
func (s *Store) VerifyAccount(ctx context.Context, hash []byte, now time.Time) (Token, error) {
	return s.UseToken(ctx, hash, "verify", now, func(tx *sql.Tx, t Token) error {
		return s.execOne(ctx, tx, "UPDATE accounts SET verified = 1 WHERE id = ?", t.AccountID)
	})
}

// ResetPassword spends a "reset" token: it sets the new password hash,
// marks the address verified (the mail reached its owner), ends every
// session of the account and voids its other reset links.
func (s *Store) ResetPassword(ctx context.Context, hash []byte, now time.Time, passwordHash string) (Token, error) {
	return s.UseToken(ctx, hash, "reset", now, func(tx *sql.Tx, t Token) error {
		if err := s.execOne(ctx, tx, "UPDATE accounts SET password_hash = ?, verified = 1 WHERE id = ?", passwordHash, t.AccountID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.d.rebind("DELETE FROM sessions WHERE account_id = ?"), t.AccountID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, s.d.rebind("DELETE FROM account_tokens WHERE account_id = ? AND purpose = 'reset'"), t.AccountID)
		return err
	})
}

// DeleteExpiredTokens removes tokens that expired before now.
func (s *Store) DeleteExpiredTokens(ctx context.Context, now time.Time) (int64, error) {
	res, err := s.db.ExecContext(ctx, s.d.rebind("DELETE FROM account_tokens WHERE expires_at <= ?"), now.Unix())
	if err != nil {
		return 0, fmt.Errorf("delete expired tokens: %w", err)
	}
	return res.RowsAffected()
}

// TokensOf lists an account's unspent links (for its export).
func (s *Store) TokensOf(ctx context.Context, accountID string) ([]Token, error) {
	rows, err := s.db.QueryContext(ctx, s.d.rebind(
		"SELECT purpose, subject, expires_at FROM account_tokens WHERE account_id = ? ORDER BY expires_at, purpose"), accountID)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	defer rows.Close()
	var out []Token
	for rows.Next() {
		t := Token{AccountID: accountID}
		var expires int64
		if err := rows.Scan(&t.Purpose, &t.Subject, &expires); err != nil {
			return nil, fmt.Errorf("list tokens: %w", err)
		}
		t.Expires = time.Unix(expires, 0).UTC()
		out = append(out, t)
	}
	return out, rows.Err()
}

// OutboxOf lists the messages still waiting to go to an account (for its
// export).
func (s *Store) OutboxOf(ctx context.Context, accountID string) ([]OutMail, error) {
	rows, err := s.db.QueryContext(ctx, s.d.rebind(
		"SELECT id, kind, subject, text_body, html_body, unsubscribe, due_at, attempts FROM outbox WHERE account_id = ? ORDER BY due_at, id"), accountID)
	if err != nil {
		return nil, fmt.Errorf("list outbox: %w", err)
	}
	defer rows.Close()
	var out []OutMail
	for rows.Next() {
		o := OutMail{AccountID: accountID}
		var due int64
		if err := rows.Scan(&o.ID, &o.Kind, &o.Subject, &o.Text, &o.HTML, &o.Unsubscribe, &due, &o.Attempts); err != nil {
			return nil, fmt.Errorf("list outbox: %w", err)
		}
		o.Due = time.Unix(due, 0).UTC()
		out = append(out, o)
	}
	return out, rows.Err()
}

// ClaimMail takes up to n messages that are due at now and not claimed by
// a live sender, marks them with claim until now+lease and returns them
// with their addresses. Several senders on one database each get other
// messages: PostgreSQL skips rows another sender is claiming, SQLite runs
// one write at a time. A sender that dies leaves its claim to expire.
func (s *Store) ClaimMail(ctx context.Context, claim string, now time.Time, lease time.Duration, n int) ([]Delivery, error) {
	if claim == "" || n < 1 {
		return nil, errors.New("claim mail: a claim and a positive count are required")
	}
	var out []Delivery
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		out = nil
		if _, err := tx.ExecContext(ctx, s.d.rebind(
			"UPDATE outbox SET claim = ?, claimed_until = ? WHERE id IN (SELECT id FROM outbox WHERE due_at <= ? AND claimed_until <= ? ORDER BY due_at LIMIT ?"+s.d.skipLocked()+")"),
			claim, now.Add(lease).Unix(), now.Unix(), now.Unix(), n); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, s.d.rebind(
			"SELECT o.id, o.account_id, o.kind, o.subject, o.text_body, o.html_body, o.unsubscribe, o.due_at, o.attempts, a.email FROM outbox o JOIN accounts a ON a.id = o.account_id WHERE o.claim = ? AND o.claimed_until = ? ORDER BY o.due_at, o.id"),
			claim, now.Add(lease).Unix())
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var d Delivery
			var due int64
			if err := rows.Scan(&d.ID, &d.AccountID, &d.Kind, &d.Subject, &d.Text, &d.HTML, &d.Unsubscribe, &due, &d.Attempts, &d.To); err != nil {
				return err
			}
			d.Due = time.Unix(due, 0).UTC()
			out = append(out, d)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("claim mail: %w", err)
	}
	return out, nil
}

// MailSent deletes a delivered message: nothing of a message is kept once
// the SMTP server has taken it. ErrNotFound when the claim was lost (the
// message was claimed again after the lease ran out).
func (s *Store) MailSent(ctx context.Context, id, claim string) error {
	if err := s.execOne(ctx, s.db, "DELETE FROM outbox WHERE id = ? AND claim = ?", id, claim); err != nil {
		return fmt.Errorf("mail sent: %w", err)
	}
	// The body held personal text (links, the group a digest follows).
	s.scrub.removed()
	return nil
}

// MailFailed releases a claimed message for another try at due.
func (s *Store) MailFailed(ctx context.Context, id, claim string, due time.Time) error {
	if err := s.execOne(ctx, s.db, "UPDATE outbox SET attempts = attempts + 1, due_at = ?, claim = '', claimed_until = 0 WHERE id = ? AND claim = ?",
		due.Unix(), id, claim); err != nil {
		return fmt.Errorf("mail failed: %w", err)
	}
	return nil
}

// OutboxSize counts the messages waiting (for metrics and tests).
func (s *Store) OutboxSize(ctx context.Context) (int, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM outbox").Scan(&n); err != nil {
		return 0, fmt.Errorf("outbox size: %w", err)
	}
	return n, nil
}

// boolInt stores a bool as the 0 or 1 both databases keep flags in.
func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
