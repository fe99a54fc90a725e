package web

import "net/http"

// adminActor is the gate of the moderation pages: it returns the
// moderator's account id, or an error (401/403) when the request does not
// come from an administrator.
//
// Accounts and roles live in the accounts part of the application; until
// it is wired in here (adminActor calling requireAdmin and returning the
// account's id), nobody passes this gate, so the moderation pages stay
// closed. Tests open it through adminOverride.
func (s *Server) adminActor(r *http.Request) (actorID string, err error) {
	if s.adminOverride != nil {
		return s.adminOverride(r)
	}
	return "", errForbidden("Moderation is for administrators. Sign in with an administrator account.")
}
