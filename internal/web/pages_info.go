package web

import (
	"errors"
	"html/template"
	"net/http"
	"sort"
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/pagecache"
	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/timeline"
)

// homeLatest is how many of the latest milestones the home page lists.
const homeLatest = 8

// homePageData is the data of home.html.
type homePageData struct {
	page
	// Cases is the number of timelines shared so far.
	Cases int
	// Deleted confirms that a case was just deleted.
	Deleted bool
	// Latest are the newest milestones of the feed.
	Latest []feedItem
	// ApprovedWeek counts approvals dated in the last seven days, by
	// category, for categories with at least MinCases of them (a count
	// is an aggregate, privacy promise 6).
	ApprovedWeek []categoryCount
	// Unavailable says that the database could not be read: the page
	// shows what the in-memory index knows and says why the rest is
	// missing, rather than answering 503 (DESIGN.md "Operations").
	Unavailable bool
}

// CategoryGroups groups the catalog's categories for the outlook form.
func (p *homePageData) CategoryGroups() []categoryGroup { return groupCategories(p.Catalog) }

// categoryCount is one row of "approved this week".
type categoryCount struct {
	Category catalog.Category
	Count    int
}

// homePage handles GET /. Its figures come from the index (the number of
// cases, "approved this week") and its latest milestones from the
// database; the anonymous page is rendered once per change of the index
// and served from the cache (rendered.go) until the next one.
func (s *Server) homePage(w http.ResponseWriter, r *http.Request) error {
	deleted := r.URL.Query().Get("deleted") == "1"
	if !deleted && s.anonymousPage(r) {
		err := s.serveRendered(w, r, s.rendered, s.renderedKey(r, "/", nil), s.index.Version(), func(r *http.Request) (*pagecache.Response, error) {
			cr := canonicalRequest(r, nil)
			data, err := s.homeData(cr, false)
			if err != nil {
				return nil, err
			}
			if data.Unavailable {
				// Not cached: the next request tries the database again.
				return nil, errHomeUnavailable
			}
			return s.renderHTML(cr, "home.html", data)
		}, htmlHeaders)
		if !errors.Is(err, errHomeUnavailable) {
			return err
		}
	}
	data, err := s.homeData(r, deleted)
	if err != nil {
		return err
	}
	if data.Unavailable {
		w.Header().Set("Cache-Control", "no-store")
	}
	return s.render(w, r, http.StatusOK, "home.html", data)
}

// errHomeUnavailable keeps the home page of a database outage out of the
// cache.
var errHomeUnavailable = errors.New("home page: database unavailable")

// homeData gathers the home page. Only the latest milestones are read
// from the database; when it cannot be read the page says so and shows
// what the index knows.
func (s *Server) homeData(r *http.Request, deleted bool) (*homePageData, error) {
	data := &homePageData{
		page:    s.newPage(r, s.t(r, "title.home")),
		Cases:   s.index.Len(),
		Deleted: deleted,
	}
	latest, err := s.store.Feed(r.Context(), store.FeedQuery{Limit: homeLatest})
	if store.Unavailable(err) {
		s.outage.Fail(err)
		data.Unavailable = true
		return data, nil
	}
	if err != nil {
		return nil, err
	}
	for _, it := range latest {
		data.Latest = append(data.Latest, newFeedItem(s.cat, it))
	}
	since := timeline.Today(s.now()).AddDate(0, 0, -6)
	for code, n := range s.index.ApprovedSince(since) {
		c, ok := s.cat.Category(code)
		if ok && n >= s.minCases {
			data.ApprovedWeek = append(data.ApprovedWeek, categoryCount{Category: c, Count: n})
		}
	}
	sort.Slice(data.ApprovedWeek, func(i, j int) bool {
		a, b := data.ApprovedWeek[i], data.ApprovedWeek[j]
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		return a.Category.Code < b.Category.Code
	})
	return data, nil
}

// privacyPolicyDate is the date of the privacy policy's current wording;
// change it whenever privacy.html changes in substance.
const privacyPolicyDate = "2026-12-02"

// privacyPageData is the data of privacy.html.
type privacyPageData struct {
	page
	PolicyDate string
	// Mail is true when the site sends mail; the policy then says what
	// it sends and keeps.
	Mail bool
	// VerifyValid and ResetValid say how long the mailed links work.
	VerifyValid, ResetValid string
}

// PolicyDateHTML is the policy date as markup, for a catalog sentence:
// written in the page's language, machine-readable in datetime.
func (p *privacyPageData) PolicyDateHTML() template.HTML {
	d := template.HTMLEscapeString(p.PolicyDate)
	shown := d
	if day, err := time.Parse(time.DateOnly, p.PolicyDate); err == nil && p.Lang != nil {
		shown = template.HTMLEscapeString(p.Lang.Date(day))
	}
	return template.HTML(`<time datetime="` + d + `">` + shown + `</time>`)
}

// privacyPage handles GET /privacy (privacy promise 12).
func (s *Server) privacyPage(w http.ResponseWriter, r *http.Request) error {
	data := &privacyPageData{page: s.newPage(r, s.t(r, "title.privacy")), PolicyDate: privacyPolicyDate,
		Mail: s.mailOn(), VerifyValid: s.t(r, "account.valid_verify"), ResetValid: s.t(r, "account.valid_reset")}
	return s.render(w, r, http.StatusOK, "privacy.html", data)
}
