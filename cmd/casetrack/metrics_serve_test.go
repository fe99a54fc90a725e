package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestServeMetricsListener: with --metrics-addr the metrics are served
// there and only there; the public listener answers /metrics with 404.
// Without it, no listener serves them.
func TestServeMetricsListener(t *testing.T) {
	addr, maddr := freeAddr(t), freeAddr(t)
	cfg, err := parseServe([]string{"--addr", addr, "--database", "sqlite:" + filepath.Join(t.TempDir(), "m.db"), "--contact", "ops@casetrack.test"},
		env(map[string]string{"CASETRACK_METRICS_ADDR": maddr}), &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.MetricsAddr != maddr {
		t.Fatalf("MetricsAddr %q, want %q", cfg.MetricsAddr, maddr)
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
	client := &http.Client{Timeout: 10 * time.Second}
	get := func(url string) (int, string, error) {
		res, err := client.Get(url)
		if err != nil {
			return 0, "", err
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		return res.StatusCode, string(b), err
	}
	// Wait until the site answers (the metrics listener starts first).
	for deadline := time.Now().Add(2 * time.Minute); ; {
		status, _, err := get("http://" + addr + "/healthz")
		if err == nil && status == http.StatusOK {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("serve ended: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("server did not start: %v %d", err, status)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if status, _, err := get("http://" + addr + "/metrics"); err != nil || status != http.StatusNotFound {
		t.Errorf("public /metrics: %d %v, want 404", status, err)
	}
	status, body, err := get("http://" + maddr + "/metrics")
	if err != nil || status != http.StatusOK {
		t.Fatalf("metrics listener: %d %v", status, err)
	}
	for _, want := range []string{`casetrack_http_requests_total{method="GET",route="GET /healthz",status="200"}`, "casetrack_stats_index_cases 0"} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s:\n%s", want, body)
		}
	}
	// The metrics listener serves nothing else.
	if status, _, err := get("http://" + maddr + "/"); err != nil || status != http.StatusNotFound {
		t.Errorf("metrics listener /: %d %v, want 404", status, err)
	}
}

func TestParseServeMetricsAddr(t *testing.T) {
	cfg, err := parseServe(nil, env(nil), &bytes.Buffer{})
	if err != nil || cfg.MetricsAddr != "" {
		t.Fatalf("default: %q %v, want metrics off", cfg.MetricsAddr, err)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--metrics-addr", "9090"}, `--metrics-addr: "9090" is not host:port`},
		{[]string{"--addr", "127.0.0.1:8080", "--metrics-addr", "127.0.0.1:8080"}, "metrics need an address of their own"},
	} {
		if _, err := parseServe(tt.args, env(nil), &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: %v, want %q", tt.args, err, tt.want)
		}
	}
}
