package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
)

func TestAPICreateAndRead(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		res := e.postJSON("/api/v1/cases", validSubmission())
		if res.status != http.StatusCreated {
			t.Fatalf("status %d: %s", res.status, res.body)
		}
		var created createdJSON
		res.json(t, &created)
		if !validCaseID(created.ID) || created.URL != "/cases/"+created.ID || !strings.HasPrefix(created.EditKey, "ek_") {
			t.Fatalf("unexpected answer %+v", created)
		}
		if loc := res.header.Get("Location"); loc != created.URL {
			t.Errorf("Location = %q, want %q", loc, created.URL)
		}
		if cc := res.header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("Cache-Control = %q, want no-store", cc)
		}
		if n := e.ix.Len(); n != 1 {
			t.Errorf("index has %d cases after one submission, want 1", n)
		}

		got := e.get("/api/v1/cases/" + created.ID)
		if got.status != http.StatusOK {
			t.Fatalf("GET status %d: %s", got.status, got.body)
		}
		var c map[string]any
		got.json(t, &c)
		want := map[string]any{
			"id": created.ID, "category": "eb2-niw", "country": "IN", "service_center": "TSC",
			"filed": "2024-03", "note": "Premium processing was not used.", "status": "pending", "as_of": "2025-06-20",
		}
		for k, v := range want {
			if c[k] != v {
				t.Errorf("%s = %v, want %v", k, c[k], v)
			}
		}
		if ms := fmt.Sprint(c["milestones"]); ms != "[map[code:received date:2024-03-20] map[code:rfe date:2024-09]]" {
			t.Errorf("milestones = %s", ms)
		}
		for _, leak := range []string{created.EditKey, "edit_key", "owner"} {
			if strings.Contains(got.body, leak) {
				t.Errorf("public view contains %q: %s", leak, got.body)
			}
		}
	})
}

func TestAPIServiceCenterOmittedWhenEmpty(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	sub := validSubmission()
	delete(sub, "service_center")
	created := e.create(sub)
	got := e.get("/api/v1/cases/" + created.ID)
	var c map[string]any
	got.json(t, &c)
	if v, ok := c["service_center"]; ok && v != nil {
		t.Errorf("service_center = %v, want it left out", v)
	}
}

func TestAPIValidation(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(map[string]any)
		field string
		says  string // part of the message, lower case
	}{
		{"missing category", func(s map[string]any) { delete(s, "category") }, "category", ""},
		{"unknown category", func(s map[string]any) { s["category"] = "eb9" }, "category", ""},
		{"missing country", func(s map[string]any) { s["country"] = "" }, "country", ""},
		{"unknown country", func(s map[string]any) { s["country"] = "XX" }, "country", ""},
		{"unknown service center", func(s map[string]any) { s["service_center"] = "ABC" }, "service_center", ""},
		{"missing filing month", func(s map[string]any) { delete(s, "filed") }, "filed", ""},
		{"filing day given", func(s map[string]any) { s["filed"] = "2024-03-05" }, "filed", ""},
		{"filing month in the future", func(s map[string]any) { s["filed"] = "2025-09" }, "filed", ""},
		{"milestone code not in category", func(s map[string]any) {
			s["milestones"] = []map[string]string{{"code": "interview", "date": "2024-05-01"}}
		}, "milestones[0].code", ""},
		{"milestone date malformed", func(s map[string]any) {
			s["milestones"] = []map[string]string{{"code": "received", "date": "20 March 2024"}}
		}, "milestones[0].date", ""},
		{"milestone before filing", func(s map[string]any) {
			s["milestones"] = []map[string]string{{"code": "received", "date": "2023-12-01"}}
		}, "milestones[0].date", ""},
		{"milestone in the future", func(s map[string]any) {
			s["milestones"] = []map[string]string{{"code": "received", "date": "2025-07-01"}}
		}, "milestones[0].date", ""},
		{"two decisions", func(s map[string]any) {
			s["milestones"] = []map[string]string{
				{"code": "received", "date": "2024-03-20"},
				{"code": "approved", "date": "2025-01-10"},
				{"code": "denied", "date": "2025-02-10"},
			}
		}, "milestones[2].code", ""},
		{"note with a receipt number", func(s map[string]any) { s["note"] = "My receipt is EAC2190012345, approved fast" }, "note", "receipt number"},
		{"note with an A-number", func(s map[string]any) { s["note"] = "A-number A123456789 on the notice" }, "note", "a-number"},
		{"note with an email address", func(s map[string]any) { s["note"] = "write me at someone@example.com" }, "note", "email"},
		{"note too long", func(s map[string]any) { s["note"] = strings.Repeat("wait ", 201) }, "note", ""},
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				sub := validSubmission()
				tt.edit(sub)
				res := e.postJSON("/api/v1/cases", sub)
				if res.status != http.StatusUnprocessableEntity {
					t.Fatalf("status %d, want 422: %s", res.status, res.body)
				}
				body := res.apiError(t)
				if body.Error != "validation" || body.Message == "" {
					t.Errorf("error = %q, message = %q", body.Error, body.Message)
				}
				msg, ok := body.Fields[tt.field]
				if !ok || msg == "" {
					t.Fatalf("no message for %q in %v", tt.field, body.Fields)
				}
				if !strings.Contains(strings.ToLower(msg), tt.says) {
					t.Errorf("message %q does not say %q", msg, tt.says)
				}
			})
		}
		if n, err := st.CountCases(context.Background()); err != nil || n != 0 {
			t.Errorf("invalid submissions stored %d cases (err %v)", n, err)
		}
	})
}

