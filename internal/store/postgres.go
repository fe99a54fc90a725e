package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// notifyChannel is the LISTEN/NOTIFY channel on which every write announces
// the ids of the cases it changed. Channels are per database, not per
// schema: instances in other schemas of the same database hear ids they do
// not know, which costs them a lookup that finds nothing.
const notifyChannel = "casetrack_cases"

// maxPayload keeps NOTIFY payloads under PostgreSQL's limit of 8000 bytes.
const maxPayload = 7900

// postgresDialect is the production database, shared by several instances.
type postgresDialect struct {
	cfg *pgx.ConnConfig
	// listenLost and listenBack, when set (Store.ObserveListen), are told
	// when the LISTEN connection fails and when it listens again.
	listenLost func(err error)
	listenBack func(lost time.Duration)
}

func newPostgres(url string) (*postgresDialect, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres URL %s: %w", redactURL(url), err)
	}
	return &postgresDialect{cfg: cfg}, nil
}

func (d *postgresDialect) name() string { return "postgres" }

// planCacheMode is the plan_cache_mode of the pool's connections when
// the cases table is small at start (under genericPlanMinCases rows),
// unless the URL sets one. database/sql prepares each statement on a
// connection, and after five runs PostgreSQL may keep a generic plan for
// it, chosen once for every later run. On a new, empty database the
// generic plan of the copy check reads the whole table (cheapest when it
// is empty), and it kept doing so as the table grew, on every connection
// of a running server: at 1,000 submissions a second it took 59-87 ms
// (p50) against 2.5 ms with a plan made for each run. On a large table
// the generic plan is the right one and stays right as it grows, and
// planning each run costs more there (p99 62-70 ms against 37-55 ms at a
// million cases), so a server that starts on one keeps PostgreSQL's
// default.
const planCacheMode = "force_custom_plan"

// genericPlanMinCases is how many cases the table must hold at start for
// the server to let PostgreSQL keep generic plans.
var genericPlanMinCases = 100_000

