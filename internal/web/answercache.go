package web

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"time"

	"github.com/casetrack/casetrack/internal/pagecache"
	"github.com/casetrack/casetrack/internal/stats"
)

// maxCachedAnswers bounds the answer cache; when it is full it starts over,
// which is simpler than an LRU and costs one recomputation per entry.
const maxCachedAnswers = 2048

// answerCache keeps small encoded answers that are not served through
// a pagecache (the submit form's top countries) until the data they read
// changes: each is kept with the stamp it was computed at, the index's
// version of the category it reads (stats.Index.CategoryVersion) or the
// whole index's.
type answerCache struct {
	mu      sync.Mutex
	entries map[string]stampedAnswer
}

type stampedAnswer struct {
	stamp uint64
	b     []byte
}

// get returns the answer cached under key at stamp.
func (c *answerCache) get(stamp uint64, key string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	a, ok := c.entries[key]
	if !ok || a.stamp != stamp {
		return nil, false
	}
	return a.b, true
}

// put stores an answer computed after reading stamp.
func (c *answerCache) put(stamp uint64, key string, b []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if a, ok := c.entries[key]; ok && a.stamp > stamp {
		return // computed from data that has changed since
	}
	if c.entries == nil || len(c.entries) >= maxCachedAnswers {
		c.entries = make(map[string]stampedAnswer)
	}
	c.entries[key] = stampedAnswer{stamp: stamp, b: b}
}

// statsLagFrom is the size of a category from which its statistics
// answers may be one computation behind a write (writeStatsJSON).
const statsLagFrom = 100_000

// writeStatsJSON answers a statistics request (the statistics, breakdown,
// histogram and outlook APIs) from s.statsAnswers, or computes, encodes
// and caches it (package pagecache: strong ETag, gzip, requests that miss
// at once share one computation). key must identify everything the
// answer depends on besides the index (endpoint, filter, k, dimension);
// category is the one category the answer reads, "" when it reads more.
//
// Each answer is kept with the stamp it was computed at: the index's
// version of its category (stats.Index.CategoryVersion), so a write
// invalidates the answers about its own category only.
//
// About a category of fewer than statsLagFrom cases, an answer is never
// served after a write changed its group: the request that finds it
// changed waits for the new one (pagecache.Cache.GetFresh), which takes
// milliseconds. About a larger one, it is served as pages are
// (pagecache.Cache.Get): the request that finds it changed waits at most
// renderWait, then gets the answer before the write, and computations are
// spaced (renderSpacing). At a million cases a broad answer takes about a
// hundred milliseconds, and at ten million over a second; under twenty
// submissions a second, the four to one category each made the next
// request wait for it (p99 0.66 s at 1M, 2.6–3.1 s at 10M).
func (s *Server) writeStatsJSON(w http.ResponseWriter, r *http.Request, category, key string, compute func() (any, error)) error {
	version := s.index.CategoryVersion(category)
	get := s.statsAnswers.GetFresh
	if s.index.CategoryLen(category) >= statsLagFrom {
		get = s.statsAnswers.Get
	}
	resp, err := get(r.Context(), key, version, func(context.Context) (*pagecache.Response, error) {
		v, err := compute()
		if err != nil {
			return nil, err
		}
		b, err := encodeJSON(v)
		if err != nil {
			return nil, err
		}
		return pagecache.NewResponse("application/json; charset=utf-8", b), nil
	})
	if err != nil {
		return err
	}
	resp.Serve(w, r)
	return nil
}

// statsKey is the cache key of one statistics answer. Answers depend on
// the day too (how long pending cases have waited, the headline's
// window), so the day is part of the key.
func (s *Server) statsKey(endpoint string, f stats.Filter, extra string) string {
	fj, _ := json.Marshal(f) // a Filter always encodes
	return endpoint + "\x00" + string(fj) + "\x00" + extra + "\x00" + s.index.Today().Format(time.DateOnly)
}
