package web

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/pagecache"
	"github.com/casetrack/casetrack/internal/stats"

	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
	"github.com/casetrack/casetrack/internal/timeline"
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
	s := &Server{index: stats.NewIndex(cat), statsAnswers: pagecache.New(10, renderWait)}
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
			if err := s.writeStatsJSON(rec, httptest.NewRequest(http.MethodGet, "/api/v1/stats", nil), "eb2-niw", "k", compute); err != nil {
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

// TestStatsAnswersLagOnlyForLargeCategories: after a write, the request
// that finds an answer about a small category changed waits for the new
// one however long it takes; about a category of statsLagFrom cases or
// more, it gets the answer before the write once renderWait is over, and
// the computation goes on for the requests after it.
func TestStatsAnswersLagOnlyForLargeCategories(t *testing.T) {
	cat := catalog.Default()
	ix := stats.NewIndex(cat)
	now := time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)
	add := func(category string, n int) {
		c, fe := timeline.Validate(cat, timeline.Submission{Category: category, Country: "IN", Filed: "2025-01"}, now)
		if fe != nil {
			t.Fatal(fe)
		}
		for range n {
			k := *c
			k.ID = timeline.NewCaseID()
			ix.Upsert(&k)
		}
	}
	add("eb2-niw", 3)
	add("i485-employment", statsLagFrom)
	s := &Server{index: ix, statsAnswers: pagecache.New(10, renderWait)}
	answer := func(category, body string, release <-chan struct{}) string {
		t.Helper()
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, "/api/v1/stats?category="+category, nil)
		err := s.writeStatsJSON(rec, req, category, "k-"+category, func() (any, error) {
			<-release
			return body, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return rec.Body.String()
	}
	open := make(chan struct{})
	close(open)
	for _, tc := range []struct {
		category string
		want     string // the second answer, given while the new one is computed
	}{
		{"eb2-niw", "\"new\"\n"},
		{"i485-employment", "\"old\"\n"},
	} {
		answer(tc.category, "old", open)
		add(tc.category, 1)
		held := make(chan struct{})
		got := make(chan string)
		go func() { got <- answer(tc.category, "new", held) }()
		if tc.want == "\"new\"\n" {
			// The request waits for the computation: it has not answered
			// while the computation is held.
			select {
			case b := <-got:
				t.Fatalf("%s: answered %q while the new answer was being computed", tc.category, b)
			case <-time.After(10 * renderWait):
			}
			close(held)
		} else {
			defer close(held) // the computation ends after the test has its answer
		}
		if b := <-got; b != tc.want {
			t.Errorf("%s: the request after a write got %q, want %q", tc.category, b, tc.want)
		}
	}
}
