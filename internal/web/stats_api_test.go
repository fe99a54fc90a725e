package web

import (
	"encoding/json"
	"math"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
)

// statsJSON is the /api/v1/stats answer as a client reads it; pointers
// tell a null from a zero.
type statsJSON struct {
	Filter       map[string]string `json:"filter"`
	Cases        *int              `json:"cases"`
	Decided      *int              `json:"decided"`
	Pending      *int              `json:"pending"`
	Approved     *int              `json:"approved"`
	Denied       *int              `json:"denied"`
	RFE          *int              `json:"rfe"`
	ApprovalRate *float64          `json:"approval_rate"`
	RFERate      *float64          `json:"rfe_rate"`
	Decision     *struct {
		Median             *int   `json:"median"`
		MedianCI           []*int `json:"median_ci"`
		P25                *int   `json:"p25"`
		P75                *int   `json:"p75"`
		P90                *int   `json:"p90"`
		NaiveMedianDecided *int   `json:"naive_median_decided"`
		Survival           []struct {
			T      int     `json:"t"`
			S      float64 `json:"s"`
			AtRisk int     `json:"at_risk"`
		} `json:"survival"`
	} `json:"decision"`
	Milestones []struct {
		Code      string `json:"code"`
		Reached   int    `json:"reached"`
		Incidence []struct {
			Months int        `json:"months"`
			Days   int        `json:"days"`
			Share  float64    `json:"share"`
			CI     [2]float64 `json:"ci"`
		} `json:"incidence"`
		Eventually *struct {
			Days  int     `json:"days"`
			Share float64 `json:"share"`
		} `json:"eventually"`
		AmongReached struct {
			P25    *int `json:"p25"`
			Median *int `json:"median"`
			P75    *int `json:"p75"`
		} `json:"among_reached"`
	} `json:"milestones"`
	Suppressed bool `json:"suppressed"`
}

// intIs reports whether an optional int is set to want.
func intIs(p *int, want int) bool { return p != nil && *p == want }

func TestAPIStatsKnownGroup(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		submitFixture(e)

		res := e.get("/api/v1/stats?category=eb1a")
		mustStatus(t, res, http.StatusOK)
		if ct := res.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("Content-Type %q", ct)
		}
		var got statsJSON
		res.json(t, &got)

		// Counts (see explore_fixture_test.go for the hand computation).
		if got.Suppressed {
			t.Fatal("suppressed with 6 cases and k = 5")
		}
		if got.Filter["category"] != "eb1a" || len(got.Filter) != 1 {
			t.Errorf("filter = %v", got.Filter)
		}
		for name, c := range map[string]struct {
			got  *int
			want int
		}{
			"cases": {got.Cases, 6}, "decided": {got.Decided, 5}, "pending": {got.Pending, 1},
			"approved": {got.Approved, 4}, "denied": {got.Denied, 1}, "rfe": {got.RFE, 2},
		} {
			if !intIs(c.got, c.want) {
				t.Errorf("%s = %v, want %d", name, c.got, c.want)
			}
		}
		if got.ApprovalRate == nil || *got.ApprovalRate != 0.8 {
			t.Errorf("approval_rate = %v, want 0.8", got.ApprovalRate)
		}
		if got.RFERate == nil || *got.RFERate != 0.3333 {
			t.Errorf("rfe_rate = %v, want 0.3333", got.RFERate)
		}

		d := got.Decision
		if d == nil {
			t.Fatal("no decision block")
		}
		if !intIs(d.Median, 152) || !intIs(d.P25, 152) || !intIs(d.P75, 411) || d.P90 != nil {
			t.Errorf("quantiles median %v p25 %v p75 %v p90 %v, want 152 152 411 null", d.Median, d.P25, d.P75, d.P90)
		}
		if len(d.MedianCI) != 2 || !intIs(d.MedianCI[0], 152) || d.MedianCI[1] != nil {
			t.Errorf("median_ci = %v, want [152, null]", d.MedianCI)
		}
		if !intIs(d.NaiveMedianDecided, 152) {
			t.Errorf("naive_median_decided = %v, want 152", d.NaiveMedianDecided)
		}
		wantCurve := []struct {
			t      int
			s      float64
			atRisk int
		}{{91, 0.8333, 6}, {152, 0.5, 5}, {274, 0.3333, 3}, {411, 0.1667, 2}}
		if len(d.Survival) != len(wantCurve) {
			t.Fatalf("survival has %d points, want %d: %+v", len(d.Survival), len(wantCurve), d.Survival)
		}
		for i, w := range wantCurve {
			p := d.Survival[i]
			if p.T != w.t || math.Abs(p.S-w.s) > 1e-9 || p.AtRisk != w.atRisk {
				t.Errorf("survival[%d] = %+v, want t=%d s=%v at_risk=%d", i, p, w.t, w.s, w.atRisk)
			}
		}

		found := false
		for _, m := range got.Milestones {
			if m.Code != "rfe" {
				continue
			}
			found = true
			if m.Reached != 2 || len(m.Incidence) != 3 {
				t.Fatalf("rfe milestone = %+v, want 2 reached and 3, 6 and 12 months", m)
			}
			want := []struct {
				months, days  int
				share, lo, hi float64
			}{{3, 91, 0.1667, 0.0278, 0.9974}, {6, 183, 0.3333, 0.1075, 1}, {12, 365, 0.3333, 0.1075, 1}}
			for i, w := range want {
				p := m.Incidence[i]
				if p.Months != w.months || p.Days != w.days || p.Share != w.share || p.CI != [2]float64{w.lo, w.hi} {
					t.Errorf("rfe incidence %d = %+v, want %+v", i, p, w)
				}
			}
			if m.Eventually == nil || m.Eventually.Days != 411 || m.Eventually.Share != 0.3333 {
				t.Errorf("rfe eventually = %+v, want 0.3333 by day 411", m.Eventually)
			}
			if a := m.AmongReached; !intIs(a.P25, 60) || !intIs(a.Median, 60) || !intIs(a.P75, 121) {
				t.Errorf("rfe among those who got one = %v %v %v, want 60 60 121", a.P25, a.Median, a.P75)
			}
		}
		if !found {
			t.Errorf("no rfe entry in milestones %+v", got.Milestones)
		}
	})
}

