package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/casetrack/casetrack/internal/timeline"
	"github.com/casetrack/casetrack/internal/utf8check"
)

// maxBodyBytes limits every request body. A case with eight milestones and
// a full note is under 5 KiB, so 64 KiB leaves room without inviting abuse.
const maxBodyBytes = 64 << 10

// contentSecurityPolicy allows nothing from other hosts and no inline script
// or style (privacy promise 5; DESIGN.md "Security").
const contentSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; " +
	"frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

// svgContentSecurityPolicy is the relaxed policy an SVG image served by the
// app may set on its own response: images cannot run scripts, and chart
// libraries emit inline style attributes.
const svgContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'"

// middleware wraps the routes, outermost first: compression, access log,
// panic recovery, security headers, cross-origin protection, body limit,
// strict UTF-8, the request's deadline, the request's language and a per-request
// cache of the signed-in account.
func (s *Server) middleware(mux *http.ServeMux) http.Handler {
	var h http.Handler = routePattern(mux)
	h = s.withAccountHolder(h)
	h = s.withLanguage(h)
	h = s.withDeadline(h)
	h = s.strictUTF8(h)
	h = s.limitBody(h)
	h = s.crossOrigin(h)
	h = s.securityHeaders(h)
	h = s.recoverPanics(h)
	h = s.accessLog(h)
	h = compress(h)
	return h
}

// requestInfo carries what the access log needs from deeper layers.
type requestInfo struct{ pattern string }

type requestInfoKey struct{}

// routePattern records the matched route pattern after the mux has run, so
// the access log can name the route ("GET /cases/{id}") instead of the
// path, which would put case ids next to request metadata in the log.
func routePattern(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mux.ServeHTTP(w, r)
		if info, ok := r.Context().Value(requestInfoKey{}).(*requestInfo); ok {
			info.pattern = r.Pattern
		}
	})
}

// statusWriter remembers the status and size of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// accessLog logs one line per request: method, route pattern, status, size
// and duration, and counts it in the metrics. It deliberately logs neither the client address, the user
// agent, the query string nor any part of a body or note, so no log line
// can be joined to a case (privacy promise 4).
func (s *Server) accessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		info := &requestInfo{}
		r = r.WithContext(context.WithValue(r.Context(), requestInfoKey{}, info))
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		status := sw.status
		if status == 0 {
			status = http.StatusOK
		}
		route := info.pattern
		if route == "" {
			route = "(unmatched)"
		}
		level := slog.LevelInfo
		if status >= 500 && status != http.StatusServiceUnavailable {
			// A 503 is an outage or a busy database, logged once by the
			// outage tracker or as a warning, not an error per request.
			level = slog.LevelError
		}
		if _, down := s.outage.Down(); down {
			s.outage.Check()
		}
		d := time.Since(start)
		s.metrics.observeRequest(r.Method, route, status, d)
		s.log.LogAttrs(r.Context(), level, "http",
			slog.String("method", r.Method),
			slog.String("route", route),
			slog.Int("status", status),
			slog.Int("bytes", sw.bytes),
			slog.Duration("duration", d))
	})
}

// recoverPanics turns a panic in a handler into a logged 500 whose body
// reveals nothing about the cause.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw, ok := w.(*statusWriter)
		if !ok {
			sw = &statusWriter{ResponseWriter: w}
		}
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.log.Error("panic in handler", "method", r.Method, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			if sw.status == 0 {
				s.writeError(sw, r, fmt.Errorf("panic: %v", v))
			}
		}()
		next.ServeHTTP(sw, r)
	})
}

// securityHeaders sets the headers every response carries. A handler may
// replace the Content-Security-Policy for its own response (SVG charts).
// HSTS: see sendHSTS.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if s.sendHSTS(r) {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		next.ServeHTTP(w, r)
	})
}

