// Package report is the truth lab's result: how close the published
// numbers came to known answers, scenario by scenario, as the truthlab
// command writes it and the methodology page shows it. The latest run is
// embedded (latest.json); "casetrack truthlab --write" replaces it.
// The report keeps English names, which are the command's codes; pages
// name them in the reader's language with the labels of labels.go.
package report

import (
	_ "embed"
	"encoding/json"
	"fmt"
)

// Report is one run of the truth lab.
type Report struct {
	// Command is the command line that produced the report.
	Command string `json:"command"`
	// Today is the simulated day; Replicates and Seed as given.
	Today      string `json:"today"`
	Replicates int    `json:"replicates"`
	Seed       uint64 `json:"seed"`
	// FullPath counts the replicates that also went through the replay
	// import into a real database and back through the HTTP API, and how
	// many of them gave numbers identical to the in-process run.
	FullPath FullPath `json:"full_path"`
	// Targets are the numbers measured, with their true values in the
	// measured category; NowMedian is the true median wait of someone
	// filing this month.
	Category  string   `json:"category"`
	Targets   []Target `json:"targets"`
	NowMedian int      `json:"now_median"`
	// OldMedian is the true median of the cases filed five years before
	// Today, where the simulated backlog began to grow.
	OldMedian int `json:"old_median"`
	// Behaviours and Estimators are the scenarios and readings compared.
	Behaviours []Named `json:"behaviours"`
	Estimators []Named `json:"estimators"`
	// Cells are the results of each behaviour, estimator and target.
	Cells []Cell `json:"cells"`
	// HeadlineVsNow is, per behaviour, the mean relative error of the
	// published headline against the true wait of someone filing now.
	HeadlineVsNow map[string]float64 `json:"headline_vs_now"`
	// Calibration measures the outlook of Applicants held-out applicants
	// per population, one entry per behaviour.
	Applicants  int           `json:"applicants"`
	Calibration []Calibration `json:"calibration"`
}

// FullPath is the part of a run that went through import and the API.
type FullPath struct {
	Database   string `json:"database"`
	Replicates int    `json:"replicates"`
	Identical  int    `json:"identical"`
}

// Target is one measured number and its truth.
type Target struct {
	Name  string `json:"name"`
	Doc   string `json:"doc"`
	Truth int    `json:"truth_days"`
}

// Named is a behaviour or an estimator with a line of description. A
// behaviour with "still pending?" reminders names the behaviour it is
// built on (Base), the chance that a reminder is answered and the share
// of timelines that get them.
type Named struct {
	Name             string  `json:"name"`
	Doc              string  `json:"doc"`
	Base             string  `json:"base,omitempty"`
	ReminderResponse float64 `json:"reminder_response,omitempty"`
	ReminderAccounts float64 `json:"reminder_accounts,omitempty"`
}

// Cell is the result of one behaviour, estimator and target over the
// replicates: relative bias and root mean squared error of the estimates
// that were given, the share of those whose 95% interval covered the
// truth, the share of replicates where the number was not yet known, and
// the share where it came with a caution.
type Cell struct {
	Behaviour  string  `json:"behaviour"`
	Estimator  string  `json:"estimator"`
	Target     string  `json:"target"`
	Replicates int     `json:"replicates"`
	Known      int     `json:"known"`
	Bias       float64 `json:"bias"`
	RMSE       float64 `json:"rmse"`
	Coverage   float64 `json:"coverage"`
	Unknown    float64 `json:"unknown"`
	Flagged    float64 `json:"flagged"`
}

// Cell returns the cell of a behaviour, estimator and target.
func (r *Report) Cell(behaviour, estimator, target string) (Cell, bool) {
	for _, c := range r.Cells {
		if c.Behaviour == behaviour && c.Estimator == estimator && c.Target == target {
			return c, true
		}
	}
	return Cell{}, false
}

//go:embed latest.json
var latestJSON []byte

// Latest is the embedded report of the latest run.
func Latest() (*Report, error) {
	var r Report
	if err := json.Unmarshal(latestJSON, &r); err != nil {
		return nil, fmt.Errorf("truth lab report: %w", err)
	}
	return &r, nil
}

// Calibration is how the outlook of held-out applicants still waiting
// today compared with their true decision days, under one behaviour.
type Calibration struct {
	Behaviour string `json:"behaviour"`
	// Applicants were asked about; Answered got a range.
	Applicants int `json:"applicants"`
	Answered   int `json:"answered"`
	// Coverage is the share of answered applicants decided within their
	// 80% range; Below and Above the shares decided before and after it.
	Coverage float64 `json:"coverage"`
	Below    float64 `json:"below"`
	Above    float64 `json:"above"`
	// Flagged is the share of answers that came with a caution.
	Flagged float64 `json:"flagged"`
	// OpenEnded is the share of answers without an upper end, among the
	// OpenEndedBase answers to applicants waiting over six months in
	// groups of at least a hundred cases.
	OpenEndedBase int     `json:"open_ended_base"`
	OpenEnded     float64 `json:"open_ended"`
	// MedianBias and MedianAbsErr are the mean relative error and mean
	// absolute relative error of the median remaining wait against the
	// true one, over the MedianKnown answers that had one.
	MedianKnown  int     `json:"median_known"`
	MedianBias   float64 `json:"median_bias"`
	MedianAbsErr float64 `json:"median_abs_err"`
	// MedianRatio is the typical ratio of the estimated to the true median
	// remaining wait, less one: the geometric mean of the ratios, which
	// weighs an estimate half the truth as far off as one twice it.
	MedianRatio float64 `json:"median_ratio"`
}
