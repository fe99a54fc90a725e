package web

import "net/http"

// methodologyPageData is the data of methodology.html. The page explains
// in plain words what the statistics engine does; the numbers it quotes
// (k, the month length) come from the code, so they cannot drift.
type methodologyPageData struct {
	page
	// DaysPerMonth is the day count of one displayed month.
	DaysPerMonth float64
}

// methodologyPage handles GET /methodology.
func (s *Server) methodologyPage(w http.ResponseWriter, r *http.Request) error {
	data := &methodologyPageData{page: s.newPage(r, "How we compute the numbers"), DaysPerMonth: daysPerMonth}
	return s.render(w, r, http.StatusOK, "methodology.html", data)
}
