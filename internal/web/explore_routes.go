package web

import "net/http"

// exploreRoutes registers the statistics pages, their charts and CSV
// downloads, the methodology page and the statistics API.
func (s *Server) exploreRoutes(mux *http.ServeMux) {
	mux.Handle("GET /explore", s.handle(s.explorePage))
	mux.Handle("GET /explore/chart/survival.svg", s.handle(s.chartHandler("/explore/chart/survival.svg", s.survivalSVG)))
	mux.Handle("GET /explore/chart/histogram.svg", s.handle(s.chartHandler("/explore/chart/histogram.svg", s.histogramSVG)))
	mux.Handle("GET /explore/chart/trend.svg", s.handle(s.chartHandler("/explore/chart/trend.svg", s.trendSVG)))
	for name := range csvDimensions {
		mux.Handle("GET /explore/"+name+".csv", s.handle(s.csvBreakdown(name)))
	}
	mux.Handle("GET /explore/histogram.csv", s.handle(s.csvHistogram))
	mux.Handle("GET /methodology", s.handle(s.methodologyPage))

	mux.Handle("GET /api/v1/stats", s.handleAPI(s.apiStats))
	mux.Handle("GET /api/v1/stats/breakdown", s.handleAPI(s.apiBreakdown))
	mux.Handle("GET /api/v1/stats/histogram", s.handleAPI(s.apiHistogram))
	mux.Handle("GET /api/v1/stats/trend", s.handleAPI(s.apiTrend))
	mux.Handle("GET /api/v1/outlook", s.handleAPI(s.apiOutlook))
}
