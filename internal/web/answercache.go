package web

import (
	"encoding/json"
	"net/http"
	"strconv"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/casetrack/casetrack/internal/stats"
)

// maxCachedAnswers bounds the answer cache; when it is full it starts over,
// which is simpler than an LRU and costs one recomputation per entry.
const maxCachedAnswers = 2048

// answerCache keeps encoded statistics answers until the data they read
// changes. Computing the statistics of a large group takes milliseconds and
// encoding its survival curve about as long again; between two writes to
// its category every request for the same group gets the same bytes, so
// under load most requests cost a map lookup.
//
// Each answer is kept with the stamp it was computed at: the index's
// version of the one category it reads (stats.Index.CategoryVersion), or
// the whole index's version for an answer that reads several. A write
// thus invalidates the answers about its own category only; it used to
// empty the whole cache, so with a trickle of writes to any category
// every page recomputed its statistics.
//
// Requests that miss at the same moment share one computation (singleflight):
// right after a write, a burst of readers of the same group would otherwise
// each compute it and queue behind one another on the CPU. And while one
// request computes an answer anew, the others get the answer it replaces
// at once, as if they had come a moment before the write (as the
// rendered pages do, package pagecache): under a trickle of writes to a
// large category, readers would otherwise queue behind each
// recomputation. The computing request, and every later one, see the
// write.
type answerCache struct {
	mu      sync.Mutex
	entries map[string]stampedAnswer
	// computing holds, by key, the stamp of the computation in progress.
	computing map[string]uint64

	flight singleflight.Group
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

// getOrOlder is get, except that while a computation of key at stamp (or
// later) is in progress it returns the older answer it replaces; when it
// finds nothing it notes that the caller will compute at stamp (done ends
// that).
func (c *answerCache) getOrOlder(stamp uint64, key string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	a, ok := c.entries[key]
	if ok && a.stamp == stamp {
		return a.b, true
	}
	at, busy := c.computing[key]
	if busy && at >= stamp && ok && a.stamp < stamp {
		return a.b, true
	}
	if !busy || at < stamp {
		if c.computing == nil {
			c.computing = map[string]uint64{}
		}
		c.computing[key] = stamp
	}
	return nil, false
}

// done ends the computation of key at stamp.
func (c *answerCache) done(stamp uint64, key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.computing[key] == stamp {
		delete(c.computing, key)
	}
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

// writeStatsJSON answers a statistics request from the cache, or computes,
// encodes and caches it. key must identify everything the answer depends on
// besides the index (endpoint, filter, k, dimension); category is the one
// category the answer reads, "" when it reads more.
func (s *Server) writeStatsJSON(w http.ResponseWriter, category, key string, compute func() (any, error)) error {
	version := s.index.CategoryVersion(category)
	if b, ok := s.answers.getOrOlder(version, key); ok {
		writeJSONBytes(w, http.StatusOK, b)
		return nil
	}
	flightKey := strconv.FormatUint(version, 10) + "\x00" + key
	res, err, _ := s.answers.flight.Do(flightKey, func() (any, error) {
		// A flight that ended just before this one began has filled the cache.
		defer s.answers.done(version, key)
		if b, ok := s.answers.get(version, key); ok {
			return b, nil
		}
		v, err := compute()
		if err != nil {
			return nil, err
		}
		b, err := encodeJSON(v)
		if err != nil {
			return nil, err
		}
		s.answers.put(version, key, b)
		return b, nil
	})
	if err != nil {
		return err
	}
	writeJSONBytes(w, http.StatusOK, res.([]byte))
	return nil
}

// statsKey is the cache key of one statistics answer. Answers depend on
// the day too (how long pending cases have waited, the headline's
// window), so the day is part of the key.
func (s *Server) statsKey(endpoint string, f stats.Filter, extra string) string {
	fj, _ := json.Marshal(f) // a Filter always encodes
	return endpoint + "\x00" + string(fj) + "\x00" + extra + "\x00" + s.index.Today().Format(time.DateOnly)
}
