package web

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/casetrack/casetrack/internal/auth"
	"github.com/casetrack/casetrack/internal/timeline"
)

// feedCohort is a group of seeded cases that share a category, a country
// and a filing month: the cohort a reader narrows the feed to.
type feedCohort struct {
	category, categoryName, country, countryName, filed string
	// ids are the cases, oldest receipt first.
	ids []string
	// items is the number of milestones the cohort puts in the feed.
	items int
}

// query is the cohort's filter as the feed form sends it.
func (c feedCohort) query() string {
	return url.Values{"category": {c.category}, "country": {c.country}, "filed": {c.filed}}.Encode()
}

// feedSeed is what seedFeed adds for the feed, report and moderation
// pages and journeys.
type feedSeed struct {
	// cohorts has one cohort for each run of the feed journey, by whether
	// the run has JavaScript: each run hides a case of its own cohort, so
	// the two runs, in parallel, do not see each other's change.
	cohorts map[bool]feedCohort
	// olderPath is the feed's second page, the target of its "older"
	// link: a cursor fixes where it starts, so cases added later do not
	// move it.
	olderPath string
}

// feedCohortCases is the size of each seeded cohort: more milestones
// than one feed page holds, so the filtered feed has an older page.
const feedCohortCases = 8

// seedFeed adds, through the API as contributors and moderators would:
// two cohorts of I-485 (family-based) cases filed in August 2024, one
// born in the Philippines and one in Brazil, most approved this week (so
// the home page shows "approved this week"); reports about two cases; a
// burst of identical copies the quality checks flag; one of those hidden
// by a moderator; and the administrator account, granted its role through
// the store as `casetrack admin grant` does. The journeys and page checks
// sign in to it through the sign-in form.
func seedFeed(e *testEnv, reported []string) feedSeed {
	e.t.Helper()
	seed := feedSeed{cohorts: map[bool]feedCohort{}}
	for scripts, country := range map[bool][2]string{true: {"PH", "Philippines"}, false: {"BR", "Brazil"}} {
		c := feedCohort{category: "i485-family", categoryName: "I-485 Adjustment of Status (family-based)",
			country: country[0], countryName: country[1], filed: "2024-08"}
		for i := range feedCohortCases {
			center := "NBC"
			if i >= 6 {
				center = "ONLINE"
			}
			// Dates differ from case to case: identical timelines
			// would be a burst, which the quality checks flag.
			ms := []map[string]string{
				{"code": "received", "date": fmt.Sprintf("2024-08-%02d", 5+i)},
				{"code": "biometrics", "date": fmt.Sprintf("2024-09-%02d", 10+i)},
			}
			if i < 6 {
				// testStart is 2025-06-20: approved within the week.
				ms = append(ms, map[string]string{"code": "approved", "date": fmt.Sprintf("2025-06-%02d", 14+i)})
			} else {
				ms = append(ms, map[string]string{"code": "interview", "date": fmt.Sprintf("2025-05-%02d", 10+i)})
			}
			created := e.create(map[string]any{"category": c.category, "country": c.country, "service_center": center,
				"filed": c.filed, "milestones": ms})
			c.ids = append(c.ids, created.ID)
			c.items += len(ms)
		}
		seed.cohorts[scripts] = c
	}

	for _, id := range reported {
		mustStatus(e.t, e.postJSON("/api/v1/cases/"+id+"/reports", map[string]string{"reason": "duplicate"}), http.StatusAccepted)
	}
	burst := map[string]any{"category": "i130-parent", "country": "NG", "service_center": "NBC", "filed": "2024-05",
		"milestones": []map[string]string{{"code": "received", "date": "2024-05-10"}}}
	var copies []string
	for range burstSize {
		copies = append(copies, e.create(burst).ID)
	}

	e.signup(testAdminEmail, testPassword, "")
	if err := e.st.SetRole(context.Background(), testAdminEmail, auth.RoleAdmin); err != nil {
		e.t.Fatalf("grant admin: %v", err)
	}
	admin := e.signin(testAdminEmail, testPassword)
	res := e.postForm("/admin/cases/"+copies[0], url.Values{"action": {"hide"}, "reason": {"duplicate"}}, admin...)
	mustStatus(e.t, res, http.StatusSeeOther)

	next := e.getFeed("").NextCursor
	if next == "" {
		e.t.Fatal("the seeded feed has one page only")
	}
	seed.olderPath = "/feed?" + url.Values{"cursor": {next}}.Encode()
	return seed
}

