package web

import (
	"context"
	"database/sql"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
)

func TestSignupSigninSignout(t *testing.T) {
	storetest.EachRaw(t, func(t *testing.T, st *store.Store, db *sql.DB, _ string) {
		e := newEnv(t, st)
		ctx := context.Background()

		if res := e.get("/"); signedIn(res.body) || !strings.Contains(res.body, `href="/signin"`) {
			t.Error("signed-out navigation has no Sign in link")
		}
		e.signup("Ana.Silva@Example.org", testPassword, "Ana")
		a, err := st.AccountByEmail(ctx, "ana.silva@example.org")
		if err != nil {
			t.Fatal(err)
		}
		if a.Email != "Ana.Silva@Example.org" || a.Name != "Ana" || a.Role != "" {
			t.Errorf("stored account %+v; want the email as given and the name", a)
		}
		if a.PasswordHash == "" || strings.Contains(a.PasswordHash, testPassword) {
			t.Errorf("password stored as %q", a.PasswordHash)
		}

		// Signing up again with the address in another case changes
		// nothing and answers exactly as a new sign-up does.
		e.signup("ANA.SILVA@example.ORG", "another password here", "Mallory")
		if b, _ := st.AccountByEmail(ctx, "ana.silva@example.org"); b != a {
			t.Errorf("second sign-up changed the account: %+v", b)
		}

		// Wrong password and unknown address get one answer.
		wrong := e.postForm("/signin", url.Values{"email": {"ana.silva@example.org"}, "password": {"not the password"}})
		unknown := e.postForm("/signin", url.Values{"email": {"nobody@example.org"}, "password": {testPassword}})
		for _, res := range []response{wrong, unknown} {
			if res.status != http.StatusUnauthorized || !strings.Contains(res.body, signinWrong) || res.cookie(sessionCookie) != nil {
				t.Errorf("failed sign-in: status %d, cookie %v", res.status, res.cookie(sessionCookie))
			}
		}
		// The second sign-up's password does not open the account.
		if res := e.postForm("/signin", url.Values{"email": {"ana.silva@example.org"}, "password": {"another password here"}}); res.status != http.StatusUnauthorized {
			t.Errorf("sign-in with the second sign-up's password: %d", res.status)
		}

		res := e.postForm("/signin", url.Values{"email": {"ANA.silva@example.org"}, "password": {testPassword}})
		if res.status != http.StatusSeeOther {
			t.Fatalf("sign in: %d %s", res.status, res.body)
		}
		c := res.cookie(sessionCookie)
		if c == nil || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Secure {
			t.Fatalf("session cookie %+v; want HttpOnly, SameSite=Lax, Path=/, not Secure over plain HTTP", c)
		}
		var stored int
		if err := db.QueryRow("SELECT count(*) FROM sessions WHERE token_hash = "+placeholder(st, 1), []byte(c.Value)).Scan(&stored); err != nil || stored != 0 {
			t.Errorf("the raw token is stored (%d rows, %v)", stored, err)
		}
		me := e.get("/me", sessionHeader(c.Value)...)
		if me.status != http.StatusOK || !strings.Contains(me.body, "Ana.Silva@Example.org") || !signedIn(me.body) {
			t.Fatalf("/me: %d, signed in %v", me.status, signedIn(me.body))
		}

		// Signing in again rotates the session: the old token is dead.
		again := e.postForm("/signin", url.Values{"email": {"ana.silva@example.org"}, "password": {testPassword}}, sessionHeader(c.Value)...)
		c2 := again.cookie(sessionCookie)
		if c2 == nil || c2.Value == c.Value {
			t.Fatal("sign-in did not issue a new session id")
		}
		if res := e.get("/me", sessionHeader(c.Value)...); res.status != http.StatusSeeOther {
			t.Errorf("old session after a new sign-in: %d, want a redirect to sign in", res.status)
		}

		out := e.postForm("/signout", nil, sessionHeader(c2.Value)...)
		if out.status != http.StatusSeeOther || out.cookie(sessionCookie) == nil || out.cookie(sessionCookie).MaxAge >= 0 {
			t.Errorf("sign out: %d, cookie %v", out.status, out.cookie(sessionCookie))
		}
		if res := e.get("/me", sessionHeader(c2.Value)...); res.status != http.StatusSeeOther || res.header.Get("Location") != "/signin" {
			t.Errorf("session after sign-out: %d", res.status)
		}
		if res := e.get("/", sessionHeader(c2.Value)...); signedIn(res.body) {
			t.Error("navigation still signed in after sign-out")
		}
	})
}

