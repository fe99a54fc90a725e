package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/pagecache"
	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/timeline"
)

// feedItem is one feed entry with everything the API, the page and the
// Atom feed show.
type feedItem struct {
	CaseID            string
	Category          catalog.Category
	CountryCode       string
	CountryName       string
	ServiceCenter     string
	ServiceCenterName string
	Filed             string
	// FiledMonth and Day are Filed and Date as values, for the page and
	// the Atom feed to write in the reader's language (Day is the 15th
	// for a month-only date).
	FiledMonth     timeline.Month
	Day            time.Time
	Milestone      string
	MilestoneName  string
	Date           string
	MonthOnly      bool
	Terminal       bool
	DaysSinceFiled int
	// Note is plain text; templates and the Atom encoder escape it, and
	// nothing turns it into links.
	Note string
}

// URL is the case page of the item.
func (it feedItem) URL() string { return "/cases/" + it.CaseID }

func newFeedItem(cat *catalog.Catalog, it store.FeedItem) feedItem {
	category, ok := cat.Category(it.Category)
	if !ok {
		category = catalog.Category{Code: it.Category, Name: it.Category}
	}
	v := feedItem{
		CaseID: it.CaseID, Category: category, CountryCode: it.Country, CountryName: it.Country,
		ServiceCenter: it.ServiceCenter, ServiceCenterName: it.ServiceCenter, Filed: it.Filed.String(), FiledMonth: it.Filed,
		Milestone: it.Code, MilestoneName: it.Code, Date: it.Date, Terminal: timeline.IsTerminal(it.Code), Note: it.Note,
	}
	if co, ok := cat.Country(it.Country); ok {
		v.CountryName = co.Name
	}
	if sc, ok := cat.ServiceCenter(it.ServiceCenter); ok {
		v.ServiceCenterName = sc.Name
	}
	if m, ok := category.Milestone(it.Code); ok {
		v.MilestoneName = m.Name
	}
	if d, err := timeline.ParseApproxDate(it.Date); err == nil {
		v.MonthOnly = d.MonthOnly()
		v.Day = d.Time()
		v.DaysSinceFiled = it.Filed.DaysSinceFiled(d.Time())
	}
	return v
}

// feedPage is one page of the feed and the cursor of the next ("" at the
// end).
type feedPage struct {
	Items []feedItem
	Next  string
}

// loadFeed parses the request's filter (a 400 when it is bad) and runs
// it against the store. A page may hold fewer items than the limit and
// still have a next one: the store bounds each request's work (see
// store.FeedPage), and the cursor goes on exactly where it stopped.
func (s *Server) loadFeed(r *http.Request) (feedFilter, feedPage, error) {
	f, err := parseFeedFilter(s.locale(r), s.cat, r.URL.Query(), s.now())
	if err != nil {
		return f, feedPage{}, err
	}
	p, err := s.feedOf(r, f)
	return f, p, err
}

// feedOf reads one page of the feed f selects.
func (s *Server) feedOf(r *http.Request, f feedFilter) (feedPage, error) {
	res, err := s.store.FeedPage(r.Context(), f.query())
	if err != nil {
		return feedPage{}, err
	}
	var p feedPage
	if res.Next != nil {
		p.Next = encodeCursor(*res.Next)
	}
	p.Items = make([]feedItem, len(res.Items))
	for i, it := range res.Items {
		p.Items[i] = newFeedItem(s.cat, it)
	}
	return p, nil
}

// feedItemJSON is one item of GET /api/v1/feed (API.md "Feed").
type feedItemJSON struct {
	CaseID         string `json:"case_id"`
	Category       string `json:"category"`
	Country        string `json:"country"`
	ServiceCenter  string `json:"service_center,omitempty"`
	Filed          string `json:"filed"`
	Milestone      string `json:"milestone"`
	Date           string `json:"date"`
	DaysSinceFiled int    `json:"days_since_filed"`
	Note           string `json:"note"`
}

// feedJSON is the answer of GET /api/v1/feed. next_cursor is always
// there, null on the last page.
type feedJSON struct {
	Items      []feedItemJSON `json:"items"`
	NextCursor *string        `json:"next_cursor"`
}

