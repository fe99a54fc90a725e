package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Session is a stored session: whose it is and the days (counted from
// 1970-01-01, UTC) it began and was last used. The token it belongs to
// is never stored, only its hash.
type Session struct {
	AccountID  string
	StartedDay int64
	UsedDay    int64
}

// CreateSession stores a session under the hash of its token.
func (s *Store) CreateSession(ctx context.Context, tokenHash []byte, accountID string, day int64) error {
	_, err := s.db.ExecContext(ctx, s.d.rebind(
		"INSERT INTO sessions (token_hash, account_id, started_day, used_day) VALUES (?, ?, ?, ?)"),
		tokenHash, accountID, day, day)
	if err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	return nil
}

// SessionAccount returns a session and its account, or ErrNotFound.
func (s *Store) SessionAccount(ctx context.Context, tokenHash []byte) (Session, Account, error) {
	var se Session
	var a Account
	var verified int
	err := s.db.QueryRowContext(ctx, s.d.rebind(
		"SELECT s.account_id, s.started_day, s.used_day, a.id, a.email, a.name, a.role, coalesce(a.password_hash, ''), coalesce(a.oidc_issuer, ''), coalesce(a.oidc_subject, ''), a.verified "+
			"FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE s.token_hash = ?"), tokenHash).
		Scan(&se.AccountID, &se.StartedDay, &se.UsedDay, &a.ID, &a.Email, &a.Name, &a.Role, &a.PasswordHash, &a.OIDCIssuer, &a.OIDCSubject, &verified)
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, Account{}, fmt.Errorf("read session: %w", ErrNotFound)
	}
	if err != nil {
		return Session{}, Account{}, fmt.Errorf("read session: %w", err)
	}
	a.Unverified = verified == 0
	return se, a, nil
}

// TouchSession records that a session was used on day.
func (s *Store) TouchSession(ctx context.Context, tokenHash []byte, day int64) error {
	if _, err := s.db.ExecContext(ctx, s.d.rebind("UPDATE sessions SET used_day = ? WHERE token_hash = ? AND used_day < ?"), day, tokenHash, day); err != nil {
		return fmt.Errorf("touch session: %w", err)
	}
	return nil
}

// DeleteSession ends one session; ending one that does not exist is not
// an error.
func (s *Store) DeleteSession(ctx context.Context, tokenHash []byte) error {
	if _, err := s.db.ExecContext(ctx, s.d.rebind("DELETE FROM sessions WHERE token_hash = ?"), tokenHash); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// DeleteExpiredSessions removes sessions that began before minStarted or
// were last used before minUsed.
func (s *Store) DeleteExpiredSessions(ctx context.Context, minStarted, minUsed int64) error {
	if _, err := s.db.ExecContext(ctx, s.d.rebind("DELETE FROM sessions WHERE started_day < ? OR used_day < ?"), minStarted, minUsed); err != nil {
		return fmt.Errorf("delete expired sessions: %w", err)
	}
	return nil
}

// SessionsOf returns an account's sessions, for the data export.
func (s *Store) SessionsOf(ctx context.Context, accountID string) ([]Session, error) {
	rows, err := s.db.QueryContext(ctx, s.d.rebind("SELECT account_id, started_day, used_day FROM sessions WHERE account_id = ? ORDER BY started_day, used_day"), accountID)
	if err != nil {
		return nil, fmt.Errorf("sessions of account: %w", err)
	}
	defer rows.Close()
	var out []Session
	for rows.Next() {
		var se Session
		if err := rows.Scan(&se.AccountID, &se.StartedDay, &se.UsedDay); err != nil {
			return nil, fmt.Errorf("sessions of account: %w", err)
		}
		out = append(out, se)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sessions of account: %w", err)
	}
	return out, nil
}