func (d *postgresDialect) open() (*sql.DB, error) {
	cfg := d.cfg.Copy()
	if _, set := cfg.RuntimeParams["plan_cache_mode"]; !set && d.casesBelow(genericPlanMinCases) {
		cfg.RuntimeParams["plan_cache_mode"] = planCacheMode
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(10)
	db.SetMaxIdleConns(5)
	db.SetConnMaxIdleTime(5 * time.Minute)
	return db, nil
}

// casesBelow reports whether the cases table holds fewer than n rows by
// PostgreSQL's own estimate (pg_class.reltuples, kept by ANALYZE, VACUUM
// and CREATE INDEX), read on a connection of its own before the pool
// opens. A table that does not exist yet, or was never counted, is
// small; so is one that cannot be read (opening the pool reports why).
func (d *postgresDialect) casesBelow(n int) bool {
	ctx, cancel := context.WithTimeout(context.Background(), listenTimeout)
	defer cancel()
	conn, err := pgx.ConnectConfig(ctx, d.cfg)
	if err != nil {
		return true
	}
	defer conn.Close(context.WithoutCancel(ctx)) //nolint:errcheck
	var rows float64
	if err := conn.QueryRow(ctx, "SELECT coalesce((SELECT reltuples FROM pg_class WHERE oid = to_regclass('cases')), 0)").Scan(&rows); err != nil {
		return true
	}
	return rows < float64(n)
}

// background has nothing to start: PostgreSQL checkpoints by itself.
func (d *postgresDialect) background(*sql.DB) (stop func()) { return func() {} }

// committers is a few: PostgreSQL commits concurrent transactions in
// parallel, and the pool (10 connections) keeps room for readers.
// They take pooled connections: PostgreSQL's page cache is the server's,
// shared by every connection.
func (d *postgresDialect) committers() (int, bool) { return 3, false }

func (d *postgresDialect) ownWriter(context.Context, *sql.Conn) error { return nil }

// lockIdentical takes a transaction-scoped advisory lock on a hash of
// each identity: committers of this instance and of every other one wait
// for a transaction storing an identical case, and the statements after
// the lock see it once it committed (READ COMMITTED takes a new snapshot
// per statement). The locks are taken in the order of their keys, all in
// one statement, so that two groups sharing identities cannot deadlock
// (PostgreSQL would find it only after deadlock_timeout, a second, and
// abort one). Different cases whose hashes collide only wait a moment.
func (d *postgresDialect) lockIdentical(ctx context.Context, tx *sql.Tx, identities []string) error {
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(k) FROM (
		SELECT DISTINCT hashtextextended(x, 0) AS k FROM unnest($1::text[]) AS x ORDER BY 1) AS keys`, identities)
	return err
}

func (d *postgresDialect) goose() (goose.Dialect, fs.FS, lock.SessionLocker) {
	return goose.DialectPostgres, dialectMigrations("postgres"), schemaLocker{}
}

func (d *postgresDialect) rebind(query string) string { return rebindDollar(query) }

// canceled recognises query_canceled (57014).
func (d *postgresDialect) canceled(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "57014"
}

func (d *postgresDialect) stringAgg(expr, sep string) string {
	return "string_agg(" + expr + ", '" + sep + "')"
}

// milestoneCases looks each milestone's case up in a LATERAL subquery
// that OFFSET 0 keeps from being merged into the join. As a plain join
// (milestones m, cases c WHERE c.id = m.case_id), PostgreSQL reckoned
// from its estimates whether a window of milestones or the cases of the
// filter were fewer, and at millions of cases it chose the cases: it read
// every case of a category (a hash join, or with a generic plan of the
// prepared statement a nested loop over all of them for each milestone),
// 0.7 to 7 s for one page instead of milliseconds. The subquery leaves it
// one plan: the milestones of the window in the feed's order, each case
// by its primary key, stopping once the page is full. The filters on the
// case stay in the caller's WHERE, applied to each case found.
func (d *postgresDialect) milestoneCases(cols string) string {
	return "milestones m CROSS JOIN LATERAL (SELECT " + cols + " FROM cases WHERE id = m.case_id OFFSET 0) c"
}

func (d *postgresDialect) forUpdate() string { return " FOR UPDATE" }

func (d *postgresDialect) skipLocked() string { return " FOR UPDATE SKIP LOCKED" }

func (d *postgresDialect) notifyTx(ctx context.Context, tx *sql.Tx, ids []string) error {
	for _, p := range notifyPayloads(ids) {
		if _, err := tx.ExecContext(ctx, "SELECT pg_notify($1, $2)", notifyChannel, p); err != nil {
			return err
		}
	}
	return nil
}

// committed does nothing: this instance hears its own writes through
// LISTEN like every other instance.
func (d *postgresDialect) committed([]string) {}

// scrub does nothing on PostgreSQL: deleted rows stay as dead tuples in
// the table's pages until VACUUM reclaims them (autovacuum does so on its
// own schedule), and in the write-ahead log and backups for as long as the
// operator keeps those. Only the database's operator can reach either.
// An explicit VACUUM cannot run inside the serving transaction pool's
// usual settings without taking time from every instance, so it is left
// to autovacuum.
func (d *postgresDialect) scrub(context.Context, *sql.DB) error { return nil }

// notifyPayloads packs ids, comma-separated, into as few NOTIFY payloads as
// the size limit allows; a bulk insert of 10,000 cases sends about 40. The
// empty id, "anything may have changed", is one empty payload, which
// covers every other id.
func notifyPayloads(ids []string) []string {
	if slices.Contains(ids, "") {
		return []string{""}
	}
	var out []string
	var b strings.Builder
	for _, id := range ids {
		if b.Len() > 0 && b.Len()+1+len(id) > maxPayload {
			out = append(out, b.String())
			b.Reset()
		}
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(id)
	}
	if b.Len() > 0 {
		out = append(out, b.String())
	}
	return out
}

// insertCases loads cases with COPY, on the pool's pgx connection, in one
// pgx transaction: COPY is several times faster than multi-row INSERTs and
// database/sql cannot issue it. Each chunk is two COPYs, its cases and
// then their milestones, so the milestones' foreign keys find their cases.
// Synthetic cases are recorded in reorganized.done (reorganize_postgres.go),
// so that the next reorganisation leaves them alone. Into an empty table
// the secondary indexes and the milestones' foreign keys are built after
// the copy instead of row by row (dropForLoad); seeds and imports alike,
// since both are one transaction that stores all or nothing.
func (d *postgresDialect) insertCases(ctx context.Context, db *sql.DB, next func() ([]caseRow, error), announce func() []string, synthetic bool) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("get connection: %w", err)
	}
	defer conn.Close()
	return conn.Raw(func(driverConn any) error {
		sc, ok := driverConn.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("unexpected driver connection %T", driverConn)
		}
		return pgx.BeginFunc(ctx, sc.Conn(), func(tx pgx.Tx) error {
			restore, err := dropForLoad(ctx, tx)
			if err != nil {
				return err
			}
			for {
				rows, err := next()
				if err != nil {
					return err
				}
				if len(rows) == 0 {
					break
				}
				if err := copyCases(ctx, tx, rows); err != nil {
					return err
				}
			}
			if restore != nil {
				if err := restore(ctx); err != nil {
					return err
				}
			}
			if synthetic {
				if _, err := tx.Exec(ctx, "UPDATE reorganized SET done = done || pg_current_xact_id()::text::bigint"); err != nil {
					return fmt.Errorf("record synthetic cases: %w", err)
				}
			}
			for _, p := range notifyPayloads(announce()) {
				if _, err := tx.Exec(ctx, "SELECT pg_notify($1, $2)", notifyChannel, p); err != nil {
					return fmt.Errorf("notify: %w", err)
				}
			}
			return nil
		})
	})
}

// loadIndexes lists the indexes of cases and milestones that dropForLoad
// builds again after a load: every one that is not unique (a primary key,
// a unique constraint or a unique index checks each row as it arrives,
// and the foreign keys need the key of cases) and is valid. They are read
// from the catalog, not repeated from the migrations, so that what is
// built again is exactly what was there.
const loadIndexes = `
SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname), pg_get_indexdef(i.indexrelid)
FROM pg_index i
JOIN pg_class c ON c.oid = i.indexrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE i.indrelid IN ('cases'::regclass, 'milestones'::regclass)
  AND NOT i.indisunique AND NOT i.indisprimary AND i.indisvalid
  AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = i.indrelid AND k.conindid = i.indexrelid)
