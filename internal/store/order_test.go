package store_test

import (
	"bytes"
	"cmp"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
	"github.com/casetrack/casetrack/internal/timeline"
)

// orderSubmissions is how many cases (and accounts) TestStoredOrder
// submits one by one.
//
// Even for orders that owe nothing to submission the rank correlation is
// not 0 but scattered around it, with a standard deviation of
// 1/sqrt(n-1): 0.032 for 1,000 rows, 0.022 for 2,000. The test checks
// some forty orders against maxOrderRho; with 1,000 rows one of them
// would pass 0.1 by chance in about one run in twenty, with 2,000 in
// about one in three thousand.
const orderSubmissions = 2000

// maxOrderRho is the largest rank correlation with submission order
// allowed for any order an attacker can read from the database files.
const maxOrderRho = 0.1

// TestStoredOrder submits cases, reports, log entries, accounts and
// sessions one at a time in a known order, the same day, runs the
// reorganisation the server runs periodically, and then recovers every
// order an attacker holding the database files could: on SQLite, where in
// the main file and in the write-ahead log each id is stored (per B-tree,
// and within its page); on PostgreSQL, ctid, xmin and every id. None may
// follow submission order.
func TestStoredOrder(t *testing.T) {
	storetest.EachURL(t, func(t *testing.T, url string) {
		// The two databases in parallel: most of the time goes into
		// waiting for commits.
		t.Parallel()
		// No deadline of its own: with PostgreSQL busy it took over two
		// minutes beside other work (go test's -timeout guards a hang).
		c := t.Context()
		s, err := store.Open(c, url)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		now := time.Now().UTC()
		today := timeline.Today(now)
		caseRank := map[string]int{}
		accountRank := map[string]int{}
		for i := range orderSubmissions {
			// Random addresses: sequential ones would put the unique index
			// on email addresses in submission order by themselves.
			a := store.Account{ID: newAccountID(), Email: strings.ToLower(rand.Text()) + "@example.org"}
			if err := s.CreateAccount(c, a); err != nil {
				t.Fatal(err)
			}
			accountRank[a.ID] = i
			if err := s.CreateSession(c, []byte(rand.Text()), a.ID, 20000); err != nil {
				t.Fatal(err)
			}
			k := sampleCase()
			k.Created, k.AsOf = today, today
			// Every case owned: the owner ids stored in the cases table are
			// an order of their own, and with only half the cases owned its
			// 1,000 ranks passed 0.1 by chance about one run in twenty.
			k.OwnerID = a.ID
			// Flagged on creation: that writes a log entry too.
			k.Moderation = timeline.Moderation{State: timeline.ModerationFlagged, Reason: "burst"}
			if err := s.CreateCase(c, k, timeline.HashEditKey("ek_"+k.ID)); err != nil {
				t.Fatal(err)
			}
			caseRank[k.ID] = i
			if err := s.AddReport(c, k.ID, "spam", now); err != nil {
				t.Fatal(err)
			}
		}
		r, err := s.Reorganize(c, now)
		if err != nil {
			t.Fatal(err)
		}
		// Every case, milestone, report, log entry, account and session.
		if want := orderSubmissions * 7; r.Rows != want {
			t.Errorf("Reorganize rewrote %d rows, want %d", r.Rows, want)
		}
		var orders map[string]float64
		if s.Dialect() == "sqlite" {
			orders = sqliteOrders(t, store.DB(s), strings.TrimPrefix(url, "sqlite:"), caseRank, accountRank)
		} else {
			orders = postgresOrders(t, store.DB(s), caseRank, accountRank)
		}
		if len(orders) == 0 {
			t.Fatal("no order measured")
		}
		names := slices.Sorted(func(yield func(string) bool) {
			for k := range orders {
				if !yield(k) {
					return
				}
			}
		})
		for _, name := range names {
			rho := orders[name]
			t.Logf("%-45s rho = %+.3f", name, rho)
			if math.Abs(rho) >= maxOrderRho {
				t.Errorf("%s follows submission order: rank correlation %.3f", name, rho)
			}
		}
	})
}

