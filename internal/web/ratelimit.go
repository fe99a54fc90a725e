package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/casetrack/casetrack/internal/timeline"
)

// writeLimiter limits one class of writes (case creations, updates,
// reports: one instance each) per client address per hour. Client
// addresses are never kept: each is replaced by an HMAC under a random
// salt that lives only in memory and is replaced every UTC day (DESIGN.md
// "Security"), and an entry is dropped once it has been idle long enough
// to have refilled completely.
type writeLimiter struct {
	perHour int
	now     func() time.Time

	mu        sync.Mutex
	salt      []byte
	saltDay   time.Time
	entries   map[string]*limiterEntry
	lastSweep time.Time
}

type limiterEntry struct {
	lim  *rate.Limiter
	seen time.Time
}

// sweepEvery is how often idle entries are looked for; it bounds how long
// an expired entry can linger.
const sweepEvery = 10 * time.Minute

// newWriteLimiter returns a limiter allowing perHour creations per client
// per hour, with a burst of the same size; perHour 0 turns it off.
func newWriteLimiter(perHour int, now func() time.Time) *writeLimiter {
	return &writeLimiter{perHour: perHour, now: now, entries: map[string]*limiterEntry{}}
}

// reserve takes one creation from the client's allowance. When the client
// is over its limit it returns ok false and how long until the next
// creation is allowed. Otherwise cancel gives the creation back, for
// requests that end up creating nothing (a validation error).
func (l *writeLimiter) reserve(clientAddr string) (cancel func(), retryAfter time.Duration, ok bool) {
	if l.perHour <= 0 {
		return func() {}, 0, true
	}
	now := l.now()
	lim := l.limiterFor(clientAddr, now)
	res := lim.ReserveN(now, 1)
	if d := res.DelayFrom(now); d > 0 || !res.OK() {
		res.CancelAt(now)
		if d < time.Second {
			d = time.Second
		}
		return nil, d, false
	}
	return func() { res.CancelAt(l.now()) }, 0, true
}

// limiterFor returns the client's limiter, rotating the salt and expiring
// idle entries on the way.
func (l *writeLimiter) limiterFor(clientAddr string, now time.Time) *rate.Limiter {
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
			if now.Sub(e.seen) >= time.Hour {
				delete(l.entries, k)
			}
		}
		l.lastSweep = now
	}
	mac := hmac.New(sha256.New, l.salt)
	mac.Write([]byte(clientAddr))
	key := string(mac.Sum(nil)[:16])
	e, ok := l.entries[key]
	if !ok {
		e = &limiterEntry{lim: rate.NewLimiter(rate.Limit(float64(l.perHour)/3600), l.perHour)}
		l.entries[key] = e
	}
	e.seen = now
	return e.lim
}

// size returns the number of clients tracked; tests use it to check expiry.
func (l *writeLimiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.entries)
}

// clientAddr is the address the rate limit applies to: the connection's
// remote host, or, behind a proxy the server trusts, the last hop of the
// proxy's header (X-Forwarded-For unless configured otherwise) — the one
// that proxy appended. Earlier hops come from the client and could be
// forged to dodge the limit.
func (s *Server) clientAddr(r *http.Request) string {
	if s.trust {
		hops := r.Header.Values(s.ipHeader)
		if len(hops) > 0 {
			list := hops[len(hops)-1]
			if i := strings.LastIndexByte(list, ','); i >= 0 {
				list = list[i+1:]
			}
			if last := strings.TrimSpace(list); last != "" {
				return last
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// reserveUpdate takes one milestone addition or confirmation from the
// client's allowance, or answers 429. cancel gives it back when the change
// is refused.
func (s *Server) reserveUpdate(r *http.Request) (cancel func(), err error) {
	cancel, retry, ok := s.updateLimiter.reserve(s.clientAddr(r))
	if !ok {
		return nil, errRateLimitedMsg(retry, updateLimitedMsg)
	}
	return cancel, nil
}