func TestAPIStatsFilters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		submitFixture(e)

		// Country IN (lower case accepted): cases 1–5.
		var in statsJSON
		res := e.get("/api/v1/stats?category=EB1A&country=in")
		mustStatus(t, res, http.StatusOK)
		res.json(t, &in)
		if in.Suppressed || !intIs(in.Cases, 5) || !intIs(in.Decision.Median, 152) || *in.ApprovalRate != 0.75 {
			t.Errorf("IN group: %+v", in)
		}
		if in.Filter["country"] != "IN" || in.Filter["category"] != "eb1a" {
			t.Errorf("filter echoed as %v", in.Filter)
		}

		// Country CN: one case, below k = 5. No number at all.
		res = e.get("/api/v1/stats?category=eb1a&country=CN")
		mustStatus(t, res, http.StatusOK)
		assertSuppressedJSON(t, res.body)

		// Filing range that excludes every case: zero cases, suppressed.
		res = e.get("/api/v1/stats?category=eb1a&filed_from=2024-02&filed_to=2024-12")
		mustStatus(t, res, http.StatusOK)
		assertSuppressedJSON(t, res.body)

		// Filing range that includes the fixture, and a service center.
		var tsc statsJSON
		res = e.get("/api/v1/stats?category=eb1a&filed_from=2023-12&filed_to=2024-01&service_center=tsc")
		mustStatus(t, res, http.StatusOK)
		res.json(t, &tsc)
		// TSC holds cases 1–4 only: 4 < k.
		if !tsc.Suppressed {
			t.Errorf("TSC group (4 cases) not suppressed: %s", res.body)
		}
	})
}

// assertSuppressedJSON checks that a suppressed answer carries no number
// apart from the configured k and the fixed bin width.
func assertSuppressedJSON(t *testing.T, body string) {
	t.Helper()
	var raw map[string]any
	if err := json.Unmarshal([]byte(body), &raw); err != nil {
		t.Fatal(err)
	}
	if raw["suppressed"] != true {
		t.Errorf("not suppressed: %s", body)
	}
	for k, v := range raw {
		switch k {
		case "filter", "suppressed", "min_cases", "by", "bin_days":
			continue
		case "as_of":
			// The day of the answer, which every answer says.
			continue
		case "headline":
			// The headline describes the category, country and center
			// over every filing month: it is checked on its own.
			if h, ok := v.(map[string]any); ok && h["suppressed"] == true && h["median"] != nil {
				t.Errorf("suppressed headline carries a median: %v", h)
			}
			continue
		}
		switch v := v.(type) {
		case nil:
		case []any:
			if len(v) != 0 {
				t.Errorf("%s carries %v in a suppressed answer", k, v)
			}
		default:
			t.Errorf("%s = %v in a suppressed answer", k, v)
		}
	}
}

