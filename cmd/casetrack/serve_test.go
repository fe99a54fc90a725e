package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// env returns a getenv function over a fixed map.
func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestParseServe(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want serveConfig
	}{
		{"defaults", nil, nil, serveConfig{Addr: ":8080", Database: "sqlite:casetrack.db", MinCases: 5, Contact: "privacy@example.org", ContactDefault: true, WriteRate: 30, UpdateRate: 60, ReportRate: 10}},
		{"environment", nil, map[string]string{
			"CASETRACK_ADDR": "127.0.0.1:9000", "DATABASE_URL": "postgres://u@db/prod", "CASETRACK_DATABASE": "sqlite:ignored.db",
			"CASETRACK_MIN_CASES": "10", "CASETRACK_CONTACT": "dpo@casetrack.org", "CASETRACK_WRITE_RATE": "0",
			"CASETRACK_UPDATE_RATE": "5", "CASETRACK_REPORT_RATE": "0",
			"CASETRACK_TRUST_PROXY": "true", "CASETRACK_DEMO": "0",
		}, serveConfig{Addr: "127.0.0.1:9000", Database: "postgres://u@db/prod", MinCases: 10, Contact: "dpo@casetrack.org", WriteRate: 0, UpdateRate: 5, ReportRate: 0, TrustProxy: true}},
		{"CASETRACK_DATABASE when DATABASE_URL is unset", nil, map[string]string{"CASETRACK_DATABASE": "sqlite:/var/lib/ct.db"},
			serveConfig{Addr: ":8080", Database: "sqlite:/var/lib/ct.db", MinCases: 5, Contact: "privacy@example.org", ContactDefault: true, WriteRate: 30, UpdateRate: 60, ReportRate: 10}},
		{"flags override environment",
			[]string{"--addr", ":9999", "--database=sqlite:flag.db", "-min-cases", "3", "--contact", "https://casetrack.org/privacy", "--write-rate", "7", "--update-rate", "8", "--report-rate", "9", "--trust-proxy"},
			map[string]string{"CASETRACK_UPDATE_RATE": "1", "CASETRACK_REPORT_RATE": "2", "CASETRACK_ADDR": ":1", "DATABASE_URL": "postgres://x@y/z", "CASETRACK_MIN_CASES": "99", "CASETRACK_TRUST_PROXY": "false"},
			serveConfig{Addr: ":9999", Database: "sqlite:flag.db", MinCases: 3, Contact: "https://casetrack.org/privacy", WriteRate: 7, UpdateRate: 8, ReportRate: 9, TrustProxy: true}},
		{"client address header behind a trusted proxy", []string{"--trust-proxy", "--client-ip-header", "X-Real-IP"}, nil,
			serveConfig{Addr: ":8080", Database: "sqlite:casetrack.db", MinCases: 5, Contact: "privacy@example.org", ContactDefault: true, WriteRate: 30, UpdateRate: 60, ReportRate: 10, TrustProxy: true, ClientIPHeader: "X-Real-IP"}},
		{"switch turned off by flag", []string{"--trust-proxy=false"}, map[string]string{"CASETRACK_TRUST_PROXY": "yes"},
			serveConfig{Addr: ":8080", Database: "sqlite:casetrack.db", MinCases: 5, Contact: "privacy@example.org", ContactDefault: true, WriteRate: 30, UpdateRate: 60, ReportRate: 10}},
		{"demo uses its own database", []string{"--demo"}, map[string]string{"DATABASE_URL": "postgres://u@db/prod"},
			serveConfig{Addr: ":8080", Database: "sqlite:casetrack-demo.db", MinCases: 5, Contact: "privacy@example.org", ContactDefault: true, WriteRate: 30, UpdateRate: 60, ReportRate: 10, Demo: true}},
		{"demo with an explicit database", []string{"--database", "sqlite:/tmp/d.db"}, map[string]string{"CASETRACK_DEMO": "1"},
			serveConfig{Addr: ":8080", Database: "sqlite:/tmp/d.db", MinCases: 5, Contact: "privacy@example.org", ContactDefault: true, WriteRate: 30, UpdateRate: 60, ReportRate: 10, Demo: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseServe(tt.args, env(tt.env), &bytes.Buffer{})
			if err != nil {
				t.Fatal(err)
			}
			if tt.want.ReorganizeEvery == 0 {
				tt.want.ReorganizeEvery = time.Hour // the default
			}
			if tt.want.Accounts == (accountSettings{}) {
				tt.want.Accounts = accountSettings{SignInRate: 10} // the defaults; see accountopts_test.go
			}
			if got != tt.want {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestParseServeReportsEveryError(t *testing.T) {
	_, err := parseServe(
		[]string{"--addr", "localhost", "--min-cases", "0", "--write-rate", "-1", "--update-rate", "-2", "--contact", "nobody"},
		env(map[string]string{"DATABASE_URL": "mysql://x", "CASETRACK_DEMO": "perhaps", "CASETRACK_REPORT_RATE": "lots"}),
		&bytes.Buffer{})
	var ue usageError
	if !errors.As(err, &ue) {
		t.Fatalf("err = %v, want a usage error", err)
	}
	for _, want := range []string{
		`--addr: "localhost" is not host:port`,
		"--min-cases: must be at least 1, got 0",
		"--write-rate: must be at least 0, got -1",
		"--update-rate: must be at least 0, got -2",
		`--report-rate (from CASETRACK_REPORT_RATE): "lots" is not a whole number`,
		`--contact: "nobody" is neither`,
		`--database (from DATABASE_URL): "mysql://x" is not a database URL`,
		`--demo (from CASETRACK_DEMO): "perhaps" is not true or false`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not report %q:\n%v", want, err)
		}
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--client-ip-header", "X-Real-IP"}, "--client-ip-header: it is read only behind a trusted proxy: add --trust-proxy"},
		{[]string{"--trust-proxy", "--client-ip-header", "X Real IP"}, `--client-ip-header: "X Real IP" is not a header name`},
	} {
		if _, err := parseServe(tt.args, env(nil), &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: %v, want %q", tt.args, err, tt.want)
		}
	}
	_, err = parseServe(nil, env(map[string]string{"CASETRACK_MIN_CASES": "five"}), &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), `--min-cases (from CASETRACK_MIN_CASES): "five" is not a whole number`) {
		t.Errorf("env error: %v", err)
	}
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"serve", "-h"}} {
		var out, errOut bytes.Buffer
		if code := run(context.Background(), args, env(nil), &out, &errOut); code != 0 {
			t.Errorf("%v: exit %d, stderr %s", args, code, errOut.String())
		}
		for _, want := range []string{
			"Usage: casetrack serve", "--addr ADDR", "CASETRACK_ADDR", "--database URL", "DATABASE_URL, then CASETRACK_DATABASE",
			"--min-cases K", "CASETRACK_MIN_CASES", "--contact", "CASETRACK_CONTACT", "--write-rate N", "CASETRACK_WRITE_RATE",
			"--trust-proxy", "CASETRACK_TRUST_PROXY", "--demo", "CASETRACK_DEMO", "migrate", "seed",
		} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("%v: help lacks %q", args, want)
			}
		}
	}
	var out bytes.Buffer
	if code := run(context.Background(), []string{"seed", "--help"}, env(nil), &out, &out); code != 0 || !strings.Contains(out.String(), "--cases N") {
		t.Errorf("seed --help: exit %d\n%s", code, out.String())
	}
}

func TestRunUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
		{[]string{"--no-such-flag"}, "flag provided but not defined"},
		{[]string{"serve", "extra"}, `unexpected argument "extra"`},
		{[]string{"seed"}, "--cases: is required"},
		{[]string{"seed", "--cases", "0", "--seed", "x"}, "must be at least 1"},
		{[]string{"migrate", "--database", "oracle:x"}, "is not a database URL"},
	}
	for _, tt := range tests {
		var out, errOut bytes.Buffer
		code := run(context.Background(), tt.args, env(nil), &out, &errOut)
		if code != 2 || !strings.Contains(errOut.String(), tt.want) {
			t.Errorf("%v: exit %d, stderr %q, want 2 and %q", tt.args, code, errOut.String(), tt.want)
		}
	}
	var out, errOut bytes.Buffer
	run(context.Background(), []string{"seed", "--cases", "0", "--seed", "x"}, env(nil), &out, &errOut)
	if !strings.Contains(errOut.String(), "--seed") {
		t.Errorf("seed errors are not all reported: %s", errOut.String())
	}
	if _, err := parseServe([]string{"-h"}, env(nil), &bytes.Buffer{}); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: %v", err)
	}
}

func TestMigrateAndSeedCommands(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "cmd.db")
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"migrate", "--database", db}, env(nil), &out, &errOut); code != 0 {
		t.Fatalf("migrate: exit %d: %s", code, errOut.String())
	}
	if !strings.Contains(out.String(), "migrations applied (sqlite)") {
		t.Errorf("migrate output: %q", out.String())
	}
	out.Reset()
	if code := run(context.Background(), []string{"seed", "--cases", "40", "--seed", "3"}, env(map[string]string{"DATABASE_URL": db}), &out, &errOut); code != 0 {
		t.Fatalf("seed: exit %d: %s", code, errOut.String())
	}
	if !strings.Contains(out.String(), "added 40 synthetic cases") {
		t.Errorf("seed output: %q", out.String())
	}
}

func TestValidContact(t *testing.T) {
	for c, want := range map[string]bool{
		"privacy@example.org":           true,
		"https://example.org/privacy":   true,
		"Privacy <privacy@example.org>": false,
		"privacy":                       false,
		"":                              false,
		"https://":                      false,
	} {
		if got := validContact(c); got != want {
			t.Errorf("validContact(%q) = %v, want %v", c, got, want)
		}
	}
}
