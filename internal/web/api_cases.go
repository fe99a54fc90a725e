package web

import (
	"net/http"
	"strings"

	"github.com/casetrack/casetrack/internal/timeline"
)

// createdJSON answers a successful submission (API.md "Submit a case").
type createdJSON struct {
	ID      string `json:"id"`
	URL     string `json:"url"`
	EditKey string `json:"edit_key"`
	// ManageURL is the case's manage link (manage.go), shown once like
	// the key it holds.
	ManageURL string `json:"manage_url"`
}

// apiCreateCase handles POST /api/v1/cases.
func (s *Server) apiCreateCase(w http.ResponseWriter, r *http.Request) error {
	cancel, retry, ok := s.limiter.reserve(s.clientAddr(r))
	if !ok {
		s.metrics.submissions.WithLabelValues(submitRateLimited).Inc()
		return errRateLimited(retry)
	}
	var sub timeline.Submission
	if err := decodeJSON(r, &sub); err != nil {
		cancel()
		return err
	}
	c, key, err := s.createCase(r.Context(), sub, s.currentAccount(r))
	if err != nil {
		cancel()
		return err
	}
	url := "/cases/" + c.ID
	w.Header().Set("Location", url)
	writeJSON(w, http.StatusCreated, createdJSON{ID: c.ID, URL: url, EditKey: key, ManageURL: manageLink(c.ID, key)})
	return nil
}

// apiGetCase handles GET /api/v1/cases/{id}.
func (s *Server) apiGetCase(w http.ResponseWriter, r *http.Request) error {
	id, err := caseIDFrom(r)
	if err != nil {
		return err
	}
	c, err := s.store.Case(r.Context(), id)
	if err != nil {
		return err
	}
	if c.Moderation.State == timeline.ModerationHidden {
		return errCaseRemoved()
	}
	writeJSON(w, http.StatusOK, newCaseJSON(c))
	return nil
}

// editKeyFromHeader reads "Authorization: EditKey <key>"; any other
// scheme counts as no key.
func editKeyFromHeader(r *http.Request) string {
	scheme, key, ok := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	if !ok || !strings.EqualFold(scheme, "EditKey") {
		return ""
	}
	return strings.TrimSpace(key)
}

// apiAuthorized returns the case id of a request from the case's signed-in
// owner or with the right edit key.
func (s *Server) apiAuthorized(r *http.Request) (string, error) {
	id, err := caseIDFrom(r)
	if err != nil {
		return "", err
	}
	if err := s.authorizeEdit(r, id, editKeyFromHeader(r)); err != nil {
		return "", err
	}
	return id, nil
}

// apiAddMilestone handles POST /api/v1/cases/{id}/milestones.
func (s *Server) apiAddMilestone(w http.ResponseWriter, r *http.Request) error {
	id, err := s.apiAuthorized(r)
	if err != nil {
		return err
	}
	var in timeline.MilestoneInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	cancel, err := s.reserveUpdate(r)
	if err != nil {
		return err
	}
	c, err := s.addMilestone(r.Context(), id, in)
	if err != nil {
		cancel()
		return err
	}
	writeJSON(w, http.StatusOK, newCaseJSON(c))
	return nil
}

// apiConfirmCase handles POST /api/v1/cases/{id}/confirm.
func (s *Server) apiConfirmCase(w http.ResponseWriter, r *http.Request) error {
	id, err := s.apiAuthorized(r)
	if err != nil {
		return err
	}
	cancel, err := s.reserveUpdate(r)
	if err != nil {
		return err
	}
	c, err := s.confirmCase(r.Context(), id)
	if err != nil {
		cancel()
		return err
	}
	writeJSON(w, http.StatusOK, newCaseJSON(c))
	return nil
}

// apiDeleteCase handles DELETE /api/v1/cases/{id}.
func (s *Server) apiDeleteCase(w http.ResponseWriter, r *http.Request) error {
	id, err := s.apiAuthorized(r)
	if err != nil {
		return err
	}
	if err := s.deleteCase(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
