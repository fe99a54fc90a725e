package web

import (
	"encoding/csv"
	"encoding/xml"
	"errors"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/casetrack/casetrack/internal/phrase"
	"github.com/casetrack/casetrack/internal/stats"
	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
	"github.com/casetrack/casetrack/internal/timeline"
)

func init() {
	templateSamples["explore.html"] = func(s *Server) any {
		f := stats.Filter{Category: "eb1a"}
		d, err := withIndex(s, fixtureIndex(&testing.T{}, s)).gatherExplore(f)
		if err != nil {
			panic(err)
		}
		return &explorePageData{Form: filterForm{Category: "eb1a", FiledFrom: "<kept>"},
			Errors: timeline.FieldErrors{"filed_from": "bad month"},
			Group:  phrase.Group(s.cat, f), View: newExploreView(s.lang.Default(), s.cat, d, s.minCases, showAll{}),
			NoServiceCenter: stats.NoServiceCenter,
			OutlookForm:     &outlookForm{Filed: "2024-03", AsOf: "<kept>", Errors: timeline.FieldErrors{"as_of": "bad day"}},
			Outlook:         sampleOutlook(s.cat),
			Wider:           []widerLink{{Label: "EB-1A cases", Link: "/explore?category=eb1a", Counts: "6 cases"}}}
	}
	templateSamples["methodology.html"] = func(*Server) any {
		return &methodologyPageData{DaysPerMonth: daysPerMonth}
	}
}

// text is the visible text of an HTML body, tags removed and entities
// decoded, whitespace collapsed, for assertions on sentences.
func text(body string) string {
	noTags := regexp.MustCompile(`(?s)<[^>]*>`).ReplaceAllString(body, " ")
	return strings.Join(strings.Fields(html.UnescapeString(noTags)), " ")
}

