package web

import (
	"net/http"
	"strings"
)

// routes registers every route. Patterns use Go 1.22 method matching;
// "GET" patterns also answer HEAD.
func (s *Server) routes() *http.ServeMux {
	mux := http.NewServeMux()

	// Pages.
	mux.Handle("GET /{$}", s.handle(s.homePage))
	mux.Handle("GET /submit", s.handle(s.submitPage))
	mux.Handle("POST /submit", s.handle(s.submitForm))
	mux.Handle("GET /cases/{id}", s.handle(s.casePage))
	mux.Handle("GET /cases/{id}/card.png", s.handle(s.caseCard))
	mux.Handle("POST /cases/{id}/milestones", s.handle(s.caseAddMilestoneForm))
	mux.Handle("POST /cases/{id}/confirm", s.handle(s.caseConfirmForm))
	mux.Handle("POST /cases/{id}/delete", s.handle(s.caseDeleteForm))
	mux.Handle("GET /privacy", s.handle(s.privacyPage))
	s.manageRoutes(mux)

	// JSON API.
	mux.Handle("GET /api/v1/catalog", s.handleAPI(s.apiCatalog))
	mux.Handle("POST /api/v1/cases", s.handleAPI(s.apiCreateCase))
	mux.Handle("GET /api/v1/cases/{id}", s.handleAPI(s.apiGetCase))
	mux.Handle("POST /api/v1/cases/{id}/milestones", s.handleAPI(s.apiAddMilestone))
	mux.Handle("POST /api/v1/cases/{id}/confirm", s.handleAPI(s.apiConfirmCase))
	mux.Handle("PUT /api/v1/cases/{id}/details", s.handleAPI(s.apiSetDetails))
	mux.Handle("DELETE /api/v1/cases/{id}", s.handleAPI(s.apiDeleteCase))
	mux.Handle("GET /api/v1/openapi.json", s.handleAPI(s.apiOpenAPI))

	// Operations and assets.
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.Handle("GET /static/{file}", s.handle(s.static))

	s.exploreRoutes(mux)
	s.accountRoutes(mux)
	s.feedRoutes(mux)
	s.alertRoutes(mux)

	// Everything else: under /api/ a JSON 405 when the path takes other
	// methods, else a JSON 404; the 404 page elsewhere.
	mux.Handle("/api/", s.handleAPI(apiFallback(mux)))
	mux.Handle("/", s.handle(notFoundHandler))
	return mux
}

// apiFallback answers API requests no route took. The catch-all "/api/"
// pattern matches every method, so the mux never gets to answer 405 by
// itself; this asks the mux which other methods the path has a route for.
func apiFallback(mux *http.ServeMux) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var allow []string
		for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
			if m == r.Method {
				continue
			}
			probe := r.Clone(r.Context())
			probe.Method = m
			if _, pattern := mux.Handler(probe); pattern != "" && pattern != "/api/" {
				allow = append(allow, m)
			}
		}
		if len(allow) == 0 {
			return errNotFound()
		}
		w.Header().Set("Allow", strings.Join(allow, ", "))
		return errMethodNotAllowed(r.Method, allow)
	}
}

func notFoundHandler(http.ResponseWriter, *http.Request) error { return errNotFound() }
