package web

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/casetrack/casetrack/internal/timeline"
	"github.com/casetrack/casetrack/internal/units"
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
	base := s.baseURL(r)
	page := base + f.link("/feed")
	self := base + f.link("/feed.atom")
	now := s.now().UTC()
	feed := atomFeed{
		ID:      self,
		Title:   "CaseTrack: " + s.feedTitle(f),
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
			Title:   it.MilestoneName + ": " + it.Category.Name + ", " + it.CountryName + ", filed " + it.Filed,
			Updated: updated,
			Link:    atomLink{Rel: "alternate", Type: "text/html", Href: base + it.URL()},
			Content: atomText{Type: "text", Body: entryText(it)},
		})
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	buf.WriteString(atomStylesheet)
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

// entryText is the plain-text content of an entry.
func entryText(it feedItem) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s on %s", it.MilestoneName, it.Date)
	if it.MonthOnly {
		b.WriteString(" (month only)")
	}
	fmt.Fprintf(&b, ", %s. %s (%s), born in %s", units.After(it.DaysSinceFiled, "filing"), it.Category.Name, it.Category.Form, it.CountryName)
	if it.ServiceCenterName != "" {
		fmt.Fprintf(&b, ", %s", it.ServiceCenterName)
	}
	fmt.Fprintf(&b, ", filed %s.", it.Filed)
	if it.Note != "" {
		b.WriteString("\nNote: ")
		b.WriteString(it.Note)
	}
	return b.String()
}

// feedTitle describes the filters in words.
func (s *Server) feedTitle(f feedFilter) string {
	var parts []string
	if c, ok := s.cat.Category(f.Category); ok {
		parts = append(parts, c.Name)
	}
	if c, ok := s.cat.Country(f.Country); ok {
		parts = append(parts, c.Name)
	}
	if f.ServiceCenter != "" {
		parts = append(parts, f.ServiceCenter)
	}
	if !f.Filed.IsZero() {
		parts = append(parts, "filed "+f.Filed.String())
	}
	if f.Milestone != "" {
		parts = append(parts, f.Milestone)
	}
	parts = append(parts, f.Details.words(s.cat)...)
	if len(parts) == 0 {
		return "latest milestones"
	}
	return "latest milestones, " + strings.Join(parts, ", ")
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
