package store

import (
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"math"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// readCases reads the rows through pgx itself, not database/sql: at ten
// million cases database/sql's conversions and pgx's adapter for it
// (which checks every column's destination against sql.Scanner) took
// about 5 s of CPU, a quarter of the start-up. The raw values are decoded
// here instead. The dates come in PostgreSQL's binary form, days since
// 2000-01-01, which is cheaper to read than text and does not depend on
// the server's DateStyle; premium_day comes as a binary int4.
func (d *postgresDialect) readCases(ctx context.Context, db *sql.DB, p *scanPipeline) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(driverConn any) error {
		sc, ok := driverConn.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("unexpected driver connection %T", driverConn)
		}
		const text, bin = pgx.TextFormatCode, pgx.BinaryFormatCode
		rows, err := sc.Conn().Query(ctx, caseSelect,
			pgx.QueryResultFormats{text, bin, bin, bin, text, text, text, bin})
		if err != nil {
			return err
		}
		defer rows.Close()
		return p.readRows(ctx, rows, func(b *scanBuf, i int) error { return b.rows[i].fromPostgres(rows.RawValues()) })
	})
}

// fromPostgres fills r from the raw values of one row of caseSelect, in
// the formats readCases asks for. A NULL is a nil value.
func (r *caseScan) fromPostgres(v [][]byte) error {
	if len(v) != 8 {
		return fmt.Errorf("case row has %d columns, want 8", len(v))
	}
	r.head = string(v[0])
	var err error
	if r.asOf.t, err = pgDate(v[1], "as_of"); err != nil {
		return err
	}
	if r.created.t, err = pgDate(v[2], "created"); err != nil {
		return err
	}
	r.lastPending.t = time.Time{}
	if v[3] != nil {
		if r.lastPending.t, err = pgDate(v[3], "last_pending"); err != nil {
			return err
		}
	}
	r.note = string(v[4])
	r.ownerID = sql.NullString{String: string(v[5]), Valid: v[5] != nil}
	r.milestoneList = string(v[6])
	r.premiumDay = sql.NullInt64{}
	if v[7] != nil {
		if len(v[7]) != 4 {
			return fmt.Errorf("premium_day holds %d bytes, want 4", len(v[7]))
		}
		r.premiumDay = sql.NullInt64{Int64: int64(int32(binary.BigEndian.Uint32(v[7]))), Valid: true}
	}
	return nil
}

// pgEpochDays is the day PostgreSQL counts binary dates from, 2000-01-01,
// in days since 1970-01-01.
const pgEpochDays = 10957

// pgDate decodes a binary date to UTC midnight. The infinite dates have no
// place in a case.
func pgDate(b []byte, column string) (time.Time, error) {
	if len(b) != 4 {
		return time.Time{}, fmt.Errorf("%s holds %d bytes, want a 4-byte date", column, len(b))
	}
	days := int32(binary.BigEndian.Uint32(b))
	if days == math.MaxInt32 || days == math.MinInt32 {
		return time.Time{}, fmt.Errorf("%s is an infinite date", column)
	}
	return time.Unix((int64(days)+pgEpochDays)*86400, 0).UTC(), nil
}
