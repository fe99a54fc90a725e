package pagecache

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestMatch(t *testing.T) {
	const tag = `"abc"`
	for _, tc := range []struct {
		header string
		want   bool
	}{
		{``, false},
		{`"abc"`, true},
		{`W/"abc"`, true}, // If-None-Match compares weakly
		{`"abc-gz"`, false},
		{`"x", "abc"`, true},
		{` "x" ,W/"abc" `, true},
		{`*`, true},
		{`abc`, false},
		{`"ab"`, false},
	} {
		if got := Match(tc.header, tag); got != tc.want {
			t.Errorf("Match(%q) = %v, want %v", tc.header, got, tc.want)
		}
	}
}

func TestAcceptsGzip(t *testing.T) {
	for _, tc := range []struct {
		values []string
		want   bool
	}{
		{nil, false},
		{[]string{""}, false},
		{[]string{"gzip"}, true},
		{[]string{"br, GZIP;q=0.5"}, true},
		{[]string{"gzip;q=0"}, false},
		{[]string{"gzip; q=0.000"}, false},
		{[]string{"gzip;q=0.001"}, true},
		{[]string{"x-gzip"}, true},
		{[]string{"*"}, true},
		{[]string{"*;q=0"}, false},
		{[]string{"*", "gzip;q=0"}, false}, // gzip named: its own weight wins
		{[]string{"identity"}, false},
		{[]string{"deflate", "br"}, false},
		{[]string{"gzip;q=junk"}, true},
	} {
		if got := AcceptsGzip(tc.values); got != tc.want {
			t.Errorf("AcceptsGzip(%q) = %v, want %v", tc.values, got, tc.want)
		}
	}
}

// FuzzMatch: no panic; a header that names neither the tag nor "*" never
// matches, and adding the tag to any header makes it match.
func FuzzMatch(f *testing.F) {
	for _, s := range []string{``, `*`, `"a", W/"b"`, `W/"tag"`, `,,,`, `W/`} {
		f.Add(s)
	}
	const tag = `"tag"`
	f.Fuzz(func(t *testing.T, header string) {
		if Match(header, tag) && !strings.Contains(header, tag) && !strings.Contains(header, "*") {
			t.Errorf("Match(%q) matched a header that does not name the tag", header)
		}
		if !Match(header+`, "tag"`, tag) {
			t.Errorf("Match(%q) missed the tag", header+`, "tag"`)
		}
	})
}

// FuzzAcceptsGzip: no panic, and a header without "gzip" or "*" never
// accepts gzip.
func FuzzAcceptsGzip(f *testing.F) {
	for _, s := range []string{"gzip", "gzip;q=0", "*;q=0.5, br", ";;,", "q=1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, header string) {
		got := AcceptsGzip([]string{header})
		l := strings.ToLower(header)
		if got && !strings.Contains(l, "gzip") && !strings.Contains(l, "*") {
			t.Errorf("AcceptsGzip(%q) = true", header)
		}
	})
}

