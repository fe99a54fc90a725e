package web

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"text/template"

	"github.com/casetrack/casetrack/internal/i18n"
)

// A person who opens /feed.atom in a browser should see a page, not XML,
// while feed readers keep getting the Atom document. Two ways, because
// browsers differ:
//
//   - Content negotiation: a browser navigating to the address asks for
//     text/html first, and gets a page with the same entries, the feed's
//     address to copy into a feed reader and, with mail on, a link to
//     subscribe by email (atomFeedPage). A feed reader, curl, or anything
//     that does not prefer HTML gets Atom.
//   - An XSL stylesheet named in the Atom document (feedXSL), for a
//     browser that is handed the Atom itself (say, by a cache that ignores
//     Vary) and still applies XSLT to it. Chromium stopped doing so around
//     version 155, and never did for application/atom+xml, so the page
//     above is what most people see.

// feedXSLPath is where the Atom feed's stylesheet is served.
const feedXSLPath = "/feed.xsl"

// atomStylesheetIn is the processing instruction that names the
// stylesheet in the feed's language, written after the XML declaration.
func atomStylesheetIn(l *i18n.Locale) string {
	href := feedXSLPath
	if l.Code() != i18n.Source {
		href += "?" + i18n.Param + "=" + url.QueryEscape(l.Code())
	}
	return `<?xml-stylesheet type="text/xsl" href="` + xmlText(href) + `"?>` + "\n"
}

// feedReaderTypes are the media types that ask for the feed as a document
// to read: a request naming one of them at least as high as text/html
// gets Atom.
var feedReaderTypes = []string{"application/atom+xml", "application/rss+xml", "application/xml", "text/xml"}

// prefersHTML reports whether an Accept header asks for HTML before any
// feed type: text/html named explicitly with a quality above zero and
// above every feed type's. Wildcards (*/*, text/*) never count for HTML,
// so a client that accepts anything, or sends no Accept, gets Atom; a tie
// goes to Atom too.
func prefersHTML(accept string) bool {
	html, feed := 0.0, 0.0
	for part := range strings.SplitSeq(accept, ",") {
		params := strings.Split(part, ";")
		mt := strings.ToLower(strings.TrimSpace(params[0]))
		q := 1.0
		for _, p := range params[1:] {
			k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
			if !ok || !strings.EqualFold(strings.TrimSpace(k), "q") {
				continue
			}
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil || f < 0 || f > 1 {
				f = 0 // a quality that does not parse counts as "not wanted"
			}
			q = f
		}
		switch {
		case mt == "text/html":
			html = max(html, q)
		case slices.Contains(feedReaderTypes, mt):
			feed = max(feed, q)
		}
	}
	return html > 0 && html > feed
}

// feedAtomPageData is the data of feed_atom.html.
type feedAtomPageData struct {
	page
	// FeedTitle is the Atom feed's title; AtomURL its absolute address,
	// to copy into a feed reader.
	FeedTitle, AtomURL string
	// PageURL is /feed with the same filters; AlertsURL the page that
	// sets up an email alert for them.
	PageURL, AlertsURL string
	// MailOn shows the email subscription.
	MailOn bool
	Items  []feedItem
}

// atomFeedPage answers /feed.atom with a page for a browser. It shows
// whether the reader is signed in, so it varies with the session cookie
// and must not be kept by shared caches.
func (s *Server) atomFeedPage(w http.ResponseWriter, r *http.Request, f feedFilter, p feedPage) error {
	h := w.Header()
	h.Add("Vary", "Cookie")
	h.Set("Cache-Control", "private, no-cache")
	words := s.feedWordsIn(s.locale(r))
	data := &feedAtomPageData{
		page:      s.newPage(r, s.t(r, "title.feed_atom")),
		FeedTitle: words.feedTitle(f),
		AtomURL:   s.baseURL(r) + words.link(f, "/feed.atom"),
		PageURL:   f.link("/feed"),
		AlertsURL: f.link(alertsNewPath),
		MailOn:    s.mailOn(),
		Items:     p.Items,
	}
	return s.render(w, r, http.StatusOK, "feed_atom.html", data)
}

// alertsNewPath is the page that sets up an email alert for a feed
// filter given as its query string; it asks people who are signed out to
// sign in first.
const alertsNewPath = "/me/alerts/new"

// feedXSLSource is the stylesheet, a text/template: the server fills in
// the addresses of the site's fingerprinted assets and whether mail is on.
//
//go:embed xsl/feed.xsl
var feedXSLSource string

var feedXSLTemplate = template.Must(template.New("feed.xsl").Funcs(template.FuncMap{"xml": xmlText, "mark": xslMark, "around": xslAround}).Parse(feedXSLSource))

// xslMarker stands, in a message, for what the stylesheet fills in from
// the feed (an entry's title): xslAround puts the XSL there.
const xslMarker = "\x00"

func xslMark() string { return xslMarker }

// xslAround writes a message that holds xslMarker as XML text with the
// XSL fragment in the marker's place, so a translation may put the
// feed's own words anywhere in its sentence.
func xslAround(text, fragment string) string {
	before, after, _ := strings.Cut(text, xslMarker)
	return xmlText(before) + fragment + xmlText(after)
}

// xmlText escapes a value for XML text or an attribute.
func xmlText(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// feedXSLData is what the stylesheet template is filled with.
type feedXSLData struct {
	Style, Icon   string
	AlertsNewPath string
	MailOn        bool
	// Lang and Dir are the language's code and writing direction.
	Lang, Dir string
	locale    *i18n.Locale
}

// T writes a message in the stylesheet's language.
func (d feedXSLData) T(id string, args ...any) string { return d.locale.T(id, args...) }

// feedXSL serves the Atom feed's stylesheet, in the language of its lang
// parameter (the feed names the stylesheet of its own language). It names
// the current fingerprints of the stylesheet and icon, so it is
// revalidated on every use (by its ETag) rather than kept across a
// release.
func (s *Server) feedXSL(w http.ResponseWriter, r *http.Request) error {
	style, err := s.assets.url("style.css")
	if err != nil {
		return err
	}
	icon, err := s.assets.url("favicon.svg")
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	l := s.feedLocale(r)
	data := feedXSLData{Style: style, Icon: icon, AlertsNewPath: alertsNewPath, MailOn: s.mailOn(), Lang: l.Code(), Dir: l.Dir(), locale: l}
	if err := feedXSLTemplate.Execute(&buf, data); err != nil {
		return fmt.Errorf("feed stylesheet: %w", err)
	}
	sum := sha256.Sum256(buf.Bytes())
	etag := `W/"` + hex.EncodeToString(sum[:8]) + `"`
	h := w.Header()
	h.Set("Content-Type", feedXSLType)
	h.Set("Cache-Control", "public, no-cache")
	h.Set("ETag", etag)
	if etagMatch(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(buf.Bytes())
	}
	return nil
}

// feedXSLType is the stylesheet's media type: an XML type browsers accept
// for XSLT under X-Content-Type-Options: nosniff.
const feedXSLType = "text/xsl; charset=utf-8"