// placeholder is the n-th bind parameter in st's dialect.
func placeholder(st *store.Store, n int) string {
	if st.Dialect() == "postgres" {
		return "$" + string(rune('0'+n))
	}
	return "?"
}

func TestSignupValidation(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	for _, tt := range []struct {
		form  url.Values
		field string
	}{
		{url.Values{"email": {"not an address"}, "password": {testPassword}}, "e-email"},
		{url.Values{"email": {"Ana <ana@example.org>"}, "password": {testPassword}}, "e-email"},
		{url.Values{"email": {"ana@example.org"}, "password": {"short"}}, "e-password"},
		{url.Values{"email": {"ana@example.org"}, "password": {strings.Repeat("x", 73)}}, "e-password"},
		{url.Values{"email": {"ana@example.org"}, "password": {testPassword}, "name": {strings.Repeat("n", 81)}}, "e-name"},
		{url.Values{"email": {"ana@example.org"}, "password": {testPassword}, "name": {"two\nlines"}}, "e-name"},
	} {
		res := e.postForm("/signup", tt.form)
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, `id="`+tt.field+`"`) {
			t.Errorf("%v: status %d, want 422 with %s", tt.form, res.status, tt.field)
		}
	}
	if res := e.postForm("/signin", url.Values{"email": {""}, "password": {""}}); res.status != http.StatusUnprocessableEntity {
		t.Errorf("empty sign-in: %d", res.status)
	}
}

func TestSecureCookie(t *testing.T) {
	st := storetest.SQLite(t)
	e := newEnv(t, st, func(c *Config) { c.TrustProxy = true })
	e.signup("ana@example.org", testPassword, "")
	res := e.postForm("/signin", url.Values{"email": {"ana@example.org"}, "password": {testPassword}}, "X-Forwarded-Proto", "https")
	if c := res.cookie(sessionCookie); c == nil || !c.Secure {
		t.Errorf("cookie behind an HTTPS proxy: %+v, want Secure", c)
	}
	// An untrusted client cannot ask for it, but an https public URL can.
	e2 := newEnv(t, st, func(c *Config) { c.PublicURL = "https://casetrack.example.org" })
	res = e2.postForm("/signin", url.Values{"email": {"ana@example.org"}, "password": {testPassword}})
	if c := res.cookie(sessionCookie); c == nil || !c.Secure {
		t.Errorf("cookie with an https public URL: %+v, want Secure", c)
	}
}

func TestSessionExpiry(t *testing.T) {
	storetest.EachRaw(t, func(t *testing.T, st *store.Store, db *sql.DB, _ string) {
		e := newEnv(t, st)
		e.signup("ana@example.org", testPassword, "")
		day := 24 * time.Hour
		live := func(h []string) bool { return e.get("/me", h...).status == http.StatusOK }

		// Idle: 13 days without use is fine, 14 is not.
		idle := e.signin("ana@example.org", testPassword)
		e.clock.Add(13 * day)
		if !live(idle) {
			t.Fatal("session expired after 13 idle days")
		}
		e.clock.Add(14 * day)
		if live(idle) {
			t.Fatal("session alive after 14 idle days")
		}

		// Absolute: used every 10 days, it still ends 30 days after sign-in.
		abs := e.signin("ana@example.org", testPassword)
		for range 2 {
			e.clock.Add(10 * day)
			if !live(abs) {
				t.Fatal("session in use expired early")
			}
		}
		e.clock.Add(9 * day)
		if !live(abs) {
			t.Fatal("session expired before 30 days")
		}
		e.clock.Add(day)
		if live(abs) {
			t.Fatal("session alive 30 days after sign-in")
		}
		var n int
		if err := db.QueryRow("SELECT count(*) FROM sessions").Scan(&n); err != nil || n != 0 {
			t.Errorf("%d expired sessions left in the table (%v)", n, err)
		}
	})
}

