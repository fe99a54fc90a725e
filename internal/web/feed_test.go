package web

import (
	"cmp"
	"context"
	"encoding/xml"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
	"github.com/casetrack/casetrack/internal/timeline"
)

func init() {
	templateSamples["feed.html"] = func(s *Server) any {
		it := feedItem{CaseID: "c_AAAAAAAAAAAAAAAAAAAAAAAAAA", Category: s.cat.Categories[0], CountryName: "India", Filed: "2024-03",
			FiledMonth: timeline.Month{Year: 2024, Month: time.March}, Day: time.Date(2025, time.June, 15, 0, 0, 0, 0, time.UTC),
			Milestone: "approved", MilestoneName: "Approved", Date: "2025-06", MonthOnly: true, Terminal: true, Note: "note <b>"}
		return &feedPageData{Items: []feedItem{it}, NextURL: "/feed?cursor=x", AtomURL: "/feed.atom", FirstURL: "/feed", Paged: true,
			Filter: feedFilter{Category: "eb2-niw", Filed: timeline.Month{Year: 2024, Month: 3}}}
	}
	templateSamples["home.html"] = func(s *Server) any {
		it := feedItem{CaseID: "c_AAAAAAAAAAAAAAAAAAAAAAAAAA", Category: s.cat.Categories[0], CountryName: "India", ServiceCenter: "TSC",
			Filed: "2024-03", Milestone: "rfe", MilestoneName: "RFE", Date: "2025-06-01", Note: "x"}
		return &homePageData{Cases: 1234, Deleted: true, Latest: []feedItem{it},
			ApprovedWeek: []categoryCount{{Category: s.cat.Categories[0], Count: 7}}}
	}
	templateSamples["admin.html"] = func(s *Server) any {
		it := adminItem{Case: sampleCaseView(s.cat), State: "flagged", Reason: reasonBurst, Explaining: "copies",
			Reports: []store.Report{{Reason: "spam"}}, ReportsBy: map[string]int{"spam": 1}}
		return &adminPageData{Open: []adminItem{it}, Hidden: []adminItem{it}, Reasons: moderationReasons,
			Log:    []store.LogEntry{{Action: "hide", Reason: "spam", CaseID: it.Case.ID, ActorID: "acct_1"}, {Action: "delete", Reason: "spam"}},
			Notice: "done", Problem: "problem"}
	}
}

// feedCase is a submission of the feed tests.
type feedCase struct {
	category, country, center, filed string
	milestones                       [][2]string // code, date
	note                             string
}

func (f feedCase) submission() map[string]any {
	ms := []map[string]string{}
	for _, m := range f.milestones {
		ms = append(ms, map[string]string{"code": m[0], "date": m[1]})
	}
	sub := map[string]any{"category": f.category, "country": f.country, "filed": f.filed, "milestones": ms, "note": f.note}
	if f.center != "" {
		sub["service_center"] = f.center
	}
	return sub
}

// feedFixture are cases with milestones on distinct and on shared dates.
var feedFixture = []feedCase{
	{"eb2-niw", "IN", "TSC", "2024-03", [][2]string{{"received", "2024-03-20"}, {"approved", "2025-06-10"}}, "Approved <b>at last</b> & happy http://example.com"},
	{"eb2-niw", "CN", "NSC", "2024-04", [][2]string{{"received", "2024-04-02"}, {"rfe", "2025-06-10"}}, ""},
	{"i485-employment", "IN", "NBC", "2024-03", [][2]string{{"received", "2024-03-25"}, {"biometrics", "2024-05"}, {"interview", "2025-05-02"}}, "Interview went fine."},
	{"n400", "MX", "", "2024-11", [][2]string{{"received", "2024-11-20"}, {"biometrics", "2025-01-15"}, {"approved", "2025-06"}}, ""},
	{"eb2-niw", "IN", "TSC", "2024-03", [][2]string{{"received", "2024-03-21"}, {"rfe", "2024-09-01"}, {"rfe_response", "2024-10-01"}}, ""},
}

// feedItemOut is an item as the API gives it.
type feedItemOut struct {
	CaseID         string `json:"case_id"`
	Category       string `json:"category"`
	Country        string `json:"country"`
	ServiceCenter  string `json:"service_center"`
	Filed          string `json:"filed"`
	Milestone      string `json:"milestone"`
	Date           string `json:"date"`
	DaysSinceFiled int    `json:"days_since_filed"`
	Note           string `json:"note"`
}

