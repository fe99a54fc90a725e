package auth

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"
)

// Password rules. bcrypt reads at most 72 bytes, so longer passwords are
// refused rather than silently cut.
const (
	MinPasswordRunes = 10
	MaxPasswordBytes = 72
)

// CheckPassword returns a message when a new password breaks the rules,
// or "".
func CheckPassword(pw string) string {
	switch {
	case utf8.RuneCountInString(pw) < MinPasswordRunes:
		return fmt.Sprintf("Use at least %d characters.", MinPasswordRunes)
	case len(pw) > MaxPasswordBytes:
		return fmt.Sprintf("Use at most %d bytes (about %d letters).", MaxPasswordBytes, MaxPasswordBytes)
	case strings.ContainsRune(pw, 0):
		// bcrypt ends a key at its first NUL byte: passwords made of NULs
		// alone would all be the same password.
		return "The password must not contain NUL characters."
	}
	return ""
}

// Hasher hashes passwords with bcrypt at a fixed cost. Tests use
// bcrypt.MinCost to stay fast; production uses DefaultCost or more.
type Hasher struct {
	Cost int
	// dummy is a hash compared against when an account does not exist,
	// so that "unknown email" takes as long as "wrong password".
	dummy []byte
}

// DefaultPasswordCost is the bcrypt cost used in production: one check
// took about 0.1 s on a 2-core build machine under load
// (BenchmarkVerifyDefaultCost), slow for a guesser, quick for a person.
const DefaultPasswordCost = 11

// NewHasher returns a hasher with the given bcrypt cost (0 means
// DefaultPasswordCost).
func NewHasher(cost int) (*Hasher, error) {
	if cost == 0 {
		cost = DefaultPasswordCost
	}
	if cost < bcrypt.MinCost || cost > bcrypt.MaxCost {
		return nil, fmt.Errorf("bcrypt cost %d is outside %d..%d", cost, bcrypt.MinCost, bcrypt.MaxCost)
	}
	dummy, err := bcrypt.GenerateFromPassword([]byte("not a password of anyone"), cost)
	if err != nil {
		return nil, fmt.Errorf("prepare password hasher: %w", err)
	}
	return &Hasher{Cost: cost, dummy: dummy}, nil
}

// Hash returns the bcrypt hash of a password.
func (h *Hasher) Hash(pw string) (string, error) {
	b, err := bcrypt.GenerateFromPassword([]byte(pw), h.Cost)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(b), nil
}

// Verify reports whether pw matches hash. An empty hash (an account
// without a password) never matches, but costs the same time as one that
// does not.
func (h *Hasher) Verify(hash, pw string) bool {
	if hash == "" || strings.ContainsRune(pw, 0) {
		_ = bcrypt.CompareHashAndPassword(h.dummy, []byte(pw))
		return false
	}
	err := bcrypt.CompareHashAndPassword([]byte(hash), []byte(pw))
	return err == nil
}
