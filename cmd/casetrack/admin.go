package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/casetrack/casetrack/internal/auth"
	"github.com/casetrack/casetrack/internal/store"
)

// adminHelp is the usage of "casetrack admin".
const adminHelp = `Usage:
  casetrack admin grant EMAIL [--database URL]    give the account the admin role
  casetrack admin revoke EMAIL [--database URL]   take the admin role away

The account must exist (sign up first). The email address is matched
without regard to case.`

// runAdmin is "casetrack admin grant|revoke EMAIL": roles are granted
// from the command line only, by whoever can reach the database, so that
// no web request can make anyone an administrator.
func runAdmin(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
			fmt.Fprintln(stdout, adminHelp)
			return nil
		}
		return usageError{errors.New("say grant or revoke, then the account's email address:\n" + adminHelp)}
	}
	action, args := args[0], args[1:]
	var role string
	switch action {
	case "grant":
		role = auth.RoleAdmin
	case "revoke":
		role = ""
	default:
		return usageError{fmt.Errorf("unknown admin action %q:\n%s", action, adminHelp)}
	}
	s := newOptionSet("admin "+action, "Change an account's role.")
	database := s.addDatabase("")
	// The address may come before or after the flags.
	email := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		email, args = args[0], args[1:]
	} else {
		s.maxArgs = 1
	}
	if err := parseOptions(s, args, getenv, stdout, adminHelp); err != nil {
		return err
	}
	if email == "" {
		email = s.fs.Arg(0)
	}
	url := s.database(database)
	if msg := auth.CheckEmail(email); msg != "" {
		s.errs = append(s.errs, fmt.Errorf("EMAIL: %q: %s", email, msg))
	}
	if err := s.err(); err != nil {
		return usageError{err}
	}
	st, err := store.OpenWriter(ctx, url)
	if err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	defer st.Close()
	if err := st.SetRole(ctx, email, role); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("no account has the email address %s; sign up first", email)
		}
		return err
	}
	if role == auth.RoleAdmin {
		fmt.Fprintf(stdout, "%s is now an administrator\n", email)
	} else {
		fmt.Fprintf(stdout, "%s is no longer an administrator\n", email)
	}
	return nil
}
