// Package pagecache keeps rendered responses — pages and charts that every
// visitor sees alike — until the data they show changes, and serves them
// with strong ETags, so that a repeated request costs a map lookup and a
// revalidation costs nothing but headers.
//
// Rendering a statistics page at a million cases takes tens of
// milliseconds (the statistics, then html/template over hundreds of table
// rows); between two changes of its data every anonymous visitor gets the
// same bytes. The cache does not know what the data is: the caller passes
// a stamp, a number that changes whenever the data a response shows does
// (for CaseTrack, the statistics index's version of the category the
// page is about), and a response rendered at an older stamp is rendered
// again. So a write to one category leaves the pages of every other one
// cached.
//
// Each response is kept as rendered and gzip-compressed once, with a
// strong ETag per representation (RFC 9110 §8.8.3: two encodings of the
// same page are different representations, so their strong tags differ).
//
// Only responses that are the same for everyone who sends the same key
// may be cached: the caller puts into the key everything the bytes depend
// on besides the stamp (the normalized URL, the day, a variant such as
// the language), and never caches what carries one person's data (a
// signed-in header, a form token).
package pagecache

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// minGzip is the smallest body worth compressing, as for the server's
// compression of other responses.
const minGzip = 512

// Response is one rendered response, immutable once made.
type Response struct {
	ContentType string
	// Body is the response as rendered; gz the same gzip-compressed, nil
	// when the body is too small to gain from it.
	Body, gz     []byte
	etag, gzETag string
}

// NewResponse prepares a rendered body for serving: it compresses it once
// and computes its tags.
func NewResponse(contentType string, body []byte) *Response {
	sum := sha256.Sum256(body)
	tag := base64.RawURLEncoding.EncodeToString(sum[:12])
	r := &Response{ContentType: contentType, Body: body, etag: `"` + tag + `"`}
	if len(body) >= minGzip {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.DefaultCompression) // a valid level never fails
		_, _ = zw.Write(body)                                       // writes to a bytes.Buffer never fail
		_ = zw.Close()
		if buf.Len() < len(body) {
			r.gz, r.gzETag = buf.Bytes(), `"`+tag+`-gz"`
		}
	}
	return r
}

// ETag is the strong tag of the uncompressed representation.
func (r *Response) ETag() string { return r.etag }