// newAccountID is auth.NewAccountID, which the store cannot import.
func newAccountID() string { return "a_" + strings.TrimPrefix(timeline.NewCaseID(), "c_") }

// sqliteOrders finds every case and account id in the database file and
// its write-ahead log and returns, for each B-tree that holds them (and
// for the log), the rank correlation of where they are with the order
// they were submitted in: of their byte offsets, and of their offsets
// within their pages.
func sqliteOrders(t *testing.T, db *sql.DB, path string, caseRank, accountRank map[string]int) map[string]float64 {
	t.Helper()
	var pageSize int
	if err := db.QueryRow("PRAGMA page_size").Scan(&pageSize); err != nil {
		t.Fatal(err)
	}
	owner := map[int]string{}
	rows, err := db.Query("SELECT name, pageno FROM dbstat")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name string
		var page int
		if err := rows.Scan(&name, &page); err != nil {
			t.Fatal(err)
		}
		owner[page] = name
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	main, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	wal, err := os.ReadFile(path + "-wal")
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, kind := range []struct {
		prefix string
		rank   map[string]int
	}{{"c_", caseRank}, {"a_", accountRank}} {
		var file, inPage map[string][][2]float64 = map[string][][2]float64{}, map[string][][2]float64{}
		for off, id := range findIDs(main, kind.prefix) {
			rank, ok := kind.rank[id]
			if !ok {
				continue
			}
			tree := owner[off/pageSize+1]
			file[tree] = append(file[tree], [2]float64{float64(off), float64(rank)})
			inPage[tree] = append(inPage[tree], [2]float64{float64(off % pageSize), float64(rank)})
		}
		for tree, pts := range file {
			if len(pts) < orderSubmissions/2 {
				continue // a B-tree holding a few of them (none in this test)
			}
			out[fmt.Sprintf("%s ids in %s: file offset", kind.prefix, tree)] = spearman(pts)
			out[fmt.Sprintf("%s ids in %s: offset in page", kind.prefix, tree)] = spearman(inPage[tree])
		}
		var walPts [][2]float64
		for off, id := range findIDs(wal, kind.prefix) {
			if rank, ok := kind.rank[id]; ok {
				walPts = append(walPts, [2]float64{float64(off), float64(rank)})
			}
		}
		out[kind.prefix+" ids in the write-ahead log: offset"] = spearman(walPts)
	}
	return out
}

// findIDs yields the offset and text of every random id with the prefix
// in b: the prefix followed by 26 letters and digits of rand.Text.
func findIDs(b []byte, prefix string) func(func(int, string) bool) {
	const n = 26
	return func(yield func(int, string) bool) {
		for i := 0; ; {
			j := bytes.Index(b[i:], []byte(prefix))
			if j < 0 {
				return
			}
			start := i + j
			end := start + len(prefix) + n
			i = start + 1
			if end > len(b) {
				return
			}
			if !yield(start, string(b[start:end])) {
				return
			}
		}
	}
}

