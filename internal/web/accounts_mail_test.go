package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	netmail "net/mail"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/auth"
	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
)

// The samples of the mail pages (and of the policy with mail) for
// TestEveryTemplateRenders.
func init() {
	templateSamples["signup_sent.html"] = func(*Server) any {
		return &verifyPageData{Email: "ana <x>", Errors: map[string]string{"email": "bad"}, Problem: "slow down", Notice: resentNotice, Valid: verifyValidText}
	}
	templateSamples["verify.html"] = func(*Server) any {
		return &verifyPageData{Token: "tok", Valid: verifyValidText}
	}
	templateSamples["forgot.html"] = func(*Server) any {
		return &resetPageData{Email: "ana", Errors: map[string]string{"email": "bad"}, Problem: "slow down", Notice: forgotSentNotice, Valid: resetValidText}
	}
	templateSamples["reset.html"] = func(*Server) any {
		return &resetPageData{Token: "tok", Errors: map[string]string{"password": "short"}, Valid: resetValidText}
	}
	// The policy with its mail section.
	templateSamples["privacy.html"] = func(*Server) any {
		return &privacyPageData{PolicyDate: privacyPolicyDate, Mail: true, VerifyValid: verifyValidText, ResetValid: resetValidText}
	}
}

// TestSignupConfirmsAddress: a sign-up on a site with mail makes an
// account that cannot sign in until the mailed link is used; opening the
// link does not use it, the button does, once.
func TestSignupConfirmsAddress(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newMailEnv(t, st)
		ctx := context.Background()

		if page := e.get("/signup"); !strings.Contains(page.body, "We will send a link to your address") {
			t.Error("the sign-up page does not say that the address will be confirmed")
		}
		e.signupMail("Ana@Example.org", testPassword)
		a, err := st.AccountByEmail(ctx, "ana@example.org")
		if err != nil || !a.Unverified {
			t.Fatalf("account after sign-up: %+v, %v; want unverified", a, err)
		}
		if e.wakes.Load() == 0 {
			t.Error("the sender was not woken after sign-up")
		}
		sent := e.get("/signup/sent")
		if sent.status != http.StatusOK || !strings.Contains(sent.body, "Check your email") || !strings.Contains(sent.body, `action="/verify/resend"`) {
			t.Errorf("/signup/sent: %d", sent.status)
		}

		// The right password of the unverified account: no session, and
		// a new link; a wrong one gets the usual answer.
		res := e.postForm("/signin", url.Values{"email": {"ana@example.org"}, "password": {testPassword}})
		if res.status != http.StatusForbidden || res.cookie(sessionCookie) != nil || !strings.Contains(res.body, "Confirm your email address first: we have sent a new link") {
			t.Fatalf("sign-in before confirming: %d, cookie %v", res.status, res.cookie(sessionCookie))
		}
		if res := e.postForm("/signin", url.Values{"email": {"ana@example.org"}, "password": {"not the password"}}); res.status != http.StatusUnauthorized || !strings.Contains(res.body, signinWrong) {
			t.Errorf("wrong password of an unverified account: %d", res.status)
		}

		got := e.deliver()
		if len(got) != 2 {
			t.Fatalf("%d messages, want the sign-up's link and the sign-in's: %v", len(got), subjects(got))
		}
		for _, m := range got {
			if m.To[0] != "Ana@Example.org" || m.Header.Get("Subject") != "Confirm your email address for CaseTrack" {
				t.Errorf("message to %v, subject %q", m.To, m.Header.Get("Subject"))
			}
			if from, err := netmail.ParseAddress(m.Header.Get("From")); err != nil || from.String() != testMailFrom || m.Header.Get("Auto-Submitted") != "auto-generated" || m.Header.Get("Message-Id") == "" {
				t.Errorf("headers: From %q, Auto-Submitted %q, Message-Id %q", m.Header.Get("From"), m.Header.Get("Auto-Submitted"), m.Header.Get("Message-Id"))
			}
			if m.Header.Get("List-Unsubscribe") != "" {
				t.Error("a message the person asked for carries List-Unsubscribe")
			}
			if !strings.Contains(m.Text, "expires in 2 days") {
				t.Errorf("text: %s", m.Text)
			}
		}
		if n, _ := st.OutboxSize(ctx); n != 0 {
			t.Errorf("%d messages left in the outbox after delivery", n)
		}
		link := e.linkTo(got[0], "/verify")
		token := tokenOf(t, link)

		// Opening the link (as a mail scanner does, twice) uses nothing.
		for range 2 {
			page := e.get(link)
			if page.status != http.StatusOK || !strings.Contains(page.body, `action="/verify"`) || !strings.Contains(page.body, `value="`+token+`"`) {
				t.Fatalf("GET %s: %d", link, page.status)
			}
			if page.header.Get("Cache-Control") != "no-store" {
				t.Errorf("link page Cache-Control %q", page.header.Get("Cache-Control"))
			}
		}
		if a, _ := st.AccountByEmail(ctx, "ana@example.org"); !a.Unverified {
			t.Fatal("opening the link confirmed the address")
		}

		res = e.postForm("/verify", url.Values{"t": {token}})
		if res.status != http.StatusSeeOther || res.header.Get("Location") != "/signin?done=verified" || res.cookie(sessionCookie) != nil {
			t.Fatalf("confirm: %d, Location %q, cookie %v", res.status, res.header.Get("Location"), res.cookie(sessionCookie))
		}
		if a, _ := st.AccountByEmail(ctx, "ana@example.org"); a.Unverified {
			t.Fatal("still unverified after the button")
		}
		if page := e.get("/signin?done=verified"); !strings.Contains(page.body, "Your email address is confirmed") {
			t.Error("the sign-in page does not confirm the address")
		}

		// The link works once.
		for _, res := range []response{e.postForm("/verify", url.Values{"t": {token}}), e.get(link)} {
			if res.status != http.StatusGone || !strings.Contains(res.body, "This link no longer works") || !strings.Contains(res.body, `action="/verify/resend"`) {
				t.Errorf("used link: %d", res.status)
			}
		}
		for _, bad := range []string{"", "short", strings.Repeat("A", 43)} {
			if res := e.postForm("/verify", url.Values{"t": {bad}}); res.status != http.StatusGone {
				t.Errorf("token %q: %d", bad, res.status)
			}
		}

		cookie := e.signin("ana@example.org", testPassword)
		if me := e.get("/me", cookie...); me.status != http.StatusOK {
			t.Errorf("/me after confirming and signing in: %d", me.status)
		}
	})
}

