package timeline

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
)

// Values of the optional details that split a category's waits into the
// groups that really differ (DESIGN.md, "What is collected").
const (
	// PremiumRegular: regular processing throughout.
	PremiumRegular = "regular"
	// PremiumFromFiling: premium processing requested with the filing.
	PremiumFromFiling = "premium"
	// PremiumUpgraded: filed regular, upgraded to premium later
	// (Details.UpgradeDay days after filing).
	PremiumUpgraded = "upgraded"

	FiledOnline = "online"
	FiledPaper  = "paper"

	// The applicant's own statement: was the priority date current (in
	// the visa bulletin chart USCIS used) when the I-485 was filed?
	PDCurrentYes     = "yes"
	PDCurrentNo      = "no"
	PDCurrentUnknown = "unknown"
)

// PremiumKinds, FilingMethods and PDCurrentAnswers list each detail's
// values in the order pickers and breakdowns show them.
var (
	PremiumKinds     = []string{PremiumRegular, PremiumFromFiling, PremiumUpgraded}
	FilingMethods    = []string{FiledOnline, FiledPaper}
	PDCurrentAnswers = []string{PDCurrentYes, PDCurrentNo, PDCurrentUnknown}
)

// Details are the optional facts of a case that decide which wait it is
// in: premium processing, how it was filed, the field office that decides
// it, and for an adjustment of status the priority date that the visa
// bulletin compares. Each is empty (zero) when not given, and only given
// for categories where it applies (catalog.Category flags).
type Details struct {
	Premium string // "", or one of PremiumKinds
	// UpgradeDay is how many days after filing a case was upgraded to
	// premium processing; set only when Premium is PremiumUpgraded. It
	// counts from the filing month's 15th, as every duration does.
	UpgradeDay      int
	FilingMethod    string // "", FiledOnline or FiledPaper
	InterviewOffice string // a catalog field office code, or ""
	// PriorityDate is month-only, like the filing date; zero when not
	// given.
	PriorityDate Month
	// Chargeability is the ISO code of the country whose visa numbers
	// the applicant is charged to (usually the country of birth).
	Chargeability string
	PDCurrent     string // "", or one of PDCurrentAnswers
}

// IsZero reports whether no detail was given.
func (d Details) IsZero() bool { return d == Details{} }

// DetailsInput is the details as submitted; the JSON field names are the
// API's (API.md). It is embedded in Submission and in import rows, so its
// fields sit beside the others.
type DetailsInput struct {
	Premium string `json:"premium,omitempty"`
	// PremiumUpgradeDay is required for, and only accepted with, premium
	// "upgraded".
	PremiumUpgradeDay *int `json:"premium_upgrade_day,omitempty"`
	// PremiumUpgradeDayText is the upgrade day as a form or a CSV cell
	// gives it, read with ParseUpgradeDay when PremiumUpgradeDay is nil.
	PremiumUpgradeDayText string `json:"-"`

	FilingMethod        string `json:"filing_method,omitempty"`
	InterviewOffice     string `json:"interview_office,omitempty"`
	PriorityDate        string `json:"priority_date,omitempty"`
	Chargeability       string `json:"chargeability,omitempty"`
	PriorityDateCurrent string `json:"priority_date_current,omitempty"`
}

// Input is the details in the form a submission gives them, so that a
// stored case can be submitted again (owner edit, export, import).
func (d Details) Input() DetailsInput {
	in := DetailsInput{Premium: d.Premium, FilingMethod: d.FilingMethod, InterviewOffice: d.InterviewOffice,
		Chargeability: d.Chargeability, PriorityDateCurrent: d.PDCurrent}
	if d.Premium == PremiumUpgraded {
		n := d.UpgradeDay
		in.PremiumUpgradeDay = &n
	}
	if !d.PriorityDate.IsZero() {
		in.PriorityDate = d.PriorityDate.String()
	}
	return in
}

// Details field names, as FieldErrors keys.
const (
	FieldPremium           = "premium"
	FieldPremiumUpgradeDay = "premium_upgrade_day"
	FieldFilingMethod      = "filing_method"
	FieldInterviewOffice   = "interview_office"
	FieldPriorityDate      = "priority_date"
	FieldChargeability     = "chargeability"
	FieldPDCurrent         = "priority_date_current"
)

// earliestPriorityDate is the first priority date accepted: the oldest
// family-preference dates still waiting in the visa bulletin are from the
// early 2000s, so anything before this is a typing mistake.
var earliestPriorityDate = Month{Year: 1975, Month: time.January}

