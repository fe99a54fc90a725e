package throttle

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"sync"
	"time"
)

// knownSet remembers which clients have signed in to which account: pairs
// of an account and a device token, or of an account and a client key. It
// holds only HMACs of the pairs under a key made at start and never
// written anywhere, so it cannot be read back into addresses or emails,
// and it forgets a pair not seen again within its lifetime.
type knownSet struct {
	ttl time.Duration
	max int
	now func() time.Time

	mu        sync.Mutex
	key       []byte
	seen      map[[16]byte]time.Time
	lastSweep time.Time
}

func newKnownSet(ttl time.Duration, maxEntries int, now func() time.Time) *knownSet {
	key := make([]byte, 32)
	_, _ = rand.Read(key) // crypto/rand.Read never fails (Go 1.24+).
	return &knownSet{ttl: ttl, max: maxEntries, now: now, key: key, seen: map[[16]byte]time.Time{}}
}

func (k *knownSet) id(kind, account, value string) [16]byte {
	mac := hmac.New(sha256.New, k.key)
	for _, p := range []string{kind, account, value} {
		mac.Write([]byte(p))
		mac.Write([]byte{0})
	}
	var id [16]byte
	copy(id[:], mac.Sum(nil))
	return id
}

// has reports whether the pair was remembered within the lifetime.
func (k *knownSet) has(kind, account, value string) bool {
	if value == "" {
		return false
	}
	id := k.id(kind, account, value)
	k.mu.Lock()
	defer k.mu.Unlock()
	t, ok := k.seen[id]
	return ok && k.now().Sub(t) < k.ttl
}

// add remembers the pair, or refreshes it. When the set is full, expired
// pairs go first, then arbitrary ones: a forgotten pair only means one
// more sign-in under the stricter limits.
func (k *knownSet) add(kind, account, value string) {
	if value == "" {
		return
	}
	id := k.id(kind, account, value)
	k.mu.Lock()
	defer k.mu.Unlock()
	now := k.now()
	if now.Sub(k.lastSweep) >= sweepEvery || len(k.seen) >= k.max {
		for p, t := range k.seen {
			if now.Sub(t) >= k.ttl {
				delete(k.seen, p)
			}
		}
		k.lastSweep = now
	}
	for p := range k.seen {
		if len(k.seen) < k.max {
			break
		}
		delete(k.seen, p)
	}
	k.seen[id] = now
}

func (k *knownSet) size() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.seen)
}

// NewDeviceToken returns a random token for a known-device cookie: 32
// random bytes, URL-safe, carrying nothing about the person.
func NewDeviceToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// WellFormedDeviceToken reports whether a cookie value can be a device
// token, so that arbitrary values are ignored.
func WellFormedDeviceToken(s string) bool {
	if len(s) != 43 {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(s)
	return err == nil
}
