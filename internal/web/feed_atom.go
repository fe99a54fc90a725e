package web

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/i18n"
	"github.com/casetrack/casetrack/internal/timeline"
)

// The Atom feed (RFC 4287) of the same items as /feed, built with
// encoding/xml, which escapes every text it writes.

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Author  atomAuthor  `xml:"author"`
	Links   []atomLink  `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

type atomAuthor struct {
	Name string `xml:"name"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

type atomEntry struct {
	ID      string   `xml:"id"`
	Title   string   `xml:"title"`
	Updated string   `xml:"updated"`
	Link    atomLink `xml:"link"`
	Content atomText `xml:"content"`
}

// atomFeedHandler handles GET /feed.atom with the filters of /feed: the
// Atom document, or for a browser that asks for HTML first a page that
// shows it (see feed_atom_page.go).
func (s *Server) atomFeedHandler(w http.ResponseWriter, r *http.Request) error {
	w.Header().Add("Vary", "Accept")
	f, p, err := s.loadFeed(r)
	if err != nil {
		return err
	}
	if prefersHTML(r.Header.Get("Accept")) {
		return s.atomFeedPage(w, r, f, p)
	}
	words := s.feedWordsIn(s.feedLocale(r))
	base := s.baseURL(r)
	page := base + words.link(f, "/feed")
	self := base + words.link(f, "/feed.atom")
	now := s.now().UTC()
	feed := atomFeed{
		ID:      self,
		Title:   words.feedTitle(f),
		Updated: now.Format(time.RFC3339),
		Author:  atomAuthor{Name: "CaseTrack"},
		Links: []atomLink{
			{Rel: "self", Type: "application/atom+xml", Href: self},
			{Rel: "alternate", Type: "text/html", Href: page},
		},
	}
	for i, it := range p.Items {
		updated := entryTime(it, now)
		if i == 0 {
			feed.Updated = updated
		}
		feed.Entries = append(feed.Entries, atomEntry{
			ID:      base + it.URL() + "#" + it.Milestone + "-" + it.Date,
			Title:   words.entryTitle(it),
			Updated: updated,
			Link:    atomLink{Rel: "alternate", Type: "text/html", Href: base + it.URL()},
			Content: atomText{Type: "text", Body: words.entryText(it)},
		})
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	buf.WriteString(atomStylesheetIn(words.l))
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(feed); err != nil {
		return fmt.Errorf("encode Atom feed: %w", err)
	}
	h := w.Header()
	h.Set("Content-Type", "application/atom+xml; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(buf.Bytes())
	}
	return nil
}

// feedLocale is the language of the Atom feed and its stylesheet: the
// lang parameter only, English without one. Feed readers poll one
// address and shared caches keep it for everyone, so the address alone
// must say the language; the cookie and Accept-Language, which vary
// between readers of the same address, do not count.
func (s *Server) feedLocale(r *http.Request) *i18n.Locale {
	if l := s.lang.Exact(r.URL.Query().Get(i18n.Param)); l != nil {
		return l
	}
	return s.lang.Default()
}

// entryTime is the entry's date as an Atom timestamp: midnight UTC of the
// day, or of the 15th for a month-only date, never later than now.
func entryTime(it feedItem, now time.Time) string {
	d, err := timeline.ParseApproxDate(it.Date)
	if err != nil {
		return now.Format(time.RFC3339)
	}
	t := d.Time()
	if t.After(now) {
		t = now
	}
	return t.Format(time.RFC3339)
}

// feedWords writes the sentences of the Atom feed and its page in one
// language, with the reference data's names in that language.
type feedWords struct {
	l   *i18n.Locale
	ref *catalog.Catalog
}

// feedWordsIn is feedWords for a language.
func (s *Server) feedWordsIn(l *i18n.Locale) feedWords {
	ref, ok := s.refs[l.Code()]
	if !ok {
		ref = s.cat
	}
	return feedWords{l: l, ref: ref}
}

// link is path with the filter as its query string and, for any
// language but the source, the language: a link copied from a Spanish
// page opens a Spanish feed.
func (w feedWords) link(f feedFilter, path string) string {
	v := f.values()
	if w.l.Code() != i18n.Source {
		v.Set(i18n.Param, w.l.Code())
	}
	if len(v) > 0 {
		return path + "?" + v.Encode()
	}
	return path
}

// when is the item's date: the day, or the month of a month-only date.
func (w feedWords) when(it feedItem) string {
	if it.MonthOnly {
		return w.l.MonthYear(it.Day)
	}
	return w.l.Date(it.Day)
}

func (w feedWords) category(it feedItem) string {
	return refName(w.ref.Category, it.Category.Code, func(c catalog.Category) string { return c.Name })
}

func (w feedWords) country(code string) string {
	return refName(w.ref.Country, code, func(c catalog.Country) string { return c.Name })
}

func (w feedWords) milestone(code string) string {
	if name := milestoneName(w.ref, code); name != "" {
		return name
	}
	return code
}

// entryTitle is an entry's title: "Approved: EB-2 …, India, filed March 2024".
func (w feedWords) entryTitle(it feedItem) string {
	return w.l.T("feed.entry.title", "Milestone", w.milestone(it.Milestone), "Category", w.category(it),
		"Country", w.country(it.CountryCode), "Month", w.l.MonthYear(it.FiledMonth.Mid()))
}

// entryText is the plain-text content of an entry: what happened when,
// the case, and the note on a line of its own after the note label (the
// stylesheet finds it there).
func (w feedWords) entryText(it feedItem) string {
	date := w.when(it)
	if it.MonthOnly {
		date += " " + w.l.T("feed.month_only")
	}
	var b strings.Builder
	b.WriteString(w.l.T("feed.entry.when", "Milestone", w.milestone(it.Milestone), "Date", date, "AfterFiling", w.l.AfterFiling(it.DaysSinceFiled)))
	b.WriteString(" ")
	filed := w.l.MonthYear(it.FiledMonth.Mid())
	if it.ServiceCenter != "" {
		center := refName(w.ref.ServiceCenter, it.ServiceCenter, func(c catalog.ServiceCenter) string { return c.Name })
		b.WriteString(w.l.T("feed.entry.who_center", "Category", w.category(it), "Form", it.Category.Form,
			"Country", w.country(it.CountryCode), "Center", center, "Month", filed))
	} else {
		b.WriteString(w.l.T("feed.entry.who", "Category", w.category(it), "Form", it.Category.Form,
			"Country", w.country(it.CountryCode), "Month", filed))
	}
	if it.Note != "" {
		b.WriteString("\n")
		b.WriteString(w.l.T("feed.entry.note_label"))
		b.WriteString(" ")
		b.WriteString(it.Note)
	}
	return b.String()
}

// feedTitle is the feed's title, naming its filters in words.
func (w feedWords) feedTitle(f feedFilter) string {
	var parts []string
	if c, ok := w.ref.Category(f.Category); ok {
		parts = append(parts, c.Name)
	}
	if c, ok := w.ref.Country(f.Country); ok {
		parts = append(parts, c.Name)
	}
	if f.ServiceCenter != "" {
		parts = append(parts, f.ServiceCenter)
	}
	if !f.Filed.IsZero() {
		parts = append(parts, w.l.T("feed.title.filed", "Month", w.l.MonthYear(f.Filed.Mid())))
	}
	if f.Milestone != "" {
		parts = append(parts, w.milestone(f.Milestone))
	}
	parts = append(parts, f.Details.words(w.l, w.ref)...)
	title := w.l.T("feed.title.latest")
	if len(parts) > 0 {
		title = w.l.T("feed.title.filtered", "Filters", strings.Join(parts, w.l.T("feed.title.separator")))
	}
	return w.l.T("feed.title.site", "Title", title)
}

// baseURL is where the absolute links Atom needs start: the configured
// public URL, so that no request header can change them. Without one, the
// scheme and host the request came to: behind a trusted proxy
// X-Forwarded-Proto says whether it was https, and the host is checked to
// be a plain host[:port] (it is the client's own Host header, so links in
// such a feed are only as good as what the client asked for).
func (s *Server) baseURL(r *http.Request) string {
	if s.publicURL != "" {
		return s.publicURL
	}
	scheme := "http"
	if r.TLS != nil || (s.trust && r.Header.Get("X-Forwarded-Proto") == "https") {
		scheme = "https"
	}
	host := r.Host
	if host == "" || strings.ContainsAny(host, "/\\@?# \"<>") {
		host = "localhost"
	}
	return scheme + "://" + host
}

// feedCacheControl lets browsers, feed readers and shared caches keep a
// feed answer for a minute: feeds are the same for everyone, and readers
// poll them.
const feedCacheControl = "public, max-age=60"
