package web

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
)

// from is the header of a request forwarded for addr by the trusted proxy.
func from(addr string, more ...string) []string {
	return append([]string{"X-Forwarded-For", "10.0.0.1, " + addr}, more...)
}

// TestUpdateAndReportLimits checks the per-client limits on milestone
// updates and confirmations and on reports: ten in the hour pass, the
// eleventh is refused with 429 and Retry-After, another client is not
// affected, and the allowance comes back with time.
func TestUpdateAndReportLimits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, func(c *Config) { c.UpdateRate = 10; c.ReportRate = 10; c.TrustProxy = true })
		created := e.create(validSubmission())
		key := editKey(created.EditKey)
		confirm := func(addr string) response {
			return e.postJSON("/api/v1/cases/"+created.ID+"/confirm", nil, from(addr, key...)...)
		}
		report := func(addr string) response {
			return e.postJSON("/api/v1/cases/"+created.ID+"/reports", map[string]string{"reason": "spam"}, from(addr)...)
		}
		for name, send := range map[string]func(string) response{"update": confirm, "report": report} {
			t.Run(name, func(t *testing.T) {
				for i := range 10 {
					if res := send("203.0.113.5"); res.status >= 300 {
						t.Fatalf("request %d refused: %d %s", i+1, res.status, res.body)
					}
				}
				res := send("203.0.113.5")
				if res.status != http.StatusTooManyRequests || res.apiError(t).Error != "rate_limited" {
					t.Fatalf("11th request: %d %s", res.status, res.body)
				}
				if retry, err := strconv.Atoi(res.header.Get("Retry-After")); err != nil || retry < 1 || retry > 3600 {
					t.Errorf("Retry-After %q", res.header.Get("Retry-After"))
				}
				if res := send("203.0.113.6"); res.status >= 300 {
					t.Errorf("another client refused: %d", res.status)
				}
			})
		}
		// A milestone through the form counts as an update too.
		res := e.postForm("/cases/"+created.ID+"/milestones", url.Values{"edit_key": {created.EditKey}, "code": {"rfe_response"}, "date": {"2024-10"}}, from("203.0.113.5")...)
		if res.status != http.StatusTooManyRequests || res.header.Get("Retry-After") == "" {
			t.Errorf("form update over the limit: %d", res.status)
		}
		res = e.postForm("/cases/"+created.ID+"/report", url.Values{"reason": {"spam"}}, from("203.0.113.5")...)
		if res.status != http.StatusTooManyRequests {
			t.Errorf("form report over the limit: %d", res.status)
		}
		// Refused changes give the allowance back.
		e.clock.Add(time.Hour)
		bad := e.postJSON("/api/v1/cases/"+created.ID+"/milestones", map[string]string{"code": "teleport", "date": "2025-01"}, from("203.0.113.9", key...)...)
		mustStatus(t, bad, http.StatusUnprocessableEntity)
		for range 10 {
			mustStatus(t, confirm("203.0.113.9"), http.StatusOK)
		}
	})
}

// TestHoneypot checks the invisible field of the submit form: it is there
// for bots, hidden from people without an inline style, and a submission
// that fills it in is refused with a clear message and stores nothing.
func TestHoneypot(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		page := e.get("/submit").body
		i := strings.Index(page, `name="website"`)
		if i < 0 {
			t.Fatal("the submit form has no honeypot field")
		}
		field := page[strings.LastIndex(page[:i], "<input"):]
		field = field[:strings.Index(field, ">")+1]
		for _, want := range []string{`tabindex="-1"`, `autocomplete="off"`, `value=""`} {
			if !strings.Contains(field, want) {
				t.Errorf("honeypot %s lacks %s", field, want)
			}
		}
		if !strings.Contains(page, `<div class="hp" aria-hidden="true">`) || !strings.Contains(page, "Leave this field empty") {
			t.Error("the honeypot is not in its hiding container with a label for people")
		}
		if strings.Contains(page, "style=") {
			t.Error("the submit page uses an inline style, which the CSP forbids")
		}
		cssURL, err := e.server.assets.url("style.css")
		if err != nil {
			t.Fatal(err)
		}
		css := e.get(cssURL).body
		if !strings.Contains(css, ".hp {") || !strings.Contains(css, "inset-inline-start: -10000px") {
			t.Error("style.css does not hide the honeypot")
		}

		form := validForm()
		form.Set("website", "http://spam.example")
		res := e.postForm("/submit", form)
		if res.status != http.StatusBadRequest || !strings.Contains(res.body, "Leave this field empty") {
			t.Errorf("filled honeypot: %d", res.status)
		}
		if n, _ := st.CountCases(t.Context()); n != 0 {
			t.Errorf("%d cases stored from a filled honeypot", n)
		}
		form.Set("website", "")
		if res := e.postForm("/submit", form); res.status != http.StatusCreated {
			t.Errorf("empty honeypot: %d", res.status)
		}
	})
}

