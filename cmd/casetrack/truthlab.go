package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/timeline"
	"github.com/casetrack/casetrack/internal/truthlab"
)

// truthlabHelp is printed after the flags of "casetrack truthlab --help".
const truthlabHelp = `The truth lab simulates populations with known processing times, lets
them share timelines in named ways (early and faithful, delayed entry,
retrospective only, a launch, going silent, coming back only to record a
decision, forgetting to, and a mix), computes the published numbers from
what they shared and compares them with the truth: bias, root mean
squared error, how often the 95% range covers the truth, how often the
number is not yet known, and how often it comes with a caution, for a
mature filing cohort, a recent one and the Explore headline.

Replicates run in-process through the statistics index the server uses.
With --full-path N, N replicates of every behaviour also go the whole way:
written as a replay file, loaded with "casetrack import" into a database
(--database; a temporary SQLite file by default) and read back through
the HTTP API; they must give identical numbers, or the command fails.

--reminder-response LIST also runs every behaviour with monthly "still
pending?" reminders: each timeline still waiting on the site gets a mail a
month with "still waiting" and "decided" links, and answers it with the
given chance (0.2 = one mail in five), confirming the timeline or
recording its decision. Each rate is a behaviour of its own
("stale +reminders 20%") drawn from the same people as the behaviour
without reminders, and a last table compares the published numbers
without and with them. --reminder-accounts gives the share of timelines
kept with an account that gets mail.

--write FILE saves the report as JSON; the methodology page shows the
report embedded from internal/truthlab/report/latest.json.`

