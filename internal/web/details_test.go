package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
)

// h1bSubmission is an H-1B petition filed in January 2024, received on
// day i+1, decided on decided (or pending when empty), with the details.
func h1bSubmission(i int, decided string, details map[string]any) map[string]any {
	ms := []map[string]string{{"code": "received", "date": fmt.Sprintf("2024-01-%02d", i%28+1)}}
	if decided != "" {
		ms = append(ms, map[string]string{"code": "approved", "date": decided})
	}
	sub := map[string]any{"category": "h1b", "country": "IN", "filed": "2024-01", "milestones": ms}
	for k, v := range details {
		sub[k] = v
	}
	return sub
}

// i485Submission is an employment-based adjustment with its field office
// and priority date.
func i485Submission(i int, details map[string]any) map[string]any {
	sub := map[string]any{"category": "i485-employment", "country": "IN", "filed": "2024-01",
		"milestones": []map[string]string{{"code": "received", "date": fmt.Sprintf("2024-01-%02d", i%28+1)}}}
	for k, v := range details {
		sub[k] = v
	}
	return sub
}

// The details through the JSON API, on both databases: created, read back
// (the priority date as its year only, no chargeability), replaced with
// the edit key, and refused with a message per field.
func TestDetailsThroughTheAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		up := e.create(h1bSubmission(0, "2024-07-01", map[string]any{"premium": "upgraded", "premium_upgrade_day": 120, "filing_method": "online"}))
		var c map[string]any
		e.get("/api/v1/cases/"+up.ID).json(t, &c)
		for k, want := range map[string]any{"premium": "upgraded", "premium_upgrade_day": float64(120), "filing_method": "online"} {
			if c[k] != want {
				t.Errorf("%s = %v, want %v", k, c[k], want)
			}
		}

		adj := e.create(i485Submission(1, map[string]any{"interview_office": "NEW", "priority_date": "2019-03",
			"chargeability": "IN", "priority_date_current": "no"}))
		res := e.get("/api/v1/cases/" + adj.ID)
		c = nil
		res.json(t, &c)
		if c["interview_office"] != "NEW" || c["priority_date_year"] != float64(2019) || c["priority_date_current"] != "no" {
			t.Errorf("public view of the adjustment: %s", res.body)
		}
		for _, hidden := range []string{"2019-03", "chargeability", `"priority_date"`} {
			if strings.Contains(res.body, hidden) {
				t.Errorf("public view publishes %s: %s", hidden, res.body)
			}
		}
		page := e.get("/cases/" + adj.ID)
		for _, want := range []string{"Newark, NJ", "Priority date not current when filed", "2019 (year only)"} {
			if !strings.Contains(page.body, want) {
				t.Errorf("case page does not say %q", want)
			}
		}
		if strings.Contains(page.body, "2019-03") {
			t.Error("case page shows the priority month")
		}

		put := func(id, key string, body map[string]any) response {
			return e.do(http.MethodPut, "/api/v1/cases/"+id+"/details", strings.NewReader(mustJSON(t, body)),
				append([]string{"Content-Type", "application/json"}, editKey(key)...)...)
		}
		if res := put(adj.ID, adj.EditKey, map[string]any{"priority_date_current": "yes", "interview_office": "nyc"}); res.status != http.StatusOK {
			t.Fatalf("PUT details: %d %s", res.status, res.body)
		}
		c = nil
		e.get("/api/v1/cases/"+adj.ID).json(t, &c)
		if c["priority_date_current"] != "yes" || c["interview_office"] != "NYC" || c["priority_date_year"] != nil {
			t.Errorf("after PUT: %v", c)
		}
		if res := put(adj.ID, up.EditKey, map[string]any{"priority_date_current": "no"}); res.status != http.StatusForbidden {
			t.Errorf("PUT with another case's key: %d", res.status)
		}
		res = put(up.ID, up.EditKey, map[string]any{"premium": "upgraded", "premium_upgrade_day": 400, "interview_office": "NYC"})
		fields := res.apiError(t).Fields
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(fields["premium_upgrade_day"], "after the decision") ||
			!strings.Contains(fields["interview_office"], "does not apply") {
			t.Errorf("PUT invalid details: %d %s", res.status, res.body)
		}
		c = nil
		e.get("/api/v1/cases/"+up.ID).json(t, &c)
		if c["premium_upgrade_day"] != float64(120) {
			t.Errorf("a refused PUT changed the case: %v", c)
		}

		res = e.postJSON("/api/v1/cases", i485Submission(2, map[string]any{"premium": "premium", "priority_date": "2024-05"}))
		fields = res.apiError(t).Fields
		if res.status != http.StatusUnprocessableEntity || fields["premium"] == "" || !strings.Contains(fields["priority_date"], "after the filing month") {
			t.Errorf("invalid details: %d %s", res.status, res.body)
		}
	})
}