// detailRules is what details are checked against: the category (nil when
// it was invalid, so applicability is not checked), the filing month (zero
// when invalid), the decision among the valid milestones, and today.
type detailRules struct {
	l        Writer
	category *catalog.Category
	filed    Month
	decision *ApproxDate
	today    time.Time
}

// validateDetails checks the details and adds a message per bad field to
// fe.
func validateDetails(cat *catalog.Catalog, r detailRules, in DetailsInput, fe FieldErrors) Details {
	var d Details
	l := r.l
	// notFor reports (once per field) a detail given for a category it
	// does not apply to.
	notFor := func(field, id string, applies func(catalog.Category) bool) bool {
		if r.category == nil || applies(*r.category) {
			return false
		}
		fe[field] = l.T(id, "Category", categoryName(l, *r.category))
		return true
	}

	premium := strings.ToLower(strings.TrimSpace(in.Premium))
	if premium == "none" {
		premium = PremiumRegular
	}
	switch {
	case premium == "":
	case notFor(FieldPremium, "forms.detail.premium.not_for", func(c catalog.Category) bool { return c.Premium }):
	case !oneOf(premium, PremiumKinds):
		fe[FieldPremium] = l.T("forms.detail.premium.unknown", "Value", echoIn(l, premium))
	default:
		d.Premium = premium
	}
	day := in.PremiumUpgradeDay
	if day == nil {
		n, err := ParseUpgradeDay(in.PremiumUpgradeDayText)
		if err != nil {
			fe[FieldPremiumUpgradeDay] = l.T("forms.detail.upgrade_day.form")
		}
		day = n
	}
	switch {
	case fe[FieldPremiumUpgradeDay] != "":
	case day == nil:
		if d.Premium == PremiumUpgraded {
			fe[FieldPremiumUpgradeDay] = l.T("forms.detail.upgrade_day.missing")
		}
	case premium != PremiumUpgraded:
		fe[FieldPremiumUpgradeDay] = l.T("forms.detail.upgrade_day.not_upgraded")
	case *day < 0:
		fe[FieldPremiumUpgradeDay] = l.T("forms.detail.upgrade_day.negative")
	case d.Premium == PremiumUpgraded:
		d.UpgradeDay = *day
		if msg := r.checkUpgrade(d.UpgradeDay); msg != "" {
			fe[FieldPremiumUpgradeDay] = msg
		}
	}

	method := strings.ToLower(strings.TrimSpace(in.FilingMethod))
	switch {
	case method == "":
	case notFor(FieldFilingMethod, "forms.detail.filing_method.not_for", func(c catalog.Category) bool { return c.OnlineFiling }):
	case !oneOf(method, FilingMethods):
		fe[FieldFilingMethod] = l.T("forms.detail.filing_method.unknown", "Value", echoIn(l, method))
	default:
		d.FilingMethod = method
	}

	office := strings.ToUpper(strings.TrimSpace(in.InterviewOffice))
	switch {
	case office == "":
	case notFor(FieldInterviewOffice, "forms.detail.interview_office.not_for", func(c catalog.Category) bool { return c.FieldOffice }):
	default:
		if _, ok := cat.FieldOffice(office); !ok {
			fe[FieldInterviewOffice] = l.T("forms.detail.interview_office.unknown", "Value", echoIn(l, office))
		} else {
			d.InterviewOffice = office
		}
	}

	pdApplies := func(c catalog.Category) bool { return c.PriorityDate }
	pd := strings.TrimSpace(in.PriorityDate)
	if pd != "" && !notFor(FieldPriorityDate, "forms.detail.priority_date.not_for", pdApplies) {
		d.PriorityDate = r.checkPriorityDate(pd, fe)
	}
	charge := strings.ToUpper(strings.TrimSpace(in.Chargeability))
	if charge != "" && !notFor(FieldChargeability, "forms.detail.chargeability.not_for", pdApplies) {
		if _, ok := cat.Country(charge); !ok {
			fe[FieldChargeability] = l.T("forms.detail.chargeability.unknown", "Value", echoIn(l, charge))
		} else {
			d.Chargeability = charge
		}
	}
	current := strings.ToLower(strings.TrimSpace(in.PriorityDateCurrent))
	switch current {
	case "don't know", "dont-know", "dont_know":
		current = PDCurrentUnknown
	}
	switch {
	case current == "":
	case notFor(FieldPDCurrent, "forms.detail.pd_current.not_for", pdApplies):
	case !oneOf(current, PDCurrentAnswers):
		fe[FieldPDCurrent] = l.T("forms.detail.pd_current.unknown", "Value", echoIn(l, current))
	default:
		d.PDCurrent = current
	}
	return d
}

