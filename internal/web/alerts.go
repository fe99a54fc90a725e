package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/casetrack/casetrack/internal/alerts"
	"github.com/casetrack/casetrack/internal/i18n"
	"github.com/casetrack/casetrack/internal/phrase"
	"github.com/casetrack/casetrack/internal/stats"
	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/timeline"
)

// The web side of package alerts: the "email me about this group" forms
// of Explore, the feed and a case's page, the alerts and reminder setting
// on the account page, and the pages the links of a digest or reminder
// open. Every page about alerts is hidden (404) when the site sends no
// mail; the links of mail already sent keep working.

// alertRoutes registers the alert and mail-link routes.
func (s *Server) alertRoutes(mux *http.ServeMux) {
	mux.Handle("GET /me/alerts/new", s.handle(s.alertNewPage))
	mux.Handle("POST /me/alerts", s.handle(s.alertSaveForm))
	mux.Handle("POST /me/alerts/{id}/delete", s.handle(s.alertDeleteForm))
	mux.Handle("POST /me/alerts/{id}/resume", s.handle(s.alertResumeForm))
	mux.Handle("POST /me/reminders", s.handle(s.remindersForm))
	mux.Handle("GET /mail/unsubscribe", s.handle(s.unsubscribePage))
	mux.Handle("POST /mail/unsubscribe", s.handle(s.unsubscribeForm))
	mux.Handle("GET /mail/pending", s.handle(s.stillPendingPage))
	mux.Handle("POST /mail/pending", s.handle(s.stillPendingForm))
}

// newAlertService is the alerts of the server's store and index.
func newAlertService(cfg Config) *alerts.Service {
	return &alerts.Service{Store: cfg.Store, Index: cfg.Index, Catalog: cfg.Catalog, MinCases: cfg.MinCases, Now: cfg.Now}
}

// alertOffer is the "email me about this group" form of a page.
type alertOffer struct {
	Describe string
	// Query is the group's canonical query string, posted with the form.
	Query string
	// SignedIn chooses between the form and a link that signs in first.
	SignedIn bool
	// NewURL is the confirmation page of the group.
	NewURL string
}

// alertOffer is the offer for a group on a page, nil when the site sends
// no mail.
func (s *Server) alertOffer(r *http.Request, g alerts.Group) *alertOffer {
	if !s.mailOn() {
		return nil
	}
	return &alertOffer{Describe: g.DescribeIn(s.locale(r), s.reference(r)), Query: g.Query(), SignedIn: s.currentAccount(r) != nil,
		NewURL: "/me/alerts/new?" + g.Query()}
}

// exploreGroup is the group of an Explore filter.
func exploreGroup(f stats.Filter) alerts.Group {
	return alerts.Group{Category: f.Category, Country: f.Country, ServiceCenter: f.ServiceCenter, FiledFrom: f.FiledFrom, FiledTo: f.FiledTo}
}

// feedGroup is the group of a feed filter (its cursor and page size are
// not part of it).
func feedGroup(f feedFilter) alerts.Group {
	return alerts.Group{Category: f.Category, Country: f.Country, ServiceCenter: f.ServiceCenter, Milestone: f.Milestone,
		FiledFrom: f.Filed, FiledTo: f.Filed}
}

// alertGroupOf reads a group from the query string of Explore or of the
// feed (or the Atom feed), with their own parsers: Explore's when it has
// Explore's filing months or a category and none of the feed's own
// filters, the feed's otherwise. A query with both kinds of filing month
// filter must be a group's canonical query string.
func (s *Server) alertGroupOf(l *i18n.Locale, q url.Values) (alerts.Group, error) {
	q = cloneValues(q)
	q.Del("cursor")
	q.Del("limit")
	explore := q.Has(paramFiledFrom) || q.Has(paramFiledTo)
	feed := q.Has("milestone") || q.Has("filed")
	switch {
	case explore && feed:
		g, err := alerts.ParseGroup(s.cat, q.Encode())
		if err != nil {
			return alerts.Group{}, errBadRequest(l.T("mail.alert.both_filed"))
		}
		return g, nil
	case feed || (strings.TrimSpace(q.Get(paramCategory)) == "" && !explore):
		f, err := parseFeedFilter(l, s.cat, q, s.now())
		if err != nil {
			return alerts.Group{}, err
		}
		return feedGroup(f), nil
	}
	f, fe := s.parseFilter(filterFormOf(q))
	if fe != nil {
		return alerts.Group{}, filterError(fe)
	}
	return exploreGroup(f), nil
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vals := range v {
		out[k] = append([]string(nil), vals...)
	}
	return out
}