// postgresOrders returns, for every table, the rank correlation with
// submission order of its rows' physical position (ctid), of the
// transaction that wrote them (xmin) and of their own ids.
func postgresOrders(t *testing.T, db *sql.DB, caseRank, accountRank map[string]int) map[string]float64 {
	t.Helper()
	out := map[string]float64{}
	for _, q := range []struct {
		table, ref, id string
		rank           map[string]int
	}{
		{"cases", "id", "id", caseRank},
		{"milestones", "case_id", "", caseRank},
		{"reports", "case_id", "id", caseRank},
		{"moderation_log", "case_id", "id", caseRank},
		{"accounts", "id", "id", accountRank},
		{"sessions", "account_id", "token_hash", accountRank},
	} {
		id := "''"
		if q.id != "" {
			id = q.id + "::text"
		}
		rows, err := db.Query(fmt.Sprintf("SELECT %s, ctid::text, xmin::text::bigint, %s FROM %s", q.ref, id, q.table))
		if err != nil {
			t.Fatal(err)
		}
		type row struct {
			rank       int
			page, item int
			xmin       int64
			id         string
		}
		var rs []row
		for rows.Next() {
			var ref, ctid, own string
			var r row
			if err := rows.Scan(&ref, &ctid, &r.xmin, &own); err != nil {
				t.Fatal(err)
			}
			rank, ok := q.rank[ref]
			if !ok {
				continue
			}
			r.rank, r.id = rank, own
			if _, err := fmt.Sscanf(ctid, "(%d,%d)", &r.page, &r.item); err != nil {
				t.Fatalf("ctid %q: %v", ctid, err)
			}
			rs = append(rs, r)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		if len(rs) < orderSubmissions {
			t.Fatalf("%s: %d rows of the submitted ones, want at least %d", q.table, len(rs), orderSubmissions)
		}
		byCtid := slices.Clone(rs)
		slices.SortFunc(byCtid, func(a, b row) int { return cmp.Or(cmp.Compare(a.page, b.page), cmp.Compare(a.item, b.item)) })
		var ctidPts, xminPts, idPts [][2]float64
		for i, r := range byCtid {
			ctidPts = append(ctidPts, [2]float64{float64(i), float64(r.rank)})
			xminPts = append(xminPts, [2]float64{float64(r.xmin), float64(r.rank)})
		}
		out[q.table+": ctid"] = spearman(ctidPts)
		out[q.table+": xmin"] = spearman(xminPts)
		if q.id != "" {
			byID := slices.Clone(rs)
			slices.SortFunc(byID, func(a, b row) int { return strings.Compare(a.id, b.id) })
			for i, r := range byID {
				idPts = append(idPts, [2]float64{float64(i), float64(r.rank)})
			}
			out[q.table+": "+q.id] = spearman(idPts)
		}
	}
	return out
}

// spearman is the rank correlation of the pairs' two values, with tied
// values sharing their mean rank. It is 0 when either side is constant
// (or there are fewer than two pairs): such a side orders nothing.
func spearman(pts [][2]float64) float64 {
	if len(pts) < 2 {
		return 0
	}
	x, y := make([]float64, len(pts)), make([]float64, len(pts))
	for i, p := range pts {
		x[i], y[i] = p[0], p[1]
	}
	rx, ry := ranks(x), ranks(y)
	var mx, my float64
	for i := range rx {
		mx += rx[i]
		my += ry[i]
	}
	mx /= float64(len(rx))
	my /= float64(len(ry))
	var sxy, sxx, syy float64
	for i := range rx {
		dx, dy := rx[i]-mx, ry[i]-my
		sxy += dx * dy
		sxx += dx * dx
		syy += dy * dy
	}
	if sxx == 0 || syy == 0 {
		return 0
	}
	return sxy / math.Sqrt(sxx*syy)
}

// ranks returns the rank of each value, 1-based, ties sharing the mean.
func ranks(v []float64) []float64 {
	idx := make([]int, len(v))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(v[a], v[b]) })
	r := make([]float64, len(v))
	for i := 0; i < len(idx); {
		j := i
		for j < len(idx) && v[idx[j]] == v[idx[i]] {
			j++
		}
		mean := float64(i+j+1) / 2
		for k := i; k < j; k++ {
			r[idx[k]] = mean
		}
		i = j
	}
	return r
}

