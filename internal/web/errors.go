package web

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/casetrack/casetrack/internal/i18n"
	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/timeline"
)

// httpError is an error a handler returns to choose the response: its
// status, a machine-readable code, a message a person can act on and, for
// validation errors, one message per field. Any other error is unexpected
// and becomes a logged 500 with a generic message.
type httpError struct {
	Status  int
	Code    string
	Message string
	// MessageID, when set, names Message in the catalog, with Args
	// (name, value pairs): people read it in their language, while Code
	// stays English for programs.
	MessageID string
	Args      []any
	Fields    timeline.FieldErrors
	// RetryAfter, when positive, is sent as the Retry-After header.
	RetryAfter time.Duration
	// Challenge is the WWW-Authenticate header of a 401: what would
	// authorize the request. Empty means an edit key.
	Challenge string
}

func (e *httpError) Error() string {
	if len(e.Fields) > 0 {
		return fmt.Sprintf("%d %s: %s (%s)", e.Status, e.Code, e.Message, e.Fields.Error())
	}
	return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message)
}

func errBadRequest(msg string) *httpError {
	return &httpError{Status: http.StatusBadRequest, Code: "bad_request", Message: msg}
}

// errBadRequestID is errBadRequest with its message in the catalog
// under id, so people read it in their language.
func errBadRequestID(id, msg string, args ...any) *httpError {
	return &httpError{Status: http.StatusBadRequest, Code: "bad_request", Message: msg, MessageID: id, Args: args}
}

func errNotFound() *httpError {
	return &httpError{Status: http.StatusNotFound, Code: "not_found", Message: "There is nothing at this address.", MessageID: "error.nothing_here"}
}

func errCaseNotFound() *httpError {
	return &httpError{Status: http.StatusNotFound, Code: "not_found",
		Message: "There is no case with this id. It may have been deleted.", MessageID: "error.no_case"}
}

// errCaseRemoved answers for a case a moderator hid.
func errCaseRemoved() *httpError {
	return &httpError{Status: http.StatusNotFound, Code: "not_found",
		Message: "This case was removed by a moderator.", MessageID: "error.case_removed"}
}

func errValidation(fields timeline.FieldErrors) *httpError {
	return &httpError{Status: http.StatusUnprocessableEntity, Code: "validation",
		Message: "Some fields need attention.", MessageID: "error.fields", Fields: fields}
}

func errMethodNotAllowed(method string, allow []string) *httpError {
	return &httpError{Status: http.StatusMethodNotAllowed, Code: "method_not_allowed",
		Message:   fmt.Sprintf("This address does not take %s requests; it takes %s.", method, strings.Join(allow, ", ")),
		MessageID: "error.method", Args: []any{"Method", method, "Allow", strings.Join(allow, ", ")}}
}

func errUnauthorized(msg string) *httpError {
	return &httpError{Status: http.StatusUnauthorized, Code: "unauthorized", Message: msg}
}

func errForbidden(msg string) *httpError {
	return &httpError{Status: http.StatusForbidden, Code: "forbidden", Message: msg}
}

func errTooLarge() *httpError {
	return &httpError{Status: http.StatusRequestEntityTooLarge, Code: "too_large",
		Message:   fmt.Sprintf("The request body is larger than the limit of %d KiB.", maxBodyBytes/1024),
		MessageID: "error.too_large", Args: []any{"KiB", maxBodyBytes / 1024}}
}

func errRateLimited(retry time.Duration) *httpError {
	return errRateLimitedMsg(retry, "Too many new cases from your network in the last hour. Please try again later.")
}

// errRateLimitedMsg is a 429 with a message naming what was limited.
func errRateLimitedMsg(retry time.Duration, msg string) *httpError {
	return &httpError{Status: http.StatusTooManyRequests, Code: "rate_limited", Message: msg, RetryAfter: retry}
}

// errBusy answers a request whose database work did not finish in time
// (see withDeadline and store.ErrBusy).
func errBusy() *httpError {
	return &httpError{Status: http.StatusServiceUnavailable, Code: "busy", RetryAfter: 5 * time.Second,
		Message: "The server is busy and could not answer in time. Please try again in a moment.", MessageID: "error.busy"}
}

// unavailableRetry is the Retry-After of an outage answer: long enough
// not to hammer a database that is coming back, short enough that a
// person retrying soon sees the site again.
const unavailableRetry = 30 * time.Second

// errUnavailable answers a request that needed the database while it is
// unreachable or cannot take writes (store.Unavailable): an outage, which
// a client can tell from a bug (500) by the status and code and may
// retry after Retry-After.
func errUnavailable() *httpError {
	return &httpError{Status: http.StatusServiceUnavailable, Code: "unavailable", RetryAfter: unavailableRetry,
		Message: "The database is unavailable at the moment, so this could not be done and nothing was changed. " +
			"Statistics and charts keep working. Please try again in a minute.", MessageID: "error.unavailable"}
}

// Messages of the update and report limits.
const (
	updateLimitedMsg = "Too many changes to cases from your network in the last hour. Please try again later."
	reportLimitedMsg = "Too many reports from your network in the last hour. Please try again later."
)

// errorBody is the JSON error shape of API.md.
type errorBody struct {
	Error   string               `json:"error"`
	Message string               `json:"message"`
	Fields  timeline.FieldErrors `json:"fields,omitempty"`
}