func TestExplorePage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		submitFixture(e)

		// Without filing months the page answers for people filing now.
		// The fixture's six cases were all filed in January 2024 and only
		// two were waiting during the last six months: too few for the
		// pace, which the page says rather than falling back to a pool of
		// every filing year.
		res := e.get("/explore?category=eb1a")
		mustStatus(t, res, http.StatusOK)
		page := text(res.body)
		for _, want := range []string{
			"Fewer than 5 EB-1A Extraordinary Ability cases were waiting during the last six months, so there is no estimate of the pace for people filing now.",
			"Fewer than 5 timelines were filed in the last 12 months (July 2024 – June 2025), so we show no share decided for them.",
			"The 95% range covers sampling error only",
			"Approval rate (of decided cases) 80.0%",
			"Listed a request for evidence 2 (33.3% of all cases)",
			// The filing-period table: 5 of 6 decided.
			"By filing period",
			"2024 Q1 6 83.3% 5.0 months 5.0 months – not yet known 80.0%",
			"India 5 5.0 months 5.0 months – not yet known 75.0%",
			// China, under k, is left out of the country table until
			// asked for (below).
			"1 row with too few cases to show numbers is left out. Show all rows By country of birth",
			"Not enough data: fewer than 5 cases were waiting during the last six months.",
		} {
			if !strings.Contains(page, want) {
				t.Errorf("page lacks %q", want)
			}
		}

		if strings.Contains(res.body, `>China</a></th>`) {
			t.Error("the folded country table names China, a row under k")
		}
		// ?all=country lists every country, those under k in their
		// suppressed form, and links back to the folded table.
		all := e.get("/explore?category=eb1a&all=country")
		mustStatus(t, all, http.StatusOK)
		for _, want := range []string{"China not enough data", "India 5 5.0 months", "Show only the rows with numbers By country of birth"} {
			if !strings.Contains(text(all.body), want) {
				t.Errorf("page with all=country lacks %q", want)
			}
		}
		if !strings.Contains(res.body, `href="/explore?category=eb1a&amp;all=country#by-country"`) {
			t.Error("the folded country table has no link to show all its rows")
		}

		// With the filing month, the page describes those cases and
		// answers first: the median in large type, its range in words and
		// the share decided.
		cohortBody := e.get("/explore?category=eb1a&filed_from=2024-01&filed_to=2024-01").body
		cohort := text(cohortBody)
		if a, f := strings.Index(cohortBody, `class="ex-answer"`), strings.Index(cohortBody, `class="filters"`); a < 0 || a > f {
			t.Errorf("the answer (at %d) does not come before the filters (at %d)", a, f)
		}
		for _, want := range []string{
			"5.0 months the median: half of these cases are decided within this time",
			"Probably at least 5.0 months; how much longer it could be is not yet known (the 95% range).",
			"83.3% of the 6 cases shared are decided; 1 is still waiting.",
			// 152 days / 30.44 = 4.99 months.
			"Half of EB-1A Extraordinary Ability cases filed in January 2024 were decided within 5.0 months (95% range from 5.0 months; its upper end is not yet known), from 6 cases, 1 still pending.",
			"Nine in ten decided within not yet known",
			"Three quarters decided within 13.5", // 411 / 30.44
			// The readings, every one the plain Kaplan-Meier 152 days here
			// (the launch guard reads this all-at-once group from filing).
			"As published (from the day each timeline was shared, with the silence rule) 5.0 months (95% range from 5.0 months; its upper end is not yet known)",
			"Every timeline counted from filing, every recorded decision counted 5.0 months",
			"Simple median of decided cases only (leans toward fast cases) 5.0 months",
			"Shared while still waiting 1 (16.7%)",
			"Shared after the decision 5 (83.3%)",
			"Most of these timelines were shared at once, decided or not",
			// RFE: 1/6 by 3 months, 1/3 by 6 and 12; half of those with one
			// had it by day 60, shown in days.
			"Request for evidence (RFE) 2 33.3% (10.8–100.0%) 33.3% (10.8–100.0%) not yet known 33.3% (10.8–100.0%) by 13.5 months 60 days",
			"RFE response received 0 0% 0% not yet known none –",
		} {
			if !strings.Contains(cohort, want) {
				t.Errorf("cohort page lacks %q", want)
			}
		}
		for _, want := range []string{
			`src="/explore/chart/survival.svg?category=eb1a"`,
			`src="/explore/chart/histogram.svg?category=eb1a"`,
			`src="/explore/chart/trend.svg?category=eb1a"`,
			`href="/explore/country.csv?category=eb1a"`,
			`href="/explore/service_center.csv?category=eb1a"`,
			`href="/explore/quarter.csv?category=eb1a"`,
			`href="/explore/trend.csv?category=eb1a"`,
			`href="/explore/histogram.csv?category=eb1a"`,
			`href="/explore?category=eb1a&amp;country=IN"`,
			`<option value="eb1a" selected>`,
		} {
			if !strings.Contains(res.body, want) {
				t.Errorf("page lacks %s", want)
			}
		}
		for _, img := range regexp.MustCompile(`<img [^>]*>`).FindAllString(res.body, -1) {
			if !regexp.MustCompile(`alt="[^"]{20,}"`).MatchString(img) {
				t.Errorf("chart without alt text: %s", img)
			}
		}
	})
}