// signInAdmin signs the tab in as the suite's administrator through the
// sign-in form.
func (s *browserSuite) signInAdmin(tb *tab) {
	tb.t.Helper()
	s.signIn(tb, admin(s).email, testPassword)
}

// feedOlder opens the feed's second page, where its "older" link leads;
// the journey follows the link itself.
func feedOlder(s *browserSuite, tb *tab) int64 { return tb.open(s.url(s.feed.olderPath)) }

// caseReport opens the suite's case with its report form unfolded.
func caseReport(s *browserSuite, tb *tab) int64 {
	st := tb.open(s.url("/cases/" + s.caseID))
	openReportForm(tb)
	return st
}

// reportButton sends the case page's report form.
const reportButton = `form.report-form button[type="submit"]`

// openReportForm opens the case page's report section, a <details>
// element, by clicking its summary.
func openReportForm(tb *tab) {
	tb.t.Helper()
	if tb.count("section.report details[open]") == 0 {
		tb.must(chromedp.Click(chromedp.CSS("#report-heading")))
	}
}

// shownFeedItem is one entry of a feed list as the page shows it.
type shownFeedItem struct {
	Case string `json:"case"`
	Text string `json:"text"`
}

const readFeedItems = `Array.from(document.querySelectorAll("ol.feed > li"), li => {
  const a = li.querySelector('a[href^="/cases/"]');
  return {case: a ? a.getAttribute("href").slice("/cases/".length) : "", text: li.textContent.trim().replace(/\s+/g, " ")};
})`

// feedItems reads the feed list of the page, and fails the test for an
// item outside the cohort.
func feedItems(tb *tab, c feedCohort) []shownFeedItem {
	tb.t.Helper()
	items := eval[[]shownFeedItem](tb, readFeedItems)
	for _, it := range items {
		if !slices.Contains(c.ids, it.Case) || !strings.Contains(it.Text, c.categoryName) ||
			!strings.Contains(it.Text, c.countryName) || !strings.Contains(it.Text, "filed "+filedWords(tb.t, c.filed)) {
			tb.t.Errorf("feed of the cohort %s shows another case: %+v", c.query(), it)
		}
	}
	return items
}

// filedWords is a filing month as the feed writes it in English:
// "August 2024" for 2024-08.
func filedWords(t testing.TB, filed string) string {
	t.Helper()
	m, err := timeline.ParseMonth(filed)
	if err != nil {
		t.Fatal(err)
	}
	return m.Mid().Format("January 2006")
}

// headlineCases matches the number of cases in the explore headline.
var headlineCases = regexp.MustCompile(`from (\d{1,3}(?:,\d{3})*) cases`)

// exploreCount opens the cohort's statistics and returns the number of
// cases the headline counts.
func exploreCount(s *browserSuite, tb *tab, c feedCohort) int {
	tb.t.Helper()
	// The filing month too: other journeys, running in parallel, share
	// cases of the same category and country but not of this month.
	s.load(tb, "/explore?category="+c.category+"&country="+c.country+"&filed_from="+c.filed+"&filed_to="+c.filed, http.StatusOK)
	h := tb.text(".headline")
	m := headlineCases.FindStringSubmatch(h)
	if m == nil {
		tb.t.Fatalf("explore headline %q names no number of cases", h)
	}
	n, _ := strconv.Atoi(strings.ReplaceAll(m[1], ",", ""))
	return n
}

