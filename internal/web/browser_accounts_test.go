package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/casetrack/casetrack/internal/auth"
	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/timeline"
)

// browserAccount is an account the suite made for the pages that need
// someone signed in.
type browserAccount struct {
	id, email string
	// session is the token of a session the suite signed in to over
	// HTTP: the page checks carry it in a cookie instead of signing in
	// through the form each time (the sign-in page has its own check,
	// and the journeys sign in through the form).
	session string
	// caseIDs are the account's cases, the pending one first.
	caseIDs []string
}

// browserAccounts are the suite's accounts: a member with cases, an
// administrator, and one account per screen size for the page that
// shows a deleted account (each check deletes its own).
type browserAccounts struct {
	member, admin browserAccount
	mu            sync.Mutex
	doomed        []browserAccount
}

// takeDoomed hands out an account that the caller may delete.
func (a *browserAccounts) takeDoomed(t *testing.T) browserAccount {
	t.Helper()
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.doomed) == 0 {
		t.Fatal("no account left to delete: seedAccounts makes one per screen size and language")
	}
	d := a.doomed[0]
	a.doomed = a.doomed[1:]
	return d
}

// seedAccounts signs up the suite's accounts through the server, gives
// them cases through the API as their owners, and grants the
// administrator's role through the store, as `casetrack admin grant`
// does.
func seedAccounts(e *testEnv) *browserAccounts {
	e.t.Helper()
	newAccount := func(email string, cases ...map[string]any) browserAccount {
		cookie := e.account(email)
		a, err := e.st.AccountByEmail(context.Background(), email)
		if err != nil {
			e.t.Fatal(err)
		}
		acc := browserAccount{id: a.ID, email: email, session: strings.TrimPrefix(cookie[1], sessionCookie+"=")}
		for _, c := range cases {
			acc.caseIDs = append(acc.caseIDs, e.create(c, cookie...).ID)
		}
		return acc
	}
	pending := map[string]any{
		"category": "i485-family", "country": "PH", "service_center": "NBC", "filed": "2024-05",
		"milestones": []map[string]string{{"code": "received", "date": "2024-05-28"}, {"code": "biometrics", "date": "2024-07-02"}},
		"note":       "Fingerprints taken at the local office.",
	}
	decided := map[string]any{
		"category": "n400", "country": "PH", "filed": "2023-11",
		"milestones": []map[string]string{{"code": "interview", "date": "2024-06"}, {"code": "approved", "date": "2024-06-20"}},
	}
	a := &browserAccounts{
		member: newAccount("member@casetrack.test", pending, decided),
		admin:  newAccount("admin@casetrack.test"),
	}
	if err := e.st.SetRole(context.Background(), a.admin.email, auth.RoleAdmin); err != nil {
		e.t.Fatal(err)
	}
	// One account to delete per screen size, and one per language other
	// than the source, which the languages subtest looks at on a phone.
	for i := range len(viewports) + len(e.server.lang.Offered()) - 1 {
		a.doomed = append(a.doomed, newAccount(fmt.Sprintf("leaving-%d@casetrack.test", i), pending))
	}
	return a
}

// signInButton and signUpButton send the account forms.
const (
	signInButton = `form[action="/signin"] button[type="submit"]`
	signUpButton = `form[action="/signup"] button[type="submit"]`
)

// signUp creates an account through the sign-up form in the tab, which
// lands on the sign-in page.
func (s *browserSuite) signUp(tb *tab, email, name string) {
	tb.t.Helper()
	s.load(tb, "/signup", http.StatusOK)
	tb.must(
		chromedp.SetValue(chromedp.CSS("#f-email"), email),
		chromedp.SetValue(chromedp.CSS("#f-name"), name),
		chromedp.SetValue(chromedp.CSS("#f-password"), testPassword),
	)
	s.submit(tb, "the sign-up form", signUpButton, http.StatusOK)
	if n := tb.text(`.notice[role="status"]`); !strings.Contains(n, "Sign in now") {
		tb.t.Errorf("after signing up the sign-in page says %q", n)
	}
}

// signIn signs in through the form in the tab, which lands on /me.
func (s *browserSuite) signIn(tb *tab, email, password string) {
	tb.t.Helper()
	s.load(tb, "/signin", http.StatusOK)
	tb.must(
		chromedp.SetValue(chromedp.CSS("#f-email"), email),
		chromedp.SetValue(chromedp.CSS("#f-password"), password),
	)
	s.submit(tb, "the sign-in form", signInButton, http.StatusOK)
	if path := eval[string](tb, "location.pathname"); path != "/me" {
		tb.t.Fatalf("signing in as %s led to %s, not /me", email, path)
	}
}

