package web

import (
	"github.com/casetrack/casetrack/internal/auth"
	"github.com/casetrack/casetrack/internal/timeline"
)

// The account pages' samples for TestEveryTemplateRenders.
func init() {
	me := &auth.Account{ID: "a_X", Email: "Ana@Example.org", Name: "Ana <A>", Role: auth.RoleAdmin}
	templateSamples["signin.html"] = func(*Server) any {
		return &signinPageData{Email: "ana@example.org", Problem: signinWrong, Notice: signedUpNotice, OIDCName: "Clerk"}
	}
	templateSamples["signup.html"] = func(*Server) any {
		return &signinPageData{Email: "ana", Name: "Ana", Errors: timeline.FieldErrors{"email": "bad", "name": "long", "password": "short"}, Problem: "slow down"}
	}
	templateSamples["me.html"] = func(s *Server) any {
		cases := []meCase{{caseView: sampleCaseView(s.cat), Outlook: sampleOutlook(s.cat)}, {caseView: sampleCaseView(s.cat)}}
		return &mePageData{Me: me, Cases: cases, ClaimCase: "c_X",
			Errors: timeline.FieldErrors{"case": "no such case", "edit_key": "wrong"}, Notice: meNotices["claimed"], HasPassword: true}
	}
	templateSamples["me_password.html"] = func(*Server) any {
		return &passwordPageData{HasPassword: true, Errors: timeline.FieldErrors{"current_password": "wrong", "new_password": "short"}}
	}
	templateSamples["me_delete.html"] = func(*Server) any { return &meDeletePageData{Cases: 3} }
	templateSamples["account_deleted.html"] = func(*Server) any { return &meDeletePageData{Cases: 1} }
}