type feedOut struct {
	Items      []feedItemOut `json:"items"`
	NextCursor string        `json:"next_cursor"` // null decodes as ""
}

// getFeed reads one page of the API feed.
func (e *testEnv) getFeed(query string) feedOut {
	e.t.Helper()
	res := e.get("/api/v1/feed?" + query)
	if res.status != http.StatusOK {
		e.t.Fatalf("feed %q: status %d: %s", query, res.status, res.body)
	}
	var out feedOut
	res.json(e.t, &out)
	return out
}

// allFeed follows next_cursor to the end.
func (e *testEnv) allFeed(query string, limit int) []feedItemOut {
	e.t.Helper()
	var all []feedItemOut
	cursor := ""
	for range 1000 {
		q := query + "&limit=" + fmt.Sprint(limit)
		if cursor != "" {
			q += "&cursor=" + url.QueryEscape(cursor)
		}
		page := e.getFeed(q)
		all = append(all, page.Items...)
		if page.NextCursor == "" {
			return all
		}
		if len(page.Items) != limit {
			e.t.Fatalf("a page with a next cursor has %d items, want %d", len(page.Items), limit)
		}
		cursor = page.NextCursor
	}
	e.t.Fatal("the feed never ended")
	return nil
}

// expectedFeed lists the fixture's milestones that pass keep, in feed
// order: date descending, then case id and code descending.
func expectedFeed(ids []string, keep func(f feedCase, code string) bool) []string {
	type row struct{ date, id, code string }
	var rows []row
	for i, f := range feedFixture {
		for _, m := range f.milestones {
			if keep(f, m[0]) {
				rows = append(rows, row{m[1], ids[i], m[0]})
			}
		}
	}
	slices.SortFunc(rows, func(a, b row) int {
		return -cmp.Or(strings.Compare(a.date, b.date), strings.Compare(a.id, b.id), strings.Compare(a.code, b.code))
	})
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.id + " " + r.code + " " + r.date
	}
	return out
}

func itemKeys(items []feedItemOut) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.CaseID + " " + it.Milestone + " " + it.Date
	}
	return out
}

func (e *testEnv) createFixture() []string {
	e.t.Helper()
	ids := make([]string, len(feedFixture))
	for i, f := range feedFixture {
		ids[i] = e.create(f.submission()).ID
	}
	return ids
}

func TestFeedOrderAndFilters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		ids := e.createFixture()
		tests := []struct {
			query string
			keep  func(f feedCase, code string) bool
		}{
			{"", func(feedCase, string) bool { return true }},
			{"category=eb2-niw", func(f feedCase, _ string) bool { return f.category == "eb2-niw" }},
			{"country=in", func(f feedCase, _ string) bool { return f.country == "IN" }},
			{"service_center=TSC", func(f feedCase, _ string) bool { return f.center == "TSC" }},
			{"milestone=approved", func(_ feedCase, code string) bool { return code == "approved" }},
			{"filed=2024-03", func(f feedCase, _ string) bool { return f.filed == "2024-03" }},
			{"category=eb2-niw&country=IN&service_center=TSC&filed=2024-03&milestone=rfe", func(f feedCase, code string) bool {
				return f.category == "eb2-niw" && f.country == "IN" && f.center == "TSC" && f.filed == "2024-03" && code == "rfe"
			}},
		}
		for _, tt := range tests {
			want := expectedFeed(ids, tt.keep)
			if len(want) == 0 {
				t.Fatalf("%q: the fixture has no items for this filter; the test would prove nothing", tt.query)
			}
			got := itemKeys(e.getFeed(tt.query).Items)
			if !slices.Equal(got, want) {
				t.Errorf("feed %q:\n got %q\nwant %q", tt.query, got, want)
			}
			// Paging two at a time gives the same list.
			if paged := itemKeys(e.allFeed(tt.query, 2)); !slices.Equal(paged, want) {
				t.Errorf("feed %q paged by 2:\n got %q\nwant %q", tt.query, paged, want)
			}
		}

		first := e.getFeed("milestone=approved&category=eb2-niw").Items
		if len(first) != 1 {
			t.Fatalf("approved eb2-niw items: %+v", first)
		}
		it := first[0]
		wantItem := feedItemOut{CaseID: ids[0], Category: "eb2-niw", Country: "IN", ServiceCenter: "TSC", Filed: "2024-03",
			Milestone: "approved", Date: "2025-06-10", DaysSinceFiled: 452, Note: feedFixture[0].note}
		if it != wantItem {
			t.Errorf("item:\n got %+v\nwant %+v", it, wantItem)
		}

		// The last page says so with a null cursor.
		if res := e.get("/api/v1/feed?limit=100"); !strings.Contains(res.body, `"next_cursor":null`) {
			t.Errorf("last page: %s", res.body)
		}
		// The API shape of API.md: exactly these keys.
		res := e.get("/api/v1/feed?limit=1")
		for _, key := range []string{`"items":`, `"case_id":`, `"category":`, `"country":`, `"filed":`, `"milestone":`, `"date":`, `"days_since_filed":`, `"next_cursor":`} {
			if !strings.Contains(res.body, key) {
				t.Errorf("feed answer lacks %s: %s", key, res.body)
			}
		}
	})
}

