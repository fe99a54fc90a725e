package web

import "net/http"

// adminPageData is the data of admin.html.
type adminPageData struct {
	page
	Admin string
}

// adminPage handles GET /admin: the administrators' entry page. It shows
// only that the gate works; the moderation tools live beside it.
func (s *Server) adminPage(w http.ResponseWriter, r *http.Request) error {
	a, err := s.requireAdmin(r)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return s.render(w, r, http.StatusOK, "admin.html", &adminPageData{page: s.newPage(r, "Administration"), Admin: a.Email})
}
