package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/casetrack/casetrack/internal/i18n"
	"github.com/casetrack/casetrack/internal/timeline"
)

// reportReason is one choice of the report form.
type reportReason struct {
	Code, Label string
}

// reportReasons are what a reader can report a case for. Reports carry
// nothing else: no free text (it could carry the very details the note
// guard keeps out), no address, no account.
var reportReasons = []reportReason{
	{"personal_info", "It contains personal details or case numbers"},
	{"fake", "It looks made up or impossible"},
	{"duplicate", "It duplicates another case"},
	{"spam", "It is spam or advertising"},
	{"offensive", "It is offensive"},
}

// validReportReason reports whether code is one of reportReasons.
func validReportReason(code string) bool {
	for _, r := range reportReasons {
		if r.Code == code {
			return true
		}
	}
	return false
}

// reportChoices lists the codes as a client sends them, quoted and
// joined in l, for error messages.
func reportChoices(l *i18n.Locale) string {
	codes := make([]string, len(reportReasons))
	for i, r := range reportReasons {
		codes[i] = strconv.Quote(r.Code)
	}
	return joinOr(l, codes)
}

// reportCase records a report after checking the limit, the reason and
// that the case is public. It returns FieldErrors{"reason": ...} for a bad
// reason.
func (s *Server) reportCase(r *http.Request, id, reason string) error {
	cancel, retry, ok := s.reportLimiter.reserve(s.clientAddr(r))
	if !ok {
		return errRateLimitedMsg(retry, reportLimitedMsg)
	}
	err := s.reportChecked(r, id, strings.TrimSpace(reason))
	if err != nil {
		cancel()
		return err
	}
	s.metrics.reports.Inc()
	return nil
}

func (s *Server) reportChecked(r *http.Request, id, reason string) error {
	if !validReportReason(reason) {
		return timeline.FieldErrors{"reason": s.t(r, "forms.report.choose", "Codes", reportChoices(s.locale(r)))}
	}
	c, err := s.store.Case(r.Context(), id)
	if err != nil {
		return err
	}
	if c.Moderation.State == timeline.ModerationHidden {
		return errCaseRemoved()
	}
	return s.store.AddReport(r.Context(), id, reason, s.now())
}

// reportJSON is the body of POST /api/v1/cases/{id}/reports.
type reportJSON struct {
	Reason string `json:"reason"`
}

// apiReportCase handles POST /api/v1/cases/{id}/reports.
func (s *Server) apiReportCase(w http.ResponseWriter, r *http.Request) error {
	id, err := caseIDFrom(r)
	if err != nil {
		return err
	}
	var in reportJSON
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.reportCase(r, id, in.Reason); err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, map[string]string{"status": "received"})
	return nil
}

// caseReportForm handles POST /cases/{id}/report from the case page.
func (s *Server) caseReportForm(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "no-store")
	if err := r.ParseForm(); err != nil {
		return formError(err)
	}
	data, err := s.loadCasePage(r, false)
	if err != nil {
		return err
	}
	err = s.reportCase(r, data.Case.ID, r.PostForm.Get("reason"))
	var fe timeline.FieldErrors
	if errors.As(err, &fe) {
		data.ReportError = fe["reason"]
		return s.render(w, r, http.StatusUnprocessableEntity, "case.html", data)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/cases/"+data.Case.ID+"?done=reported", http.StatusSeeOther)
	return nil
}