// TestVerifyLinkExpires: an expired link is refused, on GET and POST, and
// a new one can be asked for.
func TestVerifyLinkExpires(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newMailEnv(t, st)
		ctx := context.Background()
		e.signupMail("ana@example.org", testPassword)
		link := e.linkTo(e.deliverOne("ana@example.org", "Confirm"), "/verify")

		e.clock.Add(verifyValid + time.Hour)
		if res := e.get(link); res.status != http.StatusGone {
			t.Errorf("GET of an expired link: %d", res.status)
		}
		if res := e.postForm("/verify", url.Values{"t": {tokenOf(t, link)}}); res.status != http.StatusGone {
			t.Errorf("POST of an expired link: %d", res.status)
		}
		if a, _ := st.AccountByEmail(ctx, "ana@example.org"); !a.Unverified {
			t.Fatal("an expired link confirmed the address")
		}

		// A new link, asked for from the page; the same answer for an
		// address without an account, which gets nothing.
		for _, email := range []string{"ana@example.org", "nobody@example.org"} {
			res := e.postForm("/verify/resend", url.Values{"email": {email}})
			if res.status != http.StatusSeeOther || res.header.Get("Location") != "/signup/sent?done=resent" {
				t.Fatalf("resend to %s: %d %q", email, res.status, res.header.Get("Location"))
			}
		}
		if res := e.postForm("/verify/resend", url.Values{"email": {"not an address"}}); res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, `id="e-email"`) {
			t.Errorf("resend to a malformed address: %d", res.status)
		}
		if page := e.get("/signup/sent?done=resent"); !strings.Contains(page.body, resentNotice) {
			t.Error("no notice after a resend")
		}
		fresh := e.linkTo(e.deliverOne("ana@example.org", "Confirm"), "/verify")
		// Making the new link swept the expired one.
		a, _ := st.AccountByEmail(ctx, "ana@example.org")
		if links, err := st.TokensOf(ctx, a.ID); err != nil || len(links) != 1 || !links[0].Expires.After(e.clock.Now()) {
			t.Errorf("links after the resend: %+v, %v; want the new one only", links, err)
		}
		if res := e.postForm("/verify", url.Values{"t": {tokenOf(t, fresh)}}); res.status != http.StatusSeeOther {
			t.Fatalf("the new link: %d", res.status)
		}
		e.signin("ana@example.org", testPassword)

		// A confirmed account gets no confirmation mail.
		e.postForm("/verify/resend", url.Values{"email": {"ana@example.org"}})
		if n, _ := st.OutboxSize(ctx); n != 0 {
			t.Errorf("a resend to a confirmed address queued %d messages", n)
		}
	})
}

