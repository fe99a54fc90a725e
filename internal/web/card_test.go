package web

import (
	"bytes"
	"html"
	"image/png"
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/sharecard"
	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
	"github.com/casetrack/casetrack/internal/timeline"
)

// TestCaseCard: the share card of a published case is a 1200×630 PNG
// that chats and crawlers may cache and revalidate; a hidden, deleted or
// unknown case has none, exactly as it has no page.
func TestCaseCard(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		created := e.create(validSubmission())
		path := "/cases/" + created.ID + "/card.png"

		res := e.get(path)
		mustStatus(t, res, http.StatusOK)
		if ct := res.header.Get("Content-Type"); ct != "image/png" {
			t.Errorf("Content-Type %q", ct)
		}
		if csp := res.header.Get("Content-Security-Policy"); csp != cardContentSecurityPolicy {
			t.Errorf("Content-Security-Policy %q", csp)
		}
		if cc := res.header.Get("Cache-Control"); !strings.HasPrefix(cc, "public, max-age=") {
			t.Errorf("Cache-Control %q, want public with a max-age", cc)
		}
		cfg, err := png.DecodeConfig(strings.NewReader(res.body))
		if err != nil {
			t.Fatalf("the card is not a PNG: %v", err)
		}
		if cfg.Width != 1200 || cfg.Height != 630 {
			t.Errorf("card is %dx%d, want 1200x630", cfg.Width, cfg.Height)
		}
		etag := res.header.Get("ETag")
		if !regexp.MustCompile(`^"[0-9a-f]{24}"$`).MatchString(etag) {
			t.Fatalf("ETag %q", etag)
		}

		// A crawler coming back with the ETag gets a 304 and no body.
		again := e.get(path, "If-None-Match", etag)
		mustStatus(t, again, http.StatusNotModified)
		if again.body != "" || again.header.Get("ETag") != etag {
			t.Errorf("304 with body %q and ETag %q", again.body, again.header.Get("ETag"))
		}
		if head := e.do(http.MethodHead, path, nil); head.status != http.StatusOK || head.body != "" || head.header.Get("Content-Length") != res.header.Get("Content-Length") {
			t.Errorf("HEAD: %d, body %d bytes, Content-Length %q", head.status, len(head.body), head.header.Get("Content-Length"))
		}

		// A new milestone changes the card, so the old ETag no longer
		// matches.
		mustStatus(t, e.postJSON("/api/v1/cases/"+created.ID+"/milestones", map[string]string{"code": "approved", "date": "2025-05-02"}, editKey(created.EditKey)...), http.StatusOK)
		changed := e.get(path, "If-None-Match", etag)
		mustStatus(t, changed, http.StatusOK)
		if changed.header.Get("ETag") == etag || changed.body == res.body {
			t.Error("the card did not change with the case")
		}

		// Unknown ids, malformed ids, hidden and deleted cases: no card.
		mustStatus(t, e.get("/cases/c_AAAAAAAAAAAAAAAAAAAAAAAAAA/card.png"), http.StatusNotFound)
		mustStatus(t, e.get("/cases/nope/card.png"), http.StatusNotFound)
		hidden := e.create(variedSubmission(3))
		mustStatus(t, e.get("/cases/"+hidden.ID+"/card.png"), http.StatusOK)
		if res := e.moderate(hidden.ID, "hide", "fake"); res.status != http.StatusSeeOther {
			t.Fatalf("hide: %d %s", res.status, res.body)
		}
		if res := e.get("/cases/" + hidden.ID + "/card.png"); res.status != http.StatusNotFound || strings.HasPrefix(res.header.Get("Content-Type"), "image/") {
			t.Errorf("card of a hidden case: %d %s", res.status, res.header.Get("Content-Type"))
		}
		mustStatus(t, e.do(http.MethodDelete, "/api/v1/cases/"+created.ID, nil, editKey(created.EditKey)...), http.StatusNoContent)
		mustStatus(t, e.get(path), http.StatusNotFound)
		if e.server.cards.Len() != 0 {
			t.Errorf("%d cards kept after their cases were hidden or deleted", e.server.cards.Len())
		}
	})
}

