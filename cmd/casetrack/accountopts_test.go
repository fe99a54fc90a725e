package main

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/casetrack/casetrack/internal/store"
)

func TestAccountSettings(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want accountSettings
	}{
		{"defaults", nil, nil, accountSettings{SignInRate: 10}},
		{"environment", nil, map[string]string{
			"CASETRACK_SIGNIN_RATE": "0", "CASETRACK_PUBLIC_URL": "https://ct.example.org/",
			"CASETRACK_OIDC_ISSUER": "https://clerk.ct.example.org", "CASETRACK_OIDC_CLIENT_ID": "cid",
			"CASETRACK_OIDC_CLIENT_SECRET": "sec", "CASETRACK_OIDC_NAME": "Clerk",
		}, accountSettings{PublicURL: "https://ct.example.org", OIDC: oidcSettings{Issuer: "https://clerk.ct.example.org", ClientID: "cid", ClientSecret: "sec", Name: "Clerk"}}},
		{"flags, public client on localhost", []string{"--signin-rate", "3", "--public-url", "http://localhost:8080", "--oidc-issuer", "http://127.0.0.1:5556/dex", "--oidc-client-id", "ct"},
			map[string]string{"CASETRACK_SIGNIN_RATE": "99"},
			accountSettings{SignInRate: 3, PublicURL: "http://localhost:8080", OIDC: oidcSettings{Issuer: "http://127.0.0.1:5556/dex", ClientID: "ct"}}},
		{"public URL alone", []string{"--public-url", "https://ct.example.org"}, nil, accountSettings{SignInRate: 10, PublicURL: "https://ct.example.org"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseServe(tt.args, env(tt.env), &bytes.Buffer{})
			if err != nil {
				t.Fatal(err)
			}
			if got.Accounts != tt.want {
				t.Errorf("got  %+v\nwant %+v", got.Accounts, tt.want)
			}
		})
	}
	got, _ := parseServe([]string{"--public-url", "https://ct.example.org", "--oidc-issuer", "https://id.example.org", "--oidc-client-id", "x"}, env(nil), &bytes.Buffer{})
	if c := got.Accounts.oidcConfig(); c == nil || c.RedirectURL != "https://ct.example.org/signin/oidc/callback" || c.Issuer != "https://id.example.org" {
		t.Errorf("OIDC config %+v", c)
	}
	if got, _ := parseServe(nil, env(nil), &bytes.Buffer{}); got.Accounts.oidcConfig() != nil {
		t.Error("OIDC configured without an issuer")
	}
}

func TestAccountSettingsReportEveryError(t *testing.T) {
	for _, tt := range []struct {
		args []string
		env  map[string]string
		want []string
	}{
		{[]string{"--signin-rate", "-1", "--oidc-client-id", "x", "--public-url", "ftp://x"}, nil, []string{
			"--signin-rate: must be at least 0, got -1",
			`--public-url: "ftp://x" is not an http:// or https:// address`,
			"--oidc-issuer: is required with --oidc-client-id",
		}},
		{[]string{"--oidc-issuer", "http://id.example.org"}, nil, []string{
			`--oidc-issuer: "http://id.example.org" must be an https:// address`,
			"--oidc-client-id: is required with --oidc-issuer",
			"--public-url: is required with --oidc-issuer",
		}},
		{nil, map[string]string{"CASETRACK_OIDC_NAME": "Clerk", "CASETRACK_PUBLIC_URL": "https://x.org/app?q=1"}, []string{
			"--oidc-name (from CASETRACK_OIDC_NAME): is set, but no --oidc-issuer is",
			`--public-url (from CASETRACK_PUBLIC_URL): "https://x.org/app?q=1" is not`,
		}},
	} {
		_, err := parseServe(tt.args, env(tt.env), &bytes.Buffer{})
		var ue usageError
		if !errors.As(err, &ue) {
			t.Fatalf("%v: err = %v, want a usage error", tt.args, err)
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("error does not report %q:\n%v", w, err)
			}
		}
	}
}

func TestAdminCommand(t *testing.T) {
	ctx := context.Background()
	url := "sqlite:" + filepath.Join(t.TempDir(), "admin.db")
	st, err := store.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.CreateAccount(ctx, store.Account{ID: "a_1", Email: "Boss@Example.org"}); err != nil {
		t.Fatal(err)
	}
	role := func() string {
		a, err := st.AccountByEmail(ctx, "boss@example.org")
		if err != nil {
			t.Fatal(err)
		}
		return a.Role
	}
	runIt := func(args ...string) (int, string, string) {
		var out, errOut bytes.Buffer
		code := run(ctx, args, env(map[string]string{"DATABASE_URL": url}), &out, &errOut)
		return code, out.String(), errOut.String()
	}
	if code, out, _ := runIt("admin", "grant", "BOSS@example.org"); code != 0 || !strings.Contains(out, "is now an administrator") || role() != "admin" {
		t.Errorf("grant: %d %q role %q", code, out, role())
	}
	if code, _, _ := runIt("admin", "revoke", "--database", url, "boss@example.org"); code != 0 || role() != "" {
		t.Errorf("revoke with the address after the flags: %d, role %q", code, role())
	}
	if code, _, _ := runIt("admin", "grant", "boss@example.org", "--database", url); code != 0 || role() != "admin" {
		t.Errorf("grant with the address before the flags: %d, role %q", code, role())
	}
	if code, _, errOut := runIt("admin", "grant", "nobody@example.org"); code != 1 || !strings.Contains(errOut, "no account has the email address") {
		t.Errorf("unknown account: %d %q", code, errOut)
	}
	for _, args := range [][]string{{"admin"}, {"admin", "promote", "x@example.org"}, {"admin", "grant"}, {"admin", "grant", "not-an-email"}, {"admin", "grant", "a@example.org", "b@example.org"}} {
		if code, _, _ := runIt(args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	if code, out, _ := runIt("admin", "--help"); code != 0 || !strings.Contains(out, "admin grant EMAIL") {
		t.Errorf("help: %d %q", code, out)
	}
}