// Statistics split by the details, on both databases: the stats API's
// filters and breakdowns, Explore and its CSV downloads, with rows under
// k withheld; and the feeds (HTML, JSON, Atom) filtered by them.
func TestDetailsSplitTheStatistics(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		for i := range 6 {
			e.create(h1bSubmission(i, fmt.Sprintf("2024-02-%02d", i%28+1), map[string]any{"premium": "premium", "filing_method": "online"}))
			e.create(h1bSubmission(i, "2024-09-01", map[string]any{"premium": "regular", "filing_method": "paper"}))
		}
		up := e.create(h1bSubmission(9, "2024-06-01", map[string]any{"premium": "upgraded", "premium_upgrade_day": 100}))

		var r struct {
			Cases      int  `json:"cases"`
			Suppressed bool `json:"suppressed"`
		}
		for q, want := range map[string]int{
			"category=h1b": 13, "category=h1b&premium=premium": 6, "category=h1b&premium=regular&filing_method=paper": 6,
			"category=h1b&premium=not_given": 0, "category=h1b&filing_method=ONLINE": 6,
		} {
			res := e.get("/api/v1/stats?" + q)
			res.json(t, &r)
			if res.status != http.StatusOK || r.Cases != want && !(want < 5 && r.Suppressed) {
				t.Errorf("stats?%s: %d %s, want %d cases", q, res.status, res.body, want)
			}
		}
		for q, field := range map[string]string{
			"category=h1b&premium=fast":                 "premium",
			"category=h1b&interview_office=NYC":         "interview_office",
			"category=i485-employment&premium=premium":  "premium",
			"category=i485-employment&chargeability=XX": "chargeability",
		} {
			res := e.get("/api/v1/stats?" + q)
			if res.status != http.StatusUnprocessableEntity || res.apiError(t).Fields[field] == "" {
				t.Errorf("stats?%s: %d %s, want a message for %s", q, res.status, res.body, field)
			}
		}

		var b struct {
			Rows []struct {
				Key        string `json:"key"`
				Cases      *int   `json:"cases"`
				Suppressed bool   `json:"suppressed"`
			} `json:"rows"`
		}
		res := e.get("/api/v1/stats/breakdown?category=h1b&dimension=premium")
		res.json(t, &b)
		got := map[string]string{}
		for _, row := range b.Rows {
			got[row.Key] = "suppressed"
			if !row.Suppressed && row.Cases != nil {
				got[row.Key] = fmt.Sprint(*row.Cases)
			}
		}
		if fmt.Sprint(got) != "map[premium:6 regular:6 upgraded:suppressed]" {
			t.Errorf("breakdown by premium: %v (%s)", got, res.body)
		}

		if res := e.get("/api/v1/stats/breakdown?category=h1b&dimension=interview_office"); res.status != http.StatusUnprocessableEntity ||
			!strings.Contains(res.apiError(t).Fields["dimension"], "does not apply") {
			t.Errorf("breakdown of H-1B petitions by field office: %d %s", res.status, res.body)
		}
		if res := e.get("/explore/interview_office.csv?category=h1b"); res.status != http.StatusUnprocessableEntity {
			t.Errorf("interview_office.csv of H-1B petitions: %d", res.status)
		}
		page := e.get("/explore?category=h1b&premium=premium")
		if page.status != http.StatusOK || !strings.Contains(page.body, "premium from filing") || !strings.Contains(page.body, `id="f-premium"`) {
			t.Errorf("explore filtered by premium: %d", page.status)
		}
		page = e.get("/explore?category=h1b")
		for _, want := range []string{"By premium processing", "By filing method", "Upgraded to premium", "/explore?category=h1b&amp;premium=premium"} {
			if !strings.Contains(page.body, want) {
				t.Errorf("explore does not show %q", want)
			}
		}
		if strings.Contains(page.body, "By field office") {
			t.Error("explore breaks H-1B petitions down by field office")
		}
		csv := e.get("/explore/premium.csv?category=h1b")
		if csv.status != http.StatusOK || !strings.Contains(csv.body, "premium,") || !strings.Contains(csv.body, "upgraded,Upgraded to premium,not enough data") {
			t.Errorf("premium.csv: %d\n%s", csv.status, csv.body)
		}

		var feed feedJSON
		e.get("/api/v1/feed?premium=upgraded").json(t, &feed)
		if len(feed.Items) != 2 || feed.Items[0].CaseID != up.ID {
			t.Errorf("feed of upgraded cases: %+v", feed.Items)
		}
		e.get("/api/v1/feed?category=h1b&filing_method=paper&limit=100").json(t, &feed)
		if len(feed.Items) != 12 {
			t.Errorf("feed of paper filings: %d items, want 12", len(feed.Items))
		}
		if res := e.get("/api/v1/feed?premium=fast"); res.status != http.StatusBadRequest || !strings.Contains(res.body, "premium") {
			t.Errorf("feed?premium=fast: %d %s", res.status, res.body)
		}
		if res := e.get("/api/v1/feed?chargeability=IN"); res.status != http.StatusOK || strings.Contains(res.body, "chargeability") {
			// chargeability is no feed filter: it is ignored like any
			// unknown parameter.
			t.Errorf("feed?chargeability: %d", res.status)
		}
		html := e.get("/feed?premium=upgraded")
		atom := e.get("/feed.atom?premium=upgraded")
		if html.status != http.StatusOK || !strings.Contains(html.body, up.ID) || atom.status != http.StatusOK ||
			!strings.Contains(atom.body, up.ID) || !strings.Contains(atom.body, "upgraded to premium") {
			t.Errorf("HTML feed %d, Atom feed %d:\n%s", html.status, atom.status, atom.body)
		}
	})
}

