package web

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// testPlanted shows that each check of the suite can fail: pages with a
// planted problem — inline code under the app's policy, a request to
// another host, too many bytes, an accessibility violation, content wider
// than a phone — and the check that must catch each.
func testPlanted(t *testing.T, s *browserSuite) {
	t.Run("CSP violations and JavaScript off", func(t *testing.T) { testHarness(t, s.browser) })
	t.Run("lent tabs start afresh", func(t *testing.T) { testTabPool(t, s) })

	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/svg+xml")
		fmt.Fprint(w, `<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"></svg>`)
	}))
	t.Cleanup(other.Close)
	// A stylesheet of random text: nothing could shrink it much, and the
	// load event waits for it.
	noise := make([]byte, 150_000)
	if _, err := rand.Read(noise); err != nil {
		t.Fatal(err)
	}
	heavy := []byte("/* " + base64.StdEncoding.EncodeToString(noise) + " */")
	page := func(body string) string {
		return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
			`<title>planted</title><link rel="icon" href="data:,"></head><body><main><h1>Planted</h1>` + body + `</main></body></html>`
	}
	pages := map[string]string{
		"/third-party": page(`<img src="` + other.URL + `/pixel.svg" alt="pixel">`),
		"/heavy":       page(`<link rel="stylesheet" href="/heavy.css">`),
		"/axe":         page(`<img src="data:," width="10" height="10"><p><input type="text"></p><p style="color:#ccc;background:#fff">faint text</p>`),
		"/wide":        page(`<div style="width:600px">a fixed width banner</div><table><tr><td>loose table</td></tr></table>`),
		"/fits":        page(`<p>A page that fits any screen.</p>`),
	}
	planted := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/heavy.css" {
			w.Header().Set("Content-Type", "text/css")
			_, _ = w.Write(heavy)
			return
		}
		body, ok := pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, body)
	}))
	t.Cleanup(planted.Close)

	open := func(t *testing.T, path string, v viewport) *tab {
		t.Helper()
		tb := s.newTab(t, true)
		tb.resize(v)
		if st := tb.open(planted.URL + path); st != http.StatusOK {
			t.Fatalf("%s: status %d", path, st)
		}
		return tb
	}
	expect := func(t *testing.T, check string, problems []string, want ...string) {
		t.Helper()
		for _, w := range want {
			if !slices.ContainsFunc(problems, func(p string) bool { return strings.Contains(p, w) }) {
				t.Errorf("%s missed the planted problem %q; it reported %q", check, w, problems)
			}
		}
	}

	t.Run("third-party request", func(t *testing.T) {
		tb := open(t, "/third-party", desktop)
		expect(t, "offHostRequests", offHostRequests(planted.URL, tb.net.requests()), "request to another host: "+other.URL+"/pixel.svg")
		if p := offHostRequests(other.URL, tb.net.requests()); len(p) != 1 {
			t.Errorf("seen from the other server, exactly the page itself is off-host; got %q", p)
		}
	})
	t.Run("over-weight page", func(t *testing.T) {
		tb := open(t, "/heavy", desktop)
		total, problems := pageWeight(tb.net.requests(), maxPageBytes)
		expect(t, "pageWeight", problems, "over the 150 KB limit", "/heavy.css")
		if total < float64(len(heavy)) {
			t.Errorf("weighed %.0f bytes, less than the %d-byte image alone", total, len(heavy))
		}
	})
	t.Run("accessibility violations", func(t *testing.T) {
		if s.axe == "" {
			t.Skip("skipping: " + s.axeMissing)
		}
		tb := open(t, "/axe", desktop)
		expect(t, "axeCheck", axeCheck(tb, s.axe), "axe image-alt (critical)", "axe label (critical)", "axe color-contrast (serious)")
	})
	t.Run("page wider than a phone", func(t *testing.T) {
		tb := open(t, "/wide", phone)
		expect(t, "fitsScreen", fitsScreen(tb, phone), "does not fit a 375px screen", "div reaches 6", "table outside a scrolling container")
		if p := fitsScreen(open(t, "/fits", phone), phone); len(p) != 0 {
			t.Errorf("a page that fits was reported: %q", p)
		}
	})
}
