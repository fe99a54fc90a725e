package web

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
)

// FuzzFeedFilter parses arbitrary query strings as feed filters: the
// parser either refuses with a 400 or returns values the catalog knows,
// which survive a round trip through the links the pages build; the real
// endpoint never answers 500.
func FuzzFeedFilter(f *testing.F) {
	for _, seed := range []string{
		"", "category=eb2-niw&country=IN&service_center=TSC&filed=2024-03&milestone=approved",
		"country=in&service_center=tsc&milestone=APPROVED", "filed=2024-13", "filed=0000-01", "limit=100", "limit=-1",
		"cursor=" + encodeCursor(store.FeedKey{Date: "2025-06-10", CaseID: "c_AAAAAAAAAAAAAAAAAAAAAAAAAA", Code: "rfe"}),
		"cursor=%00", "category=%ff%fe", "milestone=interview&category=eb1a", "a=b&&;=",
		"premium=upgraded&filing_method=ONLINE&interview_office=nyc&priority_date_current=no", "premium=fast&interview_office=XXX",
	} {
		f.Add(seed)
	}
	cat := catalog.Default()
	e := newEnv(f, storetest.SQLite(f))
	h := e.server.Handler()
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		ff, err := parseFeedFilter(e.server.lang.Default(), cat, q, e.server.now())
		if err != nil {
			var he *httpError
			if !errors.As(err, &he) || he.Status != http.StatusBadRequest {
				t.Fatalf("%q: error %v is not a 400", raw, err)
			}
		} else {
			if ff.Category != "" {
				if _, ok := cat.Category(ff.Category); !ok {
					t.Fatalf("%q: unknown category %q accepted", raw, ff.Category)
				}
			}
			if ff.Limit < 1 || ff.Limit > feedMaxLimit {
				t.Fatalf("%q: limit %d", raw, ff.Limit)
			}
			again, err := parseFeedFilter(e.server.lang.Default(), cat, ff.values(), e.server.now())
			if err != nil {
				t.Fatalf("%q: the filter's own link is refused: %v", raw, err)
			}
			again.After, again.Limit = ff.After, ff.Limit
			if again != ff {
				t.Fatalf("%q: round trip %+v -> %+v", raw, ff, again)
			}
		}
		r := httptest.NewRequest(http.MethodGet, "/api/v1/feed", nil)
		r.URL.RawQuery = q.Encode()
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusOK && w.Code != http.StatusBadRequest {
			t.Fatalf("%q: status %d: %s", raw, w.Code, w.Body.String())
		}
	})
}

// FuzzFeedCursor decodes arbitrary cursors: anything accepted has valid
// parts and encodes back to a cursor that decodes to the same key.
func FuzzFeedCursor(f *testing.F) {
	f.Add(encodeCursor(store.FeedKey{Date: "2025-06-10", CaseID: "c_AAAAAAAAAAAAAAAAAAAAAAAAAA", Code: "rfe"}))
	f.Add(encodeCursor(store.FeedKey{Date: "2025-06", CaseID: "c_ZZZZZZZZZZZZZZZZZZZZZZZZZZ", Code: "rfe_response"}))
	f.Add("MXwyMDI1LTA2fGNfQXwx")
	f.Add("")
	f.Add("!!!")
	cat := catalog.Default()
	f.Fuzz(func(t *testing.T, s string) {
		k, ok := decodeCursor(cat, s)
		if !ok {
			if k != nil {
				t.Fatalf("%q refused but returned %+v", s, k)
			}
			return
		}
		if !validCaseID(k.CaseID) || !knownMilestone(cat, "", k.Code) {
			t.Fatalf("%q accepted with invalid parts %+v", s, k)
		}
		k2, ok := decodeCursor(cat, encodeCursor(*k))
		if !ok || *k2 != *k {
			t.Fatalf("%q: round trip %+v -> %+v", s, k, k2)
		}
	})
}
