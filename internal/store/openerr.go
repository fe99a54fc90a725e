package store

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// explainConnect turns a failed first contact with PostgreSQL into one
// line that names the server and says what to do; pgx's own message
// spans a line per address tried and names neither the flag nor the
// environment variable. Other errors pass through unchanged.
func (d *postgresDialect) explainConnect(err error) error {
	var ce *pgconn.ConnectError
	if !errors.As(err, &ce) {
		return err
	}
	host := net.JoinHostPort(d.cfg.Host, strconv.Itoa(int(d.cfg.Port)))
	if strings.HasPrefix(d.cfg.Host, "/") {
		host = d.cfg.Host + " (Unix socket, port " + strconv.Itoa(int(d.cfg.Port)) + ")"
	}
	cause := rootCause(ce)
	what := "check that PostgreSQL runs there and accepts connections, and the URL given with --database or DATABASE_URL"
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		// The server answered and refused: a login, database or
		// permission problem, not a missing server.
		what = "check the user, password and database name in the URL given with --database or DATABASE_URL"
		cause = pe.Message
	}
	return &startError{msg: fmt.Sprintf("cannot connect to PostgreSQL at %s (%s); %s", host, cause, what), err: err}
}

// startError is a one-line message for a person that still unwraps to
// the driver's error, so that Unavailable recognises it.
type startError struct {
	msg string
	err error
}

func (e *startError) Error() string { return e.msg }
func (e *startError) Unwrap() error { return e.err }

// rootCause is the innermost error's message on one line: "connection
// refused" rather than the whole chain.
func rootCause(err error) string {
	for {
		next := errors.Unwrap(err)
		if j, ok := err.(interface{ Unwrap() []error }); ok && len(j.Unwrap()) > 0 {
			next = j.Unwrap()[0]
		}
		if next == nil {
			return strings.ReplaceAll(err.Error(), "\n", " ")
		}
		err = next
	}
}