// TestSignupWithTakenAddressLooksTheSame: signing up with an address that
// has an account answers exactly like a new sign-up, changes nothing, and
// mails the owner a way in instead.
func TestSignupWithTakenAddressLooksTheSame(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newMailEnv(t, st)
		ctx := context.Background()
		e.verifiedAccount("ana@example.org")
		before, _ := st.AccountByEmail(ctx, "ana@example.org")

		fresh := e.signupMail("new@example.org", testPassword)
		taken := e.signupMail("ANA@example.org", "another password here")
		if fresh.status != taken.status || fresh.body != taken.body || fresh.header.Get("Location") != taken.header.Get("Location") ||
			len(fresh.header.Values("Set-Cookie")) != len(taken.header.Values("Set-Cookie")) {
			t.Errorf("new address: %d %q %q; taken address: %d %q %q", fresh.status, fresh.header, fresh.body, taken.status, taken.header, taken.body)
		}
		if after, _ := st.AccountByEmail(ctx, "ana@example.org"); after != before {
			t.Errorf("the sign-up changed the account: %+v", after)
		}

		got := e.deliver()
		if len(got) != 2 {
			t.Fatalf("%d messages: %v", len(got), subjects(got))
		}
		exists := e.smtp.Find("ana@example.org", "Someone tried to sign up")
		if len(exists) != 1 || len(e.smtp.Find("new@example.org", "Confirm your email address")) != 1 {
			t.Fatalf("messages: %v", subjects(got))
		}
		m := exists[0]
		if m.Header.Get("List-Unsubscribe") != "" || strings.Contains(m.Text, "another password") {
			t.Error("signup-exists: List-Unsubscribe or the new password")
		}
		e.linkTo(m, "/signin")
		reset := e.linkTo(m, "/reset")
		if page := e.get(reset); page.status != http.StatusOK || !strings.Contains(page.body, `name="password"`) {
			t.Errorf("the reset link of signup-exists: %d", page.status)
		}
		// The new sign-up's password does not open the account.
		if res := e.postForm("/signin", url.Values{"email": {"ana@example.org"}, "password": {"another password here"}}); res.status != http.StatusUnauthorized {
			t.Errorf("sign-in with the second sign-up's password: %d", res.status)
		}
	})
}