// localPath returns p when it is a path on this site ("/me/alerts/new?…"),
// "" otherwise: a next address must never lead to another site.
func localPath(p string) string {
	if p == "" || len(p) > 2000 || !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") {
		return ""
	}
	for _, c := range p {
		if c < 0x20 || c == 0x7f || c == '\\' {
			return ""
		}
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return ""
	}
	return p
}

// signInAndReturn sends a signed-out visitor to sign in, and back to the
// page they asked for once signed in.
func signInAndReturn(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, "/signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
}

// alertNewPageData is the data of alert_new.html.
type alertNewPageData struct {
	page
	Describe string
	Query    string
	// Enough says whether the group has k cases now.
	Enough              bool
	ExploreURL, FeedURL string
	// Every is the frequency chosen in the form: the alert's own when
	// the account follows the group already (Existing), weekly otherwise.
	Every           string
	Existing        bool
	ExistingStopped bool
}

// alertNewPage handles GET /me/alerts/new?<the query of Explore or the
// feed>: it names the group and asks how often to write.
func (s *Server) alertNewPage(w http.ResponseWriter, r *http.Request) error {
	if !s.mailOn() {
		return errNotFound()
	}
	a := s.currentAccount(r)
	if a == nil {
		signInAndReturn(w, r)
		return nil
	}
	w.Header().Set("Cache-Control", "no-store")
	g, err := s.alertGroupOf(s.locale(r), r.URL.Query())
	if err != nil {
		return err
	}
	data := &alertNewPageData{page: s.newPage(r, s.t(r, "title.alert_new")), Describe: g.DescribeIn(s.locale(r), s.reference(r)), Query: g.Query(),
		Enough: s.alerts.Enough(g), ExploreURL: g.ExplorePath(), FeedURL: g.FeedPath(), Every: alerts.Weekly}
	list, err := s.store.AlertsOf(r.Context(), a.ID)
	if err != nil {
		return err
	}
	for _, al := range list {
		if al.CaseID == "" && al.Query == data.Query {
			data.Existing, data.ExistingStopped, data.Every = true, al.Stopped, al.Every
		}
	}
	return s.render(w, r, http.StatusOK, "alert_new.html", data)
}

// alertSaveForm handles POST /me/alerts: group (a canonical query
// string, from the forms of Explore, the feed and the confirmation page)
// or case (one of the account's cases: the people who filed the same
// month), and every (daily or weekly).
func (s *Server) alertSaveForm(w http.ResponseWriter, r *http.Request) error {
	if !s.mailOn() {
		return errNotFound()
	}
	a, err := s.requireAccount(r)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	if err := r.ParseForm(); err != nil {
		return formError(err)
	}
	every := r.PostForm.Get("every")
	if !alerts.ValidEvery(every) {
		return errValidation(timeline.FieldErrors{"every": s.t(r, "mail.alert.every")})
	}
	if id := r.PostForm.Get("case"); id != "" {
		if !validCaseID(id) {
			return errCaseNotFound()
		}
		c, err := s.store.Case(r.Context(), id)
		if err != nil {
			return err
		}
		if c.OwnerID == "" || c.OwnerID != a.ID {
			return errForbidden(s.t(r, "mail.alert.not_yours"))
		}
		_, err = s.alerts.SaveSameMonth(r.Context(), a.ID, c, every)
		return s.alertSaved(w, r, err)
	}
	q, err := url.ParseQuery(r.PostForm.Get("group"))
	if err != nil {
		return errBadRequest(s.t(r, "mail.alert.unreadable"))
	}
	g, err := s.alertGroupOf(s.locale(r), q)
	if err != nil {
		return err
	}
	_, err = s.alerts.Save(r.Context(), a.ID, g, every)
	return s.alertSaved(w, r, err)
}

func (s *Server) alertSaved(w http.ResponseWriter, r *http.Request, err error) error {
	if errors.Is(err, store.ErrLimit) {
		return &httpError{Status: http.StatusUnprocessableEntity, Code: "limit", Message: s.t(r, "mail.alert.limit", "Count", alerts.MaxAlerts)}
	}
	if err != nil {
		return err
	}
	if a := s.currentAccount(r); a != nil {
		if err := s.rememberMailLanguage(r.Context(), a.ID); err != nil {
			return err
		}
	}
	http.Redirect(w, r, "/me?done=alert#alerts", http.StatusSeeOther)
	return nil
}