// Serve writes the response: gzip-compressed when the request accepts it,
// with its strong ETag, or 304 Not Modified with no body when
// If-None-Match names that tag. It adds "Accept-Encoding" to Vary; the
// caller sets Cache-Control and any other Vary field before calling.
func (r *Response) Serve(w http.ResponseWriter, req *http.Request) {
	h := w.Header()
	addVary(h, "Accept-Encoding")
	body, tag := r.Body, r.etag
	if r.gz != nil && AcceptsGzip(req.Header.Values("Accept-Encoding")) {
		body, tag = r.gz, r.gzETag
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("ETag", tag)
	if Match(req.Header.Get("If-None-Match"), tag) {
		h.Del("Content-Encoding")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", r.ContentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if req.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// addVary adds a field name to Vary unless it is listed already.
func addVary(h http.Header, name string) {
	for _, v := range h.Values("Vary") {
		for f := range strings.SplitSeq(v, ",") {
			if f = strings.TrimSpace(f); f == "*" || strings.EqualFold(f, name) {
				return
			}
		}
	}
	h.Add("Vary", name)
}

// AcceptsGzip reports whether Accept-Encoding field values accept gzip:
// "gzip" (or "x-gzip", or "*") listed without q=0. An explicit gzip entry
// overrides "*".
func AcceptsGzip(values []string) bool {
	star := false
	for _, v := range values {
		for item := range strings.SplitSeq(v, ",") {
			coding, params, _ := strings.Cut(item, ";")
			coding = strings.ToLower(strings.TrimSpace(coding))
			ok := qNonZero(params)
			switch coding {
			case "gzip", "x-gzip":
				return ok
			case "*":
				star = ok
			}
		}
	}
	return star
}

// qNonZero reports whether an item's parameters leave its weight above
// zero (no q, or a q that is not 0, 0.0, 0.00 or 0.000). An unreadable
// weight counts as acceptance: a client that names a coding wants it.
func qNonZero(params string) bool {
	for p := range strings.SplitSeq(params, ";") {
		name, val, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(name), "q") {
			continue
		}
		val = strings.TrimSpace(val)
		if f, err := strconv.ParseFloat(val, 64); err == nil && len(val) <= 5 {
			return f > 0
		}
	}
	return true
}

// Match reports whether an If-None-Match field names tag. If-None-Match
// compares weakly (RFC 9110 §13.1.2): W/"x" names "x". "*" names any
// current representation.
func Match(header, tag string) bool {
	tag = strings.TrimPrefix(tag, "W/")
	for item := range strings.SplitSeq(header, ",") {
		item = strings.TrimSpace(item)
		if item == "*" {
			return true
		}
		if strings.TrimPrefix(item, "W/") == tag {
			return true
		}
	}
	return false
}

// Cache holds responses by key, each with the stamp it was rendered at.
// It is safe for concurrent use.
type Cache struct {
	mu      sync.Mutex
	max     int
	wait    time.Duration
	entries map[string]entry
	// rendering holds, by key, the stamp of the rendering in progress.
	rendering map[string]uint64
	// generation, if set, is watched by every lookup: when it has moved
	// since, every response is forgotten (see PurgeOn). purges counts
	// those purges; a rendering begun before the last one is not kept.
	generation func() uint64
	seen       uint64
	purges     uint64

	// Requests that miss at the same moment share one rendering: right
	// after a write, every reader of a popular page misses at once.
	flight singleflight.Group

	// spacing is Space's factor, 0 when renderings are not spaced.
	spacing time.Duration
	// clock is time.Now but in tests.
	clock func() time.Time
}

type entry struct {
	stamp uint64
	resp  *Response
	// done is when the rendering ended, cost how long it took (see
	// Space).
	done time.Time
	cost time.Duration
}

// MinSpaced is the shortest rendering that Space spaces.
const MinSpaced = 10 * time.Millisecond

// renderTimeout bounds a rendering, which outlives the request that
// started it when that request is answered with the older response.
const renderTimeout = 30 * time.Second

// New returns a cache of at most max responses. When it is full it starts
// over, which is simpler than an LRU and costs one rendering per entry.
// wait is how long a request whose data changed waits for the new
// rendering before it is answered with the older one (see Get).
func New(max int, wait time.Duration) *Cache {
	return &Cache{max: max, wait: wait, entries: map[string]entry{}, rendering: map[string]uint64{}, clock: time.Now}
}

// Space makes a rendering of a key that took d (MinSpaced or more) wait,
// once it has ended, factor × d before the key is rendered again, as
// long as the older response can be served meanwhile. Under a steady
// trickle of writes a page is thus rendered at most 1/(factor+1) of the
// time, and requests are answered from the older response in between; a
// page is at most about factor+1 renderings behind its data. A cheaper
// rendering (every page of a small database) is not spaced. Call it
// before the cache is used.
//
// Without it a page whose data changes more often than it can be
// rendered is rendered back to back, which keeps a core busy for that
// page alone and slows every request served beside it.
func (c *Cache) Space(factor int) { c.spacing = time.Duration(factor) }

// PurgeOn makes the cache forget every response whenever generation
// returns a new number, before it answers the next request: for data
// that must not be served a moment late (a note its author corrected, a
// case deleted or hidden), while other changes may (a new case counted a
// rendering later). Until then no older response is served, not even
// while a newer one is rendered, and a rendering begun before the purge is
// not kept. Call it before the cache is used.
func (c *Cache) PurgeOn(generation func() uint64) {
	c.generation = generation
	c.seen = generation()
}

// Get returns the response cached under key if it was rendered at stamp;
// otherwise it has render make one, caches it under stamp and returns
// it. stamp must be read before render reads the data, and grow whenever
// the data changes.
//
// While one request renders a key anew, the others that ask for it get
// the response it replaces at once. The request that renders waits for
// its rendering at most the cache's wait, then it too gets the older
// response, and the rendering goes on without it; every request after it
// has finished sees the new data. So under a trickle of writes a page
// that takes a hundred milliseconds to render (more when the machine is
// busy) is still answered in a few: at a million cases, the
// request that rendered Explore anew after each write used to wait up to
// a second, and with eight connections those waits made the page's p99
// over a second. A reader is thus answered as if it had come a moment
// before the change, at most the time of one rendering before. Without
// an older response, requests that miss at the same moment share one
// rendering and wait for it.
//
// render is given a context that is not the request's: a rendering may
// outlive the request that started it (it is bounded by renderTimeout
// instead), and it carries the request's values. An error from render is
// returned, or the older response if there is one, and nothing is
// cached.
func (c *Cache) Get(ctx context.Context, key string, stamp uint64, render func(context.Context) (*Response, error)) (*Response, error) {
	return c.get(ctx, key, stamp, render, false)
}

// GetFresh is Get for a response that must show the data as of stamp:
// the request that renders it waits for its rendering, however long, and
// no spacing applies (Space). Requests that come while it renders are
// still answered with the older response, as if they had come a moment
// before the change; every request after it has finished sees the
// change.
func (c *Cache) GetFresh(ctx context.Context, key string, stamp uint64, render func(context.Context) (*Response, error)) (*Response, error) {
	return c.get(ctx, key, stamp, render, true)
}

func (c *Cache) get(ctx context.Context, key string, stamp uint64, render func(context.Context) (*Response, error), fresh bool) (*Response, error) {
	r, older, purges, ok := c.lookup(key, stamp, fresh)
	if ok {
		return r, nil
	}
	if fresh {
		older = nil // nothing to fall back on: the request waits
	}
	// The purge count is part of the flight's key: a request after a
	// purge never joins a rendering begun before it.
	flightKey := strconv.FormatUint(stamp, 10) + "\x00" + strconv.FormatUint(purges, 10) + "\x00" + key
	ch := c.flight.DoChan(flightKey, func() (any, error) {
		// A flight that ended just before this one began has filled it.
		defer c.rendered(key, stamp)
		if r, ok := c.exact(key, stamp); ok {
			return r, nil
		}
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), renderTimeout)
		defer cancel()
		began := c.clock()
		r, err := render(rctx)
		if err != nil {
			return nil, err
		}
		c.store(key, stamp, purges, r, began)
		return r, nil
	})
	var timeout <-chan time.Time
	if older != nil {
		t := time.NewTimer(c.wait)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case res := <-ch:
		if res.Err != nil {
			if older != nil {
				return older, nil
			}
			return nil, res.Err
		}
		return res.Val.(*Response), nil
	case <-timeout:
		return older, nil
	case <-ctx.Done():
		if older != nil {
			return older, nil
		}
		return nil, ctx.Err()
	}
}

