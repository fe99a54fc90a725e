package truthlab

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/casetrack/casetrack/internal/replay"
	"github.com/casetrack/casetrack/internal/stats"
	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/timeline"
	"github.com/casetrack/casetrack/internal/truthlab/report"
	"github.com/casetrack/casetrack/internal/web"
)

// FullPath runs the first n replicates of every behaviour the whole way: it
// writes each as a replay file, loads it with the import into a database
// of its own, builds the statistics index from the database as the server
// does at start-up, and reads the published numbers of every target back
// through the HTTP API, with the outlook of the first fullPathApplicants
// of its held-out applicants. Each must equal what the in-process run
// computes for the same replicate; mismatches are written to log.
//
// database is "" for a temporary SQLite file per replicate, or a
// PostgreSQL URL, in whose database each replicate gets a schema of its
// own that is dropped afterwards.
func (l *Lab) FullPath(ctx context.Context, database string, n int, log io.Writer) (report.FullPath, error) {
	res := report.FullPath{Database: "SQLite"}
	switch {
	case database == "":
	case strings.HasPrefix(database, "postgres://"), strings.HasPrefix(database, "postgresql://"):
		res.Database = "PostgreSQL"
	default:
		return res, fmt.Errorf("--database must be a postgres:// URL, or empty for temporary SQLite files (each replicate needs a database of its own)")
	}
	dir, err := os.MkdirTemp("", "casetrack-truthlab-")
	if err != nil {
		return res, err
	}
	defer os.RemoveAll(dir)
	for bi, b := range l.Behaviours {
		for rep := range n {
			rows := l.Model.Rows(b, l.seedOf(bi, rep))
			aps := l.applicantsOf(bi, rep, fullPathApplicants)
			want, err := l.inProcess(rows, aps)
			if err != nil {
				return res, fmt.Errorf("%s, replicate %d: %w", b.Name, rep, err)
			}
			got, err := l.throughAPI(ctx, database, filepath.Join(dir, fmt.Sprintf("%s-%d", b.Name, rep)), rows, aps)
			if err != nil {
				return res, fmt.Errorf("%s, replicate %d: %w", b.Name, rep, err)
			}
			res.Replicates++
			if slices.Equal(want, got) {
				res.Identical++
			} else {
				fmt.Fprintf(log, "truthlab: %s, replicate %d: in-process %v, through the API %v\n", b.Name, rep, want, got)
			}
			fmt.Fprintf(log, "truthlab: full path %d of %d (%s)\n", res.Replicates, len(l.Behaviours)*n, res.Database)
		}
	}
	return res, nil
}

// published is what the full path compares for one target: the median,
// its interval and the cautions, as text.
type published string

func publishedOf(median *int, ci [2]*int, cautions []stats.Caution) published {
	p := func(v *int) string {
		if v == nil {
			return "null"
		}
		return fmt.Sprint(*v)
	}
	cs := make([]string, len(cautions))
	for i, c := range cautions {
		cs[i] = string(c)
	}
	return published(fmt.Sprintf("%s [%s, %s] %s", p(median), p(ci[0]), p(ci[1]), strings.Join(cs, ",")))
}

// fullPathApplicants is how many held-out applicants of each full-path
// replicate ask for their outlook through the API.
const fullPathApplicants = 10

// outlookOf is what the full path compares of an outlook, as text: the
// days exactly, the share decided by now to nine decimals.
func outlookOf(suppressed bool, decidedByNow *float64, median *int, rng [2]*int, atLeast *int, cautions []stats.Caution) published {
	if suppressed {
		return "outlook suppressed"
	}
	p := func(v *int) string {
		if v == nil {
			return "null"
		}
		return fmt.Sprint(*v)
	}
	cs := make([]string, len(cautions))
	for i, c := range cautions {
		cs[i] = string(c)
	}
	// The share decided by now to nine decimals: an index loaded from a
	// database holds its cases in another order than one built in-process,
	// and a sum in another order can differ in its last binary digit.
	return published(fmt.Sprintf("outlook %.9f %s [%s, %s] at least %s %s", *decidedByNow, p(median), p(rng[0]), p(rng[1]), p(atLeast), strings.Join(cs, ",")))
}

// inProcess computes the published numbers of every target and the
// outlook of every applicant in-process.
func (l *Lab) inProcess(rows []replay.Row, aps []applicant) ([]published, error) {
	ix, err := l.Model.index(l.Catalog, rows)
	if err != nil {
		return nil, err
	}
	var out []published
	for _, t := range Targets {
		e := estimateOf(ix, &l.Model, t, stats.DefaultPolicy, 0)
		out = append(out, publishedOf(e.Median, e.CI, e.Cautions))
	}
	for _, ap := range aps {
		o := ix.Outlook(l.Model.request(ap), MinCases)
		var atLeast *int
		if o.Range[1] == nil {
			atLeast = &o.AtLeast
		}
		out = append(out, outlookOf(o.Suppressed(), &o.DecidedByNow, o.Remaining, o.Range, atLeast, o.Cautions))
	}
	return out, nil
}