// TestForgotPasswordEndsEverySession: a reset link sets a new password
// once, and every session of the account ends.
func TestForgotPasswordEndsEverySession(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newMailEnv(t, st)
		ctx := context.Background()
		first := e.verifiedAccount("ana@example.org")
		second := e.signin("ana@example.org", testPassword)

		if page := e.get("/signin"); !strings.Contains(page.body, `href="/forgot"`) {
			t.Error("the sign-in page does not link to /forgot")
		}
		if page := e.get("/forgot"); page.status != http.StatusOK || !strings.Contains(page.body, `action="/forgot"`) {
			t.Fatalf("/forgot: %d", page.status)
		}
		known := e.postForm("/forgot", url.Values{"email": {"Ana@example.org"}})
		unknown := e.postForm("/forgot", url.Values{"email": {"nobody@example.org"}})
		for _, res := range []response{known, unknown} {
			if res.status != http.StatusSeeOther || res.header.Get("Location") != "/forgot?done=sent" || res.body != known.body {
				t.Errorf("forgot: %d %q", res.status, res.header.Get("Location"))
			}
		}
		if page := e.get("/forgot?done=sent"); !strings.Contains(page.body, forgotSentNotice) {
			t.Error("no notice after asking for a reset")
		}
		if res := e.postForm("/forgot", url.Values{"email": {"ana"}}); res.status != http.StatusUnprocessableEntity {
			t.Errorf("malformed address: %d", res.status)
		}
		m := e.deliverOne("ana@example.org", "Choose a new CaseTrack password")
		if m.Header.Get("List-Unsubscribe") != "" || !strings.Contains(m.Text, "expires in 2 hours") {
			t.Errorf("reset mail: %q\n%s", m.Header.Get("List-Unsubscribe"), m.Text)
		}
		link := e.linkTo(m, "/reset")
		token := tokenOf(t, link)

		// Opening the link shows the form and uses nothing; a password
		// that breaks the rules keeps the link.
		for range 2 {
			if page := e.get(link); page.status != http.StatusOK || !strings.Contains(page.body, `value="`+token+`"`) {
				t.Fatalf("GET %s: %d", link, page.status)
			}
		}
		if res := e.postForm("/reset", url.Values{"t": {token}, "password": {"short"}}); res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, `id="e-password"`) || !strings.Contains(res.body, `value="`+token+`"`) {
			t.Fatalf("short password: %d", res.status)
		}
		for _, c := range [][]string{first, second} {
			if res := e.get("/me", c...); res.status != http.StatusOK {
				t.Fatalf("a session ended before the reset: %d", res.status)
			}
		}

		res := e.postForm("/reset", url.Values{"t": {token}, "password": {"a brand new password"}}, first...)
		if res.status != http.StatusSeeOther || res.header.Get("Location") != "/signin?done=reset" {
			t.Fatalf("reset: %d %q %s", res.status, res.header.Get("Location"), res.body)
		}
		if c := res.cookie(sessionCookie); c == nil || c.MaxAge >= 0 {
			t.Errorf("the reset did not clear this browser's session cookie: %v", c)
		}
		a, _ := st.AccountByEmail(ctx, "ana@example.org")
		if ses, err := st.SessionsOf(ctx, a.ID); err != nil || len(ses) != 0 {
			t.Errorf("%d sessions stored after the reset (%v)", len(ses), err)
		}
		for _, c := range [][]string{first, second} {
			if res := e.get("/me", c...); res.status != http.StatusSeeOther || res.header.Get("Location") != "/signin" {
				t.Errorf("an old session after the reset: %d", res.status)
			}
		}
		if res := e.postForm("/signin", url.Values{"email": {"ana@example.org"}, "password": {testPassword}}); res.status != http.StatusUnauthorized {
			t.Errorf("the old password after the reset: %d", res.status)
		}
		e.signin("ana@example.org", "a brand new password")

		// The link works once.
		if res := e.postForm("/reset", url.Values{"t": {token}, "password": {"yet another password"}}); res.status != http.StatusGone || !strings.Contains(res.body, `href="/forgot"`) {
			t.Errorf("second use: %d", res.status)
		}
		if res := e.get(link); res.status != http.StatusGone {
			t.Errorf("GET after use: %d", res.status)
		}

		// An expired link is refused.
		e.postForm("/forgot", url.Values{"email": {"ana@example.org"}})
		late := e.linkTo(e.deliverOne("ana@example.org", "password"), "/reset")
		e.clock.Add(resetValid + time.Hour)
		if res := e.get(late); res.status != http.StatusGone {
			t.Errorf("GET of an expired link: %d", res.status)
		}
		if res := e.postForm("/reset", url.Values{"t": {tokenOf(t, late)}, "password": {"yet another password"}}); res.status != http.StatusGone {
			t.Errorf("POST of an expired link: %d", res.status)
		}
		e.signin("ana@example.org", "a brand new password")
	})
}

