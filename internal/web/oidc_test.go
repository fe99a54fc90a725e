package web

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/golang-jwt/jwt/v5"
	"github.com/oauth2-proxy/mockoidc"

	"github.com/casetrack/casetrack/internal/auth"
	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
)

// The OpenID Connect tests run against mockoidc, a real provider (its own
// discovery document, keys, authorization and token endpoints, PKCE and
// nonce handling) started inside the test. A middleware in front of it
// can spoil its answers, to check that CaseTrack refuses them.

// testProvider is a running provider and the mischief to do next.
type testProvider struct {
	m *mockoidc.MockOIDC

	mu     sync.Mutex
	tamper bool   // change the ID token's email claim after signing
	nonce  string // replace the nonce CaseTrack sent
}

func (p *testProvider) set(tamper bool, nonce string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.tamper, p.nonce = tamper, nonce
}

// namedUser gives the ID token a name claim, which mockoidc's own user
// lacks.
type namedUser struct {
	sub, email, name string
	unverified       bool
}

func (u *namedUser) ID() string { return u.sub }

func (u *namedUser) Userinfo([]string) ([]byte, error) {
	return json.Marshal(map[string]string{"sub": u.sub, "email": u.email, "name": u.name})
}

type namedClaims struct {
	*mockoidc.IDTokenClaims
	Email         string `json:"email,omitempty"`
	EmailVerified bool   `json:"email_verified"`
	Name          string `json:"name,omitempty"`
	Phone         string `json:"phone_number,omitempty"`
}

func (u *namedUser) Claims(_ []string, c *mockoidc.IDTokenClaims) (jwt.Claims, error) {
	return &namedClaims{IDTokenClaims: c, Email: u.email, EmailVerified: !u.unverified, Name: u.name, Phone: "555-0100"}, nil
}

func startProvider(t *testing.T) *testProvider {
	t.Helper()
	m, err := mockoidc.NewServer(nil)
	if err != nil {
		t.Fatal(err)
	}
	p := &testProvider{m: m}
	if err := m.AddMiddleware(p.mischief); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Start(ln, nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Shutdown() })
	return p
}

