package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/casetrack/casetrack/internal/auth"
	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/stats"
	"github.com/casetrack/casetrack/internal/store"
)

// testStart is the fixed "now" of the tests, with a time of day so tests
// can check that no time of day is stored.
var testStart = time.Date(2025, 6, 20, 15, 4, 5, 0, time.UTC)

// testClock is a settable clock.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// syncBuffer collects log output from concurrent handlers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// testEnv is a real HTTP server over a real store.
type testEnv struct {
	t      testing.TB
	srv    *httptest.Server
	server *Server
	st     *store.Store
	ix     *stats.Index
	clock  *testClock
	logs   *syncBuffer
	client *http.Client
	// admin is the session of the administrator adminHeaders signs in.
	admin []string
}

// newEnv starts the real handler on an httptest server. The write limit is
// off unless a test turns it on.
func newEnv(t testing.TB, st *store.Store, mods ...func(*Config)) *testEnv {
	t.Helper()
	return newEnvOn(t, st, httptest.NewUnstartedServer(nil), mods...)
}

// newEnvOn is newEnv on a test server that is not started yet, whose
// address (srv.Listener) a test may need before the handler exists.
func newEnvOn(t testing.TB, st *store.Store, srv *httptest.Server, mods ...func(*Config)) *testEnv {
	t.Helper()
	t.Cleanup(srv.Close)
	clock := &testClock{t: testStart}
	logs := &syncBuffer{}
	cat := catalog.Default()
	cfg := Config{
		Store:    st,
		Catalog:  cat,
		Index:    stats.NewIndex(cat),
		MinCases: 5,
		Contact:  "privacy@casetrack.test",
		// bcrypt's minimum cost keeps sign-up and sign-in tests fast.
		PasswordCost: bcrypt.MinCost,
		Now:          clock.Now,
		Logger:       slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	for _, m := range mods {
		m(&cfg)
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	srv.Config.Handler = s.Handler()
	srv.Start()
	client := srv.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &testEnv{t: t, srv: srv, server: s, st: st, ix: cfg.Index, clock: clock, logs: logs, client: client}
}

// response is a read response.
type response struct {
	status int
	header http.Header
	body   string
}

// json decodes the body into v.
func (r response) json(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.body), v); err != nil {
		t.Fatalf("decode %q: %v", r.body, err)
	}
}

// apiError decodes an API error body.
func (r response) apiError(t testing.TB) errorBody {
	t.Helper()
	var e errorBody
	r.json(t, &e)
	return e
}

// do sends a request; headers are name, value pairs.
func (e *testEnv) do(method, path string, body io.Reader, headers ...string) response {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := e.client.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return response{status: res.StatusCode, header: res.Header, body: string(b)}
}

func (e *testEnv) get(path string, headers ...string) response {
	e.t.Helper()
	return e.do(http.MethodGet, path, nil, headers...)
}

// postJSON sends v (a string is sent as is) as application/json.
func (e *testEnv) postJSON(path string, v any, headers ...string) response {
	e.t.Helper()
	var body []byte
	switch v := v.(type) {
	case string:
		body = []byte(v)
	case nil:
	default:
		var err error
		if body, err = json.Marshal(v); err != nil {
			e.t.Fatal(err)
		}
	}
	return e.do(http.MethodPost, path, bytes.NewReader(body), append([]string{"Content-Type", "application/json"}, headers...)...)
}

// postForm sends a urlencoded form.
func (e *testEnv) postForm(path string, form url.Values, headers ...string) response {
	e.t.Helper()
	return e.do(http.MethodPost, path, strings.NewReader(form.Encode()),
		append([]string{"Content-Type", "application/x-www-form-urlencoded"}, headers...)...)
}

// validSubmission is a submission that passes validation at testStart.
func validSubmission() map[string]any {
	return map[string]any{
		"category":       "eb2-niw",
		"country":        "IN",
		"service_center": "TSC",
		"filed":          "2024-03",
		"milestones": []map[string]string{
			{"code": "received", "date": "2024-03-20"},
			{"code": "rfe", "date": "2024-09"},
		},
		"note": "Premium processing was not used.",
	}
}

// create submits a valid case through the API and returns the answer.
func (e *testEnv) create(sub map[string]any, headers ...string) createdJSON {
	e.t.Helper()
	res := e.postJSON("/api/v1/cases", sub, headers...)
	if res.status != http.StatusCreated {
		e.t.Fatalf("create: status %d: %s", res.status, res.body)
	}
	var c createdJSON
	res.json(e.t, &c)
	return c
}

// editKey is the Authorization header of an edit key.
func editKey(key string) []string { return []string{"Authorization", "EditKey " + key} }

// validForm is the submit form of validSubmission.
func validForm() url.Values {
	return url.Values{
		"category":              {"eb2-niw"},
		"country":               {"IN"},
		"service_center":        {"TSC"},
		"filed":                 {"2024-03"},
		"milestones[0].code":    {"received"},
		"milestones[0].date":    {"2024-03-20"},
		"milestones[2].code":    {"rfe"},
		"milestones[2].date":    {"2024-09"},
		"note":                  {"Premium processing was not used."},
		"milestones[1].code":    {""},
		"milestones[1].date":    {""},
		"milestones[7].date":    {" "},
		"unrelated_extra_field": {"ignored"},
	}
}

// variedSubmission is validSubmission with the receipt on day i+1 of the
// filing month, so that many of them are not a burst of identical copies
// (which the quality checks flag).
func variedSubmission(i int) map[string]any {
	sub := validSubmission()
	sub["milestones"] = []map[string]string{
		{"code": "received", "date": fmt.Sprintf("2024-03-%02d", i%28+1)},
		{"code": "rfe", "date": "2024-09"},
	}
	return sub
}

// testAdminEmail is the administrator adminHeaders signs in.
const testAdminEmail = "moderator@example.org"

// adminHeaders are the request headers of a signed-in administrator: on
// first use it signs up an account, grants it the admin role through the
// store (as `casetrack admin grant` does) and signs it in. It is the one
// way tests reach the moderation pages.
func (e *testEnv) adminHeaders() []string {
	e.t.Helper()
	if e.admin == nil {
		e.signup(testAdminEmail, testPassword, "")
		if err := e.st.SetRole(context.Background(), testAdminEmail, auth.RoleAdmin); err != nil {
			e.t.Fatalf("grant admin: %v", err)
		}
		e.admin = e.signin(testAdminEmail, testPassword)
	}
	return e.admin
}

// adminID is the account id of the administrator adminHeaders signs in.
func (e *testEnv) adminID() string {
	e.t.Helper()
	e.adminHeaders()
	a, err := e.st.AccountByEmail(context.Background(), testAdminEmail)
	if err != nil {
		e.t.Fatalf("read the administrator's account: %v", err)
	}
	return a.ID
}

// eventually waits until cond holds, for what a cached page may show a
// rendering later than the write that changed it (renderWait): a new or
// restored case. It fails the test if cond still does not hold after a
// minute, far longer than rendering a test's few cases takes.
func (e *testEnv) eventually(what string, cond func() bool) {
	e.t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			e.t.Errorf("%s, still after a minute", what)
			return
		}
		time.Sleep(2 * time.Millisecond)
	}
}