// TestCaseCardCohort: the card says where a case stands in the numbers
// its page shows, and its ETag moves when the similar cases do.
func TestCaseCardCohort(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	cases := seedOutlook(e)
	for _, tt := range []struct {
		c      *timeline.Case
		card   string
		onPage string
	}{
		{cases[40], "50% of similar cases were decided within 23.9 months", "Of similar cases, 50% were decided by the 23.9 months you have waited."},
		{cases[0], "Decided faster than 97% of similar cases", "Decided faster than 97% of similar cases"},
	} {
		card := e.server.shareCard(e.server.lang.Default(), tt.c)
		if got := card.CohortText(); got != tt.card {
			t.Errorf("card of %s says %q, want %q", tt.c.Status(), got, tt.card)
		}
		page := text(e.get("/cases/" + tt.c.ID).body)
		if !strings.Contains(page, tt.onPage) {
			t.Errorf("the case page does not say %q", tt.onPage)
		}
		if !strings.HasPrefix(card.Cohort.Group, "EB-2 National Interest Waiver cases from India") || !strings.Contains(page, card.Cohort.Group) {
			t.Errorf("card compares with %q, which its page does not name", card.Cohort.Group)
		}
	}

	// A case with too few similar cases shows no number.
	alone := e.create(map[string]any{"category": "n400", "country": "MX", "filed": "2024-05",
		"milestones": []map[string]string{{"code": "received", "date": "2024-05-20"}}})
	c, err := e.st.Case(t.Context(), alone.ID)
	if err != nil {
		t.Fatal(err)
	}
	if card := e.server.shareCard(e.server.lang.Default(), c); card.Cohort.Enough || card.CohortText() != "Not enough similar cases to compare yet" {
		t.Errorf("a case without enough similar cases: %+v, %q", card.Cohort, card.CohortText())
	}

	path := "/cases/" + cases[40].ID + "/card.png"
	before := e.get(path).header.Get("ETag")
	if again := e.get(path).header.Get("ETag"); again != before {
		t.Fatalf("ETag changed without a change: %s, %s", before, again)
	}
	// Ten more similar cases decided early change the share decided.
	var more []*timeline.Case
	for range 10 {
		m := *cases[0]
		m.ID = timeline.NewCaseID()
		m.Milestones = []timeline.Milestone{cases[0].Milestones[0], {Code: "approved", Date: timeline.DateOf(time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC))}}
		m.AsOf = m.Milestones[1].Date.Time()
		more = append(more, &m)
	}
	for _, m := range more {
		e.ix.Upsert(m)
	}
	if after := e.get(path).header.Get("ETag"); after == before {
		t.Error("the card's ETag did not change with its similar cases")
	}
}

