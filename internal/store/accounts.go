package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/casetrack/casetrack/internal/timeline"
)

// ErrConflict is returned (wrapped) when a new account would share its
// email address or its OpenID Connect identity with an existing one.
var ErrConflict = errors.New("already exists")

// Account is an account as stored. Email is kept as the person typed it;
// lookups go through its lowercased form, so addresses that differ only
// in case are one account.
type Account struct {
	ID    string
	Email string
	Name  string
	// Role is "admin" or "".
	Role string
	// PasswordHash is empty for an account that signs in only through
	// OpenID Connect.
	PasswordHash string
	// OIDCIssuer and OIDCSubject link the account to an identity at an
	// OpenID Connect provider; both are empty for a password account.
	OIDCIssuer  string
	OIDCSubject string
	// Unverified is true for an account whose address has not yet been
	// confirmed through the link mailed at sign-up. It cannot sign in.
	// The zero value (verified) is what a site without mail creates.
	Unverified bool
}

// EmailKey is the form in which email addresses are compared and indexed.
func EmailKey(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

const accountSelect = "SELECT id, email, name, role, coalesce(password_hash, ''), coalesce(oidc_issuer, ''), coalesce(oidc_subject, ''), verified FROM accounts"

func scanAccount(row *sql.Row) (Account, error) {
	var a Account
	var verified int
	err := row.Scan(&a.ID, &a.Email, &a.Name, &a.Role, &a.PasswordHash, &a.OIDCIssuer, &a.OIDCSubject, &verified)
	if errors.Is(err, sql.ErrNoRows) {
		return Account{}, ErrNotFound
	}
	a.Unverified = verified == 0
	return a, err
}

// CreateAccount stores a new account; ErrConflict when its email address
// (in any case) or its OpenID Connect identity is taken. Mailings (the
// verification link of a sign-up) are queued in the same transaction.
func (s *Store) CreateAccount(ctx context.Context, a Account, then ...Mailing) error {
	if a.ID == "" || EmailKey(a.Email) == "" {
		return errors.New("create account: id and email are required")
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("create account: begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck
	// Check first rather than parse each driver's unique-violation error;
	// the unique indexes still guard against a concurrent insert.
	var n int
	err = tx.QueryRowContext(ctx, s.d.rebind(
		"SELECT count(*) FROM accounts WHERE email_key = ? OR (oidc_issuer = ? AND oidc_subject = ?)"),
		EmailKey(a.Email), nullString(a.OIDCIssuer), nullString(a.OIDCSubject)).Scan(&n)
	if err != nil {
		return fmt.Errorf("create account: %w", err)
	}
	if n > 0 {
		return fmt.Errorf("create account: %w", ErrConflict)
	}
	_, err = tx.ExecContext(ctx, s.d.rebind(
		"INSERT INTO accounts (id, email, email_key, name, role, password_hash, oidc_issuer, oidc_subject, verified) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
		a.ID, strings.TrimSpace(a.Email), EmailKey(a.Email), a.Name, a.Role,
		nullString(a.PasswordHash), nullString(a.OIDCIssuer), nullString(a.OIDCSubject), boolInt(!a.Unverified))
	if err != nil {
		return fmt.Errorf("create account: %w", err)
	}
	for _, m := range then {
		if err := s.queue(ctx, tx, m); err != nil {
			return fmt.Errorf("create account: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("create account: commit: %w", err)
	}
	return nil
}

// AccountByID returns an account, or ErrNotFound.
func (s *Store) AccountByID(ctx context.Context, id string) (Account, error) {
	a, err := scanAccount(s.db.QueryRowContext(ctx, s.d.rebind(accountSelect+" WHERE id = ?"), id))
	if err != nil {
		return Account{}, fmt.Errorf("read account: %w", err)
	}
	return a, nil
}

// AccountByEmail finds an account by email address in any case, or
// returns ErrNotFound.
func (s *Store) AccountByEmail(ctx context.Context, email string) (Account, error) {
	a, err := scanAccount(s.db.QueryRowContext(ctx, s.d.rebind(accountSelect+" WHERE email_key = ?"), EmailKey(email)))
	if err != nil {
		return Account{}, fmt.Errorf("read account by email: %w", err)
	}
	return a, nil
}

// AccountByOIDC finds the account linked to an OpenID Connect identity,
// or returns ErrNotFound.
func (s *Store) AccountByOIDC(ctx context.Context, issuer, subject string) (Account, error) {
	a, err := scanAccount(s.db.QueryRowContext(ctx, s.d.rebind(accountSelect+" WHERE oidc_issuer = ? AND oidc_subject = ?"), issuer, subject))
	if err != nil {
		return Account{}, fmt.Errorf("read account by identity: %w", err)
	}
	return a, nil
}

// UpdateAccountProfile replaces the email address and name of an account,
// as an OpenID Connect provider reports them at each sign-in. ErrConflict
// when another account has the address.
func (s *Store) UpdateAccountProfile(ctx context.Context, id, email, name string) error {
	var n int
	if err := s.db.QueryRowContext(ctx, s.d.rebind("SELECT count(*) FROM accounts WHERE email_key = ? AND id <> ?"), EmailKey(email), id).Scan(&n); err != nil {
		return fmt.Errorf("update account: %w", err)
	}
	if n > 0 {
		return fmt.Errorf("update account: %w", ErrConflict)
	}
	if err := s.execOne(ctx, s.db, "UPDATE accounts SET email = ?, email_key = ?, name = ? WHERE id = ?",
		strings.TrimSpace(email), EmailKey(email), name, id); err != nil {
		return fmt.Errorf("update account: %w", err)
	}
	// The old address and name are personal data the owner replaced.
	s.scrub.removed()
	return nil
}

// SetPassword replaces an account's password hash and ends every session
// of the account except keep (the hash of the session that changed it;
// nil ends them all), so that a stolen session dies with the old password.
func (s *Store) SetPassword(ctx context.Context, id, hash string, keep []byte) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("set password: begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck
	if err := s.execOne(ctx, tx, "UPDATE accounts SET password_hash = ? WHERE id = ?", hash, id); err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	if keep == nil {
		keep = []byte{}
	}
	if _, err := tx.ExecContext(ctx, s.d.rebind("DELETE FROM sessions WHERE account_id = ? AND token_hash <> ?"), id, keep); err != nil {
		return fmt.Errorf("set password: end other sessions: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("set password: commit: %w", err)
	}
	return nil
}

// SetRole sets the role of the account with the given email address (in
// any case); ErrNotFound when there is none.
func (s *Store) SetRole(ctx context.Context, email, role string) error {
	return wrap("set role", s.execOne(ctx, s.db, "UPDATE accounts SET role = ? WHERE email_key = ?", role, EmailKey(email)))
}

// CasesOf returns the cases owned by an account, newest filing first.
func (s *Store) CasesOf(ctx context.Context, accountID string) ([]*timeline.Case, error) {
	rows, err := s.db.QueryContext(ctx, s.d.rebind(caseSelect+" WHERE owner_id = ? ORDER BY filed DESC, id"), accountID)
	if err != nil {
		return nil, fmt.Errorf("cases of account: %w", err)
	}
	defer rows.Close()
	var out []*timeline.Case
	for rows.Next() {
		var r caseScan
		if err := rows.Scan(r.dest()...); err != nil {
			return nil, fmt.Errorf("cases of account: %w", err)
		}
		c, err := r.toCase(nil, nil)
		if err != nil {
			return nil, fmt.Errorf("cases of account: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("cases of account: %w", err)
	}
	return out, nil
}

// DeleteAccount deletes an account, its sessions and all its cases in one
// transaction, announcing every case id so that each instance drops them
// from its statistics. It returns the ids of the deleted cases once the
// deletion has committed. On SQLite the freed pages are overwritten
// (secure_delete), and the scrubber then checkpoints and truncates the
// write-ahead log, so that the deleted text is left neither in the
// database file nor in its WAL, even when a reader delays the checkpoint.
func (s *Store) DeleteAccount(ctx context.Context, id string) ([]string, error) {
	return s.deleteAccount(ctx, id, false)
}

// DeleteAccountKeepCases deletes an account and its sessions like
// DeleteAccount, but keeps its cases as anonymous timelines in the
// statistics: each is detached (no owner) and loses its edit key, so
// nobody, the former owner included, can change or delete it any more.
// It returns the ids of the detached cases; every instance hears of them.
func (s *Store) DeleteAccountKeepCases(ctx context.Context, id string) ([]string, error) {
	return s.deleteAccount(ctx, id, true)
}

// deleteAccount deletes an account and either deletes its cases or, with
// keep, detaches them.
func (s *Store) deleteAccount(ctx context.Context, id string, keep bool) ([]string, error) {
	ids, err := s.ownedCaseIDs(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("delete account: %w", err)
	}
	var extra []string
	err = s.write(ctx, ids, func(tx *sql.Tx) error {
		// Cases owned now, read again under the write lock: a case
		// created meanwhile must not survive its account.
		rows, err := tx.QueryContext(ctx, s.d.rebind("SELECT id FROM cases WHERE owner_id = ?"), id)
		if err != nil {
			return err
		}
		var now []string
		for rows.Next() {
			var cid string
			if err := rows.Scan(&cid); err != nil {
				rows.Close()
				return err
			}
			now = append(now, cid)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		// write announces only the ids it was given; announce the
		// latecomers here, in the same transaction.
		extra = missing(now, ids)
		if err := s.d.notifyTx(ctx, tx, extra); err != nil {
			return err
		}
		cases := "DELETE FROM cases WHERE owner_id = ?"
		if keep {
			cases = "UPDATE cases SET owner_id = NULL, edit_key_hash = NULL WHERE owner_id = ?"
		}
		if _, err := tx.ExecContext(ctx, s.d.rebind(cases), id); err != nil {
			return err
		}
		if err := s.execOne(ctx, tx, "DELETE FROM accounts WHERE id = ?", id); err != nil {
			return err
		}
		// Sessions, links, queued mail, alerts and reminders go by cascade; deleting them explicitly as well keeps
		// that true even on a connection with foreign keys off.
		for _, table := range []string{"sessions", "account_tokens", "outbox", "alerts", "reminders", "reminders_off"} {
			if _, err := tx.ExecContext(ctx, s.d.rebind("DELETE FROM "+table+" WHERE account_id = ?"), id); err != nil {
				return err
			}
		}
		// A moderator's log entries stay (they explain why a case was
		// hidden) but no longer name the deleted account.
		_, err = tx.ExecContext(ctx, s.d.rebind("UPDATE moderation_log SET actor_account_id = NULL WHERE actor_account_id = ?"), id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("delete account: %w", err)
	}
	if len(extra) > 0 {
		s.d.committed(extra)
		ids = append(ids, extra...)
	}
	// The account's address was deleted either way.
	s.scrub.removed()
	return ids, nil
}

// ownedCaseIDs lists the ids of an account's cases.
func (s *Store) ownedCaseIDs(ctx context.Context, accountID string) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, s.d.rebind("SELECT id FROM cases WHERE owner_id = ?"), accountID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// missing returns the elements of a that are not in b.
func missing(a, b []string) []string {
	seen := make(map[string]bool, len(b))
	for _, x := range b {
		seen[x] = true
	}
	var out []string
	for _, x := range a {
		if !seen[x] {
			out = append(out, x)
		}
	}
	return out
}

// ClaimCase makes a case owned by an account and forgets its edit key:
// from then on the account manages it. ErrNotFound when there is no such
// case, ErrConflict when another account owns it already.
func (s *Store) ClaimCase(ctx context.Context, caseID, accountID string) error {
	err := s.write(ctx, []string{caseID}, func(tx *sql.Tx) error {
		var owner sql.NullString
		err := tx.QueryRowContext(ctx, s.d.rebind("SELECT owner_id FROM cases WHERE id = ?"+s.d.forUpdate()), caseID).Scan(&owner)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if owner.Valid && owner.String != accountID {
			return ErrConflict
		}
		_, err = tx.ExecContext(ctx, s.d.rebind("UPDATE cases SET owner_id = ?, edit_key_hash = NULL WHERE id = ?"), accountID, caseID)
		return err
	})
	if err != nil {
		return fmt.Errorf("claim case %q: %w", caseID, err)
	}
	return nil
}

// CaseOwner returns the id of the account owning a case ("" for an
// anonymous case), or ErrNotFound.
func (s *Store) CaseOwner(ctx context.Context, caseID string) (string, error) {
	var owner sql.NullString
	err := s.db.QueryRowContext(ctx, s.d.rebind("SELECT owner_id FROM cases WHERE id = ?"), caseID).Scan(&owner)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("owner of case %q: %w", caseID, ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("owner of case %q: %w", caseID, err)
	}
	return owner.String, nil
}

// CaseAccess returns what decides who may change a case: the hash of its
// edit key (empty when it has none) and its owner ("" for an anonymous
// case); ErrNotFound when there is no such case.
func (s *Store) CaseAccess(ctx context.Context, caseID string) (editKeyHash []byte, ownerID string, err error) {
	var owner sql.NullString
	err = s.db.QueryRowContext(ctx, s.d.rebind("SELECT edit_key_hash, owner_id FROM cases WHERE id = ?"), caseID).Scan(&editKeyHash, &owner)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", fmt.Errorf("access to case %q: %w", caseID, ErrNotFound)
	}
	if err != nil {
		return nil, "", fmt.Errorf("access to case %q: %w", caseID, err)
	}
	return editKeyHash, owner.String, nil
}