func TestServe(t *testing.T) {
	big := NewResponse("text/html; charset=utf-8", bytes.Repeat([]byte("<p>the same row</p>\n"), 200))
	small := NewResponse("image/svg+xml", []byte("<svg/>"))
	if big.gz == nil || small.gz != nil {
		t.Fatalf("gzip: big %v, small %v; want only the big one compressed", big.gz != nil, small.gz != nil)
	}
	for _, tc := range []struct {
		name         string
		resp         *Response
		method       string
		header       map[string]string
		status       int
		gzip, bodied bool
	}{
		{"plain", big, "GET", nil, 200, false, true},
		{"gzip", big, "GET", map[string]string{"Accept-Encoding": "gzip, br"}, 200, true, true},
		{"head", big, "HEAD", map[string]string{"Accept-Encoding": "gzip"}, 200, true, false},
		{"revalidated", big, "GET", map[string]string{"If-None-Match": big.etag}, 304, false, false},
		{"revalidated gzip", big, "GET", map[string]string{"Accept-Encoding": "gzip", "If-None-Match": `"x", ` + big.gzETag}, 304, false, false},
		// The identity tag does not validate the gzip representation.
		{"other representation's tag", big, "GET", map[string]string{"Accept-Encoding": "gzip", "If-None-Match": big.etag}, 200, true, true},
		{"small stays plain", small, "GET", map[string]string{"Accept-Encoding": "gzip"}, 200, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(tc.method, "/p", nil)
			for k, v := range tc.header {
				req.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			rec.Header().Set("Vary", "Cookie")
			tc.resp.Serve(rec, req)
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d", rec.Code, tc.status)
			}
			if got := rec.Header().Values("Vary"); strings.Join(got, ",") != "Cookie,Accept-Encoding" {
				t.Errorf("Vary = %q", got)
			}
			wantTag := tc.resp.etag
			if tc.gzip {
				wantTag = tc.resp.gzETag
			}
			if tc.status == 304 && strings.Contains(tc.header["Accept-Encoding"], "gzip") {
				wantTag = tc.resp.gzETag
			}
			if got := rec.Header().Get("ETag"); got != wantTag || strings.HasPrefix(got, "W/") {
				t.Errorf("ETag = %q, want strong %q", got, wantTag)
			}
			if got := rec.Header().Get("Content-Encoding") == "gzip"; got != tc.gzip {
				t.Errorf("gzip = %v, want %v", got, tc.gzip)
			}
			if !tc.bodied {
				if rec.Body.Len() != 0 {
					t.Errorf("a body of %d bytes", rec.Body.Len())
				}
				return
			}
			body := rec.Body.Bytes()
			if tc.gzip {
				zr, err := gzip.NewReader(rec.Body)
				if err != nil {
					t.Fatal(err)
				}
				if body, err = io.ReadAll(zr); err != nil {
					t.Fatal(err)
				}
			}
			if !bytes.Equal(body, tc.resp.Body) {
				t.Error("the body differs from the rendered one")
			}
			if rec.Header().Get("Content-Type") != tc.resp.ContentType {
				t.Errorf("Content-Type = %q", rec.Header().Get("Content-Type"))
			}
		})
	}
	if a, b := NewResponse("text/plain", []byte("a")), NewResponse("text/plain", []byte("b")); a.ETag() == b.ETag() {
		t.Error("two bodies got one tag")
	}
}

func TestCacheStamps(t *testing.T) {
	c := New(10, time.Hour)
	renders := 0
	render := func(s string) func(context.Context) (*Response, error) {
		return func(context.Context) (*Response, error) {
			renders++
			return NewResponse("text/plain", []byte(s)), nil
		}
	}
	for _, step := range []struct {
		key     string
		stamp   uint64
		body    string // what render would make
		want    string // what Get returns
		renders int
	}{
		{"/a", 1, "a1", "a1", 1},
		{"/a", 1, "a1'", "a1", 1},    // cached
		{"/b", 1, "b1", "b1", 2},     // another key
		{"/a", 2, "a2", "a2", 3},     // the data changed
		{"/a", 1, "a1''", "a1''", 4}, // a late request with an older stamp renders, but does not replace the newer entry
		{"/a", 2, "a2'", "a2", 4},
		{"/b", 1, "b1'", "b1", 4},
	} {
		r, err := c.Get(context.Background(), step.key, step.stamp, render(step.body))
		if err != nil {
			t.Fatal(err)
		}
		if string(r.Body) != step.want || renders != step.renders {
			t.Fatalf("Get(%s, %d) = %q after %d renders, want %q after %d", step.key, step.stamp, r.Body, renders, step.want, step.renders)
		}
	}
	boom := errors.New("boom")
	if _, err := c.Get(context.Background(), "/c", 1, func(context.Context) (*Response, error) { return nil, boom }); !errors.Is(err, boom) {
		t.Fatalf("error %v, want boom", err)
	}
	if _, err := c.Get(context.Background(), "/c", 1, render("c1")); err != nil || renders != 5 {
		t.Fatalf("after a failed rendering: err %v, %d renders; want a new rendering", err, renders)
	}
}