// apiFeed handles GET /api/v1/feed.
func (s *Server) apiFeed(w http.ResponseWriter, r *http.Request) error {
	f, err := parseFeedFilter(s.locale(r), s.cat, r.URL.Query(), s.now())
	if err != nil {
		return err
	}
	return s.serveRendered(w, r, s.rendered, s.renderedKey(r, "/api/v1/feed", feedCacheQuery(f)), s.index.Version(), func(r *http.Request) (*pagecache.Response, error) {
		p, err := s.feedOf(r, f)
		if err != nil {
			return nil, err
		}
		out := feedJSON{Items: make([]feedItemJSON, len(p.Items))}
		if p.Next != "" {
			out.NextCursor = &p.Next
		}
		for i, it := range p.Items {
			out.Items[i] = feedItemJSON{
				CaseID: it.CaseID, Category: it.Category.Code, Country: it.CountryCode, ServiceCenter: it.ServiceCenter,
				Filed: it.Filed, Milestone: it.Milestone, Date: it.Date, DaysSinceFiled: it.DaysSinceFiled, Note: it.Note,
			}
		}
		b, err := encodeJSON(out)
		if err != nil {
			return nil, err
		}
		return pagecache.NewResponse("application/json; charset=utf-8", b), nil
	}, func(h http.Header) { h.Set("Cache-Control", feedCacheControl) })
}

// feedCacheQuery is everything a feed response depends on besides the
// data, for the rendered-response cache: the filter, the page size and
// the cursor. The feed is the same for everyone, so the JSON feed is
// cached for every request and the page for anonymous visitors; it is
// rendered anew after every change of the index (any case may add an
// item), and between two changes every reader of a selection gets the
// same bytes instead of a database query.
func feedCacheQuery(f feedFilter) url.Values {
	v := feedPageQuery(f)
	v.Set("limit", strconv.Itoa(f.Limit))
	return v
}

// feedPageQuery is the query of the feed page a filter shows, as its
// links name it: the filters, the cursor, and the limit only when it is
// not the page's own.
func feedPageQuery(f feedFilter) url.Values {
	v := f.values()
	if f.Limit != feedPageSize {
		v.Set("limit", strconv.Itoa(f.Limit))
	}
	if f.After != nil {
		v.Set("cursor", encodeCursor(*f.After))
	}
	return v
}

// feedPageData is the data of feed.html.
type feedPageData struct {
	page
	Filter feedFilter
	Items  []feedItem
	// NextURL and AtomURL keep the filters; FirstURL drops the cursor.
	NextURL, AtomURL, FirstURL string
	// Paged is set after following "older".
	Paged bool
	// Alert offers mail about the selection; nil when the site sends none.
	Alert *alertOffer
}

// FiledValue is the filing month filter as the form shows it.
func (p *feedPageData) FiledValue() string {
	if p.Filter.Filed.IsZero() {
		return ""
	}
	return p.Filter.Filed.String()
}

// MilestoneChoices lists every step once, for the milestone filter.
func (p *feedPageData) MilestoneChoices() []catalog.Milestone { return allMilestones(p.Catalog) }

// CategoryGroups groups the categories for the category filter.
func (p *feedPageData) CategoryGroups() []categoryGroup { return groupCategories(p.Catalog) }

// feedPageHandler handles GET /feed: filters as query parameters, a plain
// GET form, and an "older" link; it works without JavaScript.
func (s *Server) feedPageHandler(w http.ResponseWriter, r *http.Request) error {
	if s.anonymousPage(r) {
		f, err := parseFeedFilter(s.locale(r), s.cat, r.URL.Query(), s.now())
		if err != nil {
			return err
		}
		return s.serveRendered(w, r, s.rendered, s.renderedKey(r, "/feed", feedCacheQuery(f)), s.index.Version(), func(r *http.Request) (*pagecache.Response, error) {
			cr := canonicalRequest(r, feedPageQuery(f))
			p, err := s.feedOf(cr, f)
			if err != nil {
				return nil, err
			}
			return s.renderHTML(cr, "feed.html", s.feedPageData(cr, f, p))
		}, htmlHeaders)
	}
	f, p, err := s.loadFeed(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "feed.html", s.feedPageData(r, f, p))
}

// feedPageData is the data of feed.html.
func (s *Server) feedPageData(r *http.Request, f feedFilter, p feedPage) *feedPageData {
	data := &feedPageData{page: s.newPage(r, s.t(r, "title.feed")), Filter: f, Items: p.Items, Paged: f.After != nil}
	data.FirstURL = f.link("/feed")
	data.AtomURL = s.feedWordsIn(s.locale(r)).link(f, "/feed.atom")
	data.Alert = s.alertOffer(r, feedGroup(f))
	if p.Next != "" {
		v := f.values()
		if f.Limit != feedPageSize {
			v.Set("limit", strconv.Itoa(f.Limit))
		}
		v.Set("cursor", p.Next)
		data.NextURL = "/feed?" + v.Encode()
	}
	return data
}
