package web

import "net/http"

// feedRoutes registers the feed, reports and moderation routes. The
// metrics are not among them: cmd/casetrack serves MetricsHandler on a
// listener of its own.
func (s *Server) feedRoutes(mux *http.ServeMux) {
	mux.Handle("GET /feed", s.handle(s.feedPageHandler))
	mux.Handle("GET /feed.atom", cacheSuccess(feedCacheControl, s.handle(s.atomFeedHandler)))
	mux.Handle("GET "+feedXSLPath, s.handle(s.feedXSL))
	mux.Handle("GET /api/v1/feed", cacheSuccess(feedCacheControl, s.handleAPI(s.apiFeed)))

	mux.Handle("POST /cases/{id}/report", s.handle(s.caseReportForm))
	mux.Handle("POST /api/v1/cases/{id}/reports", s.handleAPI(s.apiReportCase))

	mux.Handle("GET /admin", s.handle(s.adminPage))
	mux.Handle("POST /admin/cases/{id}", s.handle(s.adminAction))
}
