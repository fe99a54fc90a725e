package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/casetrack/casetrack/internal/outlook"
	"github.com/casetrack/casetrack/internal/phrase"
	"github.com/casetrack/casetrack/internal/stats"
	"github.com/casetrack/casetrack/internal/timeline"
)

// The outlook of a case ("where does my case stand?") on the pages and in
// the API. Package outlook reads the request and words the answer; this
// file only wires it in.

// apiOutlook handles GET /api/v1/outlook: the engine's outlook as JSON,
// from the answer cache like the statistics (the key holds the day).
func (s *Server) apiOutlook(w http.ResponseWriter, r *http.Request) error {
	req, fe := outlook.Parse(s.locale(r), s.cat, outlook.FormOf(r.URL.Query()), s.now())
	if fe != nil {
		return errValidation(fe)
	}
	f := stats.Filter{Category: req.Category, Country: req.Country, ServiceCenter: req.ServiceCenter}
	extra := req.Filed.String() + "\x00" + req.AsOf.Format(time.DateOnly)
	return s.writeStatsJSON(w, r, f.Category, s.statsKey("outlook", f, extra), func() (any, error) {
		return s.index.Outlook(req, s.minCases), nil
	})
}

// outlookLink addresses the groups of an outlook's ladder: Explore with
// the group's filters and the same outlook (filing month, and the as-of
// day when it is not today), opened at the outlook.
func (s *Server) outlookLink(req stats.OutlookRequest) outlook.LinkFunc {
	asOfGiven := !req.AsOf.IsZero() && !req.AsOf.Equal(timeline.Today(s.now()))
	return func(f stats.Filter) string {
		q := filterValues(f)
		q.Set(outlook.ParamFiled, req.Filed.String())
		if asOfGiven {
			q.Set(outlook.ParamAsOf, req.AsOf.Format(time.DateOnly))
		}
		return "/explore?" + q.Encode() + "#outlook"
	}
}

// outlookView computes and words the outlook of a case still waiting,
// in the request's language.
func (s *Server) outlookView(r *http.Request, req stats.OutlookRequest) *outlook.View {
	v := outlook.NewView(s.locale(r), s.reference(r), s.index.Outlook(req, s.minCases), s.minCases, s.outlookLink(req))
	return &v
}

// caseOutlook is the outlook of a case as its page and My timeline show
// it, in the request's language: for a pending case, as of the last day
// it was confirmed waiting; for a decided one, how it compares on its
// decision day. Exactly one of the two is set.
func (s *Server) caseOutlook(r *http.Request, c *timeline.Case) (*outlook.View, *outlook.Decided) {
	req, decided := caseOutlookRequest(c)
	if decided {
		dv := outlook.NewDecided(s.locale(r), s.reference(r), s.index.Outlook(req, s.minCases), s.minCases, s.outlookLink(req))
		return nil, &dv
	}
	return s.outlookView(r, req), nil
}

// caseOutlookRequest is the outlook asked for a case: as of its decision
// day when it was decided (decided is then true), else as of the last
// day it was confirmed waiting. The case page and its share card ask the
// same.
func caseOutlookRequest(c *timeline.Case) (req stats.OutlookRequest, decided bool) {
	req = stats.OutlookRequest{Category: c.Category, Country: c.Country, ServiceCenter: c.ServiceCenter, Filed: c.Filed, AsOf: c.AsOf}
	if d, ok := c.Decision(); ok {
		req.AsOf = d.Date.Time()
		return req, true
	}
	return req, false
}

// outlookForm is the "I filed in ... and I am still waiting" form of the
// explore page: the month as typed, and its messages.
type outlookForm struct {
	Filed, AsOf string
	Errors      timeline.FieldErrors
}

// Err returns the message for a field of the form, or "".
func (f *outlookForm) Err(field string) string { return f.Errors[field] }

// params are the form's values for links that keep the outlook asked for.
func (f *outlookForm) params() url.Values {
	q := url.Values{}
	if f.Filed != "" {
		q.Set(outlook.ParamFiled, f.Filed)
	}
	if f.AsOf != "" {
		q.Set(outlook.ParamAsOf, f.AsOf)
	}
	return q
}

// exploreOutlook answers the explore page's outlook form for the group
// the page shows: nil when the form was not sent.
func (s *Server) exploreOutlook(r *http.Request, f stats.Filter) (*outlookForm, *outlook.View) {
	q := r.URL.Query()
	form := &outlookForm{Filed: strings.TrimSpace(q.Get(outlook.ParamFiled)), AsOf: strings.TrimSpace(q.Get(outlook.ParamAsOf))}
	if form.Filed == "" && form.AsOf == "" {
		return form, nil
	}
	req, fe := outlook.Parse(s.locale(r), s.cat, outlook.Form{Category: f.Category, Country: f.Country, ServiceCenter: f.ServiceCenter,
		Filed: form.Filed, AsOf: form.AsOf}, s.now())
	if fe != nil {
		form.Errors = fe
		return form, nil
	}
	return form, s.outlookView(r, req)
}

// widerLink is a wider group offered where a group has too few cases.
type widerLink struct {
	Label, Link, Counts string
}

// widerLinks lists the groups around f that have numbers to show, with
// their sizes, in the request's language, linked to Explore with the
// extra parameters (the outlook asked for): where a group is too small,
// the page is never a dead end. Groups below k are listed too, without a
// size, so the reader sees that widening that way does not help.
func (s *Server) widerLinks(r *http.Request, f stats.Filter, extra url.Values) []widerLink {
	loc, ref := s.locale(r), s.reference(r)
	var out []widerLink
	for _, w := range s.index.Wider(f, s.minCases) {
		q := filterValues(w.Filter)
		for k, v := range extra {
			q[k] = v
		}
		l := widerLink{Label: phrase.GroupIn(loc, ref, w.Filter), Link: "/explore?" + q.Encode(), Counts: loc.T("outlook.too_few_to_show")}
		if !w.Suppressed {
			l.Counts = loc.T("outlook.wider_cases", "Count", w.Cases)
		}
		out = append(out, l)
	}
	return out
}
