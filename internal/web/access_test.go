package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
)

// TestCrossAccountAccess: a signed-in person can neither read the private
// data of, change nor delete another person's case or account through
// any route, and signing in gives no rights over anonymous cases.
func TestCrossAccountAccess(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		ctx := context.Background()
		ana := e.account("ana@example.org")
		bea := e.account("bea@example.org")
		anaCase := e.create(validSubmission(), ana...)
		anon := e.create(validSubmission())
		before := map[string]caseJSON{}
		for _, id := range []string{anaCase.ID, anon.ID} {
			var c caseJSON
			e.get("/api/v1/cases/"+id).json(t, &c)
			before[id] = c
		}
		e.clock.Add(48 * 3600e9) // so that a change would move as_of

		for _, id := range []string{anaCase.ID, anon.ID} {
			for _, tt := range []struct {
				method, path string
				form         url.Values
				json         any
				want         int
			}{
				{"POST", "/api/v1/cases/" + id + "/milestones", nil, map[string]string{"code": "rfe_response", "date": "2025-06-01"}, http.StatusUnauthorized},
				{"POST", "/api/v1/cases/" + id + "/confirm", nil, "", http.StatusUnauthorized},
				{"DELETE", "/api/v1/cases/" + id, nil, nil, http.StatusUnauthorized},
				{"POST", "/cases/" + id + "/milestones", url.Values{"code": {"rfe_response"}, "date": {"2025-06-01"}}, nil, http.StatusUnauthorized},
				{"POST", "/cases/" + id + "/confirm", url.Values{}, nil, http.StatusUnauthorized},
				{"POST", "/cases/" + id + "/delete", url.Values{"confirm": {"yes"}}, nil, http.StatusUnauthorized},
				{"GET", "/me/cases/" + id + "/edit", nil, nil, http.StatusForbidden},
				{"POST", "/me/cases/" + id + "/edit", validForm(), nil, http.StatusForbidden},
			} {
				var res response
				switch {
				case tt.form != nil:
					res = e.postForm(tt.path, tt.form, bea...)
				case tt.method == "POST":
					res = e.postJSON(tt.path, tt.json, bea...)
				default:
					res = e.do(tt.method, tt.path, nil, bea...)
				}
				if res.status != tt.want {
					t.Errorf("%s %s as another account: %d, want %d", tt.method, tt.path, res.status, tt.want)
				}
				// With a wrong key as well: still refused.
				if strings.HasPrefix(tt.path, "/api/") {
					hdr := with(bea, editKey("ek_WRONG"))
					var res response
					if tt.method == "DELETE" {
						res = e.do(tt.method, tt.path, nil, hdr...)
					} else {
						res = e.postJSON(tt.path, tt.json, hdr...)
					}
					if res.status != http.StatusForbidden {
						t.Errorf("%s %s as another account with a wrong key: %d", tt.method, tt.path, res.status)
					}
				}
			}
			// Reading: the public view only, and no owner in it.
			pub := e.get("/api/v1/cases/"+id, bea...)
			for _, secret := range []string{"ana@example.org", "owner", "a_"} {
				if strings.Contains(pub.body, secret) {
					t.Errorf("public case view shows %q: %s", secret, pub.body)
				}
			}
			if page := e.get("/cases/"+id, bea...); !strings.Contains(page.body, `name="edit_key"`) {
				t.Error("another account's case page does not ask for the edit key")
			}
		}
		// Nothing changed.
		for id, want := range before {
			var got caseJSON
			e.get("/api/v1/cases/"+id).json(t, &got)
			if got.AsOf != want.AsOf || len(got.Milestones) != len(want.Milestones) {
				t.Errorf("case %s changed: %+v", id, got)
			}
		}
		// Bea's timeline, export and deletion hold only Bea's data.
		if me := e.get("/me", bea...); strings.Contains(me.body, anaCase.ID) || strings.Contains(me.body, "ana@example.org") {
			t.Error("/me shows another account's data")
		}
		exp := e.get("/api/v1/me/export", bea...)
		if exp.status != http.StatusOK || strings.Contains(exp.body, anaCase.ID) || strings.Contains(exp.body, "ana@") || strings.Contains(exp.body, anon.ID) {
			t.Errorf("export: %d %s", exp.status, exp.body)
		}
		if res := e.do(http.MethodDelete, "/api/v1/me", nil, bea...); res.status != http.StatusNoContent {
			t.Fatalf("delete own account: %d", res.status)
		}
		if _, err := st.AccountByEmail(ctx, "ana@example.org"); err != nil {
			t.Errorf("the other account is gone: %v", err)
		}
		for _, id := range []string{anaCase.ID, anon.ID} {
			if _, err := st.Case(ctx, id); err != nil {
				t.Errorf("case %s is gone: %v", id, err)
			}
		}
		if e.get("/me", ana...).status != http.StatusOK {
			t.Error("the other account's session ended")
		}
	})
}

