package web

import (
	"encoding/base64"
	"net/url"
	"strconv"
	"strings"

	"github.com/casetrack/casetrack/internal/catalog"
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
// malformed month or a cursor this server did not make is a 400 whose
// message says which parameter is wrong.
func parseFeedFilter(cat *catalog.Catalog, q url.Values) (feedFilter, error) {
	f := feedFilter{Limit: feedPageSize}
	var problems []string
	get := func(name string) string { return strings.TrimSpace(q.Get(name)) }
	if v := get("category"); v != "" {
		if _, ok := cat.Category(v); !ok {
			problems = append(problems, "category "+quoteParam(v)+" is not a known category")
		}
		f.Category = v
	}
	if v := strings.ToUpper(get("country")); v != "" {
		if _, ok := cat.Country(v); !ok {
			problems = append(problems, "country "+quoteParam(v)+" is not a known country code (ISO 3166-1 alpha-2, for example IN)")
		}
		f.Country = v
	}
	if v := strings.ToUpper(get("service_center")); v != "" {
		if _, ok := cat.ServiceCenter(v); !ok {
			problems = append(problems, "service_center "+quoteParam(v)+" is not a known service center")
		}
		f.ServiceCenter = v
	}
	if v := strings.ToLower(get("milestone")); v != "" {
		if !knownMilestone(cat, f.Category, v) {
			problems = append(problems, "milestone "+quoteParam(v)+" is not a step of "+categoryWord(f.Category))
		}
		f.Milestone = v
	}
	if v := get("filed"); v != "" {
		m, err := timeline.ParseMonth(v)
		if err != nil {
			problems = append(problems, "filed "+quoteParam(v)+": "+err.Error())
		} else if m.Before(timeline.EarliestFiling()) {
			problems = append(problems, "filed "+quoteParam(v)+" is before "+timeline.EarliestFiling().String()+", the earliest filing month; check the year")
		}
		f.Filed = m
	}
	f.Details = parseFeedDetails(cat, get, &problems)
	if v := get("cursor"); v != "" {
		k, ok := decodeCursor(cat, v)
		if !ok {
			problems = append(problems, "cursor is not one this server gave out; start again without it")
		}
		f.After = k
	}
	if v := get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > feedMaxLimit {
			problems = append(problems, "limit must be a whole number from 1 to "+strconv.Itoa(feedMaxLimit))
		}
		f.Limit = n
	}
	if len(problems) > 0 {
		return feedFilter{}, errBadRequest("Feed filter not understood: " + strings.Join(problems, "; ") + ".")
	}
	return f, nil
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

func categoryWord(category string) string {
	if category == "" {
		return "any category"
	}
	return "the category " + category
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