// alertIDFrom returns the {id} path value when it can be an alert id.
func alertIDFrom(r *http.Request) (string, error) {
	id := r.PathValue("id")
	if !validRandomID(id, "al_") {
		return "", errNotFound()
	}
	return id, nil
}

// alertDeleteForm handles POST /me/alerts/{id}/delete.
func (s *Server) alertDeleteForm(w http.ResponseWriter, r *http.Request) error {
	a, err := s.requireAccount(r)
	if err != nil {
		return err
	}
	id, err := alertIDFrom(r)
	if err != nil {
		return err
	}
	if err := s.store.DeleteAlert(r.Context(), a.ID, id); err != nil {
		return err
	}
	http.Redirect(w, r, "/me?done=alert-deleted#alerts", http.StatusSeeOther)
	return nil
}

// alertResumeForm handles POST /me/alerts/{id}/resume: an alert stopped
// by its unsubscribe link writes again, from its next day on.
func (s *Server) alertResumeForm(w http.ResponseWriter, r *http.Request) error {
	if !s.mailOn() {
		return errNotFound()
	}
	a, err := s.requireAccount(r)
	if err != nil {
		return err
	}
	id, err := alertIDFrom(r)
	if err != nil {
		return err
	}
	tomorrow := timeline.Today(s.now()).AddDate(0, 0, 1).Unix() / 86400
	if err := s.store.StopAlert(r.Context(), a.ID, id, false, tomorrow); err != nil {
		return err
	}
	http.Redirect(w, r, "/me?done=alert-resumed#alerts", http.StatusSeeOther)
	return nil
}

// remindersForm handles POST /me/reminders: on=yes turns "still
// pending?" reminders on again, on=no off.
func (s *Server) remindersForm(w http.ResponseWriter, r *http.Request) error {
	if !s.mailOn() {
		return errNotFound()
	}
	a, err := s.requireAccount(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return formError(err)
	}
	on := r.PostForm.Get("on")
	if on != "yes" && on != "no" {
		return errValidation(timeline.FieldErrors{"on": s.t(r, "mail.alert.yes_no")})
	}
	if err := s.store.SetRemindersOff(r.Context(), a.ID, on == "no"); err != nil {
		return err
	}
	if err := s.rememberMailLanguage(r.Context(), a.ID); err != nil {
		return err
	}
	http.Redirect(w, r, "/me?done=reminders-"+map[string]string{"yes": "on", "no": "off"}[on]+"#alerts", http.StatusSeeOther)
	return nil
}

// meAlert is one alert on the account page.
type meAlert struct {
	alerts.Listed
	ExploreURL, FeedURL string
}

// meAlerts is the alerts section of the account page.
type meAlerts struct {
	List []meAlert
	// RemindersOff is the reminder setting; Next the day of each pending
	// case's next reminder, by case id.
	RemindersOff bool
	Next         map[string]string
}

// loadMeAlerts reads the alerts section of the account page, nil when
// the site sends no mail.
func (s *Server) loadMeAlerts(r *http.Request, accountID string) (*meAlerts, error) {
	if !s.mailOn() {
		return nil, nil
	}
	list, err := s.alerts.List(r.Context(), accountID)
	if err != nil {
		return nil, err
	}
	rem, err := s.alerts.RemindersOf(r.Context(), accountID)
	if err != nil {
		return nil, err
	}
	out := &meAlerts{RemindersOff: rem.Off, Next: map[string]string{}}
	for _, l := range list {
		s.localizeListed(r, &l)
		out.List = append(out.List, meAlert{Listed: l, ExploreURL: l.Group.ExplorePath(), FeedURL: l.Group.FeedPath()})
	}
	today := timeline.Today(s.now())
	for _, re := range rem.List {
		next := alerts.DayOf(re.NextDay)
		if next.Before(today) {
			next = today
		}
		out.Next[re.CaseID] = s.locale(r).Date(next)
	}
	return out, nil
}

