package alerts

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/i18n"
	"github.com/casetrack/casetrack/internal/phrase"
	"github.com/casetrack/casetrack/internal/stats"
	"github.com/casetrack/casetrack/internal/timeline"
)

// Group is the group of cases an alert follows: the filters of Explore
// (category, country, service center, filing months) and of the feed
// (which may leave the category open and choose one step).
type Group struct {
	// Category is a catalog code, or "" for every category (a feed
	// filter; the digest then has no median).
	Category string
	Country  string
	// ServiceCenter is a catalog code, stats.NoServiceCenter, or "".
	ServiceCenter      string
	FiledFrom, FiledTo timeline.Month
	// Milestone, when set, is the one step the digest reports (the
	// feed's milestone filter).
	Milestone string
}

// Query parameters of a group's canonical query string: those of
// Explore, and the feed's milestone.
const (
	paramCategory      = "category"
	paramCountry       = "country"
	paramServiceCenter = "service_center"
	paramFiledFrom     = "filed_from"
	paramFiledTo       = "filed_to"
	paramMilestone     = "milestone"
)

// Query is the group's canonical query string, as alerts store it: the
// same group always gives the same string.
func (g Group) Query() string {
	v := url.Values{}
	set := func(k, val string) {
		if val != "" {
			v.Set(k, val)
		}
	}
	set(paramCategory, g.Category)
	set(paramCountry, g.Country)
	set(paramServiceCenter, g.ServiceCenter)
	if !g.FiledFrom.IsZero() {
		v.Set(paramFiledFrom, g.FiledFrom.String())
	}
	if !g.FiledTo.IsZero() {
		v.Set(paramFiledTo, g.FiledTo.String())
	}
	set(paramMilestone, g.Milestone)
	return v.Encode()
}

// ErrGroup is returned (wrapped) for a group that is not one the catalog
// allows.
var ErrGroup = errors.New("not a group of cases")

// ParseGroup reads a canonical query string (Query) back, checking every
// value against the catalog: a stored alert whose group the catalog no
// longer knows is refused rather than guessed at.
func ParseGroup(cat *catalog.Catalog, query string) (Group, error) {
	v, err := url.ParseQuery(query)
	if err != nil {
		return Group{}, fmt.Errorf("%w: %w", ErrGroup, err)
	}
	var g Group
	for k, vals := range v {
		if len(vals) != 1 {
			return Group{}, fmt.Errorf("%w: %s given %d times", ErrGroup, k, len(vals))
		}
		val := vals[0]
		switch k {
		case paramCategory:
			g.Category = val
		case paramCountry:
			g.Country = val
		case paramServiceCenter:
			g.ServiceCenter = val
		case paramFiledFrom, paramFiledTo:
			m, err := timeline.ParseMonth(val)
			if err != nil {
				return Group{}, fmt.Errorf("%w: %s: %w", ErrGroup, k, err)
			}
			if k == paramFiledFrom {
				g.FiledFrom = m
			} else {
				g.FiledTo = m
			}
		case paramMilestone:
			g.Milestone = val
		default:
			return Group{}, fmt.Errorf("%w: unknown parameter %q", ErrGroup, k)
		}
	}
	if err := g.Check(cat); err != nil {
		return Group{}, err
	}
	return g, nil
}

// Check says whether every value of the group is in the catalog, spelled
// as the catalog spells it.
func (g Group) Check(cat *catalog.Catalog) error {
	var c catalog.Category
	if g.Category != "" {
		var ok bool
		if c, ok = cat.Category(g.Category); !ok {
			return fmt.Errorf("%w: unknown category %q", ErrGroup, g.Category)
		}
	}
	if _, ok := cat.Country(g.Country); g.Country != "" && !ok {
		return fmt.Errorf("%w: unknown country %q", ErrGroup, g.Country)
	}
	if _, ok := cat.ServiceCenter(g.ServiceCenter); g.ServiceCenter != "" && g.ServiceCenter != stats.NoServiceCenter && !ok {
		return fmt.Errorf("%w: unknown service center %q", ErrGroup, g.ServiceCenter)
	}
	if !g.FiledFrom.IsZero() && !g.FiledTo.IsZero() && g.FiledTo.Before(g.FiledFrom) {
		return fmt.Errorf("%w: filed_to is before filed_from", ErrGroup)
	}
	if g.Milestone != "" {
		if g.Category != "" {
			if _, ok := c.Milestone(g.Milestone); !ok {
				return fmt.Errorf("%w: %q is not a step of %s", ErrGroup, g.Milestone, g.Category)
			}
		} else if milestoneName(cat, "", g.Milestone) == "" {
			return fmt.Errorf("%w: unknown step %q", ErrGroup, g.Milestone)
		}
	}
	return nil
}

// Filter is the statistics filter of the group (without its step).
func (g Group) Filter() stats.Filter {
	return stats.Filter{Category: g.Category, Country: g.Country, ServiceCenter: g.ServiceCenter,
		FiledFrom: g.FiledFrom, FiledTo: g.FiledTo}
}

// SameMonth is the group of people who filed the same month as c: its
// category, country and filing month.
func SameMonth(c *timeline.Case) Group {
	return Group{Category: c.Category, Country: c.Country, FiledFrom: c.Filed, FiledTo: c.Filed}
}

// Describe names the group in the words of Explore: "EB-2 National
// Interest Waiver cases from India filed in 2024", with the step when
// there is one ("… (approved only)"). It writes English, for the mails.
func (g Group) Describe(cat *catalog.Catalog) string { return g.DescribeIn(phrase.English(), cat) }

// DescribeIn names the group in the reader's language; ref is the
// reference data named in that language.
func (g Group) DescribeIn(l *i18n.Locale, ref *catalog.Catalog) string {
	s := phrase.GroupIn(l, ref, g.Filter())
	if g.Milestone != "" {
		// "Request for evidence (RFE)" reads "(request for evidence only)".
		name, _, _ := strings.Cut(milestoneName(ref, g.Category, g.Milestone), " (")
		if r, size := utf8.DecodeRuneInString(name); size > 0 {
			name = string(unicode.ToLower(r)) + name[size:]
		}
		s = l.T("phrase.only_step", "Group", s, "Step", name)
	}
	return s
}

// milestoneName is the catalog's name of a step, looked up in category
// or, when that is "", in the first category that has it; "" when none
// has.
func milestoneName(cat *catalog.Catalog, category, code string) string {
	for _, c := range cat.Categories {
		if category != "" && c.Code != category {
			continue
		}
		if m, ok := c.Milestone(code); ok {
			return m.Name
		}
	}
	return ""
}

// ExplorePath is the Explore page of the group ("" without a category:
// Explore needs one).
func (g Group) ExplorePath() string {
	if g.Category == "" {
		return ""
	}
	h := g
	h.Milestone = ""
	return "/explore?" + h.Query()
}

// FeedPath is the feed of the group's latest milestones, or "" when the
// feed cannot select exactly the group (a range of filing months, or
// cases without a service center).
func (g Group) FeedPath() string {
	if g.FiledFrom != g.FiledTo || g.ServiceCenter == stats.NoServiceCenter {
		return ""
	}
	v := url.Values{}
	set := func(k, val string) {
		if val != "" {
			v.Set(k, val)
		}
	}
	set(paramCategory, g.Category)
	set(paramCountry, g.Country)
	set(paramServiceCenter, g.ServiceCenter)
	set(paramMilestone, g.Milestone)
	if !g.FiledFrom.IsZero() {
		v.Set("filed", g.FiledFrom.String())
	}
	if len(v) == 0 {
		return "/feed"
	}
	return "/feed?" + v.Encode()
}
