// Command casetrack runs CaseTrack: the web server (serve, the default),
// database migrations (migrate), synthetic data for demos and load tests
// (seed), timelines imported with their history (import), the truth lab
// that measures the statistics against known answers (truthlab), the
// admin role (admin) and the reorganisation of stored rows (reorganize). Every flag can also be set with an environment variable.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

// commandsHelp is printed by "casetrack help" and with the serve usage,
// since "casetrack --help" is "casetrack serve --help".
const commandsHelp = `Commands:
  serve     run the web server (the default when no command is given)
  migrate   apply database migrations and exit
  seed      fill the database with synthetic cases
  import    import timelines with their history dates: import FILE (JSON Lines or CSV)
  truthlab  measure the statistics against simulated populations with known answers
  admin     grant or revoke the admin role: admin grant EMAIL, admin revoke EMAIL
  reorganize  rewrite recent rows so that the database files do not show the order of submissions
  help      show this help

Run "casetrack COMMAND --help" for the flags of a command.`

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

// run dispatches to a subcommand and returns the process exit code:
// 0 on success, 1 when the command failed, 2 for a usage error.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	command := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		command, args = args[0], args[1:]
	}
	var err error
	switch command {
	case "serve":
		err = runServe(ctx, args, getenv, stdout, stderr)
	case "migrate":
		err = runMigrate(ctx, args, getenv, stdout, stderr)
	case "seed":
		err = runSeed(ctx, args, getenv, stdout, stderr)
	case "truthlab":
		err = runTruthlab(ctx, args, getenv, stdout, stderr)
	case "import":
		err = runImport(ctx, args, getenv, stdout, stderr)
	case "admin":
		err = runAdmin(ctx, args, getenv, stdout, stderr)
	case "reorganize":
		err = runReorganize(ctx, args, getenv, stdout, stderr)
	case "help":
		fmt.Fprintf(stdout, "CaseTrack: anonymous immigration case timelines and honest processing-time statistics.\n\n%s\n", commandsHelp)
		return 0
	default:
		fmt.Fprintf(stderr, "casetrack: unknown command %q\n\n%s\n", command, commandsHelp)
		return 2
	}
	var usage usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &usage):
		if msg := err.Error(); strings.Contains(msg, "\n") {
			fmt.Fprintf(stderr, "casetrack %s: invalid settings:\n  %s\n", command, strings.ReplaceAll(msg, "\n", "\n  "))
		} else {
			fmt.Fprintf(stderr, "casetrack %s: %s\n", command, msg)
		}
		return 2
	default:
		fmt.Fprintf(stderr, "casetrack %s: %v\n", command, err)
		return 1
	}
}

// usageError marks an error in the command line or environment, as
// opposed to a failure while running.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// parseOptions parses a subcommand's options, printing the usage for
// --help, and wraps problems as usage errors.
func parseOptions(s *optionSet, args []string, getenv func(string) string, stdout io.Writer, extraHelp string) error {
	if err := s.parse(args, getenv); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			s.usage(stdout, extraHelp)
			return err
		}
		return usageError{err}
	}
	return nil
}