// The submit form takes the details, shows them again with a message
// beside each wrong one, and the owner's edit form keeps them.
func TestDetailsOnTheSubmitForm(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	page := e.get("/submit")
	for _, want := range []string{`id="f-premium"`, `id="f-interview_office"`, "only for I-485, I-130, I-751 and N-400", `name="priority_date"`, "details."} {
		if !strings.Contains(page.body, want) {
			t.Errorf("submit form lacks %q", want)
		}
	}
	form := url.Values{"category": {"i485-family"}, "country": {"MX"}, "filed": {"2024-03"},
		"milestones[0].code": {"received"}, "milestones[0].date": {"2024-03-20"},
		"premium": {"premium"}, "interview_office": {"NEW"}, "priority_date": {"2024-09"}, "priority_date_current": {"no"}}
	res := e.postForm("/submit", form)
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", res.status)
	}
	for _, want := range []string{`href="#f-premium"`, "Premium processing does not apply", `href="#f-priority_date"`,
		`value="2024-09"`, `<option value="NEW" selected>`} {
		if !strings.Contains(res.body, want) {
			t.Errorf("refused form lacks %q", want)
		}
	}
	form.Del("premium")
	form.Set("priority_date", "2001-06")
	res = e.postForm("/submit", form)
	if res.status != http.StatusCreated {
		t.Fatalf("status %d: %s", res.status, res.body)
	}
	id := between(res.body, `/cases/`, `"`)
	var c map[string]any
	e.get("/api/v1/cases/"+id).json(t, &c)
	if c["interview_office"] != "NEW" || c["priority_date_year"] != float64(2001) || c["priority_date_current"] != "no" {
		t.Errorf("submitted by form: %v", c)
	}
}

// Privacy promise 6 for the details, on both databases: a filter by a
// detail that narrows a group below k shows no number, in the API, on
// Explore and in its CSV; and what the public sees of a case (its JSON,
// its page, the feeds) never carries the priority month or the
// chargeability, so no feed filter or case page can tell them case by
// case.
func TestDetailsPrivacy(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		for i := range 6 {
			e.create(i485Submission(i, map[string]any{"interview_office": "NEW", "priority_date": "2019-03", "chargeability": "IN", "priority_date_current": "yes"}))
		}
		rare := e.create(i485Submission(7, map[string]any{"interview_office": "SEA", "priority_date": "2015-11", "chargeability": "CN", "priority_date_current": "no"}))

		for _, q := range []string{"interview_office=SEA", "chargeability=CN", "priority_date_current=no"} {
			var r struct {
				Suppressed bool `json:"suppressed"`
				Cases      *int `json:"cases"`
			}
			res := e.get("/api/v1/stats?category=i485-employment&" + q)
			res.json(t, &r)
			if !r.Suppressed || r.Cases != nil {
				t.Errorf("stats?%s of one case: %s", q, res.body)
			}
			page := e.get("/explore?category=i485-employment&" + q)
			if page.status != http.StatusOK || strings.Contains(page.body, `class="ex-numbers"`) {
				t.Errorf("explore?%s shows numbers of one case", q)
			}
			csv := e.get("/explore/country.csv?category=i485-employment&" + q)
			if !strings.Contains(csv.body, "not enough data") || strings.Contains(csv.body, "China") {
				t.Errorf("country.csv?%s:\n%s", q, csv.body)
			}
		}
		var b struct {
			Rows []struct {
				Key        string `json:"key"`
				Cases      *int   `json:"cases"`
				Suppressed bool   `json:"suppressed"`
			} `json:"rows"`
		}
		e.get("/api/v1/stats/breakdown?category=i485-employment&dimension=interview_office").json(t, &b)
		for _, row := range b.Rows {
			if row.Key == "SEA" && (!row.Suppressed || row.Cases != nil) {
				t.Errorf("the field office of one case is shown with numbers: %+v", row)
			}
		}

		public := []string{"/api/v1/cases/" + rare.ID, "/cases/" + rare.ID, "/api/v1/feed?category=i485-employment",
			"/feed?category=i485-employment", "/feed.atom?category=i485-employment"}
		for _, path := range public {
			res := e.get(path)
			for _, secret := range []string{"2015-11", "2015/11", "November 2015", "chargeability", "Chargeability"} {
				if strings.Contains(res.body, secret) {
					t.Errorf("%s publishes %q", path, secret)
				}
			}
		}
		// Neither is a feed filter: the feed ignores them, so a listing
		// cannot be narrowed down by them.
		var all, narrowed feedJSON
		e.get("/api/v1/feed?category=i485-employment").json(t, &all)
		e.get("/api/v1/feed?category=i485-employment&chargeability=CN&priority_date=2015-11").json(t, &narrowed)
		if len(narrowed.Items) != len(all.Items) {
			t.Errorf("the feed filters by chargeability or priority date: %d items of %d", len(narrowed.Items), len(all.Items))
		}
	})
}