// TestResetConfirmsAddress: a reset link reaches the owner of the address
// as a confirmation link does, so using it confirms an unverified account.
func TestResetConfirmsAddress(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newMailEnv(t, st)
		e.signupMail("ana@example.org", testPassword)
		e.deliverOne("ana@example.org", "Confirm")
		e.postForm("/forgot", url.Values{"email": {"ana@example.org"}})
		link := e.linkTo(e.deliverOne("ana@example.org", "password"), "/reset")
		if res := e.postForm("/reset", url.Values{"t": {tokenOf(t, link)}, "password": {"a brand new password"}}); res.status != http.StatusSeeOther {
			t.Fatalf("reset: %d", res.status)
		}
		e.signin("ana@example.org", "a brand new password")
	})
}

// TestAccountMailLimits: at most three mails an hour to an address,
// however many networks ask, answered as if sent; and a limit per client
// across addresses, answered 429.
func TestAccountMailLimits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newMailEnv(t, st, func(c *Config) { c.TrustProxy = true })
		ctx := context.Background()
		from := func(i int) []string { return []string{"X-Forwarded-For", fmt.Sprintf("198.51.100.%d", i)} }

		// Per address: a sign-up, two resets and a resend from four
		// networks; the fourth answers alike and sends nothing.
		e.signupMail("ana@example.org", testPassword, from(1)...)
		for i := 2; i <= 3; i++ {
			if res := e.postForm("/forgot", url.Values{"email": {"ana@example.org"}}, from(i)...); res.status != http.StatusSeeOther {
				t.Fatalf("forgot %d: %d", i, res.status)
			}
		}
		if res := e.postForm("/verify/resend", url.Values{"email": {"ana@example.org"}}, from(4)...); res.status != http.StatusSeeOther || res.header.Get("Location") != "/signup/sent?done=resent" {
			t.Fatalf("resend over the address's limit: %d", res.status)
		}
		if got := e.deliver(); len(got) != 3 {
			t.Errorf("%d messages to one address in an hour, want 3: %v", len(got), subjects(got))
		}
		// A sign-in with the right password says no new link was sent.
		res := e.postForm("/signin", url.Values{"email": {"ana@example.org"}, "password": {testPassword}}, from(5)...)
		if res.status != http.StatusForbidden || !strings.Contains(res.body, "no new one now") {
			t.Errorf("sign-in over the address's limit: %d", res.status)
		}
		if n, _ := st.OutboxSize(ctx); n != 0 {
			t.Errorf("%d messages queued over the address's limit", n)
		}

		// Per client: requests for other addresses, known or not, count
		// alike, until a 429 that says nothing about any address.
		client := from(9)
		for i := range mailsPerClientPerHour {
			if res := e.postForm("/forgot", url.Values{"email": {fmt.Sprintf("p%d@example.org", i)}}, client...); res.status != http.StatusSeeOther {
				t.Fatalf("request %d: %d", i, res.status)
			}
		}
		for _, res := range []response{
			e.postForm("/forgot", url.Values{"email": {"bea@example.org"}}, client...),
			e.postForm("/verify/resend", url.Values{"email": {"bea@example.org"}}, client...),
			e.postForm("/signup", url.Values{"email": {"bea@example.org"}, "password": {testPassword}}, client...),
		} {
			mustLimited(t, res, "over the client's limit", time.Hour, "Too many requests for sign-up and password mail from your network")
		}
		if _, err := st.AccountByEmail(ctx, "bea@example.org"); err == nil {
			t.Error("a sign-up over the client's limit made an account")
		}
		// Another network is not affected; an hour later, neither is this one.
		e.signupMail("bea@example.org", testPassword, from(10)...)
		e.clock.Add(time.Hour)
		if res := e.postForm("/forgot", url.Values{"email": {"bea@example.org"}}, client...); res.status != http.StatusSeeOther {
			t.Errorf("an hour later: %d", res.status)
		}
	})
}