// TestFeedRefusesBadInput: each bad filter is a 400 bad_request whose
// message names the filter as the feed's form labels it (cursor and
// limit, which no form shows, by their parameter names).
func TestFeedRefusesBadInput(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	e.createFixture()
	for _, tt := range []struct{ query, mention string }{
		{"category=nope", `Category "nope"`},
		{"country=XX", `Country of birth "XX"`},
		{"service_center=ABC", `Service center "ABC"`},
		{"milestone=teleport", `Milestone "teleport"`},
		{"category=eb2-niw&milestone=interview", `Milestone "interview"`},
		{"filed=2024-13", `Filed in (YYYY-MM) "2024-13"`},
		{"filed=March", `Filed in (YYYY-MM) "March"`},
		{"cursor=garbage", "cursor"},
		{"cursor=" + encodeCursor(store.FeedKey{Date: "2025-02-30", CaseID: "c_AAAAAAAAAAAAAAAAAAAAAAAAAA", Code: "rfe"}), "cursor"},
		{"limit=0", "limit"},
		{"limit=1000", "limit"},
	} {
		res := e.get("/api/v1/feed?" + tt.query)
		if res.status != http.StatusBadRequest {
			t.Errorf("%q: status %d, want 400", tt.query, res.status)
			continue
		}
		if e := res.apiError(t); e.Error != "bad_request" || !strings.Contains(e.Message, tt.mention) {
			t.Errorf("%q: error %+v does not name %s", tt.query, e, tt.mention)
		}
		for _, path := range []string{"/feed?", "/feed.atom?"} {
			if res := e.get(path + tt.query); res.status != http.StatusBadRequest || !strings.Contains(html.UnescapeString(res.body), tt.mention) {
				t.Errorf("%s%s: status %d, want 400 naming %s", path, tt.query, res.status, tt.mention)
			}
		}
	}
}

// TestFeedPaginationUnderInserts pages through the feed while cases keep
// arriving: no item is listed twice, the order never goes backwards, and
// every item that existed before the first page is listed.
func TestFeedPaginationUnderInserts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		ctx := context.Background()
		newCase := func(i int) *timeline.Case {
			day := 1 + i%28
			sub := timeline.Submission{Category: "eb2-niw", Country: "IN", Filed: "2024-03", Milestones: []timeline.MilestoneInput{
				{Code: "received", Date: fmt.Sprintf("2024-03-%02d", day%17+15)},
				{Code: "rfe", Date: fmt.Sprintf("2025-0%d-%02d", 1+i%5, day)},
			}}
			c, fe := timeline.Validate(e.server.cat, sub, testStart)
			if fe != nil {
				t.Error(fe)
				return nil
			}
			c.ID = timeline.NewCaseID()
			return c
		}
		for i := range 30 {
			if err := st.CreateCase(ctx, newCase(i), nil); err != nil {
				t.Fatal(err)
			}
		}
		before := itemKeys(e.allFeed("", 100))
		if len(before) != 60 {
			t.Fatalf("feed before holds %d items, want 60", len(before))
		}

		var wg sync.WaitGroup
		stop := make(chan struct{})
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 100; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				if c := newCase(i); c != nil {
					if err := st.CreateCase(ctx, c, nil); err != nil {
						t.Error(err)
						return
					}
				}
			}
		}()
		got := e.allFeed("", 7)
		close(stop)
		wg.Wait()

		seen := map[string]bool{}
		keys := itemKeys(got)
		for i, k := range keys {
			if seen[k] {
				t.Errorf("item %q listed twice", k)
			}
			seen[k] = true
			if i > 0 {
				prev, cur := got[i-1], got[i]
				if cmp.Or(strings.Compare(prev.Date, cur.Date), strings.Compare(prev.CaseID, cur.CaseID), strings.Compare(prev.Milestone, cur.Milestone)) <= 0 {
					t.Errorf("order goes backwards at %d: %q then %q", i, keys[i-1], k)
				}
			}
		}
		for _, k := range before {
			if !seen[k] {
				t.Errorf("item %q existed before paging began but was skipped", k)
			}
		}
	})
}