// mailLinkPageData is the data of mail_unsubscribe.html and
// mail_pending.html.
type mailLinkPageData struct {
	page
	// Token is the link's token, posted back by the page's button.
	Token string
	// Invalid says the link does not work (any more).
	Invalid bool
	// What names what the link acts on; Done says it was done already
	// (unsubscribe) or just now.
	What string
	Done bool
	// Reminders says the link stops "still pending?" reminders.
	Reminders bool
	// CaseID is the case a "still waiting" link confirms; Problem why
	// it cannot be confirmed.
	CaseID  string
	Problem string
}

// mailLinkToken is the t parameter of a mail link: in the address (a
// mail program's one-click POST sends it there) or in the form.
func mailLinkToken(r *http.Request) string {
	if t := r.URL.Query().Get("t"); t != "" {
		return t
	}
	return r.PostFormValue("t")
}

// unsubscribePage handles GET /mail/unsubscribe?t=…: it says what the
// link stops and offers one button. Opening the link (as mail scanners
// do) stops nothing.
func (s *Server) unsubscribePage(w http.ResponseWriter, r *http.Request) error {
	return s.unsubscribe(w, r, false)
}

// unsubscribeForm handles POST /mail/unsubscribe?t=…, from the page's
// button or from a mail program's one-click unsubscribe (RFC 8058: a
// POST with the body List-Unsubscribe=One-Click, no cookies and no
// Origin header, which cross-origin protection lets through). The link
// is the proof: no sign-in is needed.
func (s *Server) unsubscribeForm(w http.ResponseWriter, r *http.Request) error {
	return s.unsubscribe(w, r, true)
}

func (s *Server) unsubscribe(w http.ResponseWriter, r *http.Request, do bool) error {
	w.Header().Set("Cache-Control", "no-store")
	token := mailLinkToken(r)
	data := &mailLinkPageData{page: s.newPage(r, s.t(r, "title.unsubscribe")), Token: token}
	var u alerts.Unsubscribed
	var err error
	if do {
		u, err = s.alerts.Unsubscribe(r.Context(), token)
	} else {
		u, err = s.alerts.PeekUnsubscribe(r.Context(), token)
	}
	if errors.Is(err, alerts.ErrLink) {
		data.Invalid = true
		return s.render(w, r, http.StatusNotFound, "mail_unsubscribe.html", data)
	}
	if err != nil {
		return err
	}
	data.Done = u.Done || do
	data.Reminders = u.Alert == nil
	data.What = s.unsubscribeWhat(r, u)
	return s.render(w, r, http.StatusOK, "mail_unsubscribe.html", data)
}

// unsubscribeWhat names, in the request's language, the mail an
// unsubscribe link stops: the reminders, or an alert's news.
func (s *Server) unsubscribeWhat(r *http.Request, u alerts.Unsubscribed) string {
	l := s.locale(r)
	switch {
	case u.Alert == nil:
		return l.T("mail.page.what_reminders")
	case u.Alert.CaseID != "":
		return l.T("mail.page.what_same_" + u.Alert.Every)
	}
	g, err := alerts.ParseGroup(s.cat, u.Alert.Query)
	if err != nil {
		return l.T("mail.page.what_alert_"+u.Alert.Every, "Group", u.Alert.Describe)
	}
	return l.T("mail.page.what_alert_"+u.Alert.Every, "Group", g.DescribeIn(l, s.reference(r)))
}

// stillPendingPage handles GET /mail/pending?t=…: it names the case and
// offers one button; opening the link does not use it.
func (s *Server) stillPendingPage(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "no-store")
	token := mailLinkToken(r)
	data := &mailLinkPageData{page: s.newPage(r, s.t(r, "title.still_waiting")), Token: token}
	t, err := s.alerts.PeekStillPending(r.Context(), token)
	if errors.Is(err, alerts.ErrLink) {
		data.Invalid = true
		return s.render(w, r, http.StatusNotFound, "mail_pending.html", data)
	}
	if err != nil {
		return err
	}
	c, err := s.store.Case(r.Context(), t.Subject)
	if errors.Is(err, store.ErrNotFound) {
		data.Invalid = true
		return s.render(w, r, http.StatusNotFound, "mail_pending.html", data)
	}
	if err != nil {
		return err
	}
	data.CaseID, data.What = c.ID, caseWords(s, r, c)
	if c.Status() != timeline.StatusPending {
		data.Problem = s.t(r, "mail.page.decided")
	}
	return s.render(w, r, http.StatusOK, "mail_pending.html", data)
}