// TestUnverifiedAccountHoldsNoSession: should an unverified account hold
// a session (it cannot sign in to get one), the session is refused with
// everything it would allow: the account pages, claims, owned cases.
func TestUnverifiedAccountHoldsNoSession(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		ctx := context.Background()
		if err := st.CreateAccount(ctx, store.Account{ID: "a_UNVERIFIED", Email: "ana@example.org", Unverified: true}); err != nil {
			t.Fatal(err)
		}
		token, hash := auth.NewToken()
		if err := st.CreateSession(ctx, hash, "a_UNVERIFIED", auth.Day(e.clock.Now())); err != nil {
			t.Fatal(err)
		}
		cookie := sessionHeader(token)
		if res := e.get("/me", cookie...); res.status != http.StatusSeeOther {
			t.Errorf("/me: %d", res.status)
		}
		c := e.create(validSubmission())
		if res := e.postForm("/me/claim", url.Values{"case": {c.ID}, "edit_key": {c.EditKey}}, cookie...); res.status != http.StatusUnauthorized {
			t.Errorf("claim: %d", res.status)
		}
		owned := e.create(validSubmission(), cookie...)
		if owner, _ := st.CaseOwner(ctx, owned.ID); owner != "" {
			t.Errorf("a case submitted with the session is owned by %q", owner)
		}
		if res := e.get("/api/v1/me/export", cookie...); res.status != http.StatusUnauthorized {
			t.Errorf("export: %d", res.status)
		}
	})
}

// TestExportListsLinksAndOutbox: the export names the account's unused
// links and waiting messages, never a token, its hash or a body.
func TestExportListsLinksAndOutbox(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newMailEnv(t, st)
		cookie := e.verifiedAccount("ana@example.org")
		e.postForm("/forgot", url.Values{"email": {"ana@example.org"}})

		res := e.get("/api/v1/me/export", cookie...)
		var out struct {
			Links []struct {
				Purpose string `json:"purpose"`
				Expires string `json:"expires"`
			} `json:"links"`
			Outbox []struct {
				Kind    string `json:"kind"`
				Subject string `json:"subject"`
				Due     string `json:"due"`
			} `json:"outbox"`
		}
		res.json(t, &out)
		if len(out.Links) != 1 || out.Links[0].Purpose != "reset" {
			t.Fatalf("links %+v", out.Links)
		}
		if exp, err := time.Parse(time.RFC3339, out.Links[0].Expires); err != nil || exp.Before(e.clock.Now().Add(resetValid)) || exp.After(e.clock.Now().Add(resetValid+time.Hour)) {
			t.Errorf("expires %q, want between %v and an hour later", out.Links[0].Expires, resetValid)
		}
		if len(out.Outbox) != 1 || out.Outbox[0].Kind != "reset" || out.Outbox[0].Subject != "Choose a new CaseTrack password" {
			t.Fatalf("outbox %+v", out.Outbox)
		}
		var raw map[string]json.RawMessage
		res.json(t, &raw)
		for _, leak := range []string{"/reset?t=", "token", "hash", "text", "html"} {
			if strings.Contains(string(raw["links"])+string(raw["outbox"]), leak) {
				t.Errorf("the export's links or outbox hold %q: %s %s", leak, raw["links"], raw["outbox"])
			}
		}

		// Once delivered, the message is gone; the link stays until used.
		link := e.linkTo(e.deliverOne("ana@example.org", "password"), "/reset")
		res = e.get("/api/v1/me/export", cookie...)
		res.json(t, &out)
		if len(out.Outbox) != 0 || len(out.Links) != 1 {
			t.Errorf("after delivery: outbox %+v, links %+v", out.Outbox, out.Links)
		}
		if strings.Contains(res.body, tokenOf(t, link)) {
			t.Error("the export holds the link's token")
		}
	})
}

