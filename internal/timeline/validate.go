package timeline

import (
	"sort"
	"strings"
)

// Submission is a case as a person submits it, through the form or the
// JSON API, before validation. Field names follow API.md.
type Submission struct {
	Category      string           `json:"category"`
	Country       string           `json:"country"`
	ServiceCenter string           `json:"service_center"`
	Filed         string           `json:"filed"`
	Milestones    []MilestoneInput `json:"milestones"`
	Note          string           `json:"note"`
}

// MilestoneInput is one milestone as submitted.
type MilestoneInput struct {
	Code string `json:"code"`
	Date string `json:"date"`
}

// FieldErrors maps a field name to a message a person can act on. Keys are
// the API field names: "category", "filed", "milestones[1].date", "note", ...
type FieldErrors map[string]string

// Error makes FieldErrors an error; callers usually range over the map.
func (fe FieldErrors) Error() string {
	keys := make([]string, 0, len(fe))
	for k := range fe {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(k + ": " + fe[k])
	}
	return b.String()
}
