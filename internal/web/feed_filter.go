package web

import (
	"encoding/base64"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/i18n"
	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/timeline"
)

// Feed page sizes: feedPageSize by default, up to feedMaxLimit through the
// API's limit parameter.
const (
	feedPageSize = 20
	feedMaxLimit = 100
)

// feedFilter is a parsed feed request: the filters of API.md, a cursor and
// a page size. Every value is checked against the catalog, so nothing a
// client typed reaches a query or a page unchecked.
type feedFilter struct {
	Category, Country, ServiceCenter, Milestone string
	Filed                                       timeline.Month
	Details                                     feedDetails
	After                                       *store.FeedKey
	Limit                                       int
}

// parseFeedFilter reads the feed's query parameters. An unknown value, a
// malformed month, a filing month before the first possible one or after
// now's, or a cursor this server did not make is a 400 whose message
// says, in l, which filter is wrong: named as the feed's form labels it,
// as Explore's field errors are, since a person reads the message beside
// that form (a program reads the code, bad_request); cursor and limit,
// which no form shows, by their parameter names.
func parseFeedFilter(l *i18n.Locale, cat *catalog.Catalog, q url.Values, now time.Time) (feedFilter, error) {
	f := feedFilter{Limit: feedPageSize}
	var problems []string
	get := func(name string) string { return strings.TrimSpace(q.Get(name)) }
	if v := get("category"); v != "" {
		if _, ok := cat.Category(v); !ok {
			problems = append(problems, l.T("feed.filter.category", "Field", l.T("filter.category"), "Value", quoteParam(v)))
		}
		f.Category = v
	}
	if v := strings.ToUpper(get("country")); v != "" {
		if _, ok := cat.Country(v); !ok {
			problems = append(problems, l.T("feed.filter.country", "Field", l.T("filter.country"), "Value", quoteParam(v)))
		}
		f.Country = v
	}
	if v := strings.ToUpper(get("service_center")); v != "" {
		if _, ok := cat.ServiceCenter(v); !ok {
			problems = append(problems, l.T("feed.filter.center", "Field", l.T("filter.center"), "Value", quoteParam(v)))
		}
		f.ServiceCenter = v
	}
	if v := strings.ToLower(get("milestone")); v != "" {
		if !knownMilestone(cat, f.Category, v) {
			problems = append(problems, milestoneProblem(l, f.Category, v))
		}
		f.Milestone = v
	}
	if v := get("filed"); v != "" {
		m, err := timeline.ParseMonth(v)
		if err != nil {
			problems = append(problems, l.T("feed.filter.filed", "Field", l.T("filter.filed"), "Value", quoteParam(v), "Reason", monthProblem(l, v)))
		} else if out := (*timeline.FilingMonthError)(nil); errors.As(timeline.CheckFilingMonth(m, now), &out) {
			if out.Late {
				problems = append(problems, l.T("feed.filter.filed_late", "Field", l.T("filter.filed"), "Value", quoteParam(v), "This", l.MonthYear(out.Bound.Mid())))
			} else {
				problems = append(problems, l.T("feed.filter.filed_early", "Field", l.T("filter.filed"), "Value", quoteParam(v), "Earliest", l.MonthYear(out.Bound.Mid())))
			}
		}
		f.Filed = m
	}
	f.Details = parseFeedDetails(l, cat, get, &problems)
	if v := get("cursor"); v != "" {
		k, ok := decodeCursor(cat, v)
		if !ok {
			problems = append(problems, l.T("feed.filter.cursor"))
		}
		f.After = k
	}
	if v := get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > feedMaxLimit {
			// Max is a parameter value, typed in Latin digits.
			problems = append(problems, l.T("feed.filter.limit", "Max", l.Digits(feedMaxLimit)))
		}
		f.Limit = n
	}
	if len(problems) > 0 {
		return feedFilter{}, errBadRequest(l.T("feed.filter.not_understood", "Problems", strings.Join(problems, l.T("feed.filter.separator"))))
	}
	return f, nil
}

