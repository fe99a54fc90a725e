package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/casetrack/casetrack/internal/i18n"
	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/timeline"
)

// adminQueueLimit bounds each list of the moderation page.
const adminQueueLimit = 100

// moderationReason is one reason a moderator can record. The page
// labels it with the message methodology.admin.reason.<Code>.
type moderationReason struct {
	Code string
}

// moderationReasons are the reasons a moderator picks from. A code, not
// free text, is recorded, so the log cannot become a place for the
// personal details moderation removes.
var moderationReasons = []moderationReason{
	{"checked_plausible"}, {"reports_unfounded"}, {"personal_info"}, {"fake"},
	{"duplicate"}, {"spam"}, {"offensive"}, {"owner_request"},
}

func validModerationReason(code string) bool {
	for _, r := range moderationReasons {
		if r.Code == code {
			return true
		}
	}
	return false
}

// adminItem is one case of the moderation page. Filed and Milestones
// are the case's filing month and dated steps written in the page's
// language.
type adminItem struct {
	Case       caseView
	Filed      string
	Milestones []adminMilestone
	State      string
	Reason     string
	Reports    []store.Report
	ReportsBy  map[string]int
	Explaining string
}

// adminMilestone is one dated step of a case on the moderation page:
// Date machine-readable, Shown in the page's language.
type adminMilestone struct {
	Code, Date, Shown string
	Days              int
}

// adminPageData is the data of admin.html.
type adminPageData struct {
	page
	Open, Hidden []adminItem
	Log          []store.LogEntry
	Reasons      []moderationReason
	Notice       string
	Problem      string
}

// adminNotices confirm an action after the redirect: the message of
// each action's notice.
var adminNotices = map[string]string{
	"hide":    "methodology.admin.notice.hide",
	"approve": "methodology.admin.notice.approve",
	"dismiss": "methodology.admin.notice.dismiss",
	"delete":  "methodology.admin.notice.delete",
}

// adminNotice is the notice of a done action in a language, "" for none.
func adminNotice(l *i18n.Locale, action string) string {
	if id, ok := adminNotices[action]; ok {
		return l.T(id)
	}
	return ""
}

// adminExplaining are the messages saying why an automatic check held a
// case back, by the check's reason.
var adminExplaining = map[string]string{
	reasonImplausible: "methodology.admin.explain.implausible",
	reasonBurst:       "methodology.admin.explain.burst",
}

// adminPage handles GET /admin: the moderation queue (flagged and
// reported cases), the hidden cases and the latest log entries.
func (s *Server) adminPage(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.requireAdmin(r); err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	data := &adminPageData{page: s.newPage(r, s.t(r, "title.moderation")), Reasons: moderationReasons,
		Notice: adminNotice(s.locale(r), r.URL.Query().Get("done"))}
	return s.renderAdmin(w, r, http.StatusOK, data)
}

func (s *Server) renderAdmin(w http.ResponseWriter, r *http.Request, status int, data *adminPageData) error {
	open, hidden, err := s.store.ModerationQueue(r.Context(), adminQueueLimit)
	if err != nil {
		return err
	}
	l := s.locale(r)
	for _, it := range open {
		data.Open = append(data.Open, s.newAdminItem(l, it))
	}
	for _, it := range hidden {
		data.Hidden = append(data.Hidden, s.newAdminItem(l, it))
	}
	if data.Log, err = s.store.ModerationLog(r.Context(), 50); err != nil {
		return err
	}
	return s.render(w, r, status, "admin.html", data)
}

func (s *Server) newAdminItem(l *i18n.Locale, it store.QueueItem) adminItem {
	a := adminItem{Case: newCaseView(s.cat, it.Case), State: it.Case.Moderation.State, Reason: it.Case.Moderation.Reason,
		Reports: it.Reports, ReportsBy: map[string]int{}}
	if a.State == "" {
		a.State = timeline.ModerationVisible
	}
	for _, rep := range it.Reports {
		a.ReportsBy[rep.Reason]++
	}
	if id, ok := adminExplaining[a.Reason]; ok {
		a.Explaining = l.T(id)
	}
	a.Filed = l.MonthYear(it.Case.Filed.Mid())
	for i, m := range it.Case.Milestones {
		shown := l.Date(m.Date.Time())
		if m.Date.MonthOnly() {
			shown = l.MonthYear(m.Date.Time())
		}
		v := a.Case.Milestones[i]
		a.Milestones = append(a.Milestones, adminMilestone{Code: v.Code, Date: v.Date, Shown: shown, Days: v.Days})
	}
	return a
}

// adminAction handles POST /admin/cases/{id}: action hide, approve,
// dismiss or delete, each with a reason from moderationReasons.
func (s *Server) adminAction(w http.ResponseWriter, r *http.Request) error {
	admin, err := s.requireAdmin(r)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	id, err := caseIDFrom(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return formError(err)
	}
	action := strings.TrimSpace(r.PostForm.Get("action"))
	reason := strings.TrimSpace(r.PostForm.Get("reason"))
	if err := s.moderate(r, id, action, reason, admin.ID); err != nil {
		var fe timeline.FieldErrors
		if errors.As(err, &fe) {
			data := &adminPageData{page: s.newPage(r, s.t(r, "title.moderation")), Reasons: moderationReasons,
				Problem: fe["action"] + fe["reason"]}
			return s.renderAdmin(w, r, http.StatusUnprocessableEntity, data)
		}
		return err
	}
	http.Redirect(w, r, "/admin?done="+action, http.StatusSeeOther)
	return nil
}

// moderate applies one moderator action and updates this instance's
// statistics index; the store announces the change to the others.
func (s *Server) moderate(r *http.Request, id, action, reason, actor string) error {
	if !validModerationReason(reason) {
		return timeline.FieldErrors{"reason": s.t(r, "methodology.admin.error.reason")}
	}
	ctx := r.Context()
	now := s.now()
	switch action {
	case store.ActionHide:
		err := s.store.Moderate(ctx, id, action, reason, timeline.Moderation{State: timeline.ModerationHidden, Reason: reason}, actor, now)
		if err != nil {
			return err
		}
		s.index.Remove(id)
	case store.ActionApprove:
		if err := s.store.Moderate(ctx, id, action, reason, timeline.Moderation{}, actor, now); err != nil {
			return err
		}
		c, err := s.store.Case(ctx, id)
		if err != nil {
			return err
		}
		s.index.Upsert(c)
	case store.ActionDismiss:
		if err := s.store.DismissReports(ctx, id, reason, actor, now); err != nil {
			return err
		}
	case store.ActionDelete:
		if err := s.store.DeleteCaseModerated(ctx, id, reason, actor, now); err != nil {
			return err
		}
		s.index.Remove(id)
	default:
		return timeline.FieldErrors{"action": s.t(r, "methodology.admin.error.action")}
	}
	s.metrics.moderation.WithLabelValues(action).Inc()
	// The log line names the action, not the case: the moderation log in
	// the database is the record of which case it was.
	s.log.Info("moderation", "action", action, "reason", reason)
	return nil
}