// throughAPI imports rows into a new database and reads every target's
// published numbers from the HTTP API of a server on it.
func (l *Lab) throughAPI(ctx context.Context, database, path string, rows []replay.Row, aps []applicant) ([]published, error) {
	file := path + ".jsonl"
	if err := writeRows(file, rows); err != nil {
		return nil, err
	}
	dbURL := "sqlite:" + path + ".db"
	if database != "" {
		u, drop, err := store.NewSchema(ctx, database, "truthlab_")
		if err != nil {
			return nil, err
		}
		defer drop(context.WithoutCancel(ctx)) //nolint:errcheck // best effort: the schema is the lab's own
		dbURL = u
	}
	st, err := store.Open(ctx, dbURL)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if _, err := replay.Import(ctx, st, l.Catalog, f, replay.JSONLines, l.Model.Now, io.Discard); err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	loader := stats.NewLoader(l.Catalog)
	if err := st.ScanCases(ctx, func(c *timeline.Case) error { loader.Add(c); return nil }); err != nil {
		return nil, err
	}
	now := l.Model.Now
	srv, err := web.New(web.Config{Store: st, Index: loader.Index(), Catalog: l.Catalog, MinCases: MinCases,
		Now: func() time.Time { return now }, Logger: slog.New(slog.DiscardHandler), PasswordCost: 4})
	if err != nil {
		return nil, err
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	var out []published
	for _, t := range Targets {
		q := apiQuery(t.filter(&l.Model))
		var body struct {
			Suppressed bool `json:"suppressed"`
			Decision   *struct {
				Median   *int            `json:"median"`
				MedianCI [2]*int         `json:"median_ci"`
				Cautions []stats.Caution `json:"cautions"`
			} `json:"decision"`
			Headline struct {
				Suppressed bool            `json:"suppressed"`
				Median     *int            `json:"median"`
				MedianCI   *[2]*int        `json:"median_ci"`
				Cautions   []stats.Caution `json:"cautions"`
			} `json:"headline"`
		}
		if err := getJSON(ctx, ts.URL+"/api/v1/stats?"+q, &body); err != nil {
			return nil, err
		}
		switch {
		case t.Headline && !body.Headline.Suppressed && body.Headline.MedianCI != nil:
			out = append(out, publishedOf(body.Headline.Median, *body.Headline.MedianCI, body.Headline.Cautions))
		case !t.Headline && !body.Suppressed && body.Decision != nil:
			out = append(out, publishedOf(body.Decision.Median, body.Decision.MedianCI, body.Decision.Cautions))
		default:
			out = append(out, publishedOf(nil, [2]*int{}, nil))
		}
	}
	for _, ap := range aps {
		req := l.Model.request(ap)
		q := url.Values{"category": {req.Category}, "country": {req.Country}, "filed": {req.Filed.String()}}
		if req.ServiceCenter != "" {
			q.Set("service_center", req.ServiceCenter)
		}
		var o struct {
			Suppressed   bool            `json:"suppressed"`
			DecidedByNow *float64        `json:"decided_by_now"`
			Remaining    *int            `json:"remaining_median"`
			Range        *[2]*int        `json:"remaining_range"`
			AtLeast      *int            `json:"remaining_at_least"`
			Cautions     []stats.Caution `json:"cautions"`
		}
		if err := getJSON(ctx, ts.URL+"/api/v1/outlook?"+q.Encode(), &o); err != nil {
			return nil, err
		}
		var rng [2]*int
		if o.Range != nil {
			rng = *o.Range
		}
		if len(o.Cautions) == 0 {
			o.Cautions = nil
		}
		out = append(out, outlookOf(o.Suppressed, o.DecidedByNow, o.Remaining, rng, o.AtLeast, o.Cautions))
	}
	return out, nil
}

// apiQuery is the query string of /api/v1/stats for a filter.
func apiQuery(f stats.Filter) string {
	q := url.Values{"category": {f.Category}}
	if !f.FiledFrom.IsZero() {
		q.Set("filed_from", f.FiledFrom.String())
		q.Set("filed_to", f.FiledTo.String())
	}
	return q.Encode()
}

// writeRows writes a replay file.
func writeRows(path string, rows []replay.Row) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := replay.NewWriter(f)
	for _, r := range rows {
		if err := w.Write(r); err != nil {
			f.Close()
			return err
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// getJSON reads a JSON answer.
func getJSON(ctx context.Context, u string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(res.Body, 512))
		return fmt.Errorf("GET %s: %s: %s", u, res.Status, b)
	}
	return json.NewDecoder(res.Body).Decode(v)
}
