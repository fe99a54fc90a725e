package web

import (
	"context"
	"net/http"
	"strconv"
	"time"
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

// healthz answers GET /healthz for load balancers: 200 "ok" when the
// database answers, 503 otherwise.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := s.store.Ping(ctx); err != nil {
		s.log.Warn("health check failed", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("unavailable\n"))
		return
	}
	_, _ = w.Write([]byte("ok\n"))
}
