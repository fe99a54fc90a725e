package auth

import (
	"errors"
	"net/http"
	"net/url"
	"testing"

	"github.com/oauth2-proxy/mockoidc"
)

// TestOIDCFlow runs the relying party against mockoidc, a real provider
// started in the test; the web tests drive the same flow through HTTP,
// with tampered answers.
func TestOIDCFlow(t *testing.T) {
	m, err := mockoidc.Run()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Shutdown() })
	cfg := m.Config()
	o, err := NewOIDC(OIDCConfig{Issuer: cfg.Issuer, ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, RedirectURL: "https://ct.test/cb"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	authURL, flow, err := o.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(authURL)
	q := u.Query()
	if q.Get("state") != flow.State || q.Get("nonce") != flow.Nonce || q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == flow.Verifier {
		t.Fatalf("authorization URL %s for flow %+v", authURL, flow)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	back, _ := url.Parse(res.Header.Get("Location"))
	code := back.Query().Get("code")

	// A wrong state is refused before the code is spent.
	if _, err := o.Finish(ctx, flow, "other", code, ""); !errors.Is(err, ErrFlow) {
		t.Errorf("wrong state: %v", err)
	}
	if _, err := o.Finish(ctx, Flow{}, "", code, ""); !errors.Is(err, ErrFlow) {
		t.Errorf("no flow: %v", err)
	}
	id, err := o.Finish(ctx, flow, flow.State, code, "")
	if err != nil {
		t.Fatal(err)
	}
	want := mockoidc.DefaultUser()
	if id.Issuer != cfg.Issuer || id.Subject != want.Subject || id.Email != want.Email || !id.EmailVerified {
		t.Errorf("identity %+v", id)
	}
	// A code is good once.
	if _, err := o.Finish(ctx, flow, flow.State, code, ""); !errors.Is(err, ErrToken) {
		t.Errorf("code used twice: %v", err)
	}

	// The wrong PKCE verifier: the provider refuses the code.
	authURL, flow, err = o.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res, err = client.Get(authURL); err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	back, _ = url.Parse(res.Header.Get("Location"))
	bad := flow
	bad.Verifier = flow.Verifier + "x" // a different verifier, still of a valid form
	if _, err := o.Finish(ctx, bad, flow.State, back.Query().Get("code"), ""); !errors.Is(err, ErrToken) {
		t.Errorf("wrong verifier: %v", err)
	}

	down, _ := NewOIDC(OIDCConfig{Issuer: "http://127.0.0.1:1", ClientID: "x", RedirectURL: "https://ct.test/cb"})
	if _, _, err := down.Begin(ctx); err == nil {
		t.Error("Begin with an unreachable provider succeeded")
	}
}