func TestAPIStatsValidation(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	tests := []struct {
		query  string
		fields []string
	}{
		{"", []string{"category"}},
		{"?category=", []string{"category"}},
		{"?category=eb9", []string{"category"}},
		{"?category=eb1a&country=XX", []string{"country"}},
		{"?category=eb1a&country=India", []string{"country"}},
		{"?category=eb1a&service_center=ABC", []string{"service_center"}},
		{"?category=eb1a&filed_from=2024-13", []string{"filed_from"}},
		{"?category=eb1a&filed_to=2024", []string{"filed_to"}},
		{"?category=eb1a&filed_from=2024-06&filed_to=2024-01", []string{"filed_to"}},
		{"?country=XX&filed_from=x", []string{"category", "country", "filed_from"}},
	}
	for _, path := range []string{"/api/v1/stats", "/api/v1/stats/histogram", "/api/v1/stats/trend", "/api/v1/stats/breakdown"} {
		for _, tt := range tests {
			q := tt.query
			if strings.HasSuffix(path, "breakdown") {
				if q == "" {
					q = "?dimension=country"
				} else {
					q += "&dimension=country"
				}
			}
			res := e.get(path + q)
			if res.status != http.StatusUnprocessableEntity {
				t.Errorf("%s%s: status %d, want 422", path, q, res.status)
				continue
			}
			body := res.apiError(t)
			if body.Error != "validation" || body.Message == "" {
				t.Errorf("%s%s: error body %+v", path, q, body)
			}
			if len(body.Fields) != len(tt.fields) {
				t.Errorf("%s%s: fields %v, want %v", path, q, body.Fields, tt.fields)
			}
			for _, f := range tt.fields {
				if body.Fields[f] == "" {
					t.Errorf("%s%s: no message for %s in %v", path, q, f, body.Fields)
				}
			}
		}
	}
	for _, q := range []string{"?category=eb1a", "?category=eb1a&dimension=planet"} {
		res := e.get("/api/v1/stats/breakdown" + q)
		mustStatus(t, res, http.StatusUnprocessableEntity)
		if res.apiError(t).Fields["dimension"] == "" {
			t.Errorf("%s: no dimension message: %s", q, res.body)
		}
	}
}

func TestAPIBreakdownHistogramTrend(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		submitFixture(e)

		type rowJSON struct {
			Key          string   `json:"key"`
			Label        string   `json:"label"`
			Cases        *int     `json:"cases"`
			Median       *int     `json:"median"`
			MedianCI     []*int   `json:"median_ci"`
			ApprovalRate *float64 `json:"approval_rate"`
			Suppressed   bool     `json:"suppressed"`
		}
		var b struct {
			By         string    `json:"by"`
			Rows       []rowJSON `json:"rows"`
			Suppressed bool      `json:"suppressed"`
		}
		res := e.get("/api/v1/stats/breakdown?dimension=country&category=eb1a")
		mustStatus(t, res, http.StatusOK)
		res.json(t, &b)
		if b.By != "country" || b.Suppressed || len(b.Rows) != 2 {
			t.Fatalf("breakdown: %s", res.body)
		}
		in, cn := b.Rows[0], b.Rows[1]
		if in.Key != "IN" || in.Suppressed || !intIs(in.Cases, 5) || !intIs(in.Median, 152) ||
			in.ApprovalRate == nil || *in.ApprovalRate != 0.75 || len(in.MedianCI) != 2 || !intIs(in.MedianCI[0], 152) || in.MedianCI[1] != nil {
			t.Errorf("IN row: %+v", in)
		}
		if cn.Key != "CN" || !cn.Suppressed || cn.Cases != nil || cn.Median != nil || cn.ApprovalRate != nil || cn.MedianCI != nil {
			t.Errorf("CN row carries numbers: %+v", cn)
		}

		res = e.get("/api/v1/stats/breakdown?dimension=quarter&category=eb1a")
		mustStatus(t, res, http.StatusOK)
		res.json(t, &b)
		if len(b.Rows) != 1 || b.Rows[0].Key != "2024-Q1" || !intIs(b.Rows[0].Cases, 6) || !intIs(b.Rows[0].Median, 152) {
			t.Errorf("quarter breakdown: %s", res.body)
		}

		res = e.get("/api/v1/stats/trend?category=eb1a")
		mustStatus(t, res, http.StatusOK)
		res.json(t, &b)
		if b.By != "month" || len(b.Rows) != 1 || b.Rows[0].Key != "2024-01" || !intIs(b.Rows[0].Median, 152) {
			t.Errorf("trend: %s", res.body)
		}

		// A group below k: no rows at all, not even labels.
		res = e.get("/api/v1/stats/breakdown?dimension=service_center&category=eb1a&country=CN")
		mustStatus(t, res, http.StatusOK)
		assertSuppressedJSON(t, res.body)

		var h struct {
			BinDays int  `json:"bin_days"`
			Decided *int `json:"decided"`
			Bins    []struct {
				From, To, Count int
			} `json:"bins"`
		}
		res = e.get("/api/v1/stats/histogram?category=eb1a")
		mustStatus(t, res, http.StatusOK)
		res.json(t, &h)
		// Decision times 91, 152, 152, 274, 411 fall in 30-day bins 3, 5,
		// 5, 9 and 13.
		want := map[int]int{3: 1, 5: 2, 9: 1, 13: 1}
		if h.BinDays != 30 || !intIs(h.Decided, 5) || len(h.Bins) != 14 {
			t.Fatalf("histogram: %s", res.body)
		}
		for i, bin := range h.Bins {
			if bin.From != 30*i || bin.To != 30*i+30 || bin.Count != want[i] {
				t.Errorf("bin %d = %+v, want count %d", i, bin, want[i])
			}
		}
		res = e.get("/api/v1/stats/histogram?category=eb1a&country=IN&service_center=TSC")
		mustStatus(t, res, http.StatusOK)
		assertSuppressedJSON(t, res.body)
	})
}

