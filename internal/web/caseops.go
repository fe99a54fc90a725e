package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/casetrack/casetrack/internal/auth"
	"github.com/casetrack/casetrack/internal/timeline"
)

// The operations below are shared by the form handlers and the JSON API,
// so both follow the same rules. Each successful write updates the
// statistics index before returning, so the next request sees it.

// validCaseID checks the shape of a case id before it reaches the
// database, so arbitrary path segments never become queries.
func validCaseID(id string) bool { return validRandomID(id, "c_") }

// validRandomID checks the shape of an id the store makes as prefix
// followed by the 26 base-32 characters of rand.Text.
func validRandomID(id, prefix string) bool {
	if len(id) != len(prefix)+26 || !strings.HasPrefix(id, prefix) {
		return false
	}
	for i := len(prefix); i < len(id); i++ {
		c := id[i]
		if !(c >= 'A' && c <= 'Z' || c >= '2' && c <= '7') {
			return false
		}
	}
	return true
}

// caseIDFrom returns the {id} path value, or a 404 when it cannot be a case id.
func caseIDFrom(r *http.Request) (string, error) {
	id := r.PathValue("id")
	if !validCaseID(id) {
		return "", errCaseNotFound()
	}
	return id, nil
}

// createCase validates a submission, runs the automatic quality checks
// (quality.go) and stores it with a new id and edit key, owned by owner
// when someone is signed in (nil otherwise). A validation failure is
// returned as timeline.FieldErrors. A case the checks flag is stored but
// not counted; a burst of copies flags the earlier copies too, but never
// the first of them (burstCopies).
func (s *Server) createCase(ctx context.Context, sub timeline.Submission, owner *auth.Account) (*timeline.Case, string, error) {
	c, fe := timeline.ValidateIn(s.localeOf(ctx), s.cat, sub, s.now())
	if len(fe) > 0 {
		s.metrics.submissions.WithLabelValues(submitInvalid).Inc()
		return nil, "", fe
	}
	c.ID = timeline.NewCaseID()
	if owner != nil {
		c.OwnerID = owner.ID
	}
	if reason := s.implausible(c); reason != "" {
		c.Moderation = timeline.Moderation{State: timeline.ModerationFlagged, Reason: reason}
	}
	// A burst of copies flags c instead (store.CopyCheck), whatever the
	// check above found.
	key, hash := timeline.NewEditKey()
	copies, err := s.store.CreateCaseChecked(ctx, c, hash, s.copyCheck())
	if err != nil {
		return nil, "", fmt.Errorf("create case: %w", err)
	}
	s.index.Upsert(c)
	if c.Counts() {
		s.metrics.submissions.WithLabelValues(submitCreated).Inc()
	} else {
		s.metrics.submissions.WithLabelValues(submitFlagged).Inc()
		s.metrics.moderation.WithLabelValues("flag").Inc()
	}
	for _, id := range copies {
		s.index.Remove(id)
	}
	s.metrics.moderation.WithLabelValues("flag").Add(float64(len(copies)))
	return c, key, nil
}

// editKeyMissing and editKeyWrong are the messages of the 401 and 403
// answers, shared by the form and the API.
const (
	editKeyMissing = "This change needs the case's edit key, the one shown once when the case was submitted."
	editKeyWrong   = "That edit key does not belong to this case. Check that you copied all of it."
)

// authorizeEdit decides whether a request may change a case: the case's
// owner, signed in, may without a key; anyone else needs the edit key.
// It answers 404 for an unknown case, 401 when no key was given and 403
// for a wrong key. A signed-in person who does not own the case is
// treated like anyone else: their account gives them nothing here.
func (s *Server) authorizeEdit(r *http.Request, id, key string) error {
	hash, owner, err := s.store.CaseAccess(r.Context(), id)
	if err != nil {
		return fmt.Errorf("authorize edit: %w", err)
	}
	if a := s.currentAccount(r); a != nil && owner != "" && owner == a.ID {
		return nil
	}
	if strings.TrimSpace(key) == "" {
		return errUnauthorized(editKeyMissing)
	}
	if !timeline.EditKeyMatches(key, hash) {
		return errForbidden(editKeyWrong)
	}
	return nil
}

// addMilestone adds one milestone under the store's per-case lock; a
// decision outside its category's plausible range flags the case.
func (s *Server) addMilestone(ctx context.Context, id string, in timeline.MilestoneInput) (*timeline.Case, error) {
	c, err := s.store.UpdateCase(ctx, id, func(c *timeline.Case) error {
		if fe := timeline.AddMilestoneIn(s.localeOf(ctx), s.cat, c, in, s.now()); len(fe) > 0 {
			return fe
		}
		s.flagIfImplausible(c)
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.index.Upsert(c)
	return c, nil
}

// flagIfImplausible flags a counted case whose decision time lies outside
// its category's plausible range (quality.go), after a change of its
// timeline: it then leaves the statistics until a moderator approves it.
func (s *Server) flagIfImplausible(c *timeline.Case) {
	if !c.Counts() {
		return
	}
	if reason := s.implausible(c); reason != "" {
		c.Moderation = timeline.Moderation{State: timeline.ModerationFlagged, Reason: reason}
		s.metrics.moderation.WithLabelValues("flag").Inc()
	}
}

// confirmDecided is the field error of a "still pending" confirmation of a
// case that already has a decision.
const confirmDecided = "This case already has a decision, so it cannot be confirmed as still pending."

// confirmCase moves as-of to today for a case that is still pending.
func (s *Server) confirmCase(ctx context.Context, id string) (*timeline.Case, error) {
	c, err := s.store.UpdateCase(ctx, id, func(c *timeline.Case) error {
		if c.Status() != timeline.StatusPending {
			return timeline.FieldErrors{"status": confirmDecided}
		}
		c.Update(func(c *timeline.Case) { c.AsOf = timeline.Today(s.now()) })
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.index.Upsert(c)
	return c, nil
}

// deleteCase deletes a case and its milestones.
func (s *Server) deleteCase(ctx context.Context, id string) error {
	if err := s.store.DeleteCase(ctx, id); err != nil {
		return fmt.Errorf("delete case: %w", err)
	}
	s.index.Remove(id)
	s.cards.Forget(id)
	return nil
}