// TestCasePageOpenGraph: a case page names its card and summary in the
// tags chats read, with absolute addresses from the public URL (or,
// without one, the address the request came to); other pages have none.
func TestCasePageOpenGraph(t *testing.T) {
	st := storetest.SQLite(t)
	for _, tt := range []struct {
		name, publicURL, base string
	}{
		{"with a public URL", "https://casetrack.example/", "https://casetrack.example"},
		{"without one", "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, st, func(c *Config) { c.PublicURL = tt.publicURL })
			base := tt.base
			if base == "" {
				base = e.srv.URL
			}
			created := e.create(validSubmission())
			page := e.get("/cases/" + created.ID)
			mustStatus(t, page, http.StatusOK)
			head := page.body[:strings.Index(page.body, "</head>")]
			for _, want := range []string{
				`<meta property="og:type" content="article">`,
				`<meta property="og:title" content="EB-2 National Interest Waiver: still waiting after 15.2 months">`,
				`<meta property="og:description" content="Anonymous I-140 timeline: filed March 2024, born in India, 2 milestones. How it compares with similar cases on CaseTrack.">`,
				`<meta property="og:url" content="` + base + `/cases/` + created.ID + `">`,
				`<meta property="og:image" content="` + base + `/cases/` + created.ID + `/card.png">`,
				`<meta property="og:image:width" content="1200">`,
				`<meta property="og:image:height" content="630">`,
				`<meta name="twitter:card" content="summary_large_image">`,
			} {
				if !strings.Contains(head, want) {
					t.Errorf("head lacks %s\n%s", want, head)
				}
			}
			if strings.Contains(head, "Premium processing") {
				t.Error("the note reached the page's tags")
			}
			// Whatever the address the page was opened at carries (a
			// notice, a key in a "manage my case" link), the addresses
			// the tags hand to other sites do not.
			withQuery := e.get("/cases/" + created.ID + "?done=milestone&key=" + created.EditKey)
			mustStatus(t, withQuery, http.StatusOK)
			for _, m := range regexp.MustCompile(`<meta property="og:(?:url|image)" content="([^"]*)">`).FindAllStringSubmatch(withQuery.body, -1) {
				if strings.ContainsAny(m[1], "?#") || strings.Contains(m[1], created.EditKey) {
					t.Errorf("a shared address carries the page's query: %s", m[1])
				}
			}
			// The image the tag names is there.
			img := strings.TrimPrefix(base+"/cases/"+created.ID+"/card.png", base)
			mustStatus(t, e.get(img), http.StatusOK)

			for _, other := range []string{"/", "/explore", "/feed", "/privacy"} {
				if body := e.get(other).body; strings.Contains(body, `property="og:`) {
					t.Errorf("%s has Open Graph tags", other)
				}
			}
		})
	}
}

// TestShareCardHoldsNoIdentifiers is privacy promise 2 for the card: what
// reaches the renderer has no field for the case id, the note or the
// owner, and no text of it carries them or an exact date.
func TestShareCardHoldsNoIdentifiers(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	e.signup("owner@example.org", testPassword, "")
	sub := validSubmission()
	sub["note"] = "Biometrics were quick, interview waived"
	created := e.create(sub, e.signin("owner@example.org", testPassword)...)
	c, err := e.st.Case(t.Context(), created.ID)
	if err != nil {
		t.Fatal(err)
	}
	if c.Note == "" || c.OwnerID == "" {
		t.Fatal("the test case lacks its note or owner")
	}
	card := e.server.shareCard(e.server.lang.Default(), c)

	forbidden := regexp.MustCompile(`(?i)^(id|caseid|note|owner|ownerid|editkey|email)$`)
	var walk func(v reflect.Value, path string)
	walk = func(v reflect.Value, path string) {
		switch v.Kind() {
		case reflect.Struct:
			for i := range v.NumField() {
				f := v.Type().Field(i)
				if forbidden.MatchString(f.Name) {
					t.Errorf("the card has a field %s.%s", path, f.Name)
				}
				walk(v.Field(i), path+"."+f.Name)
			}
		case reflect.Slice:
			for i := range v.Len() {
				walk(v.Index(i), path)
			}
		case reflect.String:
			s := v.String()
			for _, leak := range []string{c.ID, c.Note, c.OwnerID, "owner@example.org", "2024-03-20", "2024-09", "Biometrics were"} {
				if strings.Contains(s, leak) {
					t.Errorf("%s = %q carries %q", path, s, leak)
				}
			}
		}
	}
	walk(reflect.ValueOf(card), "Card")

	body, _, err := e.server.cards.PNG(c.ID, card)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(body, []byte(c.ID)) || bytes.Contains(body, []byte(c.Note)) {
		t.Error("the PNG's bytes carry the id or the note")
	}
}