func TestAPINoteGuardNamesTheFinding(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	sub := validSubmission()
	sub["note"] = "Approved! Receipt IOE0912345678 for reference."
	res := e.postJSON("/api/v1/cases", sub)
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d: %s", res.status, res.body)
	}
	msg := res.apiError(t).Fields["note"]
	if !strings.Contains(msg, "receipt number") || !strings.Contains(msg, "IOE09") || !strings.Contains(msg, "character") {
		t.Errorf("note message does not say what was found and where: %q", msg)
	}
	if strings.Contains(msg, "IOE0912345678") {
		t.Errorf("note message echoes the whole identifier: %q", msg)
	}
	if strings.Contains(e.logs.String(), "IOE09") {
		t.Errorf("refused note reached the log:\n%s", e.logs.String())
	}
}

func TestAPIEditKeyAuthorization(t *testing.T) {
	type call struct {
		method, path string
		body         any
		ok           int
	}
	calls := map[string]func(id string) call{
		"add milestone": func(id string) call {
			return call{http.MethodPost, "/api/v1/cases/" + id + "/milestones", map[string]string{"code": "rfe_response", "date": "2024-11-02"}, http.StatusOK}
		},
		"confirm": func(id string) call {
			return call{http.MethodPost, "/api/v1/cases/" + id + "/confirm", nil, http.StatusOK}
		},
		"delete": func(id string) call { return call{http.MethodDelete, "/api/v1/cases/" + id, nil, http.StatusNoContent} },
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		for name, mk := range calls {
			t.Run(name, func(t *testing.T) {
				created := e.create(validSubmission())
				other := e.create(validSubmission())
				c := mk(created.ID)
				send := func(headers ...string) response {
					if c.body != nil {
						return e.do(c.method, c.path, strings.NewReader(mustJSON(t, c.body)), append([]string{"Content-Type", "application/json"}, headers...)...)
					}
					return e.do(c.method, c.path, nil, headers...)
				}
				for _, h := range [][]string{nil, {"Authorization", "Bearer " + created.EditKey}, {"Authorization", "EditKey "}} {
					res := send(h...)
					if res.status != http.StatusUnauthorized || res.apiError(t).Error != "unauthorized" {
						t.Errorf("headers %q: status %d, want 401: %s", h, res.status, res.body)
					}
					if res.header.Get("WWW-Authenticate") == "" {
						t.Errorf("headers %q: 401 without WWW-Authenticate", h)
					}
				}
				for _, wrong := range []string{other.EditKey, created.EditKey + "x", "ek_nonsense"} {
					if res := send(editKey(wrong)...); res.status != http.StatusForbidden || res.apiError(t).Error != "forbidden" {
						t.Errorf("wrong key: status %d, want 403: %s", res.status, res.body)
					}
				}
				if res := e.get("/api/v1/cases/" + created.ID); res.status != http.StatusOK || !strings.Contains(res.body, `"as_of":"2025-06-20"`) {
					t.Fatalf("refused requests changed the case: %d %s", res.status, res.body)
				}
				if res := send(editKey(created.EditKey)...); res.status != c.ok {
					t.Fatalf("right key: status %d, want %d: %s", res.status, c.ok, res.body)
				}
			})
		}
	})
}

