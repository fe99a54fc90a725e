package web

import (
	"database/sql"
	"net/http"
	"net/url"
	"testing"

	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
)

// TestDeletedModeratorLeavesNoTrace: a moderator who deletes their own
// account (privacy promise 8) is no longer named in the moderation log,
// while the log entry itself, which explains why a case was hidden, stays.
func TestDeletedModeratorLeavesNoTrace(t *testing.T) {
	storetest.EachRaw(t, func(t *testing.T, st *store.Store, db *sql.DB, _ string) {
		e := newEnv(t, st)
		c := e.create(variedSubmission(3))
		admin := e.adminHeaders()
		adminID := e.adminID()
		res := e.postForm("/admin/cases/"+c.ID, url.Values{"action": {"hide"}, "reason": {"spam"}}, admin...)
		mustStatus(t, res, http.StatusSeeOther)

		var named int
		if err := db.QueryRow(`SELECT count(*) FROM moderation_log WHERE actor_account_id = '` + adminID + `'`).Scan(&named); err != nil {
			t.Fatal(err)
		}
		if named != 1 {
			t.Fatalf("%d log entries name the moderator before the deletion, want 1: the check below would prove nothing", named)
		}

		mustStatus(t, e.do(http.MethodDelete, "/api/v1/me", nil, admin...), http.StatusNoContent)

		var entries, stillNamed int
		err := db.QueryRow(`SELECT count(*), count(actor_account_id) FROM moderation_log WHERE case_id = '`+c.ID+`'`).Scan(&entries, &stillNamed)
		if err != nil {
			t.Fatal(err)
		}
		if entries != 1 || stillNamed != 0 {
			t.Errorf("after the moderator's account was deleted: %d log entries for the case (want 1), %d still naming an account (want 0)", entries, stillNamed)
		}
	})
}