// runTruthlab is "casetrack truthlab".
func runTruthlab(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	s := newOptionSet("truthlab", "Measure the published statistics against simulated populations with known answers.")
	replicates := s.add("replicates", "N", "200", "populations per behaviour (at least 1)")
	seedOpt := s.add("seed", "S", "1", "random seed; the same seed and day give the same report")
	today := s.add("today", "YYYY-MM-DD", "", "the simulated today (default: the real one)")
	behaviours := s.add("behaviours", "LIST", "", "comma-separated behaviours (default: all)")
	fullPath := s.add("full-path", "N", "2", "replicates per behaviour that also go through import and the API (0: none)")
	database := s.add("database", "URL", "", "where the full-path replicates are imported: sqlite:PATH or a postgres:// URL whose database the lab may add schemas to (default: a temporary SQLite file)")
	reminderResponse := s.add("reminder-response", "LIST", "", "comma-separated chances (0 to 1) that a monthly \"still pending?\" reminder is answered; every behaviour also runs with reminders at each (default: none)")
	reminderAccounts := s.add("reminder-accounts", "SHARE", "1", "share of timelines (0 to 1) kept with an account that gets the reminders")
	write := s.add("write", "FILE", "", "write the report as JSON to FILE")
	if err := parseOptions(s, args, getenv, stdout, truthlabHelp); err != nil {
		return err
	}
	n := s.int(replicates, 1)
	fp := s.int(fullPath, 0)
	seed, err := strconv.ParseUint(strings.TrimSpace(seedOpt.value), 10, 64)
	if err != nil {
		s.fail(seedOpt, "%q is not a whole number of at least 0", seedOpt.value)
	}
	day := timeline.Today(time.Now())
	if v := strings.TrimSpace(today.value); v != "" {
		if day, err = time.Parse(time.DateOnly, v); err != nil {
			s.fail(today, "%q is not a date YYYY-MM-DD", v)
		}
	}
	if v := strings.TrimSpace(database.value); v != "" && !strings.HasPrefix(v, "postgres://") && !strings.HasPrefix(v, "postgresql://") {
		s.fail(database, "must be a postgres:// URL, or empty for temporary SQLite files (each replicate needs a database of its own)")
	}
	bs := truthlab.Behaviours
	if v := strings.TrimSpace(behaviours.value); v != "" {
		bs = nil
		for _, name := range strings.Split(v, ",") {
			b, ok := truthlab.BehaviourByName(strings.TrimSpace(name))
			if !ok {
				s.fail(behaviours, "unknown behaviour %q; known: %s", name, behaviourNames())
				continue
			}
			bs = append(bs, b)
		}
	}
	accounts, ok := shareOption(s, reminderAccounts, strings.TrimSpace(reminderAccounts.value))
	if ok && accounts == 0 {
		s.fail(reminderAccounts, "must be more than 0")
	}
	var rates []float64
	if v := strings.TrimSpace(reminderResponse.value); v != "" {
		for _, f := range strings.Split(v, ",") {
			if r, _ := shareOption(s, reminderResponse, strings.TrimSpace(f)); r > 0 {
				rates = append(rates, r)
			}
		}
	}
	if err := s.err(); err != nil {
		return usageError{err}
	}
	if len(rates) > 0 {
		var with []truthlab.Behaviour
		for _, b := range bs {
			with = append(with, b)
			for _, r := range rates {
				with = append(with, b.WithReminders(truthlab.Reminders{Response: r, Accounts: accounts}))
			}
		}
		bs = with
	}

	lab := &truthlab.Lab{Model: truthlab.DefaultModel(day), Catalog: catalog.Default(), Behaviours: bs,
		Estimators: truthlab.Estimators, Replicates: n, Seed: seed}
	start := time.Now()
	lab.Progress = func(done, total int) {
		if done%max(total/20, 1) == 0 || done == total {
			fmt.Fprintf(stderr, "truthlab: %d of %d populations (%s)\n", done, total, time.Since(start).Round(time.Second))
		}
	}
	rep, err := lab.Run()
	if err != nil {
		return err
	}
	rep.Command = truthlabCommand(n, seed, day, behaviours.value, fp, database.value)
	if len(rates) > 0 {
		rep.Command += " --reminder-response " + strings.ReplaceAll(strings.TrimSpace(reminderResponse.value), " ", "")
		if accounts < 1 {
			rep.Command += " --reminder-accounts " + strconv.FormatFloat(accounts, 'f', -1, 64)
		}
	}
	if fp > 0 {
		res, err := lab.FullPath(ctx, database.value, fp, stderr)
		if err != nil {
			return fmt.Errorf("full path: %w", err)
		}
		rep.FullPath = res
	}
	fmt.Fprintf(stdout, "%s\n\n%s\n", rep.Command, truthlab.Format(rep))
	fmt.Fprintf(stdout, "Headline against the true wait of someone filing now (%d days):", rep.NowMedian)
	for _, b := range rep.Behaviours {
		fmt.Fprintf(stdout, " %s %+.1f%%", b.Name, 100*rep.HeadlineVsNow[b.Name])
	}
	fmt.Fprintln(stdout)
	if t := truthlab.FormatReminders(rep); t != "" {
		fmt.Fprintf(stdout, "\nThe published numbers without and with \"still pending?\" reminders (the share of mails answered):\n%s", t)
	}
	if fp > 0 {
		fmt.Fprintf(stdout, "Full path (%s): %d of %d replicates identical to the in-process run.\n",
			rep.FullPath.Database, rep.FullPath.Identical, rep.FullPath.Replicates)
	}
	if v := strings.TrimSpace(write.value); v != "" {
		b, err := json.MarshalIndent(rep, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(v, append(b, '\n'), 0o644); err != nil {
			return fmt.Errorf("write report: %w", err)
		}
	}
	if rep.FullPath.Identical != rep.FullPath.Replicates {
		return fmt.Errorf("%d of %d full-path replicates differ from the in-process run", rep.FullPath.Replicates-rep.FullPath.Identical, rep.FullPath.Replicates)
	}
	return nil
}

// truthlabCommand is the command line that reproduces a run, for the
// report.
func truthlabCommand(n int, seed uint64, day time.Time, behaviours string, fullPath int, database string) string {
	c := fmt.Sprintf("casetrack truthlab --replicates %d --seed %d --today %s --full-path %d", n, seed, day.Format(time.DateOnly), fullPath)
	if b := strings.TrimSpace(behaviours); b != "" {
		c += " --behaviours " + b
	}
	if strings.HasPrefix(database, "postgres") {
		c += " --database postgres://..."
	}
	return c
}

// shareOption parses one share from 0 to 1 of an option's value; ok is
// false, and the problem recorded, when it is not one.
func shareOption(s *optionSet, o *option, v string) (x float64, ok bool) {
	x, err := strconv.ParseFloat(v, 64)
	if err != nil || !(x >= 0 && x <= 1) {
		s.fail(o, "%q is not a share from 0 to 1", v)
		return 0, false
	}
	return x, true
}

func behaviourNames() string {
	var names []string
	for _, b := range truthlab.Behaviours {
		names = append(names, b.Name)
	}
	return strings.Join(names, ", ")
}
