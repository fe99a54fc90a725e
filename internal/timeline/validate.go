package timeline

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/casetrack/casetrack/internal/catalog"
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
	DetailsInput
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

// Limits of a submission. They keep one timeline small enough to show on a
// phone and keep a single request from storing unbounded data.
const (
	// MaxMilestones is the most milestones one case may have.
	MaxMilestones = 30
	// MaxRepeats is how often rfe and rfe_response may each appear: a case
	// can get more than one request for evidence, but not dozens.
	MaxRepeats = 5
)

// earliestFiling is the first filing month accepted. Earlier dates are
// almost always typing mistakes, and processing times from then say
// nothing about today.
var earliestFiling = Month{Year: 1990, Month: time.January}

// Validate checks a submission against the catalog and returns the case
// (ID and edit key not set; AsOf and Created set to Today(now)) or every
// field error at once, so a form can show them all. All string inputs are
// trimmed; country and service center codes are accepted in any case.
func Validate(cat *catalog.Catalog, s Submission, now time.Time) (*Case, FieldErrors) {
	return ValidateIn(English, cat, s, now)
}

// ValidateIn is Validate with its messages in the reader's language l.
func ValidateIn(l Writer, cat *catalog.Catalog, s Submission, now time.Time) (*Case, FieldErrors) {
	fe := FieldErrors{}
	today := Today(now)
	c := &Case{AsOf: today, Created: today}

	category, catOK := validateCategory(l, cat, s.Category, fe)
	c.Category = category.Code
	c.Country = validateCountry(l, cat, s.Country, fe)
	c.ServiceCenter = validateServiceCenter(l, cat, s.ServiceCenter, fe)
	filed, filedOK := validateFiled(l, s.Filed, today, fe)
	c.Filed = filed

	if len(s.Milestones) > MaxMilestones {
		fe["milestones"] = l.T("forms.milestones.too_many", "Max", l.Count(MaxMilestones), "Sent", l.Count(len(s.Milestones)))
	} else {
		r := milestoneRules{l: l, today: today, floor: earliestFiling}
		if catOK {
			r.category = &category
		}
		if filedOK {
			r.floor, r.floorIsFiled = filed, true
		}
		for i, in := range s.Milestones {
			m, codeErr, dateErr := r.check(c.Milestones, in)
			key := fmt.Sprintf("milestones[%d]", i)
			if codeErr != "" {
				fe[key+".code"] = codeErr
			}
			if dateErr != "" {
				fe[key+".date"] = dateErr
			}
			if codeErr == "" && dateErr == "" {
				c.Milestones = append(c.Milestones, m)
			} else if codeErr == "" {
				// Keep a milestone with a bad date, dateless, so later
				// duplicates of its code are still reported.
				c.Milestones = append(c.Milestones, Milestone{Code: m.Code})
			}
		}
		if catOK {
			sortMilestones(category, c.Milestones)
		}
	}

	dr := detailRules{l: l, today: today}
	if catOK {
		dr.category = &category
	}
	if filedOK {
		dr.filed = filed
	}
	if m, ok := c.Decision(); ok && !m.Date.IsZero() {
		dr.decision = &m.Date
	}
	c.Details = validateDetails(cat, dr, s.DetailsInput, fe)

	note, noteErr := cleanNote(s.Note)
	switch {
	case noteErr == "":
	case l.Code() == English.Code():
		fe["note"] = noteErr
	default:
		fe["note"] = NoteMessage(s.Note, withDigits(l))
	}
	c.Note = note

	if len(fe) > 0 {
		return nil, fe
	}
	return c, nil
}

func validateCategory(l Writer, cat *catalog.Catalog, raw string, fe FieldErrors) (catalog.Category, bool) {
	code := strings.ToLower(strings.TrimSpace(raw))
	if code == "" {
		fe["category"] = l.T("forms.category.missing")
		return catalog.Category{}, false
	}
	c, ok := cat.Category(code)
	if !ok {
		fe["category"] = l.T("forms.category.unknown", "Value", echoIn(l, code))
		return catalog.Category{}, false
	}
	return c, true
}

func validateCountry(l Writer, cat *catalog.Catalog, raw string, fe FieldErrors) string {
	code := strings.ToUpper(strings.TrimSpace(raw))
	if code == "" {
		fe["country"] = l.T("forms.country.missing")
		return ""
	}
	if _, ok := cat.Country(code); !ok {
		fe["country"] = l.T("forms.country.unknown", "Value", echoIn(l, code))
		return ""
	}
	return code
}

func validateServiceCenter(l Writer, cat *catalog.Catalog, raw string, fe FieldErrors) string {
	code := strings.ToUpper(strings.TrimSpace(raw))
	if code == "" {
		return ""
	}
	if _, ok := cat.ServiceCenter(code); !ok {
		fe["service_center"] = l.T("forms.service_center.unknown", "Value", echoIn(l, code))
		return ""
	}
	return code
}

func validateFiled(l Writer, raw string, today time.Time, fe FieldErrors) (Month, bool) {
	s := strings.TrimSpace(raw)
	if s == "" {
		fe["filed"] = l.T("forms.filed.missing")
		return Month{}, false
	}
	m, err := ParseMonth(s)
	switch {
	case err != nil:
		fe["filed"] = parseProblem(l, "forms.parse", err)
	case MonthOf(today).Before(m):
		fe["filed"] = l.T("forms.filed.future")
	case m.Before(earliestFiling):
		fe["filed"] = l.T("forms.filed.too_early", "Month", monthText(l, earliestFiling))
	default:
		return m, true
	}
	return Month{}, false
}

// echo quotes a wrong code for an error message, so the person sees what
// was not understood. It shortens a pasted paragraph, and says "This"
// instead when the value looks like an identifier (a receipt number typed
// into the wrong field), so error messages never carry one.
func echo(s string) string {
	const max = 20
	if CheckNote(s) != nil {
		return "This"
	}
	if utf8.RuneCountInString(s) > max {
		s = string([]rune(s)[:max]) + "…"
	}
	return strconv.Quote(s)
}