// mischief spoils the provider's answers as set.
func (p *testProvider) mischief(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		tamper, nonce := p.tamper, p.nonce
		p.mu.Unlock()
		switch {
		case nonce != "" && r.URL.Path == mockoidc.AuthorizationEndpoint:
			q := r.URL.Query()
			q.Set("nonce", nonce)
			r.URL.RawQuery = q.Encode()
		case tamper && r.URL.Path == mockoidc.TokenEndpoint:
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			var body map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err == nil {
				if tok, ok := body["id_token"].(string); ok {
					body["id_token"] = tamperedToken(tok)
				}
			}
			w.Header().Set("Content-Type", "application/json")
			json.NewEncoder(w).Encode(body)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// tamperedToken changes the email claim of a signed JWT, keeping its
// signature: as if someone in the middle made themselves someone else.
func tamperedToken(tok string) string {
	parts := strings.Split(tok, ".")
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return tok
	}
	payload = bytes.Replace(payload, []byte("@example.org"), []byte("@evil.example"), 1)
	parts[1] = base64.RawURLEncoding.EncodeToString(payload)
	return strings.Join(parts, ".")
}

const testRedirect = "https://casetrack.test/signin/oidc/callback"

func oidcEnv(t *testing.T, st *store.Store, p *testProvider) *testEnv {
	cfg := p.m.Config()
	return newEnv(t, st, func(c *Config) {
		c.OIDC = &auth.OIDCConfig{Issuer: cfg.Issuer, ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, RedirectURL: testRedirect}
		c.OIDCName = "Clerk"
	})
}

// oidcRoundTrip starts a sign-in, lets the provider answer, and returns
// CaseTrack's answer to the callback. edit may change the callback query.
func oidcRoundTrip(t *testing.T, e *testEnv, edit func(q url.Values)) response {
	t.Helper()
	start := e.get("/signin/oidc")
	if start.status != http.StatusFound {
		t.Fatalf("start: %d %s", start.status, start.body)
	}
	flow := start.cookie(oidcCookie)
	if flow == nil || !flow.HttpOnly || flow.SameSite != http.SameSiteLaxMode {
		t.Fatalf("flow cookie %+v", flow)
	}
	authURL, err := url.Parse(start.header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	aq := authURL.Query()
	if aq.Get("code_challenge_method") != "S256" || aq.Get("code_challenge") == "" || aq.Get("nonce") == "" || aq.Get("state") == "" {
		t.Fatalf("authorization request lacks PKCE, nonce or state: %s", authURL)
	}
	// The browser at the provider, which signs the user in at once.
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Get(authURL.String())
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	back, err := url.Parse(res.Header.Get("Location"))
	if err != nil || !strings.HasPrefix(back.String(), testRedirect) {
		t.Fatalf("provider answered %d, Location %q", res.StatusCode, res.Header.Get("Location"))
	}
	q := back.Query()
	if edit != nil {
		edit(q)
	}
	return e.get("/signin/oidc/callback?"+q.Encode(), "Cookie", oidcCookie+"="+flow.Value)
}

func TestOIDCSignIn(t *testing.T) {
	p := startProvider(t)
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := oidcEnv(t, st, p)
		ctx := context.Background()
		if page := e.get("/signin"); !strings.Contains(page.body, "Sign in with Clerk") || !strings.Contains(page.body, `href="/signin/oidc"`) {
			t.Error("sign-in page has no provider button")
		}

		p.m.QueueUser(&namedUser{sub: "user_1", email: "Olu@Example.org", name: "Olu A."})
		res := oidcRoundTrip(t, e, nil)
		c := res.cookie(sessionCookie)
		if res.status != http.StatusSeeOther || c == nil {
			t.Fatalf("callback: %d %s", res.status, res.body)
		}
		if fc := res.cookie(oidcCookie); fc == nil || fc.MaxAge >= 0 {
			t.Error("the flow cookie was not cleared")
		}
		a, err := st.AccountByEmail(ctx, "olu@example.org")
		if err != nil {
			t.Fatal(err)
		}
		if a.Email != "Olu@Example.org" || a.Name != "Olu A." || a.OIDCIssuer != p.m.Issuer() || a.OIDCSubject != "user_1" || a.PasswordHash != "" {
			t.Errorf("account %+v", a)
		}
		me := e.get("/me", sessionHeader(c.Value)...)
		if me.status != http.StatusOK || strings.Contains(me.body, "555-0100") || strings.Contains(me.body, `href="/me/password"`) {
			t.Errorf("/me: %d", me.status)
		}
		exp := e.get("/api/v1/me/export", sessionHeader(c.Value)...)
		if !strings.Contains(exp.body, `"oidc_subject":"user_1"`) || strings.Contains(exp.body, "555-0100") {
			t.Errorf("export: %s", exp.body)
		}

		// The same person again, with a new name: one account, kept current.
		p.m.QueueUser(&namedUser{sub: "user_1", email: "Olu@Example.org", name: "Olu"})
		if res := oidcRoundTrip(t, e, nil); res.status != http.StatusSeeOther {
			t.Fatalf("second sign-in: %d", res.status)
		}
		if b, _ := st.AccountByEmail(ctx, "olu@example.org"); b.ID != a.ID || b.Name != "Olu" {
			t.Errorf("second sign-in: %+v", b)
		}

		// Another identity with an address that has a password account
		// here is not linked to it.
		e.signup("pat@example.org", testPassword, "")
		p.m.QueueUser(&namedUser{sub: "user_2", email: "PAT@example.org", name: "Pat"})
		if res := oidcRoundTrip(t, e, nil); res.status != http.StatusConflict || res.cookie(sessionCookie) != nil {
			t.Errorf("identity with a taken address: %d", res.status)
		}

		// An address the provider has not verified gets no account.
		p.m.QueueUser(&namedUser{sub: "user_3", email: "quinn@example.org", name: "Q", unverified: true})
		if res := oidcRoundTrip(t, e, nil); res.status != http.StatusUnprocessableEntity || res.cookie(sessionCookie) != nil {
			t.Errorf("unverified address: %d", res.status)
		}
		if _, err := st.AccountByEmail(ctx, "quinn@example.org"); err == nil {
			t.Error("an account was created for an unverified address")
		}
	})
}

func TestOIDCRefusals(t *testing.T) {
	p := startProvider(t)
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := oidcEnv(t, st, p)
		refused := func(name string, res response) {
			t.Helper()
			if res.status != http.StatusUnauthorized || res.cookie(sessionCookie) != nil || !strings.Contains(res.body, "did not work") {
				t.Errorf("%s: %d, session cookie %v; want 401 and no session", name, res.status, res.cookie(sessionCookie))
			}
		}
		user := func() { p.m.QueueUser(&namedUser{sub: "user_9", email: "nine@example.org", name: "Nine"}) }

		user()
		p.set(true, "")
		refused("tampered ID token", oidcRoundTrip(t, e, nil))

		user()
		p.set(false, "a-nonce-from-another-sign-in")
		refused("nonce mismatch", oidcRoundTrip(t, e, nil))
		p.set(false, "")

		user()
		refused("state mismatch", oidcRoundTrip(t, e, func(q url.Values) { q.Set("state", "forged") }))

		user()
		refused("provider error", oidcRoundTrip(t, e, func(q url.Values) { q.Set("error", "access_denied"); q.Del("code") }))

		// A callback without the flow cookie (a forged link).
		refused("no flow cookie", e.get("/signin/oidc/callback?state=x&code=y"))

		if _, err := st.AccountByEmail(context.Background(), "nine@example.org"); err == nil {
			t.Error("a refused sign-in created an account")
		}
		// The same flow, untouched, works: the refusals were the mischief.
		user()
		if res := oidcRoundTrip(t, e, nil); res.status != http.StatusSeeOther {
			t.Errorf("clean sign-in after the refusals: %d", res.status)
		}
	})
}

func TestOIDCNotConfigured(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	if page := e.get("/signin"); strings.Contains(page.body, "/signin/oidc") {
		t.Error("provider button shown without a provider")
	}
	for _, path := range []string{"/signin/oidc", "/signin/oidc/callback?state=a&code=b"} {
		if res := e.get(path); res.status != http.StatusNotFound {
			t.Errorf("%s: %d", path, res.status)
		}
	}
}