func TestCacheBounded(t *testing.T) {
	c := New(3, time.Hour)
	for i := range 10 {
		_, _ = c.Get(context.Background(), strings.Repeat("k", i+1), 1, func(context.Context) (*Response, error) { return NewResponse("text/plain", nil), nil })
		if c.Len() > 3 {
			t.Fatalf("%d entries, want at most 3", c.Len())
		}
	}
}

// TestCacheConcurrent: requests that miss together all get the rendered
// response (those that join the flight share its one rendering), and
// later ones are served from the cache.
func TestCacheConcurrent(t *testing.T) {
	c := New(10, time.Hour)
	var renders atomic.Int32
	release := make(chan struct{})
	started := make(chan struct{})
	var once sync.Once
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			r, err := c.Get(context.Background(), "/p", 7, func(context.Context) (*Response, error) {
				renders.Add(1)
				once.Do(func() { close(started) })
				<-release
				return NewResponse("text/plain", []byte("p")), nil
			})
			if err != nil || string(r.Body) != "p" {
				t.Errorf("Get = %v, %v", r, err)
			}
		})
	}
	<-started
	close(release)
	wg.Wait()
	if n := renders.Load(); n < 1 || n > 8 {
		t.Fatalf("%d renders", n)
	}
	// Every later request is served from the cache.
	before := renders.Load()
	for range 5 {
		_, _ = c.Get(context.Background(), "/p", 7, func(context.Context) (*Response, error) { renders.Add(1); return NewResponse("text/plain", nil), nil })
	}
	if renders.Load() != before {
		t.Fatal("a cached response was rendered again")
	}
}

// TestCacheServesOlderWhileRendering: while one request renders a key
// anew, others get the response it replaces at once; afterwards everyone
// gets the new one.
func TestCacheServesOlderWhileRendering(t *testing.T) {
	c := New(10, time.Hour)
	body := func(s string) func(context.Context) (*Response, error) {
		return func(context.Context) (*Response, error) { return NewResponse("text/plain", []byte(s)), nil }
	}
	if _, err := c.Get(context.Background(), "/p", 1, body("old")); err != nil {
		t.Fatal(err)
	}
	started, release := make(chan struct{}), make(chan struct{})
	done := make(chan string)
	go func() {
		r, err := c.Get(context.Background(), "/p", 2, func(context.Context) (*Response, error) {
			close(started)
			<-release
			return NewResponse("text/plain", []byte("new")), nil
		})
		if err != nil {
			t.Error(err)
		}
		done <- string(r.Body)
	}()
	<-started
	for range 3 {
		r, err := c.Get(context.Background(), "/p", 2, body("unexpected"))
		if err != nil || string(r.Body) != "old" {
			t.Fatalf("during the rendering: %q, %v; want the older response", r.Body, err)
		}
	}
	close(release)
	if got := <-done; got != "new" {
		t.Fatalf("the rendering request got %q", got)
	}
	if r, _ := c.Get(context.Background(), "/p", 2, body("unexpected")); string(r.Body) != "new" {
		t.Fatalf("after the rendering: %q, want new", r.Body)
	}
	// A failed rendering leaves no mark: it answers with the older
	// response, and the next request renders.
	boom := errors.New("boom")
	if r, err := c.Get(context.Background(), "/p", 3, func(context.Context) (*Response, error) { return nil, boom }); err != nil || string(r.Body) != "new" {
		t.Fatalf("a failed rendering: %q, %v; want the older response", r.Body, err)
	}
	if r, _ := c.Get(context.Background(), "/p", 3, body("newer")); string(r.Body) != "newer" {
		t.Fatalf("after a failed rendering: %q, want a fresh one", r.Body)
	}
}