// signedInAs opens a path in a tab signed in to an account.
func signedInAs(who func(*browserSuite) browserAccount, path func(browserAccount) string) func(*browserSuite, *tab) int64 {
	return func(s *browserSuite, tb *tab) int64 {
		a := who(s)
		s.useSession(tb, a)
		st := tb.open(s.url(path(a)))
		expectSignedIn(tb, a)
		return st
	}
}

// useSession signs the tab in to an account with the session the suite
// started for it: it sets the session cookie in the tab's browser
// context as the sign-in form's answer would, with the same attributes.
func (s *browserSuite) useSession(tb *tab, a browserAccount) {
	tb.t.Helper()
	tb.must(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		httpOnly := true
		_, err := cdp.Call(ctx, tg, network.SetCookie, network.SetCookieParams{
			Name: sessionCookie, Value: a.session, URL: s.url("/"), Path: "/",
			HTTPOnly: &httpOnly, SameSite: network.CookieSameSiteLax,
		})
		return err
	}))
}

// expectSignedIn fails the test unless the page loaded in the tab shows
// someone signed in: the navigation offers to sign out. A session cookie
// the server does not know would leave the page signed out.
func expectSignedIn(tb *tab, a browserAccount) {
	tb.t.Helper()
	if tb.count(`header form[action="/signout"]`) != 1 {
		tb.t.Fatalf("the session of %s did not sign the tab in: %s", a.email, tb.html("header"))
	}
}

func member(s *browserSuite) browserAccount { return s.accounts.member }
func admin(s *browserSuite) browserAccount  { return s.accounts.admin }

// at is a fixed path, whoever is signed in.
func at(path string) func(browserAccount) string {
	return func(browserAccount) string { return path }
}

// signupRefused sends the sign-up form with an address and a password
// that the rules refuse.
func signupRefused(s *browserSuite, tb *tab) int64 {
	s.load(tb, "/signup", http.StatusOK)
	tb.must(
		chromedp.SetValue(chromedp.CSS("#f-email"), "member.casetrack.test"),
		chromedp.SetValue(chromedp.CSS("#f-password"), "short"),
	)
	return tb.navigate("the sign-up form", chromedp.Click(chromedp.CSS(signUpButton)))
}

// deleteConfirm asks to delete the member's account, and stops at the
// question.
func deleteConfirm(s *browserSuite, tb *tab) int64 {
	s.openMe(tb, s.accounts.member)
	return tb.navigate("delete my account", chromedp.Click(chromedp.CSS(deleteAccountButton)))
}

// accountDeleted deletes an account of its own through the confirmed
// form.
func accountDeleted(s *browserSuite, tb *tab) int64 {
	a := s.accounts.takeDoomed(tb.t)
	s.openMe(tb, a)
	s.submit(tb, "delete my account", deleteAccountButton, http.StatusOK)
	if tb.count(`input[name="cases"][value="delete"]`) == 1 {
		tb.must(chromedp.Click(chromedp.CSS(`input[name="cases"][value="delete"]`)))
	}
	return tb.navigate("yes, delete", chromedp.Click(chromedp.CSS(confirmDeleteAccountButton)))
}

// openMe opens My timeline signed in to an account, as signing in
// through the form leads there.
func (s *browserSuite) openMe(tb *tab, a browserAccount) {
	tb.t.Helper()
	s.useSession(tb, a)
	s.load(tb, "/me", http.StatusOK)
	expectSignedIn(tb, a)
	if path := eval[string](tb, "location.pathname"); path != "/me" {
		tb.t.Fatalf("signed in as %s, /me opened at %s", a.email, path)
	}
}

const (
	deleteAccountButton        = `form[action="/me/delete"] button[type="submit"]`
	confirmDeleteAccountButton = `.confirm-delete form[action="/me/delete"] button[type="submit"]`
)

// storeHasNoTrace fails the test if the store still holds the account or
// any case it owned.
func storeHasNoTrace(t *testing.T, st *store.Store, accountID, email string, caseIDs ...string) {
	t.Helper()
	ctx := context.Background()
	if a, err := st.AccountByEmail(ctx, email); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the store still finds the account by %s: %+v, %v", email, a, err)
	}
	if a, err := st.AccountByID(ctx, accountID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the store still finds account %s: %+v, %v", accountID, a, err)
	}
	if cs, err := st.CasesOf(ctx, accountID); err != nil || len(cs) != 0 {
		t.Errorf("the store still holds %d cases of the account (%v)", len(cs), err)
	}
	for _, id := range caseIDs {
		if c, err := st.Case(ctx, id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("the store still holds case %s: %+v, %v", id, c, err)
		}
	}
	err := st.ScanCases(ctx, func(c *timeline.Case) error {
		if c.OwnerID == accountID {
			t.Errorf("case %s still belongs to the deleted account", c.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if ss, err := st.SessionsOf(ctx, accountID); err != nil || len(ss) != 0 {
		t.Errorf("the store still holds %d sessions of the account (%v)", len(ss), err)
	}
}