// journeyFeedModeration: a reader narrows the feed to a cohort with the
// filter form, pages to older milestones, opens a case and its "cases
// like this one" feed, and reports the case; a moderator, signed in in
// another tab, finds it in the queue and hides it with a reason; the
// reader then finds it gone from the feed, its page answering 404 and
// the statistics counting one case less.
func journeyFeedModeration(t *testing.T, s *browserSuite, tb *tab) {
	c := s.feed.cohorts[tb.scripts]
	before := exploreCount(s, tb, c)
	if before != len(c.ids) {
		t.Fatalf("explore counts %d cases of the cohort, want the %d seeded", before, len(c.ids))
	}

	s.load(tb, "/feed", http.StatusOK)
	tb.must(
		chromedp.SetValue(chromedp.CSS("#ff-category"), c.category),
		chromedp.SetValue(chromedp.CSS("#ff-country"), c.country),
		chromedp.SetValue(chromedp.CSS("#ff-filed"), c.filed),
	)
	s.submit(tb, "the feed filter", `form.feed-filters button[type="submit"]`, http.StatusOK)
	address := eval[string](tb, "location.search")
	if q, err := url.ParseQuery(strings.TrimPrefix(address, "?")); err != nil ||
		q.Get("category") != c.category || q.Get("country") != c.country || q.Get("filed") != c.filed {
		t.Errorf("the filtered feed's address %q does not keep the filter %s", address, c.query())
	}
	first := feedItems(tb, c)
	if len(first) != feedPageSize {
		t.Fatalf("first page of the cohort: %d items, want %d", len(first), feedPageSize)
	}
	checkAtomLink(t, s, tb, c)

	s.submit(tb, "older milestones", `a[rel="next"]`, http.StatusOK)
	older := feedItems(tb, c)
	if len(older) != c.items-feedPageSize {
		t.Errorf("older page of the cohort: %d items, want %d", len(older), c.items-feedPageSize)
	}
	for _, it := range older {
		if slices.Contains(first, it) {
			t.Errorf("older page repeats %+v", it)
		}
	}
	if tb.count(`a[rel="next"]`) != 0 {
		t.Error("the last page of the cohort still offers older milestones")
	}
	if len(older) == 0 {
		t.Fatal("no older milestones to open a case from")
	}

	id := older[0].Case
	s.submit(tb, "a case from the feed", `ol.feed > li:first-child a[href^="/cases/"]`, http.StatusOK)
	if tb.count("p.cohort a") > 0 {
		s.submit(tb, "the feed of cases like this one", "p.cohort a", http.StatusOK)
		same := feedItems(tb, c)
		if !slices.ContainsFunc(same, func(it shownFeedItem) bool { return it.Case == id }) {
			t.Errorf("the feed of cases like %s does not show it: %+v", id, same)
		}
		s.load(tb, "/cases/"+id, http.StatusOK)
	}
	openReportForm(tb)
	tb.must(chromedp.SetValue(chromedp.CSS("#f-reason"), "fake"))
	s.submit(tb, "the report form", reportButton, http.StatusOK)
	if n := tb.text(`.notice[role="status"]`); !strings.Contains(n, "Thank you for the report") {
		t.Errorf("after reporting, the case page says %q", n)
	}

	admin := s.newTab(t, tb.scripts)
	s.signInAdmin(admin)
	s.load(admin, "/admin", http.StatusOK)
	form := `form[action="/admin/cases/` + id + `"]`
	if n := admin.count(form); n != 1 {
		t.Fatalf("the moderation page has %d forms for the reported case %s, want 1", n, id)
	}
	if card := admin.text(`article.admin-case:has(` + form + `)`); !strings.Contains(card, "fake × 1") {
		t.Errorf("the queue entry does not show the report: %q", card)
	}
	admin.must(chromedp.SetValue(chromedp.CSS(form+` select[name="reason"]`), "fake"))
	s.submit(admin, "hide", form+` button[value="hide"]`, http.StatusOK)
	if n := admin.text(`.notice[role="status"]`); !strings.Contains(n, "hidden") {
		t.Errorf("after hiding, the moderation page says %q", n)
	}
	if n := admin.count(`#hidden ~ article.admin-case ` + form); n != 1 {
		t.Errorf("the hidden case is not listed under the hidden cases")
	}

	s.load(tb, "/feed?"+c.query(), http.StatusOK)
	if slices.ContainsFunc(feedItems(tb, c), func(it shownFeedItem) bool { return it.Case == id }) {
		t.Errorf("the hidden case %s is still in the feed", id)
	}
	s.load(tb, "/cases/"+id, http.StatusNotFound)
	if m := tb.text("main"); !strings.Contains(m, "removed") {
		t.Errorf("the hidden case's page says %q, want that it was removed", m)
	}
	// Explore may show the rendering before the hide for a moment
	// (renderWait): aggregates only.
	after := exploreCount(s, tb, c)
	for deadline := time.Now().Add(time.Minute); after != before-1 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
		after = exploreCount(s, tb, c)
	}
	if after != before-1 {
		t.Errorf("explore counts %d cases of the cohort after hiding one, want %d", after, before-1)
	}
}