func TestExplorePageSuppressed(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	submitFixture(e)
	tests := []struct {
		path   string
		absent []string // values that occur in the data but not in the filter
	}{
		{"/explore?category=eb1a&country=CN", []string{"India", "Texas"}},                    // one case
		{"/explore?category=eb1a&service_center=TSC", []string{"India", "Nebraska"}},         // four cases
		{"/explore?category=eb1b", []string{"India", "China", "Texas"}},                      // none
		{"/explore?category=eb1a&filed_from=2025-01", []string{"India", "China", "Texas"}},   // none in range
		{"/explore?category=eb1a&country=IN&service_center=NSC", []string{"China", "Texas"}}, // one case
	}
	for _, tt := range tests {
		res := e.get(tt.path)
		mustStatus(t, res, http.StatusOK)
		page := text(res.body)
		if !strings.Contains(page, "Not enough data") || !strings.Contains(page, "Fewer than 5") {
			t.Errorf("%s: no not-enough-data block", tt.path)
		}
		main := res.body[strings.Index(res.body, `<section class="not-enough"`):]
		main = main[:strings.Index(main, "</section>")]
		// The wider groups are offered with their sizes (each at least
		// k, or none), so the page is never a dead end; they are checked
		// in TestExploreWiderGroups.
		if i := strings.Index(main, `<ul class="wider">`); i >= 0 {
			main = main[:i] + main[i+strings.Index(main[i:], "</ul>"):]
		}
		main = text(main)
		// Apart from k and the group's own name (which holds the filing
		// months and "EB-1A"), no digit may appear: no count, no
		// duration, no share.
		f, fe := e.server.parseFilter(filterFormOf(mustQuery(t, tt.path)))
		if fe != nil {
			t.Fatal(fe)
		}
		rest := strings.ReplaceAll(strings.ReplaceAll(main, phrase.Group(e.server.cat, f), ""), "Fewer than 5", "")
		if m := regexp.MustCompile(`[0-9]`).FindAllString(rest, -1); len(m) > 0 {
			t.Errorf("%s: numbers in the suppressed block: %q", tt.path, rest)
		}
		afterForm := text(res.body[strings.Index(res.body, "</form>"):])
		for _, leak := range tt.absent {
			if strings.Contains(afterForm, leak) {
				t.Errorf("%s: suppressed page names %q", tt.path, leak)
			}
		}
		for _, leak := range []string{"<img", ".csv", "Half of", "still pending"} {
			if strings.Contains(res.body, leak) {
				t.Errorf("%s: suppressed page shows %q", tt.path, leak)
			}
		}
	}
}

// mustQuery parses the query string of a path.
func mustQuery(t *testing.T, path string) url.Values {
	t.Helper()
	u, err := url.Parse(path)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query()
}

func TestExplorePageDefaultsAndErrors(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))

	// No data at all, no filters: the default category, not enough data.
	res := e.get("/explore")
	mustStatus(t, res, http.StatusOK)
	if !strings.Contains(res.body, `<option value="eb2-niw" selected>`) || !strings.Contains(text(res.body), "Not enough data") {
		t.Errorf("default explore page: %s", text(res.body))
	}

	// Invalid filters: 422, the form again with each message, no numbers.
	res = e.get("/explore?category=eb1a&country=ZZ&filed_from=2024-06&filed_to=2024-01&service_center=%3Cb%3E")
	mustStatus(t, res, http.StatusUnprocessableEntity)
	page := text(res.body)
	for _, want := range []string{`"ZZ" is not a country code we know`, "Filed to (2024-01) is before filed from (2024-06).", "is not a service center we know"} {
		if !strings.Contains(page, want) {
			t.Errorf("error page lacks %q: %s", want, page)
		}
	}
	if strings.Contains(res.body, "<b>") {
		t.Error("input not escaped")
	}
	if !strings.Contains(res.body, `id="f-country" name="country" aria-invalid="true"`) {
		t.Error("country field not marked invalid")
	}

	// Codes in any case are accepted and shown as the catalog spells them.
	submitFixture(e)
	res = e.get("/explore?category=EB1A&country=in&filed_from=2024-01&filed_to=2024-12")
	mustStatus(t, res, http.StatusOK)
	if !strings.Contains(res.body, `<option value="IN" selected>`) ||
		!strings.Contains(text(res.body), "Half of EB-1A Extraordinary Ability cases from India filed in 2024 were decided within 5.0 months") {
		t.Errorf("filtered page: %s", text(res.body))
	}
}

