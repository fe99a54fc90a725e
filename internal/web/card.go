package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/casetrack/casetrack/internal/phrase"
	"github.com/casetrack/casetrack/internal/sharecard"
	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/timeline"
	"github.com/casetrack/casetrack/internal/units"
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
// when the card the client holds is still the current one.
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
	card := s.shareCard(c)
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
// that page. It is built field by field so that nothing else (the id, the
// note, the owner, the exact days of the dates) can reach the picture.
func (s *Server) shareCard(c *timeline.Case) sharecard.Card {
	v := newCaseView(s.cat, c)
	card := sharecard.Card{Category: v.Category.Name, Form: v.Category.Form, Country: v.CountryName,
		Filed: c.Filed, Status: v.Status, Days: v.DaysSinceFiled}
	for _, m := range v.Milestones {
		card.Milestones = append(card.Milestones, sharecard.Milestone{Name: m.Name, Day: m.Days, Terminal: m.Terminal})
	}
	req, decided := caseOutlookRequest(c)
	if decided {
		card.Days = c.Filed.DaysSinceFiled(req.AsOf)
	}
	o := s.index.Outlook(req, s.minCases)
	if !o.Suppressed() {
		card.Cohort = sharecard.Cohort{Enough: true, Share: o.DecidedByNow, Group: phrase.Group(s.cat, o.Group())}
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

// caseShareMeta words the tags of a case page. Addresses start with the
// configured public URL, or without one with the scheme and host the
// request came to, as the Atom feed's do (baseURL).
func (s *Server) caseShareMeta(r *http.Request, v caseView) *shareMeta {
	base := s.baseURL(r)
	status := "still waiting after " + units.Duration(v.DaysSinceFiled)
	for _, m := range v.Milestones {
		if m.Terminal {
			status = strings.ToLower(v.StatusLabel()) + " after " + units.Duration(m.Days)
			break
		}
	}
	title := v.Category.Name + ": " + status
	desc := "Anonymous " + v.Category.Form + " timeline: filed " + monthWords(v.Filed) + ", born in " + v.CountryName + ", " +
		plural(len(v.Milestones), "1 milestone", strconv.Itoa(len(v.Milestones))+" milestones") + ". How it compares with similar cases on CaseTrack."
	return &shareMeta{
		Title: title, Description: desc,
		URL: base + "/cases/" + v.ID, Image: base + "/cases/" + v.ID + "/card.png",
		ImageAlt: "Timeline of an anonymous " + v.Category.Name + " case and where it stands among similar cases.",
		Width:    sharecard.Width, Height: sharecard.Height,
	}
}

// monthWords writes a YYYY-MM month as "March 2024" (as given when it
// does not parse).
func monthWords(month string) string {
	m, err := timeline.ParseMonth(month)
	if err != nil {
		return month
	}
	return phrase.Month(m)
}