// atomShown is what the check reads of an Atom feed.
type atomShown struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string   `xml:"title"`
	Entries []struct {
		Title string `xml:"title"`
		Link  struct {
			Href string `xml:"href,attr"`
		} `xml:"link"`
	} `xml:"entry"`
}

// checkAtomLink follows the feed page's Atom link: it must stay on the
// site, answer with Atom, be well-formed XML and hold the same entries as
// the page. With JavaScript on, the page itself fetches and parses it
// too, under the site's Content-Security-Policy.
func checkAtomLink(t *testing.T, s *browserSuite, tb *tab, c feedCohort) {
	t.Helper()
	href := eval[string](tb, `document.querySelector('a[type="application/atom+xml"]').href`)
	u, err := url.Parse(href)
	if err != nil {
		t.Fatalf("Atom link %q: %v", href, err)
	}
	if own, _ := url.Parse(s.env.srv.URL); u.Scheme != own.Scheme || u.Host != own.Host {
		t.Fatalf("Atom link %q leaves the site %s", href, s.env.srv.URL)
	}
	if q := u.Query(); q.Get("category") != c.category || q.Get("country") != c.country || q.Get("filed") != c.filed {
		t.Errorf("Atom link %q does not keep the filter %s", href, c.query())
	}

	res, err := s.env.srv.Client().Get(href)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if mt, _, _ := mime.ParseMediaType(res.Header.Get("Content-Type")); res.StatusCode != http.StatusOK || mt != "application/atom+xml" {
		t.Fatalf("Atom feed: status %d, Content-Type %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if err := wellFormedXML(body); err != nil {
		t.Fatalf("Atom feed is not well-formed XML: %v\n%s", err, body)
	}
	var feed atomShown
	if err := xml.Unmarshal(body, &feed); err != nil {
		t.Fatalf("Atom feed: %v", err)
	}
	if len(feed.Entries) != feedPageSize {
		t.Errorf("Atom feed has %d entries, want the page's %d", len(feed.Entries), feedPageSize)
	}
	for _, e := range feed.Entries {
		link, err := url.Parse(e.Link.Href)
		if err != nil || link.Host != u.Host || !slices.Contains(c.ids, strings.TrimPrefix(link.Path, "/cases/")) {
			t.Errorf("Atom entry %q links to %q, not to a case of the cohort on this site", e.Title, e.Link.Href)
		}
	}

	if tb.scripts {
		got, err := chromedp.Run(tb.ctx, chromedp.Evaluate[string](`fetch(`+jsString(href)+`).then(r => r.text()).then(t => {
  const doc = new DOMParser().parseFromString(t, "application/xml");
  return doc.querySelector("parsererror") ? "parser error" : doc.documentElement.localName + " " + doc.getElementsByTagNameNS("http://www.w3.org/2005/Atom", "entry").length;
})`, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("fetch the Atom feed in the page: %v", err)
		}
		if want := fmt.Sprintf("feed %d", feedPageSize); got != want {
			t.Errorf("the page fetched the Atom feed and read %q, want %q", got, want)
		}
		tb.checkClean("fetching the Atom feed")
	}
}

// wellFormedXML reads every token of a document.
func wellFormedXML(b []byte) error {
	d := xml.NewDecoder(strings.NewReader(string(b)))
	for {
		_, err := d.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// journeyHoneypot: the submit form's trap for automated submissions takes
// no space a person could see and no stop of the Tab key.
func journeyHoneypot(t *testing.T, s *browserSuite, tb *tab) {
	s.load(tb, "/submit", http.StatusOK)
	type box struct{ Right, Bottom, Width, Height, Tab float64 }
	b := eval[box](tb, `(() => { const el = document.getElementById("f-website"); const r = el.getBoundingClientRect();
		return {Right: r.right, Bottom: r.bottom, Width: r.width, Height: r.height, Tab: el.tabIndex}; })()`)
	if b.Right > 0 && b.Bottom > 0 && b.Width > 1 && b.Height > 1 {
		t.Errorf("the honeypot is visible: %+v", b)
	}
	if b.Tab != -1 {
		t.Errorf("the honeypot is in the tab order: tabIndex %v", b.Tab)
	}
}
