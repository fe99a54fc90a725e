package web

import "net/http"

// methodologyPageData is the data of methodology.html. The page explains
// in plain words what the statistics engine does; the numbers it quotes
// (k, the month length) come from the code, so they cannot drift.
type methodologyPageData struct {
	page
	// DaysPerMonth is the day count of one displayed month.
	DaysPerMonth float64
	// Quality are the numbers of the automatic quality checks.
	Quality qualityRules
}

// qualityRules are the constants of quality.go, for the page.
type qualityRules struct {
	MinCases, LowPercent, HighPercent, Factor, BurstSize, BurstDays int
}

func currentQualityRules() qualityRules {
	return qualityRules{MinCases: qualityMinCases, LowPercent: int(qualityLowQuantile * 100), HighPercent: int(qualityHighQuantile * 100),
		Factor: qualityFactor, BurstSize: burstSize, BurstDays: burstDays}
}

// methodologyPage handles GET /methodology.
func (s *Server) methodologyPage(w http.ResponseWriter, r *http.Request) error {
	data := &methodologyPageData{page: s.newPage(r, "How we compute the numbers"), DaysPerMonth: daysPerMonth, Quality: currentQualityRules()}
	return s.render(w, r, http.StatusOK, "methodology.html", data)
}