func TestSpearman(t *testing.T) {
	tests := []struct {
		name string
		pts  [][2]float64
		want float64
	}{
		{"same order", [][2]float64{{1, 10}, {2, 20}, {3, 30}, {4, 40}}, 1},
		{"reversed", [][2]float64{{1, 40}, {2, 30}, {3, 20}, {4, 10}}, -1},
		{"monotone, not linear", [][2]float64{{1, 1}, {2, 100}, {3, 101}, {4, 1e6}}, 1},
		{"constant side", [][2]float64{{5, 1}, {5, 2}, {5, 3}}, 0},
		{"ties", [][2]float64{{1, 1}, {1, 2}, {2, 3}, {2, 4}}, 0.8944271909999159},
		{"one pair", [][2]float64{{1, 1}}, 0},
	}
	for _, tt := range tests {
		if got := spearman(tt.pts); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("%s: spearman = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestRandomOrderMigration stores rows as release 4 did, with integer
// report and log ids and rowid tables, and checks that migration 5 keeps
// every row, gives reports and log entries random text ids, and leaves
// the foreign keys working: deleting a case still takes its milestones
// and reports with it and clears it from the log.
func TestRandomOrderMigration(t *testing.T) {
	storetest.EachURL(t, func(t *testing.T, url string) {
		if err := store.MigrateTo(ctx(t), url, 4); err != nil {
			t.Fatal(err)
		}
		db := rawDB(t, url)
		ids := []string{timeline.NewCaseID(), timeline.NewCaseID()}
		for _, id := range ids {
			execSQL(t, db, fmt.Sprintf("INSERT INTO cases (id, category, country, filed, as_of, created, milestone_list, moderation, moderation_reason) VALUES ('%s', 'eb2-niw', 'IN', '2024-03', '2025-03-01', '2025-03-01', 'received:2024-03-20;biometrics:2024-05', 'flagged', 'burst')", id))
			execSQL(t, db, fmt.Sprintf("INSERT INTO milestones (case_id, seq, code, date) VALUES ('%s', 0, 'received', '2024-03-20'), ('%s', 1, 'biometrics', '2024-05')", id, id))
			execSQL(t, db, fmt.Sprintf("INSERT INTO reports (case_id, reason, created) VALUES ('%s', 'spam', '2025-03-02')", id))
			execSQL(t, db, fmt.Sprintf("INSERT INTO moderation_log (action, reason, case_id, created) VALUES ('flag', 'burst', '%s', '2025-03-01')", id))
		}
		account := newAccountID()
		execSQL(t, db, fmt.Sprintf("INSERT INTO accounts (id, email, email_key) VALUES ('%s', 'Ana@example.org', 'ana@example.org')", account))
		token := "sessiontoken"
		if strings.HasPrefix(url, "sqlite:") {
			execSQL(t, db, fmt.Sprintf("INSERT INTO sessions (token_hash, account_id, started_day, used_day) VALUES (X'%x', '%s', 20000, 20001)", token, account))
		} else {
			execSQL(t, db, fmt.Sprintf("INSERT INTO sessions (token_hash, account_id, started_day, used_day) VALUES ('\\x%x'::bytea, '%s', 20000, 20001)", token, account))
		}

		s, err := store.Open(ctx(t), url) // migrates to the latest version
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if s.Dialect() == "postgres" {
			// The rows stored before were rewritten in key order, in the
			// migration's transaction, which the next reorganisation knows.
			var byCtid []string
			var xmins int
			rows, err := db.Query("SELECT id, (SELECT count(DISTINCT xmin::text) FROM cases) FROM cases ORDER BY ctid")
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var id string
				if err := rows.Scan(&id, &xmins); err != nil {
					t.Fatal(err)
				}
				byCtid = append(byCtid, id)
			}
			rows.Close()
			if !slices.IsSorted(byCtid) || len(byCtid) != 2 || xmins != 1 {
				t.Errorf("cases after migration in ctid order %v (want key order), %d transaction ids (want 1)", byCtid, xmins)
			}
			if r, err := s.Reorganize(ctx(t), time.Now()); err != nil || r.Rows != 0 {
				t.Errorf("Reorganize after migration = %+v, %v; want nothing to do", r, err)
			}
		}
		for _, id := range ids {
			got := mustGet(t, s, id)
			if len(got.Milestones) != 2 || got.Moderation.State != timeline.ModerationFlagged {
				t.Errorf("case %s after migration: %+v", id, got)
			}
		}
		if _, a, err := s.SessionAccount(ctx(t), []byte(token)); err != nil || a.ID != account || a.Email != "Ana@example.org" {
			t.Errorf("SessionAccount after migration = %+v, %v", a, err)
		}
		open, _, err := s.ModerationQueue(ctx(t), 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(open) != 2 || len(open[0].Reports) != 1 {
			t.Errorf("moderation queue after migration: %d cases, %+v", len(open), open)
		}
		for _, table := range []string{"reports", "moderation_log"} {
			var n, texts int
			if err := db.QueryRow(fmt.Sprintf("SELECT count(*), count(DISTINCT id) FROM %s WHERE length(id) = 32", table)).Scan(&texts, &n); err != nil {
				t.Fatal(err)
			}
			if texts != 2 || n != 2 {
				t.Errorf("%s: %d rows with 32-digit random ids (%d distinct), want 2", table, texts, n)
			}
		}
		// New rows get the store's own random ids.
		if err := s.AddReport(ctx(t), ids[0], "spam", time.Now()); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteCaseModerated(ctx(t), ids[0], "spam", account, time.Now()); err != nil {
			t.Fatal(err)
		}
		for q, want := range map[string]int{
			fmt.Sprintf("SELECT count(*) FROM milestones WHERE case_id = '%s'", ids[0]):                 0,
			fmt.Sprintf("SELECT count(*) FROM reports WHERE case_id = '%s'", ids[0]):                    0,
			fmt.Sprintf("SELECT count(*) FROM moderation_log WHERE case_id = '%s'", ids[0]):             0,
			fmt.Sprintf("SELECT count(*) FROM milestones WHERE case_id = '%s'", ids[1]):                 2,
			"SELECT count(*) FROM moderation_log WHERE case_id IS NULL AND id LIKE 'l\\_%' ESCAPE '\\'": 1,
			"SELECT count(*) FROM moderation_log":                                                       3,
		} {
			var n int
			if err := db.QueryRow(q).Scan(&n); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			if n != want {
				t.Errorf("%s = %d, want %d", q, n, want)
			}
		}
	})
}

// TestReorganizeTakesTurns checks, on PostgreSQL, that an instance leaves
// the reorganisation to another one that is running it, and that it gives
// up, instead of making requests queue behind it, when a write holds the
// tables.
func TestReorganizeTakesTurns(t *testing.T) {
	url := storetest.PostgresURL(t)
	s, err := store.Open(ctx(t), url)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	mustCreate(t, s, sampleCase())
	db := rawDB(t, url)

	other, err := db.BeginTx(ctx(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	var locked bool
	if err := other.QueryRow("SELECT pg_try_advisory_xact_lock(hashtextextended('casetrack reorganize ' || coalesce(current_schema(), ''), 0))").Scan(&locked); err != nil || !locked {
		t.Fatalf("take the lock as another instance: %v, %v", locked, err)
	}
	if r, err := s.Reorganize(ctx(t), time.Now()); err != nil || !r.Skipped || r.Rows != 0 {
		t.Errorf("Reorganize while another instance runs it = %+v, %v; want skipped", r, err)
	}
	other.Rollback() //nolint:errcheck

	writer, err := db.BeginTx(ctx(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := writer.Exec("UPDATE cases SET note = note"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Reorganize(ctx(t), time.Now()); err == nil || !strings.Contains(err.Error(), "lock") {
		t.Errorf("Reorganize while a write holds the tables: %v, want a lock timeout", err)
	}
	writer.Rollback() //nolint:errcheck

	if r, err := s.Reorganize(ctx(t), time.Now()); err != nil || r.Skipped || r.Rows != 3 {
		t.Errorf("Reorganize = %+v, %v; want the case and its two milestones rewritten", r, err)
	}
}