// lookup returns the response under key rendered at stamp, or the older
// one it is replacing while a rendering at stamp (or later) is in
// progress or while the last rendering is too recent to begin another
// (Space); otherwise it notes that the caller will render at stamp, and
// returns the older response it may fall back on.
func (c *Cache) lookup(key string, stamp uint64, fresh bool) (r, older *Response, purges uint64, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.generation != nil {
		if g := c.generation(); g != c.seen {
			c.seen = g
			c.entries = map[string]entry{}
			c.purges++
		}
	}
	e, has := c.entries[key]
	if has && e.stamp == stamp {
		return e.resp, nil, 0, true
	}
	if has && e.stamp < stamp {
		older = e.resp
		if !fresh && c.spacing > 0 && e.cost >= MinSpaced && c.clock().Sub(e.done) < c.spacing*e.cost {
			return older, nil, 0, true
		}
	}
	at, busy := c.rendering[key]
	if busy && at >= stamp && older != nil {
		return older, nil, 0, true
	}
	if !busy || at < stamp {
		c.rendering[key] = stamp
	}
	return nil, older, c.purges, false
}

// exact returns the response under key rendered at stamp.
func (c *Cache) exact(key string, stamp uint64) (*Response, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || e.stamp != stamp {
		return nil, false
	}
	return e.resp, true
}

// rendered ends the rendering of key at stamp.
func (c *Cache) rendered(key string, stamp uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.rendering[key] == stamp {
		delete(c.rendering, key)
	}
}

// store keeps r, rendered at stamp from a rendering that began at began.
func (c *Cache) store(key string, stamp, purges uint64, r *Response, began time.Time) {
	done := c.clock()
	c.mu.Lock()
	defer c.mu.Unlock()
	if purges != c.purges {
		return // begun before a purge: it may show what was purged
	}
	if e, ok := c.entries[key]; ok && e.stamp > stamp {
		return // rendered from data that has changed since
	}
	if len(c.entries) >= c.max {
		c.entries = map[string]entry{}
	}
	c.entries[key] = entry{stamp: stamp, resp: r, done: done, cost: done.Sub(began)}
}

// Len is the number of cached responses.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}