func TestAdminGate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		if res := e.get("/admin"); res.status != http.StatusUnauthorized {
			t.Errorf("signed out: %d", res.status)
		}
		user := e.account("user@example.org")
		if res := e.get("/admin", user...); res.status != http.StatusForbidden {
			t.Errorf("plain account: %d", res.status)
		}
		const adminLink = `<a href="/admin"`
		if res := e.get("/me", user...); !signedIn(res.body) || strings.Contains(res.body, adminLink) {
			t.Error("a plain account's navigation links to the moderation page")
		}
		admin := e.account("boss@example.org")
		if err := st.SetRole(context.Background(), "BOSS@example.org", "admin"); err != nil {
			t.Fatal(err)
		}
		if res := e.get("/admin", admin...); res.status != http.StatusOK || !strings.Contains(res.body, "boss@example.org") {
			t.Errorf("admin: %d", res.status)
		}
		if res := e.get("/me", admin...); !strings.Contains(res.body, adminLink) {
			t.Error("an administrator's navigation has no link to the moderation page")
		}
		if err := st.SetRole(context.Background(), "boss@example.org", ""); err != nil {
			t.Fatal(err)
		}
		if res := e.get("/admin", admin...); res.status != http.StatusForbidden {
			t.Errorf("after revoking: %d", res.status)
		}
	})
}

func TestChangePassword(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		e.signup("ana@example.org", testPassword, "")
		here := e.signin("ana@example.org", testPassword)
		elsewhere := e.signin("ana@example.org", testPassword)
		if res := e.get("/me/password", here...); res.status != http.StatusOK {
			t.Fatalf("password page: %d", res.status)
		}
		bad := e.postForm("/me/password", url.Values{"current_password": {"wrong one here"}, "new_password": {"a new password 42"}}, here...)
		if bad.status != http.StatusUnprocessableEntity || !strings.Contains(bad.body, "e-current") {
			t.Errorf("wrong current password: %d", bad.status)
		}
		short := e.postForm("/me/password", url.Values{"current_password": {testPassword}, "new_password": {"short"}}, here...)
		if short.status != http.StatusUnprocessableEntity || !strings.Contains(short.body, "e-new") {
			t.Errorf("short new password: %d", short.status)
		}
		res := e.postForm("/me/password", url.Values{"current_password": {testPassword}, "new_password": {"a new password 42"}}, here...)
		c := res.cookie(sessionCookie)
		if res.status != http.StatusSeeOther || c == nil {
			t.Fatalf("change password: %d", res.status)
		}
		if e.get("/me", sessionHeader(c.Value)...).status != http.StatusOK {
			t.Error("this browser's new session does not work")
		}
		for _, h := range [][]string{here, elsewhere} {
			if e.get("/me", h...).status == http.StatusOK {
				t.Error("a session from before the change still works")
			}
		}
		if r := e.postForm("/signin", url.Values{"email": {"ana@example.org"}, "password": {testPassword}}); r.status != http.StatusUnauthorized {
			t.Errorf("old password: %d", r.status)
		}
		e.signin("ana@example.org", "a new password 42")
		if res := e.postForm("/me/password", url.Values{}); res.status != http.StatusUnauthorized {
			t.Errorf("signed out: %d", res.status)
		}
	})
}

// TestPrivacyPageExplainsRights: privacy promises 8 and 9 in plain words.
func TestPrivacyPageExplainsRights(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	body := e.get("/privacy").body
	for _, want := range []string{"Your rights, in plain words", "See your data", "Download all my data", "Correct your data", "Delete your data", `href="/me"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the privacy page does not say %q", want)
		}
	}
}