func TestOpenAPIDocumentsStats(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	res := e.get("/api/v1/openapi.json")
	mustStatus(t, res, http.StatusOK)
	var doc struct {
		Paths      map[string]map[string]json.RawMessage `json:"paths"`
		Components struct {
			Parameters map[string]json.RawMessage `json:"parameters"`
			Schemas    map[string]json.RawMessage `json:"schemas"`
		} `json:"components"`
	}
	res.json(t, &doc)
	for _, p := range []string{"/api/v1/stats", "/api/v1/stats/breakdown", "/api/v1/stats/histogram", "/api/v1/stats/trend"} {
		if _, ok := doc.Paths[p]["get"]; !ok {
			t.Errorf("no GET %s in the OpenAPI document", p)
		}
	}
	// Every reference must point at something defined.
	for _, ref := range regexp.MustCompile(`"#/components/(parameters|schemas|responses)/([A-Za-z]+)"`).FindAllStringSubmatch(res.body, -1) {
		var ok bool
		switch ref[1] {
		case "parameters":
			_, ok = doc.Components.Parameters[ref[2]]
		case "schemas":
			_, ok = doc.Components.Schemas[ref[2]]
		default:
			ok = strings.Contains(res.body, `"`+ref[2]+`": {`)
		}
		if !ok {
			t.Errorf("dangling reference %s", ref[0])
		}
	}
}

// TestBreakdownDimensionRefusedInLanguage: a missing or unknown
// breakdown dimension is explained in the reader's language, naming the
// dimensions as a client types them.
func TestBreakdownDimensionRefusedInLanguage(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	for _, tc := range []struct{ lang, query, want string }{
		{"en", "", `Choose a dimension: "country", "service_center"`},
		{"en", "&dimension=zz", `Unknown dimension "zz": use "country"`},
		{"es", "&dimension=zz", `Dimensión desconocida "zz": use "country"`},
		{"ar", "", `اختر بُعدًا: "country"`},
	} {
		res := e.do("GET", "/api/v1/stats/breakdown?category=eb2-niw"+tc.query, nil, "Accept-Language", tc.lang)
		if res.status != http.StatusUnprocessableEntity {
			t.Fatalf("%s %q: status %d", tc.lang, tc.query, res.status)
		}
		msg := res.apiError(t).Fields["dimension"]
		if !strings.Contains(msg, tc.want) || !strings.Contains(msg, `"priority_date_current"`) {
			t.Errorf("%s %q: %q, want it to hold %q and every dimension", tc.lang, tc.query, msg, tc.want)
		}
	}
}