func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestAPIAddMilestone(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		created := e.create(validSubmission())
		e.clock.Add(10 * 24 * time.Hour)
		path := "/api/v1/cases/" + created.ID + "/milestones"

		bad := []struct {
			in    map[string]string
			field string
		}{
			{map[string]string{"code": "interview", "date": "2024-10-01"}, "code"},
			{map[string]string{"code": "rfe_response", "date": "yesterday"}, "date"},
			{map[string]string{"code": "approved", "date": "2026-01-01"}, "date"},
			{map[string]string{"code": "approved", "date": "2023-01-01"}, "date"},
		}
		for _, b := range bad {
			res := e.postJSON(path, b.in, editKey(created.EditKey)...)
			if res.status != http.StatusUnprocessableEntity || res.apiError(t).Fields[b.field] == "" {
				t.Errorf("%v: status %d, want 422 with field %q: %s", b.in, res.status, b.field, res.body)
			}
		}

		res := e.postJSON(path, map[string]string{"code": "approved", "date": "2025-06-25"}, editKey(created.EditKey)...)
		if res.status != http.StatusOK {
			t.Fatalf("status %d: %s", res.status, res.body)
		}
		var c caseJSON
		res.json(t, &c)
		if c.Status != "approved" || c.AsOf != "2025-06-30" || len(c.Milestones) != 3 || c.Milestones[2].Code != "approved" {
			t.Errorf("after adding a decision: %+v", c)
		}
		stored, err := st.Case(context.Background(), created.ID)
		if err != nil || stored.Status() != "approved" {
			t.Errorf("stored case: %+v, %v", stored, err)
		}

		// A second decision is refused.
		res = e.postJSON(path, map[string]string{"code": "denied", "date": "2025-06-26"}, editKey(created.EditKey)...)
		if res.status != http.StatusUnprocessableEntity {
			t.Errorf("second decision: status %d: %s", res.status, res.body)
		}
	})
}

func TestAPIConfirm(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		created := e.create(validSubmission())
		e.clock.Add(45 * 24 * time.Hour)
		res := e.postJSON("/api/v1/cases/"+created.ID+"/confirm", nil, editKey(created.EditKey)...)
		if res.status != http.StatusOK {
			t.Fatalf("status %d: %s", res.status, res.body)
		}
		var c caseJSON
		res.json(t, &c)
		if c.AsOf != "2025-08-04" || c.Status != "pending" {
			t.Errorf("after confirm: as_of %s status %s, want 2025-08-04 pending", c.AsOf, c.Status)
		}

		sub := validSubmission()
		sub["milestones"] = []map[string]string{{"code": "received", "date": "2024-03-20"}, {"code": "approved", "date": "2025-01"}}
		decided := e.create(sub)
		res = e.postJSON("/api/v1/cases/"+decided.ID+"/confirm", nil, editKey(decided.EditKey)...)
		if res.status != http.StatusUnprocessableEntity || res.apiError(t).Fields["status"] == "" {
			t.Errorf("confirming a decided case: status %d: %s", res.status, res.body)
		}
	})
}

func TestAPIDelete(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		keep := e.create(validSubmission())
		gone := e.create(validSubmission())
		if n := e.ix.Len(); n != 2 {
			t.Fatalf("index has %d cases, want 2", n)
		}
		res := e.do(http.MethodDelete, "/api/v1/cases/"+gone.ID, nil, editKey(gone.EditKey)...)
		if res.status != http.StatusNoContent || res.body != "" {
			t.Fatalf("delete: status %d body %q", res.status, res.body)
		}
		if _, err := st.Case(context.Background(), gone.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("store still has the deleted case: %v", err)
		}
		if _, err := st.EditKeyHash(context.Background(), gone.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("store still has the deleted case's key: %v", err)
		}
		if n := e.ix.Len(); n != 1 {
			t.Errorf("index has %d cases after delete, want 1", n)
		}
		if res := e.get("/api/v1/cases/" + gone.ID); res.status != http.StatusNotFound {
			t.Errorf("GET deleted case: %d", res.status)
		}
		if res := e.do(http.MethodDelete, "/api/v1/cases/"+gone.ID, nil, editKey(gone.EditKey)...); res.status != http.StatusNotFound {
			t.Errorf("second delete: %d, want 404", res.status)
		}
		if res := e.get("/api/v1/cases/" + keep.ID); res.status != http.StatusOK {
			t.Errorf("the other case is gone too: %d", res.status)
		}
	})
}