// TestSignedOutAccountRoutes: every account route needs a session.
func TestSignedOutAccountRoutes(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	c := e.create(validSubmission())
	forged := sessionHeader("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA") // well formed, unknown
	for _, h := range [][]string{nil, forged, sessionHeader("garbage")} {
		for _, tt := range []struct {
			method, path string
			want         int
		}{
			{"GET", "/api/v1/me/export", http.StatusUnauthorized},
			{"DELETE", "/api/v1/me", http.StatusUnauthorized},
			{"POST", "/me/claim", http.StatusUnauthorized},
			{"POST", "/me/password", http.StatusUnauthorized},
			{"POST", "/me/delete", http.StatusUnauthorized},
			{"POST", "/me/cases/" + c.ID + "/edit", http.StatusUnauthorized},
			{"GET", "/admin", http.StatusUnauthorized},
			{"GET", "/me", http.StatusSeeOther},
			{"GET", "/me/password", http.StatusSeeOther},
			{"GET", "/me/cases/" + c.ID + "/edit", http.StatusSeeOther},
		} {
			var res response
			if tt.method == "POST" {
				res = e.postForm(tt.path, url.Values{"confirm": {"yes"}}, h...)
			} else {
				res = e.do(tt.method, tt.path, nil, h...)
			}
			if res.status != tt.want {
				t.Errorf("%s %s signed out (%v): %d, want %d", tt.method, tt.path, h, res.status, tt.want)
			}
			// A 401 names what would authorize the request: a session.
			if got := res.header.Get("WWW-Authenticate"); res.status == http.StatusUnauthorized && got != `Session realm="casetrack"` {
				t.Errorf("%s %s signed out: WWW-Authenticate %q, want the session challenge", tt.method, tt.path, got)
			}
		}
	}
}

// TestAccountCSRF: cross-origin posts that would sign in, sign out,
// change or delete are refused before they reach a handler.
func TestAccountCSRF(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		ana := e.account("ana@example.org")
		c := e.create(validSubmission(), ana...)
		for _, tt := range []struct {
			method, path string
			form         url.Values
		}{
			{"POST", "/signin", url.Values{"email": {"ana@example.org"}, "password": {testPassword}}},
			{"POST", "/signup", url.Values{"email": {"new@example.org"}, "password": {testPassword}}},
			{"POST", "/signout", url.Values{}},
			{"POST", "/me/delete", url.Values{"confirm": {"yes"}}},
			{"POST", "/me/password", url.Values{"current_password": {testPassword}, "new_password": {"attacker password"}}},
			{"POST", "/me/claim", url.Values{"case": {c.ID}}},
			{"POST", "/cases/" + c.ID + "/delete", url.Values{"confirm": {"yes"}}},
			{"POST", "/me/cases/" + c.ID + "/edit", validForm()},
			{"DELETE", "/api/v1/me", nil},
			{"DELETE", "/api/v1/cases/" + c.ID, nil},
		} {
			var res response
			if tt.form != nil {
				res = e.postForm(tt.path, tt.form, with(ana, crossSite)...)
			} else {
				res = e.do(tt.method, tt.path, nil, with(ana, crossSite)...)
			}
			if res.status != http.StatusForbidden || res.cookie(sessionCookie) != nil {
				t.Errorf("cross-site %s %s: %d", tt.method, tt.path, res.status)
			}
		}
		if e.get("/me", ana...).status != http.StatusOK {
			t.Error("the session did not survive the cross-site requests")
		}
		if _, err := st.Case(context.Background(), c.ID); err != nil {
			t.Errorf("case: %v", err)
		}
		if _, err := st.AccountByEmail(context.Background(), "new@example.org"); err == nil {
			t.Error("a cross-site sign-up created an account")
		}
	})
}