// atomDoc is what the test reads back from /feed.atom.
type atomDoc struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string   `xml:"id"`
	Title   string   `xml:"title"`
	Updated string   `xml:"updated"`
	Links   []struct {
		Rel  string `xml:"rel,attr"`
		Href string `xml:"href,attr"`
	} `xml:"link"`
	Entries []struct {
		ID      string `xml:"id"`
		Title   string `xml:"title"`
		Updated string `xml:"updated"`
		Link    struct {
			Href string `xml:"href,attr"`
		} `xml:"link"`
		Content struct {
			Type string `xml:"type,attr"`
			Body string `xml:",chardata"`
		} `xml:"content"`
	} `xml:"entry"`
}

func TestAtomFeed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		ids := e.createFixture()
		for _, query := range []string{"", "category=eb2-niw", "country=IN", "service_center=TSC", "milestone=approved", "filed=2024-03",
			"category=eb2-niw&country=IN&service_center=TSC&filed=2024-03&milestone=approved"} {
			res := e.get("/feed.atom?" + query)
			if res.status != http.StatusOK || !strings.HasPrefix(res.header.Get("Content-Type"), "application/atom+xml") {
				t.Fatalf("%q: status %d, type %q", query, res.status, res.header.Get("Content-Type"))
			}
			var doc atomDoc
			dec := xml.NewDecoder(strings.NewReader(res.body))
			dec.Strict = true
			if err := dec.Decode(&doc); err != nil {
				t.Fatalf("%q: not well-formed Atom: %v\n%s", query, err, res.body)
			}
			want := e.getFeed(query).Items
			if len(doc.Entries) != len(want) || len(want) == 0 {
				t.Fatalf("%q: %d entries, the API lists %d", query, len(doc.Entries), len(want))
			}
			selfOK := false
			for _, l := range doc.Links {
				selfOK = selfOK || (l.Rel == "self" && strings.HasSuffix(l.Href, "/feed.atom"+queryPart(query)))
			}
			if !selfOK || doc.ID == "" || doc.Title == "" || doc.Updated == "" {
				t.Errorf("%q: feed head incomplete: %+v", query, doc)
			}
			entryIDs := map[string]bool{}
			for i, en := range doc.Entries {
				if !strings.HasSuffix(en.Link.Href, "/cases/"+want[i].CaseID) || entryIDs[en.ID] || en.Updated == "" || en.Content.Type != "text" {
					t.Errorf("%q: entry %d: %+v (API item %+v)", query, i, en, want[i])
				}
				entryIDs[en.ID] = true
			}
		}
		// The note arrives as plain text, special characters intact.
		res := e.get("/feed.atom?milestone=approved&category=eb2-niw")
		var doc atomDoc
		if err := xml.Unmarshal([]byte(res.body), &doc); err != nil {
			t.Fatal(err)
		}
		if len(doc.Entries) != 1 || !strings.Contains(doc.Entries[0].Content.Body, feedFixture[0].note) {
			t.Errorf("note not carried as text: %+v", doc.Entries)
		}
		if strings.Contains(res.body, "<b>") {
			t.Error("the note's markup reached the XML unescaped")
		}
		_ = ids
	})
}

// queryPart is "?query" or "" for an empty query.
func queryPart(q string) string {
	if q == "" {
		return ""
	}
	v, _ := url.ParseQuery(q)
	return "?" + v.Encode()
}

func TestFeedPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		ids := e.createFixture()
		res := e.get("/feed")
		mustStatus(t, res, http.StatusOK)
		for _, want := range []string{`href="/feed" aria-current="page"`, "Approved &lt;b&gt;at last&lt;/b&gt; &amp; happy http://example.com", `href="/cases/` + ids[0] + `"`, `href="/feed.atom"`} {
			if !strings.Contains(res.body, want) {
				t.Errorf("/feed lacks %q", want)
			}
		}
		if strings.Contains(res.body, `href="http://example.com"`) {
			t.Error("a URL in a note became a link")
		}
		// Every item's "timeline" link says, to a screen reader, which
		// case it opens: a list of links all named "timeline" says nothing.
		if n, named := strings.Count(res.body, `">timeline`), strings.Count(res.body, `">timeline<span class="vh"> of this `); n == 0 || named != n {
			t.Errorf("%d of %d timeline links carry hidden context", named, n)
		}

		// Filters as query parameters, the form keeps them, and paging
		// works with plain links.
		res = e.get("/feed?category=eb2-niw&limit=2")
		mustStatus(t, res, http.StatusOK)
		if !strings.Contains(res.body, `<option value="eb2-niw" selected>`) || !strings.Contains(res.body, `rel="next"`) {
			t.Fatalf("filtered page lacks the selected filter or the next link")
		}
		i := strings.Index(res.body, `rel="next"`)
		j := strings.LastIndex(res.body[:i], `href="`)
		next := strings.ReplaceAll(res.body[j+len(`href="`):strings.Index(res.body[j+len(`href="`):], `"`)+j+len(`href="`)], "&amp;", "&")
		if !strings.Contains(next, "category=eb2-niw") || !strings.Contains(next, "cursor=") {
			t.Fatalf("next link %q loses the filter or the cursor", next)
		}
		mustStatus(t, e.get(next), http.StatusOK)

		// "My cohort" from the case page: same category, country, center
		// and filing month.
		res = e.get("/cases/" + ids[0])
		want := `href="/feed?category=eb2-niw&amp;country=IN&amp;filed=2024-03&amp;service_center=TSC"`
		if !strings.Contains(res.body, want) {
			t.Errorf("case page lacks the cohort link %s", want)
		}
		cohort := e.getFeed("category=eb2-niw&country=IN&filed=2024-03&service_center=TSC").Items
		if len(cohort) != 5 {
			t.Errorf("cohort feed has %d items, want 5", len(cohort))
		}

		// The home page shows the latest milestones.
		res = e.get("/")
		if !strings.Contains(res.body, "Latest milestones") || !strings.Contains(res.body, `href="/cases/`+ids[0]+`"`) {
			t.Error("home page lacks the latest milestones")
		}
	})
}

func TestHomeApprovedThisWeek(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		// testStart is 2025-06-20: the week is 2025-06-14 to 2025-06-20.
		for i := range 6 {
			date := fmt.Sprintf("2025-06-%02d", 14+i)
			if i == 5 {
				date = "2025-06-13" // a day too early
			}
			e.create(feedCase{"eb1a", "IN", "", "2024-01", [][2]string{{"received", fmt.Sprintf("2024-01-%02d", 10+i)}, {"approved", date}}, ""}.submission())
		}
		res := e.get("/")
		if !strings.Contains(res.body, "Approved this week") || !strings.Contains(res.body, "<strong>5</strong>") {
			t.Errorf("home page does not count 5 approvals this week")
		}
		// Under k approvals a category is not listed.
		e2 := newEnv(t, st, func(c *Config) { c.MinCases = 6 })
		if res := e2.get("/"); strings.Contains(res.body, "Approved this week") {
			t.Error("a count under k is shown")
		}
	})
}

// TestReportReasonsDocumented keeps the OpenAPI document's list of report
// reasons in step with the form's.
func TestReportReasonsDocumented(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	var doc struct {
		Components struct {
			Schemas struct {
				ReportInput struct {
					Properties struct {
						Reason struct {
							Enum []string `json:"enum"`
						} `json:"reason"`
					} `json:"properties"`
				} `json:"ReportInput"`
			} `json:"schemas"`
		} `json:"components"`
	}
	e.get("/api/v1/openapi.json").json(t, &doc)
	var codes []string
	for _, r := range reportReasons {
		codes = append(codes, r.Code)
	}
	if got := doc.Components.Schemas.ReportInput.Properties.Reason.Enum; !slices.Equal(got, codes) {
		t.Errorf("openapi.json report reasons %q, the form offers %q", got, codes)
	}
}