func TestAPIClientErrors(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		created := e.create(validSubmission())
		valid := mustJSON(t, validSubmission())
		big := `{"category":"eb2-niw","note":"` + strings.Repeat("a", maxBodyBytes) + `"}`
		tests := []struct {
			name    string
			method  string
			path    string
			body    string
			headers []string
			status  int
			code    string
		}{
			{"malformed JSON", "POST", "/api/v1/cases", `{"category": "eb2-niw",`, []string{"Content-Type", "application/json"}, 400, "bad_request"},
			{"not an object", "POST", "/api/v1/cases", `[1,2]`, []string{"Content-Type", "application/json"}, 400, "bad_request"},
			{"wrong type", "POST", "/api/v1/cases", `{"category": 5}`, []string{"Content-Type", "application/json"}, 400, "bad_request"},
			{"unknown field", "POST", "/api/v1/cases", `{"category":"eb2-niw","receipt":"EAC2190012345"}`, []string{"Content-Type", "application/json"}, 400, "bad_request"},
			{"trailing data", "POST", "/api/v1/cases", valid + `{}`, []string{"Content-Type", "application/json"}, 400, "bad_request"},
			{"empty body", "POST", "/api/v1/cases", ``, []string{"Content-Type", "application/json"}, 400, "bad_request"},
			{"no content type", "POST", "/api/v1/cases", valid, nil, 400, "bad_request"},
			{"form content type", "POST", "/api/v1/cases", valid, []string{"Content-Type", "application/x-www-form-urlencoded"}, 400, "bad_request"},
			{"text content type", "POST", "/api/v1/cases", valid, []string{"Content-Type", "text/plain"}, 400, "bad_request"},
			{"too large", "POST", "/api/v1/cases", big, []string{"Content-Type", "application/json"}, 413, "too_large"},
			{"milestone malformed", "POST", "/api/v1/cases/" + created.ID + "/milestones", `{"code":`, append([]string{"Content-Type", "application/json"}, editKey(created.EditKey)...), 400, "bad_request"},
			{"unknown case", "GET", "/api/v1/cases/c_AAAAAAAAAAAAAAAAAAAAAAAAAA", "", nil, 404, "not_found"},
			{"malformed case id", "GET", "/api/v1/cases/1%20OR%201=1", "", nil, 404, "not_found"},
			{"lower-case case id", "GET", "/api/v1/cases/" + strings.ToLower(created.ID), "", nil, 404, "not_found"},
			{"unknown case edit", "POST", "/api/v1/cases/c_AAAAAAAAAAAAAAAAAAAAAAAAAA/confirm", "", editKey(created.EditKey), 404, "not_found"},
			{"unknown api path", "GET", "/api/v1/nothing", "", nil, 404, "not_found"},
			{"unknown api version", "POST", "/api/v2/cases", valid, []string{"Content-Type", "application/json"}, 404, "not_found"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res := e.do(tt.method, tt.path, strings.NewReader(tt.body), tt.headers...)
				if res.status != tt.status {
					t.Fatalf("status %d, want %d: %.300s", res.status, tt.status, res.body)
				}
				if ct := res.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
					t.Errorf("Content-Type %q, want JSON", ct)
				}
				body := res.apiError(t)
				if body.Error != tt.code || body.Message == "" {
					t.Errorf("error %q message %q, want code %q", body.Error, body.Message, tt.code)
				}
			})
		}
	})
}

func TestAPITooLargeWithoutContentLength(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	// A body of unknown length is cut off by the reader, not the header check.
	body := &chunkedReader{data: []byte(`{"note":"` + strings.Repeat("b", 2*maxBodyBytes) + `"}`)}
	res := e.do(http.MethodPost, "/api/v1/cases", body, "Content-Type", "application/json")
	if res.status != http.StatusRequestEntityTooLarge {
		t.Fatalf("status %d, want 413: %.200s", res.status, res.body)
	}
}

// chunkedReader hides its length from net/http, forcing chunked encoding.
type chunkedReader struct{ data []byte }

func (r *chunkedReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

func TestAPICatalog(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	res := e.get("/api/v1/catalog")
	if res.status != http.StatusOK {
		t.Fatalf("status %d", res.status)
	}
	var c struct {
		Categories []struct {
			Code       string `json:"code"`
			Name       string `json:"name"`
			Form       string `json:"form"`
			Milestones []struct {
				Code     string `json:"code"`
				Name     string `json:"name"`
				Terminal bool   `json:"terminal"`
				Outcome  string `json:"outcome"`
			} `json:"milestones"`
		} `json:"categories"`
		ServiceCenters []struct{ Code, Name string } `json:"service_centers"`
		Countries      []struct{ Code, Name string } `json:"countries"`
	}
	res.json(t, &c)
	if len(c.Categories) < 20 || len(c.ServiceCenters) != 7 || len(c.Countries) < 240 {
		t.Fatalf("catalog sizes: %d categories, %d centers, %d countries", len(c.Categories), len(c.ServiceCenters), len(c.Countries))
	}
	for _, cat := range c.Categories {
		if cat.Code == "eb2-niw" && (cat.Form != "I-140" || cat.Name != "EB-2 National Interest Waiver") {
			t.Errorf("eb2-niw = %+v", cat)
		}
		outcomes := map[string]string{}
		for _, m := range cat.Milestones {
			if m.Terminal {
				outcomes[m.Code] = m.Outcome
			}
		}
		if outcomes["approved"] != "approved" || outcomes["denied"] != "denied" {
			t.Errorf("%s: terminal milestones %v", cat.Code, outcomes)
		}
	}
}
