// Package outlook turns a person's question "where does my case stand?"
// into a stats.OutlookRequest and the engine's answer into plain words:
// one sentence first, a bar that shows where they stand, the group the
// numbers come from and the narrower and wider groups around it. The web
// package only wires it into its pages and the API.
package outlook

import (
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/i18n"
	"github.com/casetrack/casetrack/internal/stats"
	"github.com/casetrack/casetrack/internal/timeline"
)

// The query parameters of an outlook request (GET /api/v1/outlook, and
// the outlook forms of the pages).
const (
	ParamCategory      = "category"
	ParamCountry       = "country"
	ParamServiceCenter = "service_center"
	ParamFiled         = "filed"
	ParamAsOf          = "as_of"
)

// earliestFiling is the first filing month an outlook is asked for, as
// for a submitted case.
var earliestFiling = timeline.Month{Year: 1990, Month: time.January}

// Form is an outlook request as typed, kept so that a form can show it
// again with its errors.
type Form struct {
	Category, Country, ServiceCenter, Filed, AsOf string
}

// FormOf reads the request's parameters from a query string.
func FormOf(q url.Values) Form {
	get := func(k string) string { return strings.TrimSpace(q.Get(k)) }
	return Form{Category: get(ParamCategory), Country: get(ParamCountry), ServiceCenter: get(ParamServiceCenter),
		Filed: get(ParamFiled), AsOf: get(ParamAsOf)}
}

// Query is the canonical query string of a request: the codes as the
// catalog spells them, the as-of day only when it was given.
func Query(req stats.OutlookRequest, asOfGiven bool) url.Values {
	q := url.Values{}
	q.Set(ParamCategory, req.Category)
	if req.Country != "" {
		q.Set(ParamCountry, req.Country)
	}
	if req.ServiceCenter != "" {
		q.Set(ParamServiceCenter, req.ServiceCenter)
	}
	q.Set(ParamFiled, req.Filed.String())
	if asOfGiven {
		q.Set(ParamAsOf, req.AsOf.Format(time.DateOnly))
	}
	return q
}

// Parse checks a form against the catalog and today's date and returns
// the request, or one message per field that needs attention (every
// field at once), in the language of l. Codes are matched without regard
// to case. A missing as-of day means today; "none" as service center
// means not given, since the outlook compares with every case of the
// country when no center is named. What the person typed is quoted as
// typed (codes, YYYY-MM), so they recognise it.
func Parse(l *i18n.Locale, cat *catalog.Catalog, f Form, today time.Time) (stats.OutlookRequest, timeline.FieldErrors) {
	today = timeline.Today(today)
	fe := timeline.FieldErrors{}
	var req stats.OutlookRequest

	switch code := strings.ToLower(f.Category); {
	case code == "":
		fe[ParamCategory] = l.T("outlook.form.category_missing")
	default:
		if _, ok := cat.Category(code); !ok {
			fe[ParamCategory] = l.T("outlook.form.category_unknown", "Code", quote(l, code))
		}
		req.Category = code
	}
	if f.Country != "" {
		code := strings.ToUpper(f.Country)
		if _, ok := cat.Country(code); !ok {
			fe[ParamCountry] = l.T("outlook.form.country_unknown", "Code", quote(l, code))
		}
		req.Country = code
	}
	if f.ServiceCenter != "" && !strings.EqualFold(f.ServiceCenter, stats.NoServiceCenter) {
		code := strings.ToUpper(f.ServiceCenter)
		if _, ok := cat.ServiceCenter(code); !ok {
			fe[ParamServiceCenter] = l.T("outlook.form.center_unknown", "Code", quote(l, code))
		}
		req.ServiceCenter = code
	}

	filedOK := false
	switch m, err := timeline.ParseMonth(f.Filed); {
	case f.Filed == "":
		fe[ParamFiled] = l.T("outlook.form.filed_missing")
	case err != nil && monthShaped(f.Filed):
		fe[ParamFiled] = l.T("outlook.form.filed_month")
	case err != nil:
		fe[ParamFiled] = l.T("outlook.form.filed_form")
	case timeline.MonthOf(today).Before(m):
		fe[ParamFiled] = l.T("outlook.form.filed_future", "Month", m.String())
	case m.Before(earliestFiling):
		fe[ParamFiled] = l.T("outlook.form.filed_too_early", "Month", earliestFiling.String())
	default:
		req.Filed, filedOK = m, true
	}

	req.AsOf = today
	if f.AsOf != "" {
		d, err := time.Parse(time.DateOnly, f.AsOf)
		first := time.Date(req.Filed.Year, req.Filed.Month, 1, 0, 0, 0, 0, time.UTC)
		switch {
		case err != nil || len(f.AsOf) != len(time.DateOnly):
			fe[ParamAsOf] = l.T("outlook.form.as_of_invalid", "Example", today.Format(time.DateOnly))
		case d.After(today):
			fe[ParamAsOf] = l.T("outlook.form.as_of_future", "Day", f.AsOf)
		case filedOK && d.Before(first):
			fe[ParamAsOf] = l.T("outlook.form.as_of_before_filing", "Day", f.AsOf, "Month", req.Filed.String())
		default:
			req.AsOf = d
		}
	}
	if len(fe) > 0 {
		return stats.OutlookRequest{}, fe
	}
	return req, nil
}

// monthShaped reports whether s has the form YYYY-MM in digits, so that
// a month ParseMonth refuses is out of range rather than mistyped.
func monthShaped(s string) bool {
	if len(s) != 7 || s[4] != '-' {
		return false
	}
	for i, r := range s {
		if i != 4 && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}

// quote quotes a wrong code for a message, shortened, so a pasted
// paragraph does not fill the page, and never echoes what looks like an
// identifier (a receipt number typed into the wrong field).
func quote(l *i18n.Locale, s string) string {
	if timeline.CheckNote(s) != nil {
		return l.T("outlook.form.this")
	}
	if utf8.RuneCountInString(s) > 20 {
		s = string([]rune(s)[:20]) + "…"
	}
	return strconv.Quote(s)
}