// TestSubmissionFlood floods the submission endpoint from one address:
// the limit refuses most of it, the burst check holds back what got
// through but the first copy, another address still submits, and the
// statistics are what they were plus the legitimate case and that first
// copy.
func TestSubmissionFlood(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, func(c *Config) { c.WriteRate = 10; c.TrustProxy = true })
		for i := range 6 {
			e.create(variedSubmission(i), from(fmt.Sprintf("192.0.2.%d", i+1))...)
		}
		before := e.statsCases("category=eb2-niw")
		if before != 6 {
			t.Fatalf("stats before the flood: %d, want 6", before)
		}
		accepted, refused := 0, 0
		for range 60 {
			res := e.postJSON("/api/v1/cases", validSubmission(), from("203.0.113.66")...)
			switch res.status {
			case http.StatusCreated:
				accepted++
			case http.StatusTooManyRequests:
				refused++
			default:
				t.Fatalf("flood request: %d %s", res.status, res.body)
			}
		}
		if accepted != 10 || refused != 50 {
			t.Errorf("flood: %d accepted, %d refused; want 10 and 50", accepted, refused)
		}
		legit := variedSubmission(20)
		legit["country"] = "MX"
		e.create(legit, from("198.51.100.23")...)
		// The first of the flood's identical copies cannot be told from
		// a genuine timeline that others copied, so it counts; the burst
		// check holds back the rest.
		after := before + 1 + 1
		if n := e.statsCases("category=eb2-niw"); n != after {
			t.Errorf("stats after the flood: %d cases, want %d", n, after)
		}
		if n := e.statsCases("category=eb2-niw&country=MX"); n != -1 {
			// One case is under k: suppressed, as before.
			t.Errorf("MX group: %d", n)
		}
		if got := len(e.getFeed("category=eb2-niw&limit=100").Items); got != 2*after {
			t.Errorf("feed after the flood has %d items, want %d", got, 2*after)
		}
	})
}

