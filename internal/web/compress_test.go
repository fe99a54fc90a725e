package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/casetrack/casetrack/internal/store/storetest"
)

// TestCompression checks that every kind of text the app serves goes out
// gzipped to a client that asks for it, plain to one that does not, and
// always with "Vary: Accept-Encoding" so no cache mixes the two; and the
// cache lifetimes: a year for fingerprinted assets, none for pages.
func TestCompression(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	seeded := seedExplore(e)
	css, err := e.server.assets.url("style.css")
	if err != nil {
		t.Fatal(err)
	}
	q := "?category=" + seeded.category
	for _, tc := range []struct {
		path, contentType, cache string
	}{
		{"/", "text/html", "no-cache"},
		{"/explore" + q, "text/html", "no-cache"},
		{"/no-such-page", "text/html", "no-cache"},
		{css, "text/css", "public, max-age=31536000, immutable"},
		{"/explore/chart/survival.svg" + q, "image/svg+xml", chartCacheControl},
		{"/api/v1/catalog", "application/json", ""},
		{"/explore/trend.csv" + q, "text/csv", ""},
	} {
		t.Run(tc.path, func(t *testing.T) {
			plain := e.get(tc.path, "Accept-Encoding", "identity")
			gz := e.get(tc.path, "Accept-Encoding", "gzip, deflate, br, zstd")
			for _, res := range []response{plain, gz} {
				if !strings.HasPrefix(res.header.Get("Content-Type"), tc.contentType) {
					t.Errorf("Content-Type %q, want %s", res.header.Get("Content-Type"), tc.contentType)
				}
				if !strings.Contains(res.header.Get("Vary"), "Accept-Encoding") {
					t.Errorf("Vary %q lacks Accept-Encoding", res.header.Get("Vary"))
				}
				if tc.cache != "" && res.header.Get("Cache-Control") != tc.cache {
					t.Errorf("Cache-Control %q, want %q", res.header.Get("Cache-Control"), tc.cache)
				}
			}
			if ce := plain.header.Get("Content-Encoding"); ce != "" {
				t.Errorf("client without gzip got Content-Encoding %q", ce)
			}
			if ce := gz.header.Get("Content-Encoding"); ce != "gzip" {
				t.Fatalf("Content-Encoding %q, want gzip", ce)
			}
			zr, err := gzip.NewReader(strings.NewReader(gz.body))
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(zr)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(body, []byte(plain.body)) {
				t.Errorf("gzipped body (%d bytes) differs from the plain one (%d bytes)", len(body), len(plain.body))
			}
			if len(gz.body) >= len(plain.body) {
				t.Errorf("gzip did not shrink the body: %d >= %d bytes", len(gz.body), len(plain.body))
			}
		})
	}

	t.Run("small bodies stay plain", func(t *testing.T) {
		res := e.get("/explore/country.csv"+q, "Accept-Encoding", "gzip")
		if ce := res.header.Get("Content-Encoding"); ce != "" || len(res.body) >= compressMinSize {
			t.Errorf("%d-byte CSV sent with Content-Encoding %q", len(res.body), ce)
		}
	})

	t.Run("conditional request for a gzipped asset", func(t *testing.T) {
		res := e.get(css, "Accept-Encoding", "gzip")
		tag := res.header.Get("ETag")
		if !strings.HasPrefix(tag, `W/"`) {
			t.Fatalf("ETag %q: want a weak tag, valid for either encoding", tag)
		}
		for _, inm := range []string{tag, strings.TrimPrefix(tag, "W/"), `"other", ` + tag} {
			if res := e.get(css, "Accept-Encoding", "gzip", "If-None-Match", inm); res.status != http.StatusNotModified {
				t.Errorf("If-None-Match %s: status %d, want 304", inm, res.status)
			}
		}
		if res := e.get(css, "If-None-Match", `"other"`); res.status != http.StatusOK {
			t.Errorf("If-None-Match for another tag: status %d, want 200", res.status)
		}
	})
}
