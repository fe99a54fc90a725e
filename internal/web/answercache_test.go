package web

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/stats"

	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
)

func TestAnswerCache(t *testing.T) {
	var c answerCache
	if _, ok := c.get(0, "a"); ok {
		t.Fatal("empty cache answered")
	}
	c.put(3, "a", []byte("A3"))
	if b, ok := c.get(3, "a"); !ok || string(b) != "A3" {
		t.Fatalf("get(3, a) = %q, %v", b, ok)
	}
	if _, ok := c.get(4, "a"); ok {
		t.Fatal("an answer of version 3 was served at version 4")
	}
	// Stamps are per answer: another key moving on (another category
	// written to) leaves a's answer in place.
	c.put(9, "b", []byte("B9"))
	if b, ok := c.get(3, "a"); !ok || string(b) != "A3" {
		t.Fatal("an answer about another category dropped a's answer")
	}
	c.put(4, "a", []byte("A4"))
	c.put(3, "a", []byte("stale"))
	if b, ok := c.get(4, "a"); !ok || string(b) != "A4" {
		t.Fatal("an answer computed from an older index replaced a newer one")
	}
	// While a newer answer is being computed, the one it replaces is
	// served; once it is stored, only the new one.
	if _, ok := c.getOrOlder(5, "a"); ok {
		t.Fatal("getOrOlder answered with no computation in progress")
	}
	if b, ok := c.getOrOlder(5, "a"); !ok || string(b) != "A4" {
		t.Fatalf("during the computation at 5: %q, %v; want A4", b, ok)
	}
	c.put(5, "a", []byte("A5"))
	c.done(5, "a")
	if b, ok := c.getOrOlder(5, "a"); !ok || string(b) != "A5" {
		t.Fatalf("after the computation: %q, %v; want A5", b, ok)
	}
	if _, ok := c.getOrOlder(6, "a"); ok {
		t.Fatal("a finished computation left its mark")
	}
	c.done(6, "a")
	for i := 0; i < maxCachedAnswers+10; i++ {
		c.put(4, string(rune('a'+i%26))+string(rune(i)), []byte("x"))
	}
	if n := len(c.entries); n > maxCachedAnswers {
		t.Fatalf("cache holds %d answers, limit %d", n, maxCachedAnswers)
	}
}

// TestStatsAnswersFollowWrites checks, through the API, that a cached
// statistics answer is never served after a write changed the group: each
// new, updated or deleted case shows in the very next answer.
func TestStatsAnswersFollowWrites(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		var keys []string
		var ids []string
		for i := 0; i < 5; i++ {
			c := e.create(variedSubmission(i))
			keys, ids = append(keys, c.EditKey), append(ids, c.ID)
		}
		type answer struct {
			Cases    *int `json:"cases"`
			Decided  *int `json:"decided"`
			Approved *int `json:"approved"`
		}
		read := func() answer {
			t.Helper()
			var a answer
			for i := 0; i < 2; i++ { // the second read is served from the cache
				res := e.get("/api/v1/stats?category=eb2-niw")
				mustStatus(t, res, http.StatusOK)
				res.json(t, &a)
			}
			return a
		}
		if a := read(); a.Cases == nil || *a.Cases != 5 || *a.Decided != 0 {
			t.Fatalf("after 5 pending cases: %+v", a)
		}
		res := e.postJSON("/api/v1/cases/"+ids[0]+"/milestones", map[string]string{"code": "approved", "date": "2025-01"}, editKey(keys[0])...)
		mustStatus(t, res, http.StatusOK)
		if a := read(); *a.Cases != 5 || *a.Decided != 1 || *a.Approved != 1 {
			t.Fatalf("after an approval: cases %d decided %d approved %d", *a.Cases, *a.Decided, *a.Approved)
		}
		e.create(variedSubmission(5))
		if a := read(); *a.Cases != 6 {
			t.Fatalf("after a new case: cases %d, want 6", *a.Cases)
		}
		res = e.do(http.MethodDelete, "/api/v1/cases/"+ids[1], nil, editKey(keys[1])...)
		mustStatus(t, res, http.StatusNoContent)
		if a := read(); *a.Cases != 5 {
			t.Fatalf("after a delete: cases %d, want 5", *a.Cases)
		}
	})
}

// TestConcurrentMissesComputeOnce checks that readers who miss the cache at
// the same moment share one computation instead of each doing it.
func TestConcurrentMissesComputeOnce(t *testing.T) {
	cat := catalog.Default()
	s := &Server{index: stats.NewIndex(cat), answers: &answerCache{}}
	var calls atomic.Int32
	release := make(chan struct{})
	compute := func() (any, error) {
		calls.Add(1)
		<-release
		return map[string]int{"cases": 7}, nil
	}
	const readers = 8
	var wg sync.WaitGroup
	bodies := make([]string, readers)
	for i := range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec := httptest.NewRecorder()
			if err := s.writeStatsJSON(rec, "eb2-niw", "k", compute); err != nil {
				t.Error(err)
			}
			bodies[i] = rec.Body.String()
		}()
	}
	time.Sleep(50 * time.Millisecond) // let the readers pile up behind the first
	close(release)
	wg.Wait()
	if n := calls.Load(); n != 1 {
		t.Fatalf("%d readers computed the answer %d times, want once", readers, n)
	}
	for i, b := range bodies {
		if b != "{\"cases\":7}\n" {
			t.Fatalf("reader %d got %q", i, b)
		}
	}
}
