package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/i18n"
	"github.com/casetrack/casetrack/internal/phrase"
	"github.com/casetrack/casetrack/internal/sharecard"
	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/timeline"
)

// The share card of a case (package sharecard draws it): the Open Graph
// image a chat or social site shows for a shared case link, and the meta
// tags of the case page that point to it.

// maxCachedCards bounds the cards kept in memory: about 85 KB each, so
// some 22 MB at most, for the cases whose links are being shared now.
const maxCachedCards = 256

// cardCacheControl lets chat previews and shared caches keep a card for
// a quarter of an hour; after that they ask again with the ETag, which
// costs a hash when nothing changed. A moderator's "hide" reaches them
// within that time.
const cardCacheControl = "public, max-age=900"

// cardContentSecurityPolicy is the policy of the card's response. A PNG
// runs nothing; a browser that opens the card on its own shows it in a
// page of its making, which styles the picture inline and loads it from
// here, so that is all the policy allows.
const cardContentSecurityPolicy = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'"

// caseCard handles GET /cases/{id}/card.png. It answers for the cases
// the case page shows (a hidden case is a 404 like its page), and 304
// when the card the client holds is still the current one. The card is
// in the request's language (the case page names its card with its lang
// parameter) when its fonts were found (see sharecard.Speaks), in English
// otherwise; the cache and the ETag tell the languages apart.
func (s *Server) caseCard(w http.ResponseWriter, r *http.Request) error {
	id, err := caseIDFrom(r)
	if err != nil {
		return err
	}
	c, err := s.store.Case(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		s.cards.Forget(id)
	}
	if err != nil {
		return err
	}
	if c.Moderation.State == timeline.ModerationHidden {
		// The card drawn while it was published is dropped the first
		// time it is asked for after a moderator hid it.
		s.cards.Forget(id)
		return errCaseRemoved()
	}
	card := s.shareCard(s.locale(r), c)
	etag := `"` + card.Version() + `"`
	h := w.Header()
	h.Set("Cache-Control", cardCacheControl)
	h.Set("ETag", etag)
	if etagMatch(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	body, _, err := s.cards.PNG(c.ID, card)
	if err != nil {
		return err
	}
	h.Set("Content-Type", "image/png")
	h.Set("Content-Security-Policy", cardContentSecurityPolicy)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
	return nil
}

// shareCard is what the card of a case shows, from the fields the case
// page shows and where the case stands among similar cases, worded as on
// that page, in l's language when the card can be drawn in it (English
// otherwise, names included). It is built field by field so that nothing
// else (the id, the note, the owner, the exact days of the dates) can
// reach the picture.
func (s *Server) shareCard(l *i18n.Locale, c *timeline.Case) sharecard.Card {
	if !sharecard.Speaks(l) {
		l = s.lang.Default()
	}
	ref := s.referenceIn(l)
	v := newCaseView(ref, c)
	card := sharecard.Card{Category: v.Category.Name, Form: v.Category.Form, Country: v.CountryName,
		Filed: c.Filed, Status: v.Status, Days: v.DaysSinceFiled, Locale: l}
	for _, m := range v.Milestones {
		card.Milestones = append(card.Milestones, sharecard.Milestone{Name: m.Name, Day: m.Days, Terminal: m.Terminal})
	}
	req, decided := caseOutlookRequest(c)
	if decided {
		card.Days = c.Filed.DaysSinceFiled(req.AsOf)
	}
	o := s.index.Outlook(req, s.minCases)
	if !o.Suppressed() {
		card.Cohort = sharecard.Cohort{Enough: true, Share: o.DecidedByNow, Group: phrase.GroupIn(l, ref, o.Group())}
		if decided {
			// The share still waiting on its decision day, as the
			// case page's "decided faster than".
			card.Cohort.Share = 1 - o.DecidedByNow
		}
	}
	return card
}

// shareMeta is what the case page's Open Graph and Twitter tags say.
type shareMeta struct {
	Title, Description string
	// URL is the case page's address, Image the card's: absolute, as
	// Open Graph requires.
	URL, Image, ImageAlt string
	Width, Height        int
}

// referenceIn is the reference data named in l's language.
func (s *Server) referenceIn(l *i18n.Locale) *catalog.Catalog {
	if ref, ok := s.refs[l.Code()]; ok {
		return ref
	}
	return s.cat
}

// caseShareMeta words the tags of a case page in the page's language.
// Addresses start with the configured public URL, or without one with
// the scheme and host the request came to, as the Atom feed's do
// (baseURL). The card's address names the language when the card is
// drawn in one other than English, since chats fetch it without the
// reader's cookie or Accept-Language.
func (s *Server) caseShareMeta(r *http.Request, v caseView) *shareMeta {
	base := s.baseURL(r)
	l, ref := s.locale(r), s.reference(r)
	category := refName(ref.Category, v.Category.Code, func(c catalog.Category) string { return c.Name })
	country := refName(ref.Country, v.CountryCode, func(c catalog.Country) string { return c.Name })
	image := base + "/cases/" + v.ID + "/card.png"
	if sharecard.Speaks(l) && l.Code() != i18n.Source {
		image += "?" + url.Values{i18n.Param: {l.Code()}}.Encode()
	}
	return &shareMeta{
		Title: shareTitle(l, category, v),
		Description: l.T("card.meta.description", "Form", v.Category.Form, "Month", monthWords(l, v.Filed),
			"Country", country, "Count", len(v.Milestones)),
		URL: base + "/cases/" + v.ID, Image: image,
		ImageAlt: l.T("card.meta.image_alt", "Category", category),
		Width:    sharecard.Width, Height: sharecard.Height,
	}
}

// shareTitle says the case's category and where it stands: decided after
// how long, or still waiting after how long.
func shareTitle(l *i18n.Locale, category string, v caseView) string {
	for _, m := range v.Milestones {
		if !m.Terminal {
			continue
		}
		id := "card.meta.title_approved"
		if v.Status == timeline.StatusDenied {
			id = "card.meta.title_denied"
		}
		return l.T(id, "Category", category, "Duration", l.Duration(m.Days))
	}
	return l.T("card.meta.title_waiting", "Category", category, "Duration", l.Duration(v.DaysSinceFiled))
}

// monthWords writes a YYYY-MM month as "March 2024" in l's language (as
// given when it does not parse).
func monthWords(l *i18n.Locale, month string) string {
	m, err := timeline.ParseMonth(month)
	if err != nil {
		return month
	}
	return l.MonthYear(m.Mid())
}
