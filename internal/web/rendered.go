package web

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/casetrack/casetrack/internal/pagecache"
	"github.com/casetrack/casetrack/internal/timeline"
)

// maxRendered bounds the cache of rendered pages and charts (package
// pagecache): a few hundred kilobytes each at most.
const maxRendered = 1024

// pageVariant is what an anonymous rendering depends on in the request
// besides its URL and the day: its language (language.go: the lang
// parameter, the lang cookie or Accept-Language; serveRendered's headers
// say Vary on both). Whatever else a page's words come to depend on must
// be named here too.
func (s *Server) pageVariant(r *http.Request) string { return s.locale(r).Code() }

// renderedKey is the cache key of a rendering of path with the query q
// (normalized by the caller: only the parameters the rendering reads, in
// canonical form), for today and the request's variant.
func (s *Server) renderedKey(r *http.Request, path string, q url.Values) string {
	day := timeline.Today(s.now()).Format(time.DateOnly) + "/" + s.index.Today().Format(time.DateOnly)
	return path + "?" + q.Encode() + "\x00" + day + "\x00" + s.pageVariant(r)
}

// canonicalRequest is r as the cached rendering of its page under the
// query q (renderedKey's) must see it: with that query only. A page built
// from r itself would carry the first visitor's other parameters (a
// tracking tag, a stray filter) in its language switch and links to
// every later visitor.
func canonicalRequest(r *http.Request, q url.Values) *http.Request {
	c := r.Clone(r.Context())
	c.URL.RawQuery = q.Encode()
	return c
}

// renderWait is how long the request that finds a cached page's data
// changed waits for the new rendering before it is answered with the
// older one (pagecache.Cache.Get). At a few thousand cases a page renders
// well within it, so a person who has just shared a timeline sees it
// counted; at a million, rendering Explore takes a hundred milliseconds or
// more, and under a trickle of writes waiting for it made the page's p99
// over a second; at ten million a cohort's feed took hundreds of
// milliseconds. A change that must show at once empties the cache of
// pages that show what people wrote (Server.rendered).
const renderWait = 10 * time.Millisecond

// renderSpacing is how many times its own cost a page's rendering waits
// before the page is rendered again (pagecache.Cache.Space): under a
// steady trickle of writes a page costing 10 ms or more to render is
// rendered at most a fifth of the time. At ten million cases an Explore
// page costs about a second of CPU, and twenty submissions a second kept
// a core rendering it without pause.
const renderSpacing = 4

// serveRendered answers from a rendered-response cache (s.rendered or
// s.statsPages): the response cached under key if it was rendered at
// stamp, else render's (see pagecache.Cache.Get). stamp is the statistics
// index's version of the data the response shows. render is given r with
// the rendering's own context, which may outlive r's; it must read the
// request through it only. Without a cache (tests that build a bare
// Server) it renders every time. headers sets the response's own
// headers, on success only.
func (s *Server) serveRendered(w http.ResponseWriter, r *http.Request, c *pagecache.Cache, key string, stamp uint64, render func(r *http.Request) (*pagecache.Response, error), headers func(http.Header)) error {
	var resp *pagecache.Response
	var err error
	if c == nil {
		resp, err = render(r)
	} else {
		resp, err = c.Get(r.Context(), key, stamp, func(ctx context.Context) (*pagecache.Response, error) {
			return render(r.WithContext(ctx))
		})
	}
	if err != nil {
		return err
	}
	headers(w.Header())
	resp.Serve(w, r)
	return nil
}

// anonymousPage reports whether the page for r may come from the
// rendered-response cache: only the rendering for a visitor who is not
// signed in is the same for everyone (a signed-in visitor's header
// names their pages).
func (s *Server) anonymousPage(r *http.Request) bool { return s.currentAccount(r) == nil }

// renderHTML renders a page as render does, into a response for the
// cache. The page must be the anonymous rendering.
func (s *Server) renderHTML(r *http.Request, name string, data any) (*pagecache.Response, error) {
	t, ok := s.pages[s.locale(r).Code()][name]
	if !ok {
		return nil, fmt.Errorf("render: no template %q", name)
	}
	if p, ok := data.(interface{ basePage() *page }); ok {
		s.fillPage(p.basePage(), r)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		return nil, fmt.Errorf("render %s: %w", name, err)
	}
	return pagecache.NewResponse("text/html; charset=utf-8", buf.Bytes()), nil
}

// htmlHeaders are the headers of a cached page: those render sets, and
// Vary: Accept-Language, Cookie, since the language comes from either and
// a signed-in visitor gets another rendering of the same address.
func htmlHeaders(h http.Header) {
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "no-cache")
	}
	h.Add("Vary", "Accept-Language, Cookie")
}