// milestoneProblem says that code is not a step of the category (of any
// category when none is chosen).
func milestoneProblem(l *i18n.Locale, category, code string) string {
	if category == "" {
		return l.T("feed.filter.milestone_any", "Field", l.T("filter.milestone"), "Value", quoteParam(code))
	}
	return l.T("feed.filter.milestone_of", "Field", l.T("filter.milestone"), "Value", quoteParam(code), "Category", category)
}

// monthProblem says what is wrong with a filing month that does not
// parse, as timeline.ParseMonth does in English.
func monthProblem(l *i18n.Locale, v string) string {
	if len(v) == 7 && v[4] == '-' && allDigits(v[:4]) && allDigits(v[5:]) {
		return l.T("feed.filter.month_range")
	}
	return l.T("feed.filter.month_form")
}

func allDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// knownMilestone reports whether code is a step of the category, or of
// any category when none is chosen.
func knownMilestone(cat *catalog.Catalog, category, code string) bool {
	for _, c := range cat.Categories {
		if category != "" && c.Code != category {
			continue
		}
		if _, ok := c.Milestone(code); ok {
			return true
		}
	}
	return false
}

// quoteParam quotes a parameter value for a message, shortened so an
// error cannot echo a long input back.
func quoteParam(v string) string {
	if len(v) > 40 {
		v = v[:40] + "…"
	}
	return strconv.Quote(v)
}

// values writes the filters (without cursor and limit) as query
// parameters, for links: the next page, the Atom feed, the page itself.
func (f feedFilter) values() url.Values {
	v := url.Values{}
	set := func(k, val string) {
		if val != "" {
			v.Set(k, val)
		}
	}
	set("category", f.Category)
	set("country", f.Country)
	set("service_center", f.ServiceCenter)
	set("milestone", f.Milestone)
	f.Details.set(set)
	if !f.Filed.IsZero() {
		v.Set("filed", f.Filed.String())
	}
	return v
}

// link is path with the filter as its query string (no cursor, no "?"
// when there is no filter).
func (f feedFilter) link(path string) string {
	if v := f.values(); len(v) > 0 {
		return path + "?" + v.Encode()
	}
	return path
}

// query returns the store query of the filter.
func (f feedFilter) query() store.FeedQuery {
	return store.FeedQuery{Category: f.Category, Country: f.Country, ServiceCenter: f.ServiceCenter,
		Milestone: f.Milestone, Filed: f.Filed, After: f.After, Limit: f.Limit,
		Premium: f.Details.Premium, FilingMethod: f.Details.FilingMethod, InterviewOffice: f.Details.InterviewOffice, PDCurrent: f.Details.PDCurrent}
}

// cursorVersion prefixes every cursor, so the format can change later
// without misreading old cursors.
const cursorVersion = "1"

// encodeCursor makes the opaque next_cursor from the last item's key.
// It is not secret (it names a case id and a date that the page shows
// anyway), only opaque, so clients do not build cursors themselves.
func encodeCursor(k store.FeedKey) string {
	raw := cursorVersion + "|" + k.Date + "|" + k.CaseID + "|" + k.Code
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

// decodeCursor parses a cursor made by encodeCursor, checking every part:
// the code must be a step of some category of the catalog.
func decodeCursor(cat *catalog.Catalog, s string) (*store.FeedKey, bool) {
	if len(s) > 200 {
		return nil, false
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, false
	}
	parts := strings.Split(string(b), "|")
	if len(parts) != 4 || parts[0] != cursorVersion {
		return nil, false
	}
	date, err := timeline.ParseApproxDate(parts[1])
	if err != nil || date.String() != parts[1] {
		return nil, false
	}
	if !validCaseID(parts[2]) || !knownMilestone(cat, "", parts[3]) {
		return nil, false
	}
	return &store.FeedKey{Date: parts[1], CaseID: parts[2], Code: parts[3]}, true
}