// BenchmarkCaseCard is a crawler fetching the card of a case among 60
// similar ones through real HTTP on SQLite: again after it was drawn
// (read the case, compute its outlook, hash, serve from the cache), and
// with the ETag it holds (the same, answered 304).
func BenchmarkCaseCard(b *testing.B) {
	e := newEnv(b, storetest.SQLite(b))
	cases := seedOutlook(e)
	path := "/cases/" + cases[40].ID + "/card.png"
	first := e.get(path)
	if first.status != http.StatusOK {
		b.Fatalf("status %d", first.status)
	}
	b.Run("cached", func(b *testing.B) {
		for b.Loop() {
			if res := e.get(path); res.status != http.StatusOK {
				b.Fatalf("status %d", res.status)
			}
		}
	})
	b.Run("not modified", func(b *testing.B) {
		etag := first.header.Get("ETag")
		for b.Loop() {
			if res := e.get(path, "If-None-Match", etag); res.status != http.StatusNotModified {
				b.Fatalf("status %d", res.status)
			}
		}
	})
}

// TestCaseCardLanguage: a case page names its card in its own language
// where the card can be drawn in it, and its share tags speak the page's
// language; the card in Spanish or Arabic is its own drawing (its own
// ETag), while Chinese without a Chinese font on the system gets the
// English card.
func TestCaseCardLanguage(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	created := e.create(validSubmission())
	page := "/cases/" + created.ID
	card := page + "/card.png"
	meta := regexp.MustCompile(`<meta (?:property|name)="(og:title|og:description|og:image|og:image:alt)" content="([^"]*)">`)
	tags := func(lang string) map[string]string {
		res := e.get(page + "?lang=" + lang)
		mustStatus(t, res, http.StatusOK)
		out := map[string]string{}
		for _, m := range meta.FindAllStringSubmatch(res.body, -1) {
			out[m[1]] = html.UnescapeString(m[2])
		}
		return out
	}
	english := []string{"still waiting", "Anonymous", "filed", "born in", "milestones", "months", "Timeline of", "similar cases"}
	chinese := sharecard.Speaks(e.server.lang.Locale("zh-Hans"))
	zhImage := ""
	if chinese {
		zhImage = "?lang=zh-Hans"
	}
	for _, tt := range []struct {
		lang  string
		image string // the query of the card's address
	}{
		{"es", "?lang=es"},
		{"pt-BR", "?lang=pt-BR"},
		{"zh-Hans", zhImage},
		{"ar", "?lang=ar"},
	} {
		got := tags(tt.lang)
		if !strings.HasSuffix(got["og:image"], card+tt.image) {
			t.Errorf("%s: og:image %q, want …%s", tt.lang, got["og:image"], card+tt.image)
		}
		for name, v := range got {
			for _, w := range english {
				if strings.Contains(v, w) {
					t.Errorf("%s: %s %q says %q", tt.lang, name, v, w)
				}
			}
		}
	}

	etag := func(query string) string {
		res := e.get(card + query)
		mustStatus(t, res, http.StatusOK)
		return res.header.Get("ETag")
	}
	en, es, ar, zh := etag("?lang=en"), etag("?lang=es"), etag("?lang=ar"), etag("?lang=zh-Hans")
	if en == es || en == ar {
		t.Error("the Spanish or Arabic card has the English card's ETag")
	}
	if (zh != en) != chinese {
		t.Errorf("Chinese card: its own drawing %v, Chinese font found %v", zh != en, chinese)
	}
	c, err := e.st.Case(t.Context(), created.ID)
	if err != nil {
		t.Fatal(err)
	}
	sc := e.server.shareCard(e.server.lang.Locale("es"), c)
	for _, s := range []string{sc.StatusText(), sc.Subtitle(), sc.CohortText(), sc.GroupText()} {
		for _, w := range []string{"Pending", "Filed", "Born", "months", "similar cases", "Compared", "Anonymous"} {
			if strings.Contains(s, w) {
				t.Errorf("Spanish card says %q: %q", w, s)
			}
		}
	}
}
