package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// option is one setting of a subcommand: a flag, the environment variables
// that set it when the flag is not given, and a default. Values are kept
// as text until every option is known, so that all problems can be
// reported together instead of stopping at the first.
type option struct {
	name  string   // flag name, without dashes
	arg   string   // placeholder in the usage text, "" for a switch
	envs  []string // environment variables, first match wins
	def   string
	usage string

	value  string
	source string // "--name", "ENV_NAME" or "" for the default
}

// Set implements flag.Value.
func (o *option) Set(s string) error {
	o.value, o.source = s, "--"+o.name
	return nil
}

// String implements flag.Value.
func (o *option) String() string { return o.value }

// switchOption is an option that takes no argument (--demo).
type switchOption struct{ *option }

// IsBoolFlag lets the flag package accept "--demo" without a value.
func (switchOption) IsBoolFlag() bool { return true }

// optionSet is the options of one subcommand.
type optionSet struct {
	command string
	summary string
	fs      *flag.FlagSet
	opts    []*option
	errs    []error
	// maxArgs is how many positional arguments may follow the flags.
	maxArgs int
	// args names the positional arguments in the usage line ("FILE").
	args string
}

func newOptionSet(command, summary string) *optionSet {
	fs := flag.NewFlagSet(command, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return &optionSet{command: command, summary: summary, fs: fs}
}

// add declares an option that takes a value.
func (s *optionSet) add(name, arg, def, usage string, envs ...string) *option {
	o := &option{name: name, arg: arg, envs: envs, def: def, usage: usage}
	s.opts = append(s.opts, o)
	s.fs.Var(o, name, usage)
	return o
}

// databaseUsage is the --database help every subcommand shares.
const databaseUsage = "database: sqlite:PATH or postgres://USER@HOST/DB"

// addDatabase declares --database with its environment variables; note
// adds to the shared help text.
func (s *optionSet) addDatabase(note string) *option {
	return s.add("database", "URL", defaultDatabase, databaseUsage+note, "DATABASE_URL", "CASETRACK_DATABASE")
}

// addSwitch declares an on/off option.
func (s *optionSet) addSwitch(name, usage string, envs ...string) *option {
	o := &option{name: name, envs: envs, def: "false", usage: usage}
	s.opts = append(s.opts, o)
	s.fs.Var(switchOption{o}, name, usage)
	return o
}

// parse reads the flags, then fills every option not given as a flag from
// its environment variables or its default. It returns flag.ErrHelp for
// --help and an error for unknown flags or stray arguments.
func (s *optionSet) parse(args []string, getenv func(string) string) error {
	if err := s.fs.Parse(args); err != nil {
		return err
	}
	if s.fs.NArg() > s.maxArgs {
		return fmt.Errorf("unexpected argument %q (see casetrack %s --help)", s.fs.Arg(s.maxArgs), s.command)
	}
	for _, o := range s.opts {
		if o.source != "" {
			continue
		}
		o.value = o.def
		for _, env := range o.envs {
			if v := getenv(env); v != "" {
				o.value, o.source = v, env
				break
			}
		}
	}
	return nil
}

// fail records a problem with an option, naming where its value came from.
func (s *optionSet) fail(o *option, format string, args ...any) {
	where := "--" + o.name
	if o.source != "" && o.source != where {
		where += " (from " + o.source + ")"
	}
	s.errs = append(s.errs, fmt.Errorf("%s: %s", where, fmt.Sprintf(format, args...)))
}

// given reports whether the option was set by flag or environment.
func (o *option) given() bool { return o.source != "" }

// int parses an integer option that must be at least min.
func (s *optionSet) int(o *option, min int) int {
	n, err := strconv.Atoi(strings.TrimSpace(o.value))
	if err != nil {
		s.fail(o, "%q is not a whole number", o.value)
		return 0
	}
	if n < min {
		s.fail(o, "must be at least %d, got %d", min, n)
	}
	return n
}

// duration parses a duration option ("90m", "1h") that must not be
// negative.
func (s *optionSet) duration(o *option) time.Duration {
	d, err := time.ParseDuration(strings.TrimSpace(o.value))
	if err != nil {
		s.fail(o, "%q is not a duration such as 30m or 1h", o.value)
		return 0
	}
	if d < 0 {
		s.fail(o, "must not be negative, got %s", o.value)
	}
	return d
}

// durationAtLeast parses a duration option that must be at least min.
func (s *optionSet) durationAtLeast(o *option, min time.Duration) time.Duration {
	d, err := time.ParseDuration(strings.TrimSpace(o.value))
	if err != nil {
		s.fail(o, "%q is not a duration such as 30s or 5m", o.value)
		return 0
	}
	if d < min {
		s.fail(o, "must be at least %s, got %s", min, o.value)
	}
	return d
}

// bool parses an on/off option: true/false, 1/0, yes/no, on/off.
func (s *optionSet) bool(o *option) bool {
	switch strings.ToLower(strings.TrimSpace(o.value)) {
	case "1", "t", "true", "yes", "y", "on":
		return true
	case "", "0", "f", "false", "no", "n", "off":
		return false
	}
	s.fail(o, "%q is not true or false", o.value)
	return false
}

// database checks a database URL: sqlite:PATH or postgres://...
func (s *optionSet) database(o *option) string {
	v := strings.TrimSpace(o.value)
	switch {
	case strings.HasPrefix(v, "sqlite:") && len(v) > len("sqlite:"):
	case strings.HasPrefix(v, "postgres://"), strings.HasPrefix(v, "postgresql://"):
	default:
		s.fail(o, "%q is not a database URL; use sqlite:PATH or postgres://USER@HOST/DB", o.value)
	}
	return v
}

// err returns every recorded problem at once.
func (s *optionSet) err() error { return errors.Join(s.errs...) }

// usage writes the help text: what the command does and, for each option,
// its flag, its environment variables and its default.
func (s *optionSet) usage(w io.Writer, extra string) {
	line := "casetrack " + s.command + " [flags]"
	if s.args != "" {
		line += " " + s.args
	}
	fmt.Fprintf(w, "Usage: %s\n\n%s\n", line, s.summary)
	if extra != "" {
		fmt.Fprintf(w, "\n%s\n", extra)
	}
	fmt.Fprintf(w, "\nFlags (a flag overrides its environment variable, which overrides the default):\n")
	for _, o := range s.opts {
		head := "  --" + o.name
		if o.arg != "" {
			head += " " + o.arg
		}
		fmt.Fprintln(w, head)
		fmt.Fprintf(w, "        %s\n", o.usage)
		var meta []string
		if len(o.envs) > 0 {
			meta = append(meta, "env "+strings.Join(o.envs, ", then "))
		}
		if o.def != "" {
			meta = append(meta, "default "+o.def)
		}
		if len(meta) > 0 {
			fmt.Fprintf(w, "        (%s)\n", strings.Join(meta, "; "))
		}
	}
}