// FuzzParseDetailFilter feeds arbitrary values to the statistics filter's
// details: the parser accepts or names every bad field, and an accepted
// filter survives a round trip through its query string and gives a safe
// download name.
func FuzzParseDetailFilter(f *testing.F) {
	f.Add("h1b", "premium", "online", "", "", "")
	f.Add("i485-family", "", "", "nyc", "No", "mx")
	f.Add("i485-family", "NOT_GIVEN", "not_given", "not_given", "not_given", "not_given")
	f.Add("eb2-niw", "fast", "fax", "XYZ", "maybe", "zz")
	f.Add("n400", "\x00", "<b>", "ＮＹＣ", "yes", "IN")
	s := filterServer()
	f.Fuzz(func(t *testing.T, category, premium, method, office, current, charge string) {
		q := url.Values{paramCategory: {category}, "premium": {premium}, "filing_method": {method},
			"interview_office": {office}, "priority_date_current": {current}, "chargeability": {charge}}
		got, fe := s.parseFilter(filterFormOf(q))
		if fe != nil {
			for k, msg := range fe {
				if msg == "" || utf8.RuneCountInString(msg) > 300 {
					t.Fatalf("message for %s: %q", k, msg)
				}
			}
			return
		}
		v, err := url.ParseQuery(filterQuery(got))
		if err != nil {
			t.Fatal(err)
		}
		back, fe := s.parseFilter(filterFormOf(v))
		if fe != nil || back != got {
			t.Fatalf("round trip of %+v: %+v %v", got, back, fe)
		}
		if name := csvFilename(got, "premium"); strings.ContainsAny(name, "\"\r\n;\\/ ") {
			t.Fatalf("unsafe file name %q", name)
		}
	})
}

// The owner's export has every detail whole (privacy promise 8), and the
// owner's edit form shows and keeps them.
func TestDetailsOwnerExportAndEdit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		me := e.account("owner@example.org")
		c := e.create(i485Submission(0, map[string]any{"interview_office": "NEW", "priority_date": "2019-03",
			"chargeability": "IN", "priority_date_current": "no"}), me...)
		res := e.get("/api/v1/me/export", me...)
		for _, want := range []string{`"priority_date":"2019-03"`, `"chargeability":"IN"`, `"interview_office":"NEW"`, `"priority_date_current":"no"`} {
			if !strings.Contains(res.body, want) {
				t.Errorf("export lacks %s: %s", want, res.body)
			}
		}
		edit := e.get("/me/cases/"+c.ID+"/edit", me...)
		for _, want := range []string{`<option value="NEW" selected>`, `value="2019-03"`, `<option value="no" selected>`, "<details class=\"case-details\" open"} {
			if !strings.Contains(edit.body, want) {
				t.Errorf("edit form lacks %s", want)
			}
		}
		form := url.Values{"category": {"i485-employment"}, "country": {"IN"}, "filed": {"2024-01"},
			"milestones[0].code": {"received"}, "milestones[0].date": {"2024-01-01"},
			"interview_office": {"SEA"}, "priority_date": {"2019-03"}, "priority_date_current": {"yes"}}
		if res := e.postForm("/me/cases/"+c.ID+"/edit", form, me...); res.status != http.StatusSeeOther {
			t.Fatalf("edit: %d %s", res.status, res.body)
		}
		var got map[string]any
		e.get("/api/v1/cases/"+c.ID).json(t, &got)
		if got["interview_office"] != "SEA" || got["priority_date_current"] != "yes" {
			t.Errorf("after the owner's edit: %v", got)
		}
	})
}
