package web

import "net/http"

// homePageData is the data of home.html.
type homePageData struct {
	page
	// Cases is the number of timelines shared so far.
	Cases int
	// Deleted confirms that a case was just deleted.
	Deleted bool
}

// homePage handles GET /.
func (s *Server) homePage(w http.ResponseWriter, r *http.Request) error {
	data := &homePageData{
		page:    s.newPage(r, "Honest immigration processing times"),
		Cases:   s.index.Len(),
		Deleted: r.URL.Query().Get("deleted") == "1",
	}
	return s.render(w, r, http.StatusOK, "home.html", data)
}

// privacyPolicyDate is the date of the privacy policy's current wording;
// change it whenever privacy.html changes in substance.
const privacyPolicyDate = "2026-11-28"

// privacyPageData is the data of privacy.html.
type privacyPageData struct {
	page
	PolicyDate string
}

// privacyPage handles GET /privacy (privacy promise 12).
func (s *Server) privacyPage(w http.ResponseWriter, r *http.Request) error {
	data := &privacyPageData{page: s.newPage(r, "Privacy policy"), PolicyDate: privacyPolicyDate}
	return s.render(w, r, http.StatusOK, "privacy.html", data)
}
