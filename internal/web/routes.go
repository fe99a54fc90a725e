package web

import "net/http"

// routes registers every route. Patterns use Go 1.22 method matching;
// "GET" patterns also answer HEAD.
func (s *Server) routes() *http.ServeMux {
	mux := http.NewServeMux()

	// Pages.
	mux.Handle("GET /{$}", s.handle(s.homePage))
	mux.Handle("GET /submit", s.handle(s.submitPage))
	mux.Handle("POST /submit", s.handle(s.submitForm))
	mux.Handle("GET /cases/{id}", s.handle(s.casePage))
	mux.Handle("POST /cases/{id}/milestones", s.handle(s.caseAddMilestoneForm))
	mux.Handle("POST /cases/{id}/confirm", s.handle(s.caseConfirmForm))
	mux.Handle("POST /cases/{id}/delete", s.handle(s.caseDeleteForm))
	mux.Handle("GET /privacy", s.handle(s.privacyPage))

	// JSON API.
	mux.Handle("GET /api/v1/catalog", s.handleAPI(s.apiCatalog))
	mux.Handle("POST /api/v1/cases", s.handleAPI(s.apiCreateCase))
	mux.Handle("GET /api/v1/cases/{id}", s.handleAPI(s.apiGetCase))
	mux.Handle("POST /api/v1/cases/{id}/milestones", s.handleAPI(s.apiAddMilestone))
	mux.Handle("POST /api/v1/cases/{id}/confirm", s.handleAPI(s.apiConfirmCase))
	mux.Handle("DELETE /api/v1/cases/{id}", s.handleAPI(s.apiDeleteCase))
	mux.Handle("GET /api/v1/openapi.json", s.handleAPI(s.apiOpenAPI))

	// Operations and assets.
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.Handle("GET /static/{file}", s.handle(s.static))

	s.exploreRoutes(mux)
	s.accountRoutes(mux)
	s.feedRoutes(mux)

	// Everything else: a JSON 404 under /api/, the 404 page elsewhere.
	mux.Handle("/api/", s.handleAPI(notFoundHandler))
	mux.Handle("/", s.handle(notFoundHandler))
	return mux
}

func notFoundHandler(http.ResponseWriter, *http.Request) error { return errNotFound() }