// TestMetrics parses /metrics and checks the counters move with what the
// server did.
func TestMetrics(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		for i := range 3 {
			e.create(variedSubmission(i))
		}
		bad := validSubmission()
		bad["filed"] = "nope"
		e.postJSON("/api/v1/cases", bad)
		for range 2 {
			mustStatus(t, e.get("/feed?category=eb2-niw"), http.StatusOK)
		}
		e.get("/feed?category=nope")
		id := e.create(variedSubmission(9)).ID
		mustStatus(t, e.postJSON("/api/v1/cases/"+id+"/reports", map[string]string{"reason": "spam"}), http.StatusAccepted)
		mustStatus(t, e.moderate(id, "hide", "spam"), http.StatusSeeOther)
		e.server.ObserveIndexRefresh(3 * time.Millisecond)

		// The site does not serve the metrics; MetricsHandler does, on a
		// listener of its own.
		mustStatus(t, e.get("/metrics"), http.StatusNotFound)
		ms := httptest.NewServer(e.server.MetricsHandler())
		defer ms.Close()
		hres, err := http.Get(ms.URL + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(hres.Body)
		hres.Body.Close()
		if err != nil || hres.StatusCode != http.StatusOK {
			t.Fatalf("metrics listener: %d %v", hres.StatusCode, err)
		}
		res := response{status: hres.StatusCode, header: hres.Header, body: string(body)}
		parser := expfmt.NewTextParser(model.UTF8Validation)
		families, err := parser.TextToMetricFamilies(strings.NewReader(res.body))
		if err != nil {
			t.Fatalf("parse /metrics: %v", err)
		}
		value := func(name string, labels map[string]string) float64 {
			t.Helper()
			mf, ok := families[name]
			if !ok {
				t.Fatalf("no metric %s", name)
			}
			for _, m := range mf.GetMetric() {
				match := true
				for k, v := range labels {
					found := false
					for _, lp := range m.GetLabel() {
						found = found || (lp.GetName() == k && lp.GetValue() == v)
					}
					match = match && found
				}
				if !match {
					continue
				}
				switch {
				case m.Counter != nil:
					return m.GetCounter().GetValue()
				case m.Gauge != nil:
					return m.GetGauge().GetValue()
				case m.Histogram != nil:
					return float64(m.GetHistogram().GetSampleCount())
				}
			}
			t.Fatalf("no %s sample with %v", name, labels)
			return 0
		}
		for _, c := range []struct {
			name   string
			labels map[string]string
			want   float64
		}{
			{"casetrack_http_requests_total", map[string]string{"method": "GET", "route": "GET /feed", "status": "200"}, 2},
			{"casetrack_http_requests_total", map[string]string{"method": "GET", "route": "GET /feed", "status": "400"}, 1},
			{"casetrack_http_requests_total", map[string]string{"method": "POST", "route": "POST /api/v1/cases", "status": "201"}, 4},
			{"casetrack_http_request_duration_seconds", map[string]string{"method": "GET", "route": "GET /feed"}, 3},
			{"casetrack_submissions_total", map[string]string{"result": "created"}, 4},
			{"casetrack_submissions_total", map[string]string{"result": "invalid"}, 1},
			{"casetrack_submissions_total", map[string]string{"result": "honeypot"}, 0},
			{"casetrack_reports_total", nil, 1},
			{"casetrack_moderation_actions_total", map[string]string{"action": "hide"}, 1},
			{"casetrack_stats_index_cases", nil, float64(e.ix.Len())},
			{"casetrack_stats_index_refresh_seconds", nil, 1},
		} {
			if got := value(c.name, c.labels); got != c.want {
				t.Errorf("%s%v = %v, want %v", c.name, c.labels, got, c.want)
			}
		}
		if e.ix.Len() != 3 {
			t.Errorf("index holds %d cases, want 3", e.ix.Len())
		}
		if mf := families["casetrack_http_requests_total"]; mf.GetType().String() != "COUNTER" {
			t.Errorf("requests type %v", mf.GetType())
		}
		// No label carries a path, a case id or an address.
		for name, mf := range families {
			for _, m := range mf.GetMetric() {
				for _, lp := range m.GetLabel() {
					if strings.Contains(lp.GetValue(), "c_") && strings.Contains(lp.GetValue(), id) || strings.Contains(lp.GetValue(), "127.0.0.1") {
						t.Errorf("%s label %s=%q", name, lp.GetName(), lp.GetValue())
					}
				}
			}
		}
	})
}

// TestAccessLogKeepsNoContent checks that the access log carries method,
// route template, status and duration, and nothing typed into a form, no
// address, no case id and no query string.
func TestAccessLogKeepsNoContent(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t), func(c *Config) { c.TrustProxy = true })
	const note, addr = "ZebraCanary note text", "198.51.100.99"
	form := validForm()
	form.Set("note", note)
	id, key := e.submitForm(form, from(addr)...)
	e.postForm("/cases/"+id+"/report", url.Values{"reason": {"offensive"}}, from(addr)...)
	e.get("/feed?country=IN&filed=2024-03", from(addr)...)
	e.get("/cases/"+id, from(addr)...)
	e.moderate(id, "hide", "spam") // a moderator's reason may be logged; a reader's may not
	logs := e.logs.String()
	for _, want := range []string{`route="POST /submit"`, `route="GET /feed"`, `route="GET /cases/{id}"`, `route="POST /cases/{id}/report"`, `route="POST /admin/cases/{id}"`, "status=201", "status=303", "duration="} {
		if !strings.Contains(logs, want) {
			t.Errorf("access log lacks %s:\n%s", want, logs)
		}
	}
	for _, bad := range []string{note, "ZebraCanary", addr, id, key, "filed=2024-03", "country=IN", "offensive", "X-Forwarded-For"} {
		if strings.Contains(logs, bad) {
			t.Errorf("access log contains %q", bad)
		}
	}
}
