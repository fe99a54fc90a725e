package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"time"
)

// Session lifetimes. A session ends after IdleDays days without use or
// AbsoluteDays after sign-in, whichever comes first. Both are counted in
// whole UTC days: the store keeps days, not times of day, so that no
// session row can be joined to an access log line.
type SessionPolicy struct {
	IdleDays     int64
	AbsoluteDays int64
}

// DefaultSessionPolicy: two weeks idle, thirty days at most.
var DefaultSessionPolicy = SessionPolicy{IdleDays: 14, AbsoluteDays: 30}

// Day numbers t's UTC calendar day (days since 1970-01-01).
func Day(t time.Time) int64 {
	return t.UTC().Unix() / 86400
}

// Valid reports whether a session that began on startedDay and was last
// used on usedDay may still be used on today.
func (p SessionPolicy) Valid(startedDay, usedDay, today int64) bool {
	return today-usedDay < p.IdleDays && today-startedDay < p.AbsoluteDays
}

// Oldest returns the earliest started and used days a session may have
// today; sessions older than either have expired.
func (p SessionPolicy) Oldest(today int64) (minStarted, minUsed int64) {
	return today - p.AbsoluteDays + 1, today - p.IdleDays + 1
}

// NewToken returns a new secret token (32 random bytes, URL-safe base64)
// and the hash to store: session tokens, which only the cookie holds, and
// the tokens of mailed links, which only the mail holds.
func NewToken() (token string, hash []byte) {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+).
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token)
}

// HashToken hashes a session token for storage and lookup. The token is
// 256 random bits, so a fast hash is enough; a database leak then yields
// no usable session.
func HashToken(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

// WellFormedToken reports whether a cookie value can be a session token,
// so that arbitrary values never reach the database.
func WellFormedToken(token string) bool {
	if len(token) != 43 {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(token)
	return err == nil
}
