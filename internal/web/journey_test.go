package web

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
)

// TestAccountJourney follows a person through months of their case: sign
// up, record the timeline over several visits, export everything, delete
// the account, then look for anything left of it in every table and, on
// SQLite, in the bytes of the database file and its write-ahead log.
func TestAccountJourney(t *testing.T) {
	storetest.EachRaw(t, func(t *testing.T, st *store.Store, db *sql.DB, path string) {
		e := newEnv(t, st)
		const email = "Journey.Person@Example.org"
		const note = "Unique journey marker quokka"
		day := 24 * time.Hour

		// Someone else's data must survive.
		other := e.account("other@example.org")
		otherCase := e.create(variedSubmission(1), other...)
		anon := e.create(variedSubmission(2))

		// Visit 1: sign up, sign in, share the case.
		e.signup(email, testPassword, "Journey")
		me := e.signin(email, testPassword)
		f := validForm()
		f.Set("note", note)
		res := e.postForm("/submit", f, me...)
		if res.status != http.StatusCreated {
			t.Fatalf("submit: %d", res.status)
		}
		id := between(res.body, `href="/cases/`, `"`)
		// And a second case, by API, plus an anonymous one claimed later.
		second := e.create(validSubmission(), me...)
		mine := e.create(validSubmission())

		// Visit 2, a month later: still waiting.
		e.clock.Add(30 * day)
		me = e.signin(email, testPassword)
		if res := e.postForm("/cases/"+id+"/confirm", url.Values{}, me...); res.status != http.StatusSeeOther {
			t.Fatalf("confirm: %d", res.status)
		}
		if res := e.postForm("/me/claim", url.Values{"case": {mine.URL}, "edit_key": {mine.EditKey}}, me...); res.status != http.StatusSeeOther {
			t.Fatalf("claim: %d", res.status)
		}
		// Visit 3: an RFE answer; visit 4: approved.
		e.clock.Add(10 * day)
		me = e.signin(email, testPassword)
		e.postForm("/cases/"+id+"/milestones", url.Values{"code": {"rfe_response"}, "date": {"2025-07-25"}}, me...)
		e.clock.Add(20 * day)
		me = e.signin(email, testPassword)
		if res := e.postForm("/cases/"+id+"/milestones", url.Values{"code": {"approved"}, "date": {"2025-08-15"}}, me...); res.status != http.StatusSeeOther {
			t.Fatalf("approved: %d %s", res.status, res.body)
		}

		// Export.
		exp := e.get("/api/v1/me/export", me...)
		if exp.status != http.StatusOK || !strings.Contains(exp.header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("export: %d %v", exp.status, exp.header)
		}
		var out exportJSON
		if err := json.Unmarshal([]byte(exp.body), &out); err != nil {
			t.Fatal(err)
		}
		if out.Account.Email != email || out.Account.Name != "Journey" || !out.Account.HasPassword || len(out.Sessions) == 0 || len(out.Cases) != 3 {
			t.Errorf("export: %+v", out)
		}
		if strings.Contains(exp.body, "$2a$") || strings.Contains(exp.body, "password_hash") {
			t.Error("export contains the password hash")
		}
		var got *exportCase
		for i := range out.Cases {
			if out.Cases[i].ID == id {
				got = &out.Cases[i]
			}
		}
		if got == nil || got.Note != note || got.Status != "approved" || got.AsOf != "2025-08-19" || got.Created != "2025-06-20" || len(got.Milestones) != 4 {
			t.Errorf("exported case: %+v", got)
		}

		// Delete, with the confirmation step.
		ask := e.postForm("/me/delete", url.Values{}, me...)
		if ask.status != http.StatusOK || !strings.Contains(ask.body, `name="confirm" value="yes"`) {
			t.Fatalf("delete asks: %d", ask.status)
		}
		if _, err := st.AccountByEmail(t.Context(), email); err != nil {
			t.Fatal("the question deleted the account")
		}
		done := e.postForm("/me/delete", url.Values{"confirm": {"yes"}, "cases": {"delete"}}, me...)
		if done.status != http.StatusOK || done.cookie(sessionCookie) == nil || done.cookie(sessionCookie).MaxAge >= 0 {
			t.Fatalf("delete: %d", done.status)
		}
		if e.get("/me", me...).status != http.StatusSeeOther {
			t.Error("the session outlived its account")
		}
		for _, cid := range []string{id, second.ID, mine.ID} {
			if res := e.get("/api/v1/cases/" + cid); res.status != http.StatusNotFound {
				t.Errorf("case %s after account deletion: %d", cid, res.status)
			}
		}
		if n := e.ix.Len(); n != 2 {
			t.Errorf("statistics index has %d cases, want the other two", n)
		}

		// Every table, row by row: nothing of the account.
		needles := []string{"journey.person", "Journey", note, id, second.ID, mine.ID, out.Account.ID}
		tables := schemaTables(t, db, st.Dialect())
		for _, want := range []string{"accounts", "sessions", "cases", "milestones"} {
			if !slices.Contains(tables, want) {
				t.Fatalf("tables %v lack %s", tables, want)
			}
		}
		for _, row := range strings.Split(strings.ToLower(dumpTables(t, db, tables)), "\n") {
			for _, n := range needles {
				if strings.Contains(row, strings.ToLower(n)) {
					t.Errorf("a row still holds %q: %s", n, row)
				}
			}
		}
		var accounts int
		if err := db.QueryRow("SELECT count(*) FROM accounts").Scan(&accounts); err != nil || accounts != 1 {
			t.Errorf("%d accounts left (%v), want the other person's", accounts, err)
		}
		for _, cid := range []string{otherCase.ID, anon.ID} {
			if _, err := st.Case(t.Context(), cid); err != nil {
				t.Errorf("someone else's case %s: %v", cid, err)
			}
		}

		// Nor in the log.
		if logs := strings.ToLower(e.logs.String()); strings.Contains(logs, "journey.person") || strings.Contains(logs, strings.ToLower(note)) {
			t.Error("the log mentions the account or its note")
		}

		if path == "" {
			return
		}
		// SQLite: the deleted text must be overwritten, not just unlinked.
		// That happens in the background, after the answer: wait for it
		// (the guard only keeps a broken build from hanging).
		remaining := func() []string {
			var left []string
			for _, file := range []string{path, path + "-wal"} {
				b, err := os.ReadFile(file)
				if os.IsNotExist(err) {
					continue
				}
				if err != nil {
					t.Fatal(err)
				}
				for _, n := range []string{"journey.person@example.org", email, note} {
					if bytes.Contains(bytes.ToLower(b), bytes.ToLower([]byte(n))) {
						left = append(left, fmt.Sprintf("%s still contains %q after the account was deleted", file, n))
					}
				}
			}
			return left
		}
		deadline := time.Now().Add(time.Minute)
		for left := remaining(); len(left) > 0; left = remaining() {
			if time.Now().After(deadline) {
				t.Fatal(strings.Join(left, "\n"))
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
}
