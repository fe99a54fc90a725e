package store

import (
	"context"
	"crypto/rand"
	"fmt"
	neturl "net/url"
	"strings"

	"github.com/jackc/pgx/v5"
)

// NewSchema creates an empty schema, named prefix and a random suffix, in
// the PostgreSQL database at base, and returns a URL whose connections use
// it (search_path: pgx passes unknown URL parameters to the server as
// run-time settings) and a function that drops it with everything in it.
// Tests and the truth lab use it for throwaway stores on a shared server.
func NewSchema(ctx context.Context, base, prefix string) (url string, drop func(context.Context) error, err error) {
	schema := prefix + strings.ToLower(rand.Text())
	if err := execOn(ctx, base, "CREATE SCHEMA "+pgx.Identifier{schema}.Sanitize()); err != nil {
		return "", nil, fmt.Errorf("create schema: %w", err)
	}
	drop = func(ctx context.Context) error {
		if err := execOn(ctx, base, "DROP SCHEMA "+pgx.Identifier{schema}.Sanitize()+" CASCADE"); err != nil {
			return fmt.Errorf("drop schema %s: %w", schema, err)
		}
		return nil
	}
	u, err := neturl.Parse(base)
	if err != nil {
		return "", nil, fmt.Errorf("database URL: %w", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), drop, nil
}

// execOn runs one statement on its own connection to url.
func execOn(ctx context.Context, url, sql string) error {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	_, err = conn.Exec(ctx, sql)
	return err
}
