package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
)

// signinFrom posts the sign-in form from addr (behind a trusted proxy),
// with the cookie header when cookie is not "".
func (e *testEnv) signinFrom(email, password, addr, cookie string) response {
	e.t.Helper()
	h := []string{"X-Forwarded-For", addr}
	if cookie != "" {
		h = append(h, "Cookie", cookie)
	}
	return e.postForm("/signin", url.Values{"email": {email}, "password": {password}}, h...)
}

// deviceOf returns the known-device cookie a successful sign-in set, as a
// Cookie header value.
func deviceOf(t *testing.T, res response) string {
	t.Helper()
	if res.status != http.StatusSeeOther {
		t.Fatalf("sign-in: %d", res.status)
	}
	c := res.cookie(deviceCookie)
	if c == nil || c.Value == "" || !c.HttpOnly || c.Path != "/signin" || c.MaxAge < 86400 {
		t.Fatalf("sign-in set no proper device cookie: %v", c)
	}
	if strings.Contains(c.Value, "ana") || strings.Contains(c.Value, "192.0.2") {
		t.Fatalf("device cookie carries personal data: %q", c.Value)
	}
	return deviceCookie + "=" + c.Value
}

// mustLimited checks a 429 with a Retry-After in range and a message.
func mustLimited(t *testing.T, res response, what string, maxRetry time.Duration, msg string) {
	t.Helper()
	if res.status != http.StatusTooManyRequests || res.cookie(sessionCookie) != nil {
		t.Fatalf("%s: status %d, want 429 without a session", what, res.status)
	}
	retry, err := strconv.Atoi(res.header.Get("Retry-After"))
	if err != nil || retry < 1 || time.Duration(retry)*time.Second > maxRetry {
		t.Errorf("%s: Retry-After %q, want 1s..%v", what, res.header.Get("Retry-After"), maxRetry)
	}
	if !strings.Contains(res.body, msg) {
		t.Errorf("%s: the page does not say %q", what, msg)
	}
}

// TestSigninStrangersCannotLockOut: wrong passwords from many addresses do
// not stop the owner signing in from a browser or network that signed in
// before, on both databases.
func TestSigninStrangersCannotLockOut(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, func(c *Config) { c.SignInRate = 10; c.TrustProxy = true })
		e.signup("ana@example.org", testPassword, "")
		device := deviceOf(t, e.signinFrom("ana@example.org", testPassword, "192.0.2.1", ""))

		for i := range 10 {
			if res := e.signinFrom("ana@example.org", "wrong password!", fmt.Sprintf("198.51.100.%d", i+1), ""); res.status != http.StatusUnauthorized {
				t.Fatalf("stranger %d: %d", i, res.status)
			}
		}
		if res := e.signinFrom("ana@example.org", testPassword, "192.0.2.1", device); res.status != http.StatusSeeOther {
			t.Fatalf("owner after ten strangers: %d, want 303", res.status)
		}
		// Strangers go on until the account's allowance is gone; the
		// owner's browser still gets in, from another network too, and so
		// does the owner's network without the cookie.
		for i := range 30 {
			e.signinFrom("ana@example.org", "wrong password!", fmt.Sprintf("2001:db8:%x::1", i+1), "")
		}
		mustLimited(t, e.signinFrom("ana@example.org", testPassword, "203.0.113.77", ""),
			"unknown client after the flood", 24*time.Hour, "sign in from a browser you have signed in with before")
		for _, tc := range []struct{ name, addr, cookie string }{
			{"owner's browser elsewhere", "203.0.113.8", device},
			{"owner's network", "192.0.2.1", ""},
		} {
			if res := e.signinFrom("ANA@example.org", testPassword, tc.addr, tc.cookie); res.status != http.StatusSeeOther {
				t.Errorf("%s: %d, want 303", tc.name, res.status)
			}
		}
	})
}

// TestSigninThrottle: one guesser is held to the client's allowance, a
// guesser spread over many addresses to the account's slower one, and
// both are told when to come back.
func TestSigninThrottle(t *testing.T) {
	st := storetest.SQLite(t)
	e := newEnv(t, st, func(c *Config) { c.SignInRate = 3; c.TrustProxy = true })
	e.signup("ana@example.org", testPassword, "")
	e.signup("bea@example.org", testPassword, "")

	// Successful sign-ins do not count.
	for range 5 {
		if res := e.signinFrom("bea@example.org", testPassword, "192.0.2.1", ""); res.status != http.StatusSeeOther {
			t.Fatalf("good sign-in: %d", res.status)
		}
	}
	// One client: three failures on any accounts, then even the right
	// password is refused from there for a while.
	for _, email := range []string{"ana@example.org", "x1@example.org", "x2@example.org"} {
		if res := e.signinFrom(email, "wrong password!", "198.51.100.7", ""); res.status != http.StatusUnauthorized {
			t.Fatalf("failure: %d", res.status)
		}
	}
	mustLimited(t, e.signinFrom("bea@example.org", testPassword, "198.51.100.7", ""), "fourth attempt from one client", 20*time.Minute, "Too many sign-in attempts from your network")
	// The same /64 is the same client.
	for i := range 3 {
		e.signinFrom("x3@example.org", "wrong password!", fmt.Sprintf("2001:db8:1:1::%x", i+1), "")
	}
	mustLimited(t, e.signinFrom("bea@example.org", testPassword, "2001:db8:1:1:ff::1", ""), "fourth attempt from one /64", 20*time.Minute, "from your network")

	// Many clients: the account takes 3×3 = 9 failures a day from clients
	// it does not know (one is already counted above).
	for i := range 8 {
		if res := e.signinFrom("ana@example.org", "wrong password!", fmt.Sprintf("203.0.113.%d", i+1), ""); res.status != http.StatusUnauthorized {
			t.Fatalf("distributed failure %d: %d", i, res.status)
		}
	}
	mustLimited(t, e.signinFrom("ana@example.org", testPassword, "203.0.113.99", ""), "distributed guessing", 3*time.Hour, "too many failed sign-in attempts from places it does not know")
	// Another account is not affected.
	if res := e.signinFrom("bea@example.org", testPassword, "203.0.113.98", ""); res.status != http.StatusSeeOther {
		t.Errorf("other account: %d", res.status)
	}
	// The allowances refill with time.
	e.clock.Add(3 * time.Hour)
	if res := e.signinFrom("ana@example.org", testPassword, "203.0.113.99", ""); res.status != http.StatusSeeOther {
		t.Errorf("after three hours: %d", res.status)
	}
	if res := e.signinFrom("bea@example.org", testPassword, "198.51.100.7", ""); res.status != http.StatusSeeOther {
		t.Errorf("the guesser's network after three hours: %d", res.status)
	}
}