// TestMailPagesHiddenWithoutMail: without Config.Mail no page of this
// file exists and no page offers them.
func TestMailPagesHiddenWithoutMail(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	for _, path := range []string{"/signup/sent", "/verify?t=x", "/forgot", "/reset?t=x"} {
		if res := e.get(path); res.status != http.StatusNotFound {
			t.Errorf("GET %s: %d", path, res.status)
		}
	}
	for _, path := range []string{"/verify", "/verify/resend", "/forgot", "/reset"} {
		if res := e.postForm(path, url.Values{"email": {"ana@example.org"}, "t": {"x"}}); res.status != http.StatusNotFound {
			t.Errorf("POST %s: %d", path, res.status)
		}
	}
	for _, path := range []string{"/signin", "/signup"} {
		if page := e.get(path); strings.Contains(page.body, "/forgot") || strings.Contains(page.body, "We will send a link") {
			t.Errorf("%s offers mail", path)
		}
	}
	e.signup("ana@example.org", testPassword, "")
	e.signin("ana@example.org", testPassword)
}

// TestForgotForProviderAccount: an account that signs in through the
// identity provider only is made verified, and a reset request mails it
// how to sign in, not a link that would give it a password.
func TestForgotForProviderAccount(t *testing.T) {
	p := startProvider(t)
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		cfg := p.m.Config()
		e := newMailEnv(t, st, func(c *Config) {
			c.OIDC = &auth.OIDCConfig{Issuer: cfg.Issuer, ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, RedirectURL: testRedirect}
			c.OIDCName = "Clerk"
		})
		p.m.QueueUser(&namedUser{sub: "user_1", email: "olu@example.org", name: "Olu"})
		if res := oidcRoundTrip(t, e.testEnv, nil); res.status != http.StatusSeeOther {
			t.Fatalf("provider sign-in: %d", res.status)
		}
		if a, err := st.AccountByEmail(context.Background(), "olu@example.org"); err != nil || a.Unverified {
			t.Fatalf("provider account %+v, %v; want verified", a, err)
		}
		e.postForm("/forgot", url.Values{"email": {"olu@example.org"}})
		m := e.deliverOne("olu@example.org", "Signing in to CaseTrack")
		if !strings.Contains(m.Text, "you sign in with Clerk") || strings.Contains(m.Text, "/reset") {
			t.Errorf("text: %s", m.Text)
		}
		e.linkTo(m, "/signin")

		// An address taken by an unconfirmed password account: the
		// provider's user is shown the way in through a reset.
		e.signupMail("pat@example.org", testPassword)
		p.m.QueueUser(&namedUser{sub: "user_2", email: "pat@example.org", name: "Pat"})
		if res := oidcRoundTrip(t, e.testEnv, nil); res.status != http.StatusConflict || !strings.Contains(res.body, oidcEmailUsedReset) {
			t.Errorf("identity with a taken address: %d", res.status)
		}
	})
}

// TestPrivacyPageSaysWhatIsMailed: with mail on, the policy says what is
// mailed and kept; without mail it says nothing about mail.
func TestPrivacyPageSaysWhatIsMailed(t *testing.T) {
	with := newMailEnv(t, storetest.SQLite(t)).get("/privacy")
	for _, want := range []string{`id="mail"`, "confirm that the address is yours", "deleted from our database as soon as the mail server has accepted it",
		"nothing about whether a message was opened", "the links we mailed you that are not used yet"} {
		if !strings.Contains(with.body, want) {
			t.Errorf("the policy with mail lacks %q", want)
		}
	}
	without := newEnv(t, storetest.SQLite(t)).get("/privacy")
	if strings.Contains(without.body, `id="mail"`) || strings.Contains(without.body, "links we mailed") {
		t.Error("the policy without mail speaks of mail")
	}
}

// TestExportNamesTheMailLanguage: the language kept for an account's
// later mail is personal data like the rest, so the export shows it.
func TestExportNamesTheMailLanguage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newMailEnv(t, st)
		cookie := e.verifiedAccount("ana@example.org")
		a, err := st.AccountByEmail(context.Background(), "ana@example.org")
		if err != nil {
			t.Fatal(err)
		}
		if err := st.SetMailLanguage(context.Background(), a.ID, "es"); err != nil {
			t.Fatal(err)
		}
		var out struct {
			Account struct {
				MailLanguage string `json:"mail_language"`
			} `json:"account"`
		}
		e.get("/api/v1/me/export", cookie...).json(t, &out)
		if out.Account.MailLanguage != "es" {
			t.Errorf("export's mail_language = %q, want es", out.Account.MailLanguage)
		}
	})
}
