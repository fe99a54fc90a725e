package i18n

import (
	"golang.org/x/text/language"
)

// CookieName is the cookie that remembers a chosen language. It holds the
// language tag and nothing else.
const CookieName = "lang"

// Param is the URL parameter that picks a language for one link
// ("?lang=es"), so a shared link opens in the language it was shared in.
const Param = "lang"

// Choice is the language of one request and where it came from.
type Choice struct {
	Locale *Locale
	// FromParam is set when the lang URL parameter chose it: the answer
	// then remembers the choice in the cookie.
	FromParam bool
}

// Negotiate picks the language of a request: the lang parameter, then the
// lang cookie, then the Accept-Language header, then the source language.
// A parameter or cookie naming a language not offered is ignored, so an
// old link or cookie never breaks a page.
func (c *Catalog) Negotiate(param, cookie, acceptLanguage string) Choice {
	if l := c.Exact(param); l != nil {
		return Choice{Locale: l, FromParam: true}
	}
	if l := c.Exact(cookie); l != nil {
		return Choice{Locale: l}
	}
	return Choice{Locale: c.Accept(acceptLanguage)}
}

// Exact is the offered language a lang parameter or cookie names, nil for
// anything else. Regional variants match their language ("es-MX" is
// Spanish) but no guess beyond that is made.
func (c *Catalog) Exact(s string) *Locale {
	if s == "" || len(s) > 35 {
		return nil
	}
	tag, err := language.Parse(s)
	if err != nil {
		return nil
	}
	_, i, conf := c.matcher.Match(tag)
	if conf < language.High {
		return nil
	}
	return c.offered[i]
}

// Accept is the offered language that best fits an Accept-Language
// header, the source language when none does or the header is malformed.
func (c *Catalog) Accept(header string) *Locale {
	if header == "" || len(header) > 1024 {
		return c.Default()
	}
	tags, _, err := language.ParseAcceptLanguage(header)
	if err != nil || len(tags) == 0 {
		return c.Default()
	}
	_, i, conf := c.matcher.Match(tags...)
	if conf == language.No {
		return c.Default()
	}
	return c.offered[i]
}
