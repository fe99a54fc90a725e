package web

import (
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/casetrack/casetrack/internal/web/throttle"
)

// writeLimiter limits one class of writes (case creations, updates,
// reports: one instance each) per client per hour; see throttle.Limiter
// for how clients are kept (as salted hashes, in memory only).
type writeLimiter struct{ *throttle.Limiter }

// newWriteLimiter returns a limiter allowing perHour writes per client
// per hour, with a burst of the same size; perHour 0 turns it off.
func newWriteLimiter(perHour int, now func() time.Time) *writeLimiter {
	return &writeLimiter{throttle.PerHour(perHour, now)}
}

// reserve takes one write from the client's allowance; see
// throttle.Limiter.Reserve.
func (l *writeLimiter) reserve(client string) (cancel func(), retryAfter time.Duration, ok bool) {
	return l.Reserve(client)
}

// clientAddr is the client the rate limits apply to (throttle.ClientKey:
// an IPv4 address, or an IPv6 address's /64) of the connection's remote
// host, or, behind a proxy the server trusts, of the last hop of the
// proxy's header (X-Forwarded-For unless configured otherwise) — the one
// that proxy appended. Earlier hops come from the client and could be
// forged to dodge the limit.
func (s *Server) clientAddr(r *http.Request) string {
	return throttle.ClientKey(s.remoteHost(r))
}

// remoteHost is the client's address as the connection or the trusted
// proxy gives it.
func (s *Server) remoteHost(r *http.Request) string {
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