// TestCacheRenderingRequestWaitsAtMostWait: the request that renders a
// key anew gets the older response once the cache's wait is over, the
// rendering goes on without it (its context outlives the request's), and
// once it is done every request gets the new response.
func TestCacheRenderingRequestWaitsAtMostWait(t *testing.T) {
	c := New(10, time.Millisecond)
	if _, err := c.Get(context.Background(), "/p", 1, func(context.Context) (*Response, error) {
		return NewResponse("text/plain", []byte("old")), nil
	}); err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	renderErr := make(chan error, 1)
	reqCtx, cancel := context.WithCancel(context.Background())
	r, err := c.Get(reqCtx, "/p", 2, func(ctx context.Context) (*Response, error) {
		<-release
		renderErr <- ctx.Err()
		return NewResponse("text/plain", []byte("new")), nil
	})
	if err != nil || string(r.Body) != "old" {
		t.Fatalf("the rendering request got %q, %v; want the older response after the wait", r.Body, err)
	}
	cancel() // the request is over
	unexpected := func(context.Context) (*Response, error) {
		t.Error("rendered again while a rendering was in progress")
		return NewResponse("text/plain", []byte("unexpected")), nil
	}
	if r, _ := c.Get(context.Background(), "/p", 2, unexpected); string(r.Body) != "old" {
		t.Fatalf("during the rendering: %q, want old", r.Body)
	}
	close(release)
	if err := <-renderErr; err != nil {
		t.Fatalf("the rendering's context ended with its request: %v", err)
	}
	// The rendering stores its response right after it returns.
	for {
		r, _ := c.Get(context.Background(), "/p", 2, unexpected)
		if string(r.Body) == "new" {
			break
		}
		if string(r.Body) != "old" {
			t.Fatalf("got %q", r.Body)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestCacheFailedRenderingServesOlder: a rendering that fails while an
// older response is cached answers with that response and caches nothing;
// without one, the error is returned.
func TestCacheFailedRenderingServesOlder(t *testing.T) {
	c := New(10, time.Hour)
	boom := errors.New("boom")
	failing := func(context.Context) (*Response, error) { return nil, boom }
	if _, err := c.Get(context.Background(), "/p", 1, failing); !errors.Is(err, boom) {
		t.Fatalf("without an older response: %v, want boom", err)
	}
	if _, err := c.Get(context.Background(), "/p", 1, func(context.Context) (*Response, error) {
		return NewResponse("text/plain", []byte("old")), nil
	}); err != nil {
		t.Fatal(err)
	}
	if r, err := c.Get(context.Background(), "/p", 2, failing); err != nil || string(r.Body) != "old" {
		t.Fatalf("a failed rendering: %q, %v; want the older response", r.Body, err)
	}
	if r, _ := c.Get(context.Background(), "/p", 2, func(context.Context) (*Response, error) {
		return NewResponse("text/plain", []byte("new")), nil
	}); string(r.Body) != "new" {
		t.Fatalf("after a failed rendering: %q, want a fresh one", r.Body)
	}
}

// TestCachePurgeOn: once the generation moves, no response from before is
// served, not even while a newer one is rendered, and a rendering begun
// before the purge is not kept.
func TestCachePurgeOn(t *testing.T) {
	c := New(10, 0)
	var gen atomic.Uint64
	c.PurgeOn(gen.Load)
	body := func(s string) func(context.Context) (*Response, error) {
		return func(context.Context) (*Response, error) { return NewResponse("text/plain", []byte(s)), nil }
	}
	if _, err := c.Get(context.Background(), "/p", 1, body("old")); err != nil {
		t.Fatal(err)
	}
	gen.Add(1)
	if r, err := c.Get(context.Background(), "/p", 1, body("after the purge")); err != nil || string(r.Body) != "after the purge" {
		t.Fatalf("after the generation moved: %q, %v; want a rendering made now", r.Body, err)
	}
	// A rendering at 2 begins, then the generation moves: requests wait
	// for a rendering instead of getting the older response, and the one
	// begun before the purge is not kept.
	started, release, finished := make(chan struct{}), make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		r, _ := c.Get(context.Background(), "/p", 2, func(context.Context) (*Response, error) {
			close(started)
			<-release
			return NewResponse("text/plain", []byte("before the purge")), nil
		})
		if string(r.Body) != "after the purge" {
			t.Errorf("the request whose rendering began first got %q, want the older response after the wait", r.Body)
		}
	}()
	<-started
	<-finished // answered with the older response after the wait of 0
	gen.Add(1)
	close(release)
	for {
		c.mu.Lock()
		busy := len(c.rendering) > 0
		c.mu.Unlock()
		if !busy {
			break
		}
		time.Sleep(time.Millisecond)
	}
	if r, _ := c.Get(context.Background(), "/p", 2, body("rendered again")); string(r.Body) != "rendered again" {
		t.Fatalf("after the purge: %q, want a new rendering", r.Body)
	}
}

// TestCacheSpacesCostlyRenderings: with Space(4), a key whose last
// rendering took 100 ms is served its older response for 400 ms after
// that rendering ended, however its stamp moves, and rendered again after
// that; a rendering cheaper than MinSpaced is never spaced, and without a
// response to fall back on a request always renders.
func TestCacheSpacesCostlyRenderings(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	c := New(10, time.Hour)
	c.Space(4)
	c.clock = func() time.Time { return now }
	renders := 0
	render := func(cost time.Duration) func(context.Context) (*Response, error) {
		return func(context.Context) (*Response, error) {
			renders++
			now = now.Add(cost)
			return NewResponse("text/plain", []byte(strconv.Itoa(renders))), nil
		}
	}
	get := func(key string, stamp uint64, cost time.Duration) string {
		t.Helper()
		r, err := c.Get(context.Background(), key, stamp, render(cost))
		if err != nil {
			t.Fatal(err)
		}
		return string(r.Body)
	}
	steps := []struct {
		what    string
		key     string
		stamp   uint64
		cost    time.Duration
		advance time.Duration // before the request
		want    string
	}{
		{"first rendering, 100 ms", "/costly", 1, 100 * time.Millisecond, 0, "1"},
		{"changed at once", "/costly", 2, 100 * time.Millisecond, 0, "1"},
		{"changed again, 399 ms after", "/costly", 3, 100 * time.Millisecond, 399 * time.Millisecond, "1"},
		{"400 ms after", "/costly", 3, 100 * time.Millisecond, time.Millisecond, "2"},
		{"unchanged", "/costly", 3, 100 * time.Millisecond, 0, "2"},
		{"a cheap page", "/cheap", 1, 5 * time.Millisecond, 0, "3"},
		{"changed at once", "/cheap", 2, 5 * time.Millisecond, 0, "4"},
		{"changed at once again", "/cheap", 3, 5 * time.Millisecond, 0, "5"},
	}
	for _, s := range steps {
		now = now.Add(s.advance)
		if got := get(s.key, s.stamp, s.cost); got != s.want {
			t.Errorf("%s %s: got rendering %s, want %s", s.key, s.what, got, s.want)
		}
	}

	// After a purge there is nothing older to serve: the request renders.
	var gen uint64
	p := New(10, time.Hour)
	p.Space(4)
	p.clock = c.clock
	p.PurgeOn(func() uint64 { return gen })
	if r, _ := p.Get(context.Background(), "/k", 1, render(time.Second)); string(r.Body) != "6" {
		t.Fatalf("first rendering: %q", r.Body)
	}
	gen++
	if r, _ := p.Get(context.Background(), "/k", 2, render(time.Second)); string(r.Body) != "7" {
		t.Errorf("after a purge: got rendering %q, want a new one (7)", r.Body)
	}
}
