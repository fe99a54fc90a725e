package web

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/casetrack/casetrack/internal/store"
)

// apiCatalog handles GET /api/v1/catalog: the catalog as API.md shows it.
func (s *Server) apiCatalog(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "public, max-age=3600")
	writeJSON(w, http.StatusOK, s.cat)
	return nil
}

// openAPIFile is the hand-written OpenAPI 3.1 document, embedded with the
// static files.
const openAPIFile = "openapi.json"

// apiOpenAPI handles GET /api/v1/openapi.json.
func (s *Server) apiOpenAPI(w http.ResponseWriter, r *http.Request) error {
	body, ok := s.assets.file(openAPIFile)
	if !ok {
		return errNotFound()
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
	return nil
}

// healthz answers GET /healthz, the liveness check: 200 "ok" while the
// process serves HTTP, whatever the database's state. Restarting the
// process cures nothing a database outage causes, so an orchestrator
// that restarts on a failed liveness check must not see one; a load
// balancer asks /readyz.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte("ok\n"))
}

// readyTimeout bounds the readiness probe: a database that cannot take a
// write within it is not ready for traffic, even if it is only slow.
const readyTimeout = 2 * time.Second

// readyz answers GET /readyz, the readiness check: 200 "ready" when the
// database accepts a write now (store.Ready), 503 "unavailable" with
// Retry-After otherwise, so that a load balancer stops sending traffic
// to an instance that cannot write. It also ends or starts the outage
// the server logs.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	err := s.store.Ready(ctx)
	switch {
	case err == nil:
		s.outage.OK()
		_, _ = w.Write([]byte("ready\n"))
		return
	case store.Unavailable(err):
		s.outage.Fail(err)
	case r.Context().Err() != nil:
		return // the client went away
	default:
		// Slow (another writer held the lock for readyTimeout) or an
		// unexpected failure: not ready either way, but not an outage.
		s.log.Warn("readiness probe failed", "err", err)
	}
	w.Header().Set("Retry-After", strconv.Itoa(int(unavailableRetry.Seconds())))
	w.WriteHeader(http.StatusServiceUnavailable)
	_, _ = w.Write([]byte("unavailable\n"))
}
