// Package throttle holds CaseTrack's in-memory abuse limits: a token-bucket
// limiter keyed by salted hashes, the client key the limits apply to (an
// IPv4 address or an IPv6 /64), and the sign-in guard that limits password
// guessing without letting strangers lock an account. Nothing here is ever
// written down: keys are HMACs under keys that live only in memory.
package throttle

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/casetrack/casetrack/internal/timeline"
)

// Limiter limits one kind of action per key (a client, an account). Keys
// are never kept: each is replaced by an HMAC under a random salt that
// lives only in memory and is replaced every UTC day, and an entry is
// dropped once it has been idle long enough to have refilled completely.
type Limiter struct {
	limit rate.Limit
	burst int
	idle  time.Duration // how long an unused entry takes to refill
	now   func() time.Time

	mu        sync.Mutex
	salt      []byte
	saltDay   time.Time
	entries   map[string]*entry
	lastSweep time.Time
}

type entry struct {
	lim  *rate.Limiter
	seen time.Time
}

// sweepEvery is how often idle entries are looked for; it bounds how long
// an expired entry can linger.
const sweepEvery = 10 * time.Minute

// PerHour returns a limiter allowing n actions per key per hour, with a
// burst of the same size; n 0 turns it off.
func PerHour(n int, now func() time.Time) *Limiter {
	return Per(n, time.Hour, now)
}

// Per returns a limiter allowing n actions per key per period, with a burst
// of n; n 0 turns it off. A period longer than a day is cut to a day, the
// life of a salt.
func Per(n int, period time.Duration, now func() time.Time) *Limiter {
	period = min(period, 24*time.Hour)
	l := &Limiter{burst: n, idle: period, now: now, entries: map[string]*entry{}}
	if n > 0 {
		l.limit = rate.Limit(float64(n) / period.Seconds())
	}
	return l
}

// Reserve takes one action from the key's allowance. When the key is over
// its limit it returns ok false and how long until the next action is
// allowed. Otherwise cancel gives the action back, for requests that end
// up doing nothing (a validation error, a successful sign-in).
func (l *Limiter) Reserve(key string) (cancel func(), retryAfter time.Duration, ok bool) {
	if l.burst <= 0 {
		return func() {}, 0, true
	}
	now := l.now()
	lim := l.limiterFor(key, now)
	res := lim.ReserveN(now, 1)
	if d := res.DelayFrom(now); d > 0 || !res.OK() {
		res.CancelAt(now)
		return nil, max(d, time.Second), false
	}
	return func() { res.CancelAt(l.now()) }, 0, true
}

// limiterFor returns the key's limiter, rotating the salt and expiring
// idle entries on the way.
func (l *Limiter) limiterFor(key string, now time.Time) *rate.Limiter {
	l.mu.Lock()
	defer l.mu.Unlock()
	if day := timeline.Today(now); l.salt == nil || !day.Equal(l.saltDay) {
		l.salt = make([]byte, 32)
		_, _ = rand.Read(l.salt) // crypto/rand.Read never fails (Go 1.24+).
		l.saltDay = day
		// Keys under the old salt can never match again.
		clear(l.entries)
	}
	if now.Sub(l.lastSweep) >= sweepEvery {
		for k, e := range l.entries {
			if now.Sub(e.seen) >= l.idle {
				delete(l.entries, k)
			}
		}
		l.lastSweep = now
	}
	mac := hmac.New(sha256.New, l.salt)
	mac.Write([]byte(key))
	k := string(mac.Sum(nil)[:16])
	e, ok := l.entries[k]
	if !ok {
		e = &entry{lim: rate.NewLimiter(l.limit, l.burst)}
		l.entries[k] = e
	}
	e.seen = now
	return e.lim
}

// Size returns the number of keys tracked.
func (l *Limiter) Size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.entries)
}