// checkUpgrade refuses an upgrade day that cannot be right: after today,
// or after the decision. The filing day is not known, so the upgrade is
// refused only when it falls after them even counted from the first day
// of the filing month.
func (r detailRules) checkUpgrade(n int) string {
	if r.filed.IsZero() {
		return ""
	}
	earliest := time.Date(r.filed.Year, r.filed.Month, 1+n, 0, 0, 0, 0, time.UTC)
	if r.decision != nil {
		last := r.decision.Time()
		if r.decision.MonthOnly() {
			last = time.Date(r.decision.Year, r.decision.Month+1, 0, 0, 0, 0, 0, time.UTC)
		}
		if earliest.After(last) {
			return r.l.T("forms.detail.upgrade_day.after_decision", "Count", n, "Date", dateText(r.l, *r.decision))
		}
	}
	if earliest.After(r.today) {
		return r.l.T("forms.detail.upgrade_day.future", "Count", n)
	}
	return ""
}

// checkPriorityDate parses a priority date: month only, not before
// earliestPriorityDate and not after the filing month (the petition that
// sets it is filed before or with the adjustment).
func (r detailRules) checkPriorityDate(s string, fe FieldErrors) Month {
	l := r.l
	if len(s) == 10 {
		if _, err := ParseApproxDate(s); err == nil {
			fe[FieldPriorityDate] = l.T("forms.priority_date.day_given", "Month", s[:7])
			return Month{}
		}
	}
	m, err := ParseMonth(s)
	switch {
	case err != nil:
		fe[FieldPriorityDate] = parseProblem(l, "forms.priority_date", err)
	case !r.filed.IsZero() && r.filed.Before(m):
		fe[FieldPriorityDate] = l.T("forms.priority_date.after_filing", "Date", monthText(l, m), "Filed", monthText(l, r.filed))
	case MonthOf(r.today).Before(m):
		fe[FieldPriorityDate] = l.T("forms.priority_date.future")
	case m.Before(earliestPriorityDate):
		fe[FieldPriorityDate] = l.T("forms.priority_date.too_early", "Month", monthText(l, earliestPriorityDate))
	default:
		return m
	}
	return Month{}
}

func oneOf(s string, list []string) bool {
	for _, v := range list {
		if s == v {
			return true
		}
	}
	return false
}

// ParseUpgradeDay reads the upgrade day as a form sends it: a whole
// number of days, spaces and a trailing "days" allowed. An empty string is
// no value.
func ParseUpgradeDay(s string) (*int, error) {
	s = strings.TrimSpace(strings.ToLower(s))
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(s, "days"), "day"))
	if s == "" {
		return nil, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || len(s) > 6 {
		return nil, fmt.Errorf("enter a whole number of days, for example 45")
	}
	return &n, nil
}

// SetDetails replaces a stored case's details with in, checked against the
// case's category, filing month and decision as Validate checks them; on
// an error the case is left as it was.
func SetDetails(cat *catalog.Catalog, c *Case, in DetailsInput, now time.Time) FieldErrors {
	return SetDetailsIn(English, cat, c, in, now)
}

// SetDetailsIn is SetDetails with its messages in the reader's language l.
func SetDetailsIn(l Writer, cat *catalog.Catalog, c *Case, in DetailsInput, now time.Time) FieldErrors {
	r := detailRules{l: l, filed: c.Filed, today: Today(now)}
	if category, ok := cat.Category(c.Category); ok {
		r.category = &category
	}
	if m, ok := c.Decision(); ok && !m.Date.IsZero() {
		r.decision = &m.Date
	}
	fe := FieldErrors{}
	d := validateDetails(cat, r, in, fe)
	if len(fe) > 0 {
		return fe
	}
	c.Details = d
	return nil
}

// upgradeBefore checks a decision added to a case upgraded to premium
// processing: the upgrade must not come after it. It returns the message
// for the milestone's date, or "".
func upgradeBefore(l Writer, c *Case, m Milestone) string {
	if c.Details.Premium != PremiumUpgraded || !IsTerminal(m.Code) {
		return ""
	}
	r := detailRules{l: l, filed: c.Filed, decision: &m.Date, today: m.Date.Time().AddDate(1, 0, 0)}
	if r.checkUpgrade(c.Details.UpgradeDay) == "" {
		return ""
	}
	return l.T("forms.detail.upgrade_day.after_this_date", "Count", c.Details.UpgradeDay)
}
