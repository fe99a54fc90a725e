package web

import "net/http"

// adminActor is the gate of the moderation pages: it returns the
// moderator's account id for the moderation log, or the 401 (signed out)
// or 403 (not an administrator) of requireAdmin.
func (s *Server) adminActor(r *http.Request) (actorID string, err error) {
	a, err := s.requireAdmin(r)
	if err != nil {
		return "", err
	}
	return a.ID, nil
}
