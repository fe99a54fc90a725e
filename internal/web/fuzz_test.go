package web

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/casetrack/casetrack/internal/store/storetest"
)

// FuzzSubmitJSON sends arbitrary bodies to the JSON submit endpoint: bad
// input must never produce a server error (API.md "Never 500 for bad input").
func FuzzSubmitJSON(f *testing.F) {
	for _, seed := range []string{
		mustJSON(f, validSubmission()),
		`{"category":"k1","country":"mx","filed":"2024-01","milestones":[{"code":"approved","date":"2023-01"}]}`,
		`{"category":"eb2-niw","country":"IN","filed":"2024-03","note":"EAC2190012345"}`,
		`{"category":"eb2-niw","country":"IN","filed":"9999-99","milestones":[{"code":"received","date":"2024-02-31"}]}`,
		`{"category":"` + "\u0000" + `","filed":"-001-01"}`,
		`{"milestones":null,"note":null}`,
		`{"note":"\ud800"}`,
		`[]`, `null`, `{`, `"x"`, ``,
	} {
		f.Add([]byte(seed))
	}
	e := newEnv(f, storetest.SQLite(f))
	h := e.server.Handler()
	f.Fuzz(func(t *testing.T, body []byte) {
		r := httptest.NewRequest(http.MethodPost, "/api/v1/cases", bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code >= 500 {
			t.Fatalf("status %d for %q: %s", w.Code, body, w.Body.String())
		}
		switch w.Code {
		case http.StatusCreated, http.StatusBadRequest, http.StatusUnprocessableEntity, http.StatusRequestEntityTooLarge:
		default:
			t.Fatalf("unexpected status %d for %q", w.Code, body)
		}
	})
}
