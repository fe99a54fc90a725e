package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oauth2-proxy/mockoidc"
)

// TestServeWiresAccounts starts "serve" with the OpenID Connect settings
// from the environment, against a provider running in the test, and checks
// that they reach the web layer: the sign-in button, and an authorization
// request carrying this site's redirect URL and client id.
func TestServeWiresAccounts(t *testing.T) {
	m, err := mockoidc.Run()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Shutdown() })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cfg, err := parseServe([]string{"--addr", addr, "--database", "sqlite:" + filepath.Join(t.TempDir(), "s.db")}, env(map[string]string{
		"CASETRACK_PUBLIC_URL":         "https://casetrack.example.org",
		"CASETRACK_OIDC_ISSUER":        m.Issuer(),
		"CASETRACK_OIDC_CLIENT_ID":     m.ClientID,
		"CASETRACK_OIDC_CLIENT_SECRET": m.ClientSecret,
		"CASETRACK_OIDC_NAME":          "Clerk",
	}), &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil))) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	}()

	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }, Timeout: 10 * time.Second}
	var page string
	for deadline := time.Now().Add(2 * time.Minute); ; {
		res, err := client.Get("http://" + addr + "/signin")
		if err == nil {
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			page = string(b)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("server did not start: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !strings.Contains(page, "Sign in with Clerk") {
		t.Error("no provider button on the sign-in page")
	}
	res, err := client.Get("http://" + addr + "/signin/oidc")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	u, err := url.Parse(res.Header.Get("Location"))
	if err != nil || res.StatusCode != http.StatusFound {
		t.Fatalf("start: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	q := u.Query()
	if q.Get("redirect_uri") != "https://casetrack.example.org/signin/oidc/callback" || q.Get("client_id") != m.ClientID || !strings.HasPrefix(u.String(), m.AuthorizationEndpoint()) {
		t.Errorf("authorization request %s", u)
	}
	secure := false
	for _, c := range res.Cookies() {
		secure = secure || (c.Name == "casetrack_oidc" && c.Secure)
	}
	if !secure {
		t.Error("no Secure flow cookie under an https:// public URL")
	}
}