// asHTTPError classifies err. Errors that are not an *httpError or a known
// sentinel are unexpected: the second result is false.
func asHTTPError(err error) (*httpError, bool) {
	var he *httpError
	var fe timeline.FieldErrors
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &he):
		return he, true
	case errors.As(err, &fe):
		return errValidation(fe), true
	case errors.Is(err, store.ErrNotFound):
		return errCaseNotFound(), true
	case errors.As(err, &mbe):
		return errTooLarge(), true
	case errors.Is(err, store.ErrBusy), errors.Is(err, context.DeadlineExceeded):
		return errBusy(), true
	case store.Unavailable(err):
		return errUnavailable(), true
	}
	return &httpError{Status: http.StatusInternalServerError, Code: "internal",
		Message: "Something went wrong on our side. Please try again in a moment.", MessageID: "error.internal"}, false
}

// writeError is the one error renderer: JSON under /api/, an HTML page
// elsewhere. Unexpected errors are logged and answered with a generic 500
// that reveals nothing about the cause.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	r = s.withErrorLocale(r)
	he, known := asHTTPError(err)
	if (!known || he.Code == "unavailable") && errors.Is(r.Context().Err(), context.DeadlineExceeded) {
		// The request's deadline ended the query; drivers do not always
		// say so in the error they return, and the connection it closed
		// looks like a lost one.
		he, known = errBusy(), true
	}
	switch he.Code {
	case "busy":
		s.log.Warn("request ran out of time", "method", r.Method, "pattern", r.Pattern, "err", err)
	case "unavailable":
		// Logged once per outage, not once per request.
		s.outage.Fail(err)
		s.outage.Check()
	}
	if !known {
		if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
			// The client went away; there is nobody to answer.
			s.log.Info("request canceled", "method", r.Method, "pattern", r.Pattern)
			return
		}
		s.log.Error("request failed", "method", r.Method, "pattern", r.Pattern, "err", err)
	}
	if he.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(he.RetryAfter.Seconds()))))
	}
	if he.Status == http.StatusUnauthorized {
		challenge := he.Challenge
		if challenge == "" {
			challenge = `EditKey realm="casetrack"`
		}
		w.Header().Set("WWW-Authenticate", challenge)
	}
	if isAPI(r) {
		w.Header().Add("Vary", "Accept-Language, Cookie")
		writeJSON(w, he.Status, errorBody{Error: he.Code, Message: s.errorMessage(r, he), Fields: fieldsInLanguage(s.locale(r), he.Fields)})
		return
	}
	data := &errorPage{page: s.newPage(r, s.errorTitle(r, he.Status)), Status: he.Status, Message: s.errorMessage(r, he)}
	if rerr := s.render(w, r, he.Status, "error.html", data); rerr != nil {
		s.log.Error("render error page", "err", rerr)
		http.Error(w, he.Message, he.Status)
	}
}

// withErrorLocale gives a request refused before the language was chosen
// (a cross-origin post, a body over the limit) the reader's language
// anyway, so that its error page or message is in it. The choice is not
// remembered in a cookie here: withLanguage does that.
func (s *Server) withErrorLocale(r *http.Request) *http.Request {
	if _, ok := r.Context().Value(localeKey{}).(*i18n.Locale); ok {
		return r
	}
	var cookie string
	if c, err := r.Cookie(i18n.CookieName); err == nil {
		cookie = c.Value
	}
	choice := s.lang.Negotiate(r.URL.Query().Get(i18n.Param), cookie, r.Header.Get("Accept-Language"))
	return r.WithContext(context.WithValue(r.Context(), localeKey{}, choice.Locale))
}

// logStoreError logs a database error that the request survives (it
// goes on without what failed): an outage goes to the outage tracker,
// which logs it once, instead of one line per request.
func (s *Server) logStoreError(msg string, err error) {
	if store.Unavailable(err) {
		s.outage.Fail(err)
		s.outage.Check()
		return
	}
	s.log.Error(msg, "err", err)
}

// isAPI reports whether the request is for the JSON API.
func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// handlerFunc is a handler that reports failure by returning an error.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// handle adapts a page handler: errors become HTML error pages.
func (s *Server) handle(fn handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := fn(w, r); err != nil {
			s.writeError(w, r, err)
		}
	})
}

// handleAPI adapts an API handler: errors become JSON error bodies, and
// responses are never cached by shared caches (they may carry edit keys).
func (s *Server) handleAPI(fn handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Cache-Control", "no-store")
		}
		if err := fn(w, r); err != nil {
			s.writeError(w, r, err)
		}
	})
}

// errSignInRequired answers a request that needs an account.
func errSignInRequired() *httpError {
	return &httpError{Status: http.StatusUnauthorized, Code: "unauthorized",
		Message: "Sign in first: this needs your account.", Challenge: `Session realm="casetrack"`}
}

// errorMessage is the message of an error in the request's language when
// the catalog has it, else the English message.
func (s *Server) errorMessage(r *http.Request, he *httpError) string {
	if he.MessageID == "" {
		return s.localizedError(r, he)
	}
	return s.t(r, he.MessageID, he.Args...)
}

// errorTitle names an HTTP status in the request's language (the error
// page's title), with the standard English reason for statuses the
// catalog does not name.
func (s *Server) errorTitle(r *http.Request, status int) string {
	id := "error.title_" + strconv.Itoa(status)
	if s.lang.Has(id) {
		return s.t(r, id)
	}
	return http.StatusText(status)
}