// sendHSTS decides Strict-Transport-Security. With a public URL the
// operator has said how browsers reach the site: always when it is
// https://, never when it is http:// (a plain-HTTP site must not be told
// to refuse plain HTTP). Without one, only a request that came over TLS,
// or through a trusted proxy that says so, gets it.
func (s *Server) sendHSTS(r *http.Request) bool {
	if s.publicURL != "" {
		return s.httpsPublic
	}
	return r.TLS != nil || (s.trust && r.Header.Get("X-Forwarded-Proto") == "https")
}

// cacheSuccess gives successful (200) answers of next the Cache-Control
// value unless next set its own; errors keep theirs (no-store) or none.
func cacheSuccess(value string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(&cacheWriter{ResponseWriter: w, value: value}, r)
	})
}

// cacheWriter sets Cache-Control just before a 200 status goes out.
type cacheWriter struct {
	http.ResponseWriter
	value   string
	written bool
}

func (w *cacheWriter) WriteHeader(code int) {
	if !w.written {
		w.written = true
		if h := w.Header(); code == http.StatusOK && h.Get("Cache-Control") == "" {
			h.Set("Cache-Control", w.value)
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *cacheWriter) Write(b []byte) (int, error) {
	if !w.written {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *cacheWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// crossOrigin refuses cross-origin state-changing requests (cross-site
// request forgery) with Go's CrossOriginProtection, answering with the
// usual error renderer.
func (s *Server) crossOrigin(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, errForbidden("Cross-origin requests that change data are refused. Use the form on this site."))
	}))
	return cop.Handler(next)
}

// limitBody refuses bodies over maxBodyBytes: at once when the declared
// length is too large, otherwise when a handler reads past the limit.
func (s *Server) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > maxBodyBytes {
			w.Header().Set("Connection", "close")
			s.writeError(w, r, errTooLarge())
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
		next.ServeHTTP(w, r)
	})
}

// strictUTF8 refuses a request whose query string, form body or JSON
// body holds text that is not valid UTF-8, with a 400 naming the field:
// the parsers would otherwise replace the bytes with U+FFFD and the
// handler would store or search for a text the client never sent. The
// body is read here (it is at most maxBodyBytes) and handed on unread.
func (s *Server) strictUTF8(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if field, bad := utf8check.Query(r.URL.RawQuery); bad {
			s.writeError(w, r, s.errInvalidUTF8(r, field))
			return
		}
		mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		var check func([]byte) (string, bool)
		switch mt {
		case "application/x-www-form-urlencoded":
			check = func(b []byte) (string, bool) { return utf8check.Query(string(b)) }
		case "application/json":
			check = utf8check.JSON
		}
		if check == nil || r.Body == nil || r.Body == http.NoBody {
			next.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(r.Body)
		r.Body.Close()
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				w.Header().Set("Connection", "close")
				s.writeError(w, r, errTooLarge())
				return
			}
			s.writeError(w, r, errBadRequest("The request body could not be read."))
			return
		}
		if field, bad := check(body); bad {
			s.writeError(w, r, s.errInvalidUTF8(r, field))
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		next.ServeHTTP(w, r)
	})
}

// DefaultRequestTimeout is how long a request may keep the database busy
// (Config.RequestTimeout): well under the server's write timeout (30 s),
// so that a slow query ends in a clear 503 rather than a connection the
// server cuts without an answer.
const DefaultRequestTimeout = 10 * time.Second

// withDeadline gives every request a context that ends after the request
// timeout; the store passes it to every query, so no query of a request
// outlives it.
func (s *Server) withDeadline(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), s.requestTimeout)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// errInvalidUTF8 names the field whose text is not valid UTF-8 ("" for a
// JSON body that is one bare string), in the reader's language; the field
// keeps its code, as the reader typed it into a form or a program sent it.
func (s *Server) errInvalidUTF8(r *http.Request, field string) *httpError {
	if field == "" {
		return errBadRequest("The request body is not valid UTF-8. Send text as UTF-8.")
	}
	msg := s.locale(s.withErrorLocale(r)).T("forms.error.field_not_utf8", "Field", strconv.Quote(field))
	return &httpError{Status: http.StatusBadRequest, Code: "bad_request",
		Message: msg, Fields: timeline.FieldErrors{field: msg}}
}
