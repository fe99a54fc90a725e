package web

import (
	"fmt"
	"math"
	"net/http"
	"time"

	"github.com/casetrack/casetrack/internal/auth"
	"github.com/casetrack/casetrack/internal/i18n"
	"github.com/casetrack/casetrack/internal/timeline"
	"github.com/casetrack/casetrack/internal/web/throttle"
)

// knownMessage is the catalog message of an English message written by
// a handler or by package auth (which knows nothing of languages), with
// the numbers it holds.
type knownMessage struct {
	id   string
	args []any
}

// knownMessages maps the English messages of the account and case forms
// to their catalog messages; inLanguage looks them up. The keys are built
// from the same constants as the messages, so a changed limit changes
// both.
var knownMessages = map[string]knownMessage{
	"Enter your email address.":                     {id: "forms.account.email_missing"},
	"This email address is too long.":               {id: "forms.account.email_long"},
	"Enter an email address like name@example.org.": {id: "forms.account.email_invalid"},
	"The name is not valid text.":                   {id: "forms.account.name_text"},
	fmt.Sprintf("Use at most %d characters for the name.", auth.MaxNameRunes): {id: "forms.account.name_long",
		args: []any{"Max", auth.MaxNameRunes}},
	"The name must be on one line.": {id: "forms.account.name_line"},
	fmt.Sprintf("Use at least %d characters.", auth.MinPasswordRunes): {id: "forms.account.password_short",
		args: []any{"Min", auth.MinPasswordRunes}},
	fmt.Sprintf("Use at most %d bytes (about %d letters).", auth.MaxPasswordBytes, auth.MaxPasswordBytes): {id: "forms.account.password_long",
		args: []any{"Max", auth.MaxPasswordBytes}},
	"The password must not contain NUL characters.": {id: "forms.account.password_nul"},
	signinMissing:     {id: "forms.account.signin_missing"},
	passwordWrong:     {id: "forms.account.password_wrong"},
	unverifiedSent:    {id: "forms.account.unverified_sent"},
	unverifiedLimited: {id: "forms.account.unverified_limited"},
	unverifiedNoMail:  {id: "forms.account.unverified_no_mail"},
	editKeyMissing:    {id: "forms.case.key_missing"},
	editKeyWrong:      {id: "forms.case.key_wrong"},
	confirmDecided:    {id: "forms.case.confirm_decided"},
	caseLinkMissing:   {id: "forms.me.case_missing"},
	caseChoiceMissing: {id: "forms.me.case_choice"},
	caseChoiceAPI:     {id: "forms.me.case_choice_api"},
	manageLinkCut:     {id: "forms.manage.link_cut"},
	manageLinkDead:    {id: "forms.manage.link_dead"},
	manageCaseGone:    {id: "forms.manage.case_gone"},

	// Errors pages and API answers share.
	"This case is not in your timeline.":                                             {id: "forms.error.not_yours"},
	"Sign in first: this needs your account.":                                        {id: "forms.error.sign_in_first"},
	"This page is for the site's administrators.":                                    {id: "forms.error.admins_only"},
	"Cross-origin requests that change data are refused. Use the form on this site.": {id: "forms.error.cross_origin"},
	"The request body could not be read.":                                            {id: "forms.error.body_unreadable"},
	"The request body is not valid UTF-8. Send text as UTF-8.":                       {id: "forms.error.body_not_utf8"},
	"JSON bodies must be UTF-8.":                                                     {id: "forms.error.json_not_utf8"},
	"Too many new cases from your network in the last hour. Please try again later.": {id: "forms.error.limited_new"},
	updateLimitedMsg: {id: "forms.error.limited_update"},
	reportLimitedMsg: {id: "forms.error.limited_report"},
}

// Messages of the account and case forms, written here in English; their
// translations are the catalog's (knownMessages).
const (
	signinMissing   = "Enter your email address and your password."
	passwordWrong   = "That is not your current password."
	caseLinkMissing = "Paste the case's manage link, its address or its id (it starts with c_)."
)

// inLanguage writes a known English message in the reader's language,
// its numbers in the language's digits; other text comes back as it is.
func inLanguage(l *i18n.Locale, msg string) string {
	k, ok := knownMessages[msg]
	if !ok {
		return msg
	}
	return l.T(k.id, k.args...)
}

// fieldsInLanguage writes every known message of fe in the reader's
// language.
func fieldsInLanguage(l *i18n.Locale, fe timeline.FieldErrors) timeline.FieldErrors {
	for k, msg := range fe {
		fe[k] = inLanguage(l, msg)
	}
	return fe
}

// signInLimitedMessage answers too many sign-in attempts in the reader's
// language, saying whose attempts they were and how long to wait.
func signInLimitedMessage(l *i18n.Locale, refused throttle.Refusal, retry time.Duration) string {
	id := "forms.account.limited_network"
	if refused == throttle.AccountLimited {
		id = "forms.account.limited_account"
	}
	return l.T(id, "Wait", waitIn(l, retry))
}

// waitIn says a wait in whole minutes or hours, rounded up, in the
// reader's language.
func waitIn(l *i18n.Locale, d time.Duration) string {
	switch m := int(math.Ceil(d.Minutes())); {
	case m <= 1:
		return l.T("forms.wait.minute")
	case m < 120:
		return l.T("forms.wait.minutes", "Count", m)
	default:
		return l.T("forms.wait.hours", "Count", int(math.Ceil(d.Hours())))
	}
}

// localizedError is errorMessage for the errors whose message is a known
// English one without a catalog id.
func (s *Server) localizedError(r *http.Request, he *httpError) string {
	return inLanguage(s.locale(r), he.Message)
}
