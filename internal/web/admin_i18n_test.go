package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
	"github.com/casetrack/casetrack/internal/timeline"
)

var (
	adminTimeText = regexp.MustCompile(`(?s)<time[^>]*>(.*?)</time>`)
	adminTagText  = regexp.MustCompile(`(?s)<span class="tag">(.*?)</span>`)
	adminLogDay   = regexp.MustCompile(`(?s)<tr><td>(.*?)</td>`)
)

// TestAdminInTheLanguage: the moderation page names states, actions,
// reasons and notices in the reader's language (the English page keeps
// the codes), and in Arabic and Persian its dates and counts are in the
// language's digits.
func TestAdminInTheLanguage(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	reported, hidden := e.create(variedSubmission(0)).ID, e.create(variedSubmission(1)).ID
	if res := e.postForm("/cases/"+reported+"/report", url.Values{"reason": {"fake"}}); res.status != http.StatusSeeOther {
		t.Fatalf("report: %d", res.status)
	}
	mustStatus(t, e.moderate(hidden, "hide", "spam"), http.StatusSeeOther)
	en := e.server.lang.Default()
	var ids []string
	for _, id := range e.server.lang.IDs() {
		if strings.HasPrefix(id, "methodology.admin.") {
			ids = append(ids, id)
		}
	}
	if len(ids) < 30 {
		t.Fatalf("only %d admin messages", len(ids))
	}
	for _, code := range []string{"es", "zh-Hans", "ar", "fa"} {
		t.Run(code, func(t *testing.T) {
			loc := e.server.lang.Locale(code)
			res := e.get("/admin?done=hide&lang="+code, e.adminHeaders()...)
			mustStatus(t, res, http.StatusOK)
			bad := e.postForm("/admin/cases/"+reported+"?lang="+code, url.Values{"action": {"hide"}}, e.adminHeaders()...)
			mustStatus(t, bad, http.StatusUnprocessableEntity)
			page := " " + text(res.body+bad.body) + " "
			for _, id := range ids {
				english, translated := strings.TrimSpace(en.T(id)), strings.TrimSpace(loc.T(id))
				if english == translated {
					continue
				}
				if regexp.MustCompile(`[\s(]` + regexp.QuoteMeta(english) + `[\s.:,;)]`).MatchString(page) {
					t.Errorf("%s: English %q on the page", id, english)
				}
			}
			for _, want := range []string{loc.T("methodology.admin.notice.hide"), loc.T("methodology.admin.code.hidden"), loc.T("methodology.admin.reason.spam")} {
				if !strings.Contains(page, want) {
					t.Errorf("page lacks %q", want)
				}
			}
			if !strings.Contains(text(bad.body), strings.TrimSpace(loc.T("methodology.admin.error.reason"))) {
				t.Error("the missing reason is not explained in the language")
			}
			denied := e.get("/admin?lang="+code, e.account("reader-"+code+"@example.org")...)
			mustStatus(t, denied, http.StatusForbidden)
			if !strings.Contains(text(denied.body), loc.T("methodology.admin.error.forbidden")) {
				t.Error("a reader is not told in the language that the page is for administrators")
			}
			if !loc.RTL() {
				return
			}
			var shown []string
			for _, re := range []*regexp.Regexp{adminTimeText, adminTagText, adminLogDay} {
				for _, m := range re.FindAllStringSubmatch(res.body, -1) {
					shown = append(shown, text(m[1]))
				}
			}
			if len(shown) < 5 {
				t.Fatalf("only %d dates and tags found", len(shown))
			}
			for _, s := range shown {
				if methodLatinDigit.MatchString(s) {
					t.Errorf("Latin digits in %q", s)
				}
			}
		})
	}
}

// TestAdminCodesHaveNames: every code the moderation page names through
// methodology.admin.code.<code> has a message, so no message id shows.
func TestAdminCodesHaveNames(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	codes := []string{timeline.ModerationVisible, timeline.ModerationFlagged, timeline.ModerationHidden,
		store.ActionFlag, store.ActionHide, store.ActionApprove, store.ActionDelete, store.ActionDismiss, reasonImplausible, reasonBurst}
	for _, r := range moderationReasons {
		codes = append(codes, r.Code)
		if !e.server.lang.Has("methodology.admin.reason." + r.Code) {
			t.Errorf("reason %s has no label", r.Code)
		}
	}
	for _, r := range reportReasons {
		codes = append(codes, r.Code)
	}
	for _, code := range codes {
		if !e.server.lang.Has("methodology.admin.code." + code) {
			t.Errorf("code %s has no name", code)
		}
	}
}
