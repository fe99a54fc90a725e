package web

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
)

func TestRateLimitAPIAndForm(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, func(c *Config) { c.WriteRate = 3; c.TrustProxy = true })
		from := func(addr string) []string { return []string{"X-Forwarded-For", "10.0.0.1, " + addr} }

		// Refused submissions do not use up the allowance.
		bad := validSubmission()
		bad["filed"] = "nope"
		for range 5 {
			if res := e.postJSON("/api/v1/cases", bad, from("203.0.113.5")...); res.status != http.StatusUnprocessableEntity {
				t.Fatalf("invalid submission: %d", res.status)
			}
		}
		e.create(validSubmission(), from("203.0.113.5")...)
		e.submitForm(validForm(), from("203.0.113.5")...)
		e.create(validSubmission(), from("203.0.113.5")...)

		res := e.postJSON("/api/v1/cases", validSubmission(), from("203.0.113.5")...)
		if res.status != http.StatusTooManyRequests || res.apiError(t).Error != "rate_limited" {
			t.Fatalf("API over the limit: status %d: %s", res.status, res.body)
		}
		retry, err := strconv.Atoi(res.header.Get("Retry-After"))
		if err != nil || retry < 1 || retry > 3600 {
			t.Errorf("Retry-After %q", res.header.Get("Retry-After"))
		}
		form := validForm()
		form.Set("note", "kept after the limit")
		res = e.postForm("/submit", form, from("203.0.113.5")...)
		if res.status != http.StatusTooManyRequests || res.header.Get("Retry-After") == "" {
			t.Fatalf("form over the limit: status %d, Retry-After %q", res.status, res.header.Get("Retry-After"))
		}
		if !strings.Contains(res.body, "Too many new cases") || !strings.Contains(res.body, "kept after the limit</textarea>") {
			t.Error("form over the limit does not explain or keep the input")
		}

		// Another address has its own allowance.
		e.create(validSubmission(), from("203.0.113.6")...)

		// Reading and editing are not limited.
		created := e.create(validSubmission(), from("203.0.113.7")...)
		for range 5 {
			if res := e.postJSON("/api/v1/cases/"+created.ID+"/confirm", nil, append(editKey(created.EditKey), from("203.0.113.5")...)...); res.status != 200 {
				t.Fatalf("confirm limited: %d", res.status)
			}
		}

		// The allowance refills over the hour: one creation per 20 minutes.
		e.clock.Add(21 * time.Minute)
		e.create(validSubmission(), from("203.0.113.5")...)
		if res := e.postJSON("/api/v1/cases", validSubmission(), from("203.0.113.5")...); res.status != http.StatusTooManyRequests {
			t.Errorf("after one refill: %d, want 429", res.status)
		}
	})
}

func TestRateLimitOff(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	for range 40 {
		e.create(validSubmission())
	}
}

func TestClientAddr(t *testing.T) {
	tests := []struct {
		trust  bool
		remote string
		xff    string
		want   string
	}{
		{false, "192.0.2.1:5555", "203.0.113.9", "192.0.2.1"},
		// The proxy appends the address it saw; what the client sent
		// before it may be forged.
		{true, "192.0.2.1:5555", "203.0.113.9", "203.0.113.9"},
		{true, "192.0.2.1:5555", "198.51.100.66, 203.0.113.9", "203.0.113.9"},
		{true, "192.0.2.1:5555", "", "192.0.2.1"},
		{true, "192.0.2.1:5555", "10.0.0.2 , ", "192.0.2.1"},
		// IPv6 clients count by their /64; IPv4-mapped ones as IPv4.
		{false, "[2001:db8::1]:443", "", "2001:db8::/64"},
		{false, "[2001:db8:0:0:ffff::1]:443", "", "2001:db8::/64"},
		{false, "[::ffff:192.0.2.7]:443", "", "192.0.2.7"},
		{true, "192.0.2.1:5555", "2001:db8:5:6:7::9", "2001:db8:5:6::/64"},
		{true, "192.0.2.1:5555", "198.51.100.66, ::ffff:203.0.113.9", "203.0.113.9"},
		{false, "pipe", "", "pipe"},
	}
	for _, tt := range tests {
		s := &Server{trust: tt.trust, ipHeader: "X-Forwarded-For"}
		r, _ := http.NewRequest("GET", "/", nil)
		r.RemoteAddr = tt.remote
		if tt.xff != "" {
			r.Header.Set("X-Forwarded-For", tt.xff)
		}
		if got := s.clientAddr(r); got != tt.want {
			t.Errorf("trust=%v remote=%q xff=%q: %q, want %q", tt.trust, tt.remote, tt.xff, got, tt.want)
		}
	}
}

// TestClientIPHeader: behind a proxy that names the client in a header of
// its own (--client-ip-header), that header is read and X-Forwarded-For,
// which the client may have sent itself, is not.
func TestClientIPHeader(t *testing.T) {
	for _, tt := range []struct {
		name    string
		trust   bool
		headers []string
		want    string
	}{
		{"the configured header", true, []string{"Cf-Connecting-Ip", "203.0.113.9", "X-Forwarded-For", "198.51.100.1"}, "203.0.113.9"},
		{"X-Forwarded-For alone is not trusted", true, []string{"X-Forwarded-For", "198.51.100.1"}, "192.0.2.1"},
		{"not behind a trusted proxy", false, []string{"Cf-Connecting-Ip", "203.0.113.9"}, "192.0.2.1"},
	} {
		e := newEnv(t, storetest.SQLite(t), func(c *Config) { c.TrustProxy = tt.trust; c.ClientIPHeader = "CF-Connecting-IP" })
		r, _ := http.NewRequest("GET", "/", nil)
		r.RemoteAddr = "192.0.2.1:5555"
		for i := 0; i+1 < len(tt.headers); i += 2 {
			r.Header.Set(tt.headers[i], tt.headers[i+1])
		}
		if got := e.server.clientAddr(r); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestRateLimitIPv6Prefix: addresses in one /64 share an allowance, other
// /64s and IPv4 addresses have their own, over real HTTP.
func TestRateLimitIPv6Prefix(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, func(c *Config) { c.ReportRate = 2; c.TrustProxy = true })
		created := e.create(validSubmission())
		report := func(addr string) int {
			return e.postJSON("/api/v1/cases/"+created.ID+"/reports", map[string]any{"reason": "spam"}, "X-Forwarded-For", addr).status
		}
		for i, addr := range []string{"2001:db8:aa:1::1", "2001:db8:aa:1:ffff:1:2:3"} {
			if got := report(addr); got != http.StatusAccepted {
				t.Fatalf("report %d: %d", i, got)
			}
		}
		if got := report("2001:db8:aa:1:9::9"); got != http.StatusTooManyRequests {
			t.Errorf("third address of the same /64: %d, want 429", got)
		}
		if got := report("2001:db8:aa:2::1"); got != http.StatusAccepted {
			t.Errorf("next /64: %d, want its own allowance", got)
		}
		// An IPv4 client and its IPv4-mapped IPv6 form are one client;
		// its neighbour is another.
		report("192.0.2.40")
		report("::ffff:192.0.2.40")
		if got := report("192.0.2.40"); got != http.StatusTooManyRequests {
			t.Errorf("IPv4 client after its mapped form: %d, want 429", got)
		}
		if got := report("192.0.2.41"); got != http.StatusAccepted {
			t.Errorf("neighbouring IPv4 address: %d, want its own allowance", got)
		}
	})
}
