package web

import (
	"net/http"
	"time"

	"github.com/casetrack/casetrack/internal/timeline"
)

// exportJSON is everything stored about an account and its cases
// (GET /api/v1/me/export): the account row but its password hash, the
// account's sessions (days only; the tokens are never stored), and each
// case with the fields of the public view plus the two days that are
// never published: when it was first shared, and the last day it was
// known to be still pending before its decision; and the account's mail:
// its unused single-use links and the messages waiting to be sent.
type exportJSON struct {
	Account  exportAccount   `json:"account"`
	Sessions []exportSession `json:"sessions"`
	Cases    []exportCase    `json:"cases"`
	Links    []exportLink    `json:"links"`
	Outbox   []exportMail    `json:"outbox"`
	Exported string          `json:"exported"`
	// Alerts and Reminders are the account's mail settings.
	Alerts    []exportAlert   `json:"alerts"`
	Reminders exportReminders `json:"reminders"`
}

// exportLink is an unused single-use link mailed to the account: what it
// does and until when. Neither the token (only the mail holds it) nor its
// stored hash is exported.
type exportLink struct {
	Purpose string `json:"purpose"`
	// Subject is what the link acts on besides the account (a case id).
	Subject string `json:"subject,omitempty"`
	Expires string `json:"expires"`
}

// exportMail is a message waiting in the outbox (a sent message is not
// kept). Its body is left out: it holds a single-use link, which must
// reach only the mailbox, not whoever holds a session.
type exportMail struct {
	Kind    string `json:"kind"`
	Subject string `json:"subject"`
	// Due is when the message is tried again after a failed try; left
	// out for a message that goes at once.
	Due      string `json:"due,omitempty"`
	Attempts int    `json:"attempts"`
}

type exportAccount struct {
	ID    string `json:"id"`
	Email string `json:"email"`
	Name  string `json:"name"`
	Role  string `json:"role"`
	// HasPassword says whether a password hash is stored (the hash
	// itself is not exported: it is of no use to anyone but an attacker).
	HasPassword bool `json:"has_password"`
	// OIDCIssuer and OIDCSubject link the account to an outside sign-in.
	OIDCIssuer  string `json:"oidc_issuer,omitempty"`
	OIDCSubject string `json:"oidc_subject,omitempty"`
	// MailLanguage is the language later mail (alerts, reminders) is
	// written in, the one the account last used to ask for mail.
	MailLanguage string `json:"mail_language,omitempty"`
}

type exportSession struct {
	Started  string `json:"started"`
	LastUsed string `json:"last_used"`
}

type exportCase struct {
	caseJSON
	ownDetailsJSON
	// Created is the day the case was first shared (the name predates
	// the import, and clients rely on it).
	Created string `json:"created"`
	// LastPending is the last day the case was known to be still
	// pending before its decision was recorded; left out when there is
	// none (a pending case, or one shared already decided).
	LastPending string `json:"last_pending,omitempty"`
}

// dayString formats a day number (days since 1970-01-01) as a date.
func dayString(day int64) string {
	return time.Unix(day*86400, 0).UTC().Format(time.DateOnly)
}

// apiMeExport handles GET /api/v1/me/export.
func (s *Server) apiMeExport(w http.ResponseWriter, r *http.Request) error {
	a, err := s.requireAccount(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	stored, err := s.store.AccountByID(ctx, a.ID)
	if err != nil {
		return err
	}
	sessions, err := s.store.SessionsOf(ctx, a.ID)
	if err != nil {
		return err
	}
	cases, err := s.store.CasesOf(ctx, a.ID)
	if err != nil {
		return err
	}
	links, err := s.store.TokensOf(ctx, a.ID)
	if err != nil {
		return err
	}
	outbox, err := s.store.OutboxOf(ctx, a.ID)
	if err != nil {
		return err
	}
	mailLang, err := s.store.MailLanguage(ctx, a.ID)
	if err != nil {
		return err
	}
	out := exportJSON{
		Account: exportAccount{ID: stored.ID, Email: stored.Email, Name: stored.Name, Role: stored.Role,
			HasPassword: stored.PasswordHash != "", OIDCIssuer: stored.OIDCIssuer, OIDCSubject: stored.OIDCSubject,
			MailLanguage: mailLang},
		Sessions: []exportSession{},
		Cases:    []exportCase{},
		Links:    []exportLink{},
		Outbox:   []exportMail{},
		Exported: s.now().UTC().Format(time.DateOnly),
	}
	for _, t := range links {
		out.Links = append(out.Links, exportLink{Purpose: t.Purpose, Subject: t.Subject, Expires: t.Expires.UTC().Format(time.RFC3339)})
	}
	for _, m := range outbox {
		em := exportMail{Kind: m.Kind, Subject: m.Subject, Attempts: m.Attempts}
		if m.Due.Unix() > 0 {
			em.Due = m.Due.UTC().Format(time.RFC3339)
		}
		out.Outbox = append(out.Outbox, em)
	}
	for _, se := range sessions {
		out.Sessions = append(out.Sessions, exportSession{Started: dayString(se.StartedDay), LastUsed: dayString(se.UsedDay)})
	}
	for _, c := range cases {
		ec := exportCase{caseJSON: newCaseJSON(c), ownDetailsJSON: newOwnDetailsJSON(c.Details), Created: c.Created.UTC().Format(time.DateOnly)}
		if !c.LastPending.IsZero() {
			ec.LastPending = c.LastPending.UTC().Format(time.DateOnly)
		}
		out.Cases = append(out.Cases, ec)
	}
	if out.Alerts, out.Reminders, err = s.exportAlerts(r, a.ID); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Disposition", `attachment; filename="casetrack-my-data.json"`)
	writeJSON(w, http.StatusOK, out)
	return nil
}

// apiMeDelete handles DELETE /api/v1/me.
func (s *Server) apiMeDelete(w http.ResponseWriter, r *http.Request) error {
	a, err := s.requireAccount(r)
	if err != nil {
		return err
	}
	// ?cases=keep keeps the account's timelines in the statistics,
	// detached; the default, as before, deletes them.
	keep := false
	switch r.URL.Query().Get("cases") {
	case "", casesDelete:
	case casesKeep:
		keep = true
	default:
		return errValidation(timeline.FieldErrors{"cases": caseChoiceAPI})
	}
	if _, err := s.deleteAccount(w, r, a, keep); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