ORDER BY c.relname`

// loadForeignKeys lists the foreign keys of milestones, with what adds
// each one again.
const loadForeignKeys = `
SELECT quote_ident(conname), pg_get_constraintdef(oid)
FROM pg_constraint
WHERE conrelid = 'milestones'::regclass AND contype = 'f'
ORDER BY conname`

// dropForLoad prepares an empty cases table for a bulk load in tx: it
// drops the secondary indexes of cases and milestones (loadIndexes) and
// the foreign keys of milestones, and returns the function that creates
// them again, to be called after the last COPY. When cases is not empty
// it changes nothing and returns nil.
//
// Every copied row otherwise updates each of those B-trees, in random key
// order, and has its foreign key checked by a trigger of its own: at ten
// million cases PostgreSQL spent about 160 s of CPU per million on that
// and the seed slowed to a crawl. Building an index afterwards is one
// sort, and adding a foreign key back checks every row in one join.
// The builds take the server's maintenance_work_mem: raising it for the
// transaction (SET LOCAL) to 512 MB made them slower at 3M cases, 43 s
// against 31 s with the default 64 MB (two runs each), although the
// larger indexes are then 400 to 540 MB.
//
// Only an empty table is treated so, because dropping an index takes an
// ACCESS EXCLUSIVE lock on its table, held until the transaction commits:
// readers of the cases wait for the whole load. A database that already
// has cases may be serving, and is loaded with the indexes in place as
// before; one without cases has nothing to read yet. The check is made
// again once the locks are held, so that cases committed meanwhile are
// seen (the load then keeps the indexes, and the locks until it
// commits). The drops are part of tx: if the load fails, the rollback
// brings the indexes and keys back as they were.
func dropForLoad(ctx context.Context, tx pgx.Tx) (restore func(context.Context) error, err error) {
	empty := func() (bool, error) {
		var empty bool
		err := tx.QueryRow(ctx, "SELECT NOT EXISTS (SELECT 1 FROM cases)").Scan(&empty)
		if err != nil {
			return false, fmt.Errorf("check for cases: %w", err)
		}
		return empty, nil
	}
	if ok, err := empty(); err != nil || !ok {
		return nil, err
	}
	if _, err := tx.Exec(ctx, "LOCK TABLE cases, milestones IN ACCESS EXCLUSIVE MODE"); err != nil {
		return nil, fmt.Errorf("lock cases for the load: %w", err)
	}
	if ok, err := empty(); err != nil || !ok {
		return nil, err
	}
	type definition struct{ name, def string }
	read := func(query string) ([]definition, error) {
		rows, err := tx.Query(ctx, query)
		if err != nil {
			return nil, err
		}
		return pgx.CollectRows(rows, func(row pgx.CollectableRow) (definition, error) {
			var d definition
			err := row.Scan(&d.name, &d.def)
			return d, err
		})
	}
	indexes, err := read(loadIndexes)
	if err != nil {
		return nil, fmt.Errorf("read index definitions: %w", err)
	}
	keys, err := read(loadForeignKeys)
	if err != nil {
		return nil, fmt.Errorf("read foreign keys: %w", err)
	}
	for _, k := range keys {
		if _, err := tx.Exec(ctx, "ALTER TABLE milestones DROP CONSTRAINT "+k.name); err != nil {
			return nil, fmt.Errorf("drop foreign key %s: %w", k.name, err)
		}
	}
	for _, ix := range indexes {
		if _, err := tx.Exec(ctx, "DROP INDEX "+ix.name); err != nil {
			return nil, fmt.Errorf("drop index %s: %w", ix.name, err)
		}
	}
	return func(ctx context.Context) error {
		for _, ix := range indexes {
			if _, err := tx.Exec(ctx, ix.def); err != nil {
				return fmt.Errorf("create index %s again: %w", ix.name, err)
			}
		}
		for _, k := range keys {
			if _, err := tx.Exec(ctx, "ALTER TABLE milestones ADD CONSTRAINT "+k.name+" "+k.def); err != nil {
				return fmt.Errorf("add foreign key %s again: %w", k.name, err)
			}
		}
		return nil
	}, nil
}

// copyCases copies one chunk of cases and their milestones.
func copyCases(ctx context.Context, tx pgx.Tx, rows []caseRow) error {
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"cases"}, insertColumnList,
		pgx.CopyFromSlice(len(rows), func(i int) ([]any, error) {
			r := rows[i]
			return []any{r.id, r.category, r.country, nullable(r.serviceCenter), r.filed, r.note,
				copyDate(r.asOf), copyDate(r.created), copyDate(r.lastPending.String), r.editKeyHash, nullable(r.ownerID), r.milestoneList,
				nullable(r.details.premium), nullableInt(r.details.premiumDay), nullable(r.details.filingMethod), nullable(r.details.office),
				nullable(r.details.priorityDate), nullable(r.details.chargeability), nullable(r.details.pdCurrent)}, nil
		}))
	if err != nil {
		return fmt.Errorf("copy cases: %w", err)
	}
	var ms [][]any
	for _, r := range rows {
		for _, m := range r.milestones {
			ms = append(ms, []any{r.id, m.seq, m.code, m.date})
		}
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"milestones"}, []string{"case_id", "seq", "code", "date"},
		pgx.CopyFromRows(ms)); err != nil {
		return fmt.Errorf("copy milestones: %w", err)
	}
	return nil
}

// copyDate gives COPY a date column ("YYYY-MM-DD", checked by newCaseRow;
// "" for NULL) as a pgtype.Date. pgx sends COPY in the binary format, and
// a string for a DATE column went through a failed encoding attempt first,
// which formats an error with fmt.Errorf before parsing the text: about a
// tenth of the seed's CPU for three dates a case.
func copyDate(s string) any {
	t, ok := parseDay(s)
	if !ok {
		return nil
	}
	return pgtype.Date{Time: t, Valid: true}
}

// nullable turns an empty optional column into NULL for COPY.
func nullable(s sql.NullString) any {
	if !s.Valid {
		return nil
	}
	return s.String
}

// nullableInt is nullable for an optional number.
func nullableInt(n sql.NullInt64) any {
	if !n.Valid {
		return nil
	}
	return n.Int64
}

// schemaLocker serialises migrations of one schema between instances that
// start together. goose's own PostgreSQL locker takes one lock for the
// whole database and polls for it once a second; this one waits on an
// advisory lock named after the current schema, so that different schemas
// (one per test, say) migrate in parallel.
type schemaLocker struct{}

const schemaLockKey = "hashtextextended('casetrack migrations ' || coalesce(current_schema(), ''), 0)"

func (schemaLocker) SessionLock(ctx context.Context, conn *sql.Conn) error {
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock("+schemaLockKey+")"); err != nil {
		return fmt.Errorf("lock schema for migrations: %w", err)
	}
	return nil
}

func (schemaLocker) SessionUnlock(ctx context.Context, conn *sql.Conn) error {
	var ok bool
	if err := conn.QueryRowContext(ctx, "SELECT pg_advisory_unlock("+schemaLockKey+")").Scan(&ok); err != nil {
		return fmt.Errorf("unlock schema after migrations: %w", err)
	}
	if !ok {
		return errors.New("unlock schema after migrations: lock was not held")
	}
	return nil
}

// Timing of the LISTEN connection.
const (
	listenPoll       = 30 * time.Second // how long to wait for a notification before checking the connection
	listenTimeout    = 10 * time.Second // connect and ping timeout
	listenMinBackoff = 100 * time.Millisecond
	listenMaxBackoff = 10 * time.Second
)

// listen keeps a dedicated connection LISTENing (a pooled connection
// cannot be held for ever) and reconnects with exponential backoff when
// it fails (a doubling delay, written out here rather than taken from a
// retry library for four lines). It calls fn("") once it listens and after each reconnection,
// because notifications sent while it was not listening are lost.
func (d *postgresDialect) listen(ctx context.Context, fn func(caseID string)) error {
	conn, err := d.listenConn(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("listen: %w", err)
	}
	fn("")
	backoff := listenMinBackoff
	for {
		err := d.receive(ctx, conn, fn)
		closeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		conn.Close(closeCtx) //nolint:errcheck // the connection is being given up either way
		cancel()
		if ctx.Err() != nil {
			return nil
		}
		lostAt := time.Now()
		if d.listenLost != nil {
			d.listenLost(err)
		}
		for {
			if ctx.Err() != nil {
				return nil
			}
			if !sleep(ctx, backoff) {
				return nil
			}
			backoff = min(2*backoff, listenMaxBackoff)
			if conn, err = d.listenConn(ctx); err == nil {
				break
			}
		}
		backoff = listenMinBackoff
		if d.listenBack != nil {
			d.listenBack(time.Since(lostAt))
		}
		fn("")
	}
}

// listenConn connects and subscribes.
func (d *postgresDialect) listenConn(ctx context.Context) (*pgx.Conn, error) {
	cctx, cancel := context.WithTimeout(ctx, listenTimeout)
	defer cancel()
	conn, err := pgx.ConnectConfig(cctx, d.cfg)
	if err != nil {
		return nil, err
	}
	if _, err := conn.Exec(cctx, "LISTEN "+notifyChannel); err != nil {
		conn.Close(context.WithoutCancel(cctx)) //nolint:errcheck
		return nil, err
	}
	return conn, nil
}

// receive delivers notifications until ctx ends or the connection fails,
// and returns the connection's error. A quiet connection is pinged every
// listenPoll, so that a dead one is noticed.
func (d *postgresDialect) receive(ctx context.Context, conn *pgx.Conn, fn func(caseID string)) error {
	for {
		wctx, cancel := context.WithTimeout(ctx, listenPoll)
		n, err := conn.WaitForNotification(wctx)
		polled := wctx.Err() != nil
		cancel()
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			if !polled {
				return err
			}
			pctx, cancel := context.WithTimeout(ctx, listenTimeout)
			err = conn.Ping(pctx)
			cancel()
			if err != nil {
				return err
			}
			continue
		}
		if n.Payload == "" {
			fn("")
			continue
		}
		for id := range strings.SplitSeq(n.Payload, ",") {
			fn(id)
		}
	}
}
