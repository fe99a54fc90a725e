// Package sharecard draws the picture a chat or social site shows when
// someone shares the link of a case page (the Open Graph image): a small
// PNG of one anonymous timeline and where it stands among similar cases.
//
// A Card holds only what the public case page already shows, in coarser
// form: no case id and no note (the note is free text), and dates only as
// months. The renderer cannot leak what it is never given.
package sharecard

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	"github.com/casetrack/casetrack/internal/i18n"
	"github.com/casetrack/casetrack/internal/timeline"
)

// Width and Height are the Open Graph image size chats and social sites
// crop previews from (1.91:1).
const (
	Width  = 1200
	Height = 630
)

// layoutVersion changes whenever the drawing changes, so that the cache
// and the ETag of a card change with it.
const layoutVersion = "2"

// Card is everything a card shows.
type Card struct {
	// Category and Form name the category ("EB-2 National Interest
	// Waiver", "I-140"); Country is the country of birth's name.
	Category, Form, Country string
	Filed                   timeline.Month
	// Status is timeline.StatusPending, StatusApproved or StatusDenied.
	Status string
	// Days counts from the filing month's 15th to the decision, or to the
	// last day a pending case was confirmed waiting.
	Days       int
	Milestones []Milestone
	Cohort     Cohort
	// Locale writes the card's sentences. A language the card's fonts
	// cannot draw (see Speaks), or nil, gives an English card; the names
	// above should then be English too.
	Locale *i18n.Locale `json:"-"`
}

// Milestone is one step of the timeline, placed by its days after filing.
type Milestone struct {
	Name     string
	Day      int
	Terminal bool
}

// Cohort is where the case stands among similar cases, as the case page
// says it.
type Cohort struct {
	// Enough is false when no group of similar cases was large enough:
	// the card then says so instead of showing a number.
	Enough bool
	// Share is, for a decided case, the share of similar cases still
	// waiting on the day it was decided ("decided faster than"); for a
	// pending case, the share of similar cases decided within the time it
	// has waited.
	Share float64
	// Group names the similar cases ("EB-2 National Interest Waiver cases
	// from India").
	Group string
}

// Pending reports whether the case has no decision yet.
func (c Card) Pending() bool { return c.Status == timeline.StatusPending }

// Version identifies what a card looks like: equal cards (and the same
// drawing code) have the same version, any change to what it shows gives
// another. It is a hex SHA-256, short enough for an ETag.
func (c Card) Version() string {
	// A Card always encodes: it holds only strings, numbers and bools,
	// and json.Marshal writes struct fields in a fixed order.
	b, _ := json.Marshal(c)
	h := sha256.New()
	h.Write([]byte(layoutVersion + "\x00" + c.Lang() + "\x00"))
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil)[:12])
}