func TestExploreCharts(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	submitFixture(e)
	for _, path := range []string{
		"/explore/chart/survival.svg?category=eb1a",
		"/explore/chart/survival.svg?category=eb1a&filed_from=2024-01",
		"/explore/chart/histogram.svg?category=eb1a",
		"/explore/chart/trend.svg?category=eb1a",
		"/explore/chart/survival.svg?category=eb1a&country=CN",
		"/explore/chart/histogram.svg?category=eb1a&country=CN",
		"/explore/chart/trend.svg?category=eb1b",
	} {
		res := e.get(path)
		mustStatus(t, res, http.StatusOK)
		if ct := res.header.Get("Content-Type"); ct != "image/svg+xml" {
			t.Errorf("%s: Content-Type %q", path, ct)
		}
		if csp := res.header.Get("Content-Security-Policy"); csp != svgContentSecurityPolicy {
			t.Errorf("%s: CSP %q", path, csp)
		}
		if cc := res.header.Get("Cache-Control"); cc != chartCacheControl {
			t.Errorf("%s: Cache-Control %q", path, cc)
		}
		dec := xml.NewDecoder(strings.NewReader(res.body))
		for {
			_, err := dec.Token()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s: invalid SVG: %v", path, err)
			}
		}
		// The survival chart without filing months is the pace of the
		// last six months, which has too few cases in the fixture.
		small := strings.Contains(path, "CN") || strings.Contains(path, "eb1b") || path == "/explore/chart/survival.svg?category=eb1a"
		if got := strings.Contains(res.body, "Not enough data"); got != small {
			t.Errorf("%s: says not enough data = %v", path, got)
		}
	}
	if res := e.get("/explore/chart/survival.svg?category=nope"); res.status != http.StatusUnprocessableEntity {
		t.Errorf("invalid filter: status %d", res.status)
	}
}

func TestExploreCSV(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		submitFixture(e)
		tests := []struct {
			path     string
			filename string
			want     [][]string
		}{
			{"/explore/country.csv?category=eb1a", "casetrack-eb1a-by-country.csv", [][]string{
				{"country", "label", "cases", "decided", "median_days", "median_months", "median_ci_low_days", "median_ci_high_days", "approval_rate", "cautions"},
				{"IN", "India", "5", "4", "152", "5.0", "152", "not reached", "0.75", ""},
				{"CN", "China", "not enough data", "not enough data", "not enough data", "not enough data", "not enough data", "not enough data", "not enough data", "not enough data"},
			}},
			{"/explore/service_center.csv?category=eb1a&filed_from=2024-01", "casetrack-eb1a-from-2024-01-by-service-center.csv", [][]string{
				{"service_center", "label", "cases", "decided", "median_days", "median_months", "median_ci_low_days", "median_ci_high_days", "approval_rate", "cautions"},
				{"NSC", "Nebraska Service Center", "not enough data", "not enough data", "not enough data", "not enough data", "not enough data", "not enough data", "not enough data", "not enough data"},
				{"TSC", "Texas Service Center", "not enough data", "not enough data", "not enough data", "not enough data", "not enough data", "not enough data", "not enough data", "not enough data"},
			}},
			{"/explore/quarter.csv?category=eb1a", "casetrack-eb1a-by-quarter.csv", [][]string{
				{"filing_quarter", "label", "cases", "decided", "median_days", "median_months", "median_ci_low_days", "median_ci_high_days", "approval_rate", "cautions"},
				{"2024-Q1", "2024 Q1", "6", "5", "152", "5.0", "152", "not reached", "0.8", ""},
			}},
			{"/explore/trend.csv?category=eb1a&country=IN", "casetrack-eb1a-IN-trend.csv", [][]string{
				{"filing_month", "label", "cases", "decided", "median_days", "median_months", "median_ci_low_days", "median_ci_high_days", "approval_rate", "cautions"},
				{"2024-01", "January 2024", "5", "4", "152", "5.0", "152", "not reached", "0.75", ""},
			}},
			{"/explore/histogram.csv?category=eb1a", "casetrack-eb1a-histogram.csv", histogramWant()},
			// Groups below k: no rows that would name who is in them.
			{"/explore/country.csv?category=eb1a&service_center=TSC", "casetrack-eb1a-TSC-by-country.csv", [][]string{
				{"country", "label", "cases", "decided", "median_days", "median_months", "median_ci_low_days", "median_ci_high_days", "approval_rate", "cautions"},
				{"all", "All cases matching the filters", "not enough data", "not enough data", "not enough data", "not enough data", "not enough data", "not enough data", "not enough data", "not enough data"},
			}},
			{"/explore/histogram.csv?category=eb1a&country=CN", "casetrack-eb1a-CN-histogram.csv", [][]string{
				{"from_days", "to_days", "from_months", "to_months", "decided_cases"},
				{"not enough data", "not enough data", "not enough data", "not enough data", "not enough data"},
			}},
		}
		for _, tt := range tests {
			res := e.get(tt.path)
			mustStatus(t, res, http.StatusOK)
			if ct := res.header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
				t.Errorf("%s: Content-Type %q", tt.path, ct)
			}
			if cd, want := res.header.Get("Content-Disposition"), `attachment; filename="`+tt.filename+`"`; cd != want {
				t.Errorf("%s: Content-Disposition %q, want %q", tt.path, cd, want)
			}
			got, err := csv.NewReader(strings.NewReader(res.body)).ReadAll()
			if err != nil {
				t.Fatalf("%s: %v", tt.path, err)
			}
			if len(got) != len(tt.want) {
				t.Errorf("%s: %d records, want %d:\n%s", tt.path, len(got), len(tt.want), res.body)
				continue
			}
			for i := range got {
				if strings.Join(got[i], "|") != strings.Join(tt.want[i], "|") {
					t.Errorf("%s record %d:\n got %q\nwant %q", tt.path, i, got[i], tt.want[i])
				}
			}
		}
		res := e.get("/explore/country.csv?category=eb1a&filed_from=2024-1")
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(text(res.body), "Filed from: use the form YYYY-MM") {
			t.Errorf("invalid CSV filter: %d %s", res.status, text(res.body))
		}
	})
}