// stillPendingForm handles POST /mail/pending?t=…: the link is used up
// and its case confirmed as still pending as of today, as the case
// page's button does; a second use is refused.
func (s *Server) stillPendingForm(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "no-store")
	token := mailLinkToken(r)
	data := &mailLinkPageData{page: s.newPage(r, s.t(r, "title.still_waiting")), Token: token}
	t, err := s.alerts.UseStillPending(r.Context(), token)
	if errors.Is(err, alerts.ErrLink) {
		data.Invalid = true
		return s.render(w, r, http.StatusNotFound, "mail_pending.html", data)
	}
	if err != nil {
		return err
	}
	_, err = s.confirmCase(r.Context(), t.Subject)
	var fe timeline.FieldErrors
	switch {
	case errors.As(err, &fe):
		data.CaseID, data.Problem = t.Subject, s.t(r, "mail.page.decided")
		return s.render(w, r, http.StatusUnprocessableEntity, "mail_pending.html", data)
	case errors.Is(err, store.ErrNotFound):
		data.Invalid = true
		return s.render(w, r, http.StatusNotFound, "mail_pending.html", data)
	case err != nil:
		return err
	}
	http.Redirect(w, r, "/cases/"+t.Subject+"?done=confirmed", http.StatusSeeOther)
	return nil
}

// caseWords names a case in the request's language: "EB-2 National
// Interest Waiver case filed in March 2024".
func caseWords(s *Server, r *http.Request, c *timeline.Case) string {
	return phrase.CaseFiled(s.locale(r), s.reference(r), c.Category, c.Filed)
}

// localizeListed names a listed alert's group in the request's language
// (the alerts service names it in English, for the mails); an alert
// whose group no longer parses keeps its query string.
func (s *Server) localizeListed(r *http.Request, l *alerts.Listed) {
	if l.Describe != l.Query {
		l.Describe = l.Group.DescribeIn(s.locale(r), s.reference(r))
	}
}

// Data export: the alerts and reminder setting of an account.

type exportAlert struct {
	ID string `json:"id"`
	// Group is the canonical query string of the group; Describe names it.
	Group    string `json:"group"`
	Describe string `json:"describe"`
	CaseID   string `json:"case_id,omitempty"`
	Every    string `json:"every"`
	Created  string `json:"created"`
	Next     string `json:"next_digest"`
	// Unsubscribed says its unsubscribe link stopped it.
	Unsubscribed bool `json:"unsubscribed"`
	// LastNumbers are what the next digest is compared with: the numbers
	// of the last digest, or of the day the alert was saved (none for a
	// group with fewer than k cases).
	LastNumbers json.RawMessage `json:"last_numbers,omitempty"`
}

type exportReminders struct {
	// Off says the account turned "still pending?" reminders off.
	Off   bool                 `json:"off"`
	Cases []exportReminderCase `json:"cases"`
}

type exportReminderCase struct {
	CaseID string `json:"case_id"`
	Next   string `json:"next_reminder"`
}

// exportAlerts reads an account's alerts and reminders for its export.
func (s *Server) exportAlerts(r *http.Request, accountID string) ([]exportAlert, exportReminders, error) {
	list, err := s.alerts.List(r.Context(), accountID)
	if err != nil {
		return nil, exportReminders{}, err
	}
	rem, err := s.alerts.RemindersOf(r.Context(), accountID)
	if err != nil {
		return nil, exportReminders{}, err
	}
	out := []exportAlert{}
	for _, l := range list {
		e := exportAlert{ID: l.ID, Group: l.Query, Describe: l.Describe, CaseID: l.CaseID, Every: l.Every,
			Created: alerts.DayOf(l.CreatedDay).Format(time.DateOnly), Next: l.Next.Format(time.DateOnly), Unsubscribed: l.Stopped}
		if json.Valid([]byte(l.Snapshot)) {
			e.LastNumbers = json.RawMessage(l.Snapshot)
		}
		out = append(out, e)
	}
	re := exportReminders{Off: rem.Off, Cases: []exportReminderCase{}}
	for _, c := range rem.List {
		re.Cases = append(re.Cases, exportReminderCase{CaseID: c.CaseID, Next: alerts.DayOf(c.NextDay).Format(time.DateOnly)})
	}
	return out, re, nil
}
