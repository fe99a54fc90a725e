package web

import (
	"net/http"
	"net/url"
	"strings"
)

// testPassword is a password that passes the rules.
const testPassword = "correct horse battery"

// cookieValue returns the value a response sets for a cookie, and the
// cookie itself.
func (r response) cookie(name string) *http.Cookie {
	for _, line := range r.header.Values("Set-Cookie") {
		c, err := http.ParseSetCookie(line)
		if err == nil && c.Name == name {
			return c
		}
	}
	return nil
}

// signup posts the sign-up form and expects the uniform answer.
func (e *testEnv) signup(email, password, name string) {
	e.t.Helper()
	res := e.postForm("/signup", url.Values{"email": {email}, "password": {password}, "name": {name}})
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/signin?done=signedup" {
		e.t.Fatalf("sign up %s: status %d, Location %q: %s", email, res.status, res.header.Get("Location"), res.body)
	}
	if c := res.cookie(sessionCookie); c != nil {
		e.t.Fatalf("sign up set a session cookie: %v", c)
	}
}

// signin signs in and returns the session cookie header pair.
func (e *testEnv) signin(email, password string, headers ...string) []string {
	e.t.Helper()
	res := e.postForm("/signin", url.Values{"email": {email}, "password": {password}}, headers...)
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/me" {
		e.t.Fatalf("sign in %s: status %d: %s", email, res.status, res.body)
	}
	c := res.cookie(sessionCookie)
	if c == nil || c.Value == "" {
		e.t.Fatalf("sign in %s: no session cookie", email)
	}
	return sessionHeader(c.Value)
}

// account signs up and signs in a new account; it returns the cookie
// header pair.
func (e *testEnv) account(email string) []string {
	e.t.Helper()
	e.signup(email, testPassword, "")
	return e.signin(email, testPassword)
}

func sessionHeader(token string) []string { return []string{"Cookie", sessionCookie + "=" + token} }

// with joins header pairs.
func with(pairs ...[]string) []string {
	var out []string
	for _, p := range pairs {
		out = append(out, p...)
	}
	return out
}

// signedIn reports whether a page shows the signed-in navigation.
func signedIn(body string) bool {
	return strings.Contains(body, `action="/signout"`) && strings.Contains(body, ">My timeline</a>")
}

// crossSite are the headers a browser sends on a cross-site form post.
var crossSite = []string{"Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site"}