// histogramWant is the histogram file of the fixture: decisions at 91,
// 152, 152, 274 and 411 days fall in the 30-day bins 3, 5, 5, 9 and 13.
func histogramWant() [][]string {
	rows := [][]string{{"from_days", "to_days", "from_months", "to_months", "decided_cases"}}
	counts := map[int]string{3: "1", 5: "2", 9: "1", 13: "1"}
	for i := range 14 {
		c, ok := counts[i]
		if !ok {
			c = "0"
		}
		rows = append(rows, []string{strconv.Itoa(30 * i), strconv.Itoa(30*i + 30), monthsText(30 * i), monthsText(30*i + 30), c})
	}
	return rows
}

// TestExploreWiderGroups: a group too small to show is never a dead end:
// the page offers the groups that contain it, linked, with their sizes,
// and no size for those below k.
func TestExploreWiderGroups(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	submitFixture(e)
	res := e.get("/explore?category=eb1a&country=IN&service_center=NSC")
	mustStatus(t, res, http.StatusOK)
	for _, want := range []string{
		`<a href="/explore?category=eb1a&amp;country=IN">EB-1A Extraordinary Ability cases from India</a>: 5 cases`,
		`<a href="/explore?category=eb1a&amp;service_center=NSC">EB-1A Extraordinary Ability cases (service center: Nebraska Service Center)</a>: too few cases to show`,
		`<a href="/explore?category=eb1a">EB-1A Extraordinary Ability cases</a>: 6 cases`,
	} {
		if !strings.Contains(res.body, want) {
			t.Errorf("suppressed page lacks %s", want)
		}
	}
	// With an outlook asked for, the links keep it.
	res = e.get("/explore?category=eb1a&country=CN&filed=2024-01")
	if !strings.Contains(res.body, `<a href="/explore?category=eb1a&amp;filed=2024-01">`) {
		t.Error("the wider group's link drops the outlook asked for")
	}
	// A group with cases whose pace has too few: the wider groups are
	// offered beside the missing number too.
	res = e.get("/explore?category=eb1a&country=IN")
	page := text(res.body)
	if !strings.Contains(page, "Not enough data: fewer than 5 cases were waiting during the last six months.") ||
		!strings.Contains(page, "EB-1A Extraordinary Ability cases : 6 cases") {
		t.Errorf("the pace's missing number offers no wider group")
	}
}
