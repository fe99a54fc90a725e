package web

import (
	"context"
	"net/http"
	"net/url"
	pathpkg "path"
	"strings"

	"github.com/casetrack/casetrack/internal/i18n"
)

// languageCookieAge is how long the language cookie remembers a choice.
const languageCookieAge = 365 * 24 * 60 * 60

type localeKey struct{}

// withLanguage chooses the language of each request (the lang parameter,
// the lang cookie, Accept-Language, English; see i18n.Catalog.Negotiate)
// and puts it in the context. A lang parameter naming an offered
// language, which the language switch and shared links carry, is
// remembered in a cookie that holds the language tag and nothing else.
func (s *Server) withLanguage(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var cookie string
		if c, err := r.Cookie(i18n.CookieName); err == nil {
			cookie = c.Value
		}
		choice := s.lang.Negotiate(r.URL.Query().Get(i18n.Param), cookie, r.Header.Get("Accept-Language"))
		if choice.FromParam && cookie != choice.Locale.Code() {
			http.SetCookie(w, &http.Cookie{
				Name: i18n.CookieName, Value: choice.Locale.Code(), Path: "/", MaxAge: languageCookieAge,
				HttpOnly: true, Secure: s.secureRequest(r), SameSite: http.SameSiteLaxMode,
			})
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), localeKey{}, choice.Locale)))
	})
}

// locale is the language of a request, English outside withLanguage.
func (s *Server) locale(r *http.Request) *i18n.Locale { return s.localeOf(r.Context()) }

// localeOf is the language of the request a context belongs to.
func (s *Server) localeOf(ctx context.Context) *i18n.Locale {
	if l, ok := ctx.Value(localeKey{}).(*i18n.Locale); ok {
		return l
	}
	return s.lang.Default()
}

// t translates a message into the request's language (see i18n.Locale.T).
func (s *Server) t(r *http.Request, id string, args ...any) string {
	return s.locale(r).T(id, args...)
}

// langLink is one entry of the language switch and of the hreflang
// alternates: the same page, filters kept, in another language.
type langLink struct {
	Code string
	Name string
	// URL is the page in the language, absolute when the site's address
	// is known: the hreflang alternate.
	URL string
	// Switch is the same as a link relative to the page ("?lang=es"),
	// for the language switch: it never repeats the path, which on some
	// pages holds a secret (the manage link).
	Switch  string
	Current bool
}

// languageLinks lists the page at r in every offered language. The URLs
// keep the path and every parameter but lang; they are absolute when the
// site's public address is known, as search engines want for hreflang.
func (s *Server) languageLinks(r *http.Request) (links []langLink, xDefault string) {
	cur := s.locale(r).Code()
	// A page that answers a form (a refused submission) is at the
	// form's address, which may take no GET: its switch leads to the
	// page the form is on instead.
	page := ""
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		page = s.formPagePath(r.URL.Path)
	}
	for _, l := range s.lang.Offered() {
		links = append(links, langLink{Code: l.Code(), Name: l.Name(), URL: s.langURL(r, l.Code()),
			Switch: page + "?" + langQuery(r, l.Code()), Current: l.Code() == cur})
	}
	return links, s.langURL(r, "")
}

// formPagePath is the page a form posted to path is shown on: the path
// itself when a page answers it with GET (/submit, /signup), else the
// nearest address above it that does (/cases/{id} for a milestone added
// at /cases/{id}/milestones, /me for /me/claim), else the home page.
// Form addresses hold no secret (keys travel in the body), and neither
// do the addresses above them.
func (s *Server) formPagePath(path string) string {
	for p := pathpkg.Clean("/" + path); p != "/"; p = parentPath(p) {
		req := &http.Request{Method: http.MethodGet, URL: &url.URL{Path: p}}
		if _, pattern := s.mux.Handler(req); strings.HasPrefix(pattern, "GET ") && !strings.HasPrefix(pattern, "GET /static/") {
			return p
		}
	}
	return "/"
}

// parentPath drops the last segment of a path ("/a/b" to "/a").
func parentPath(p string) string {
	p = strings.TrimSuffix(p, "/")
	if i := strings.LastIndex(p, "/"); i > 0 {
		return p[:i]
	}
	return "/"
}

// langURL is the request's path and query with lang set to code (removed
// when code is "").
func (s *Server) langURL(r *http.Request, code string) string {
	u := url.URL{Path: r.URL.Path, RawQuery: langQuery(r, code)}
	return s.publicURL + u.String()
}

// langQuery is the request's query with lang set to code (removed when
// code is "").
func langQuery(r *http.Request, code string) string {
	q := r.URL.Query()
	q.Del(i18n.Param)
	if code != "" {
		q.Set(i18n.Param, code)
	}
	return q.Encode()
}

// say is the message of a code from a table of English texts (the notices
// shown after a redirect), in the request's language: the catalog's
// message prefix+code, whose English a test keeps equal to the table's.
// A code the table lacks says nothing.
func (s *Server) say(r *http.Request, prefix string, english map[string]string, code string) string {
	text, ok := english[code]
	if !ok {
		return ""
	}
	if s.lang.Has(prefix + code) {
		return s.t(r, prefix+code)
	}
	return text
}
