package charts

import (
	"bytes"
	"fmt"
	"math"
	"regexp"
	"strings"
	"sync"
	"unicode"

	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"

	"github.com/casetrack/casetrack/internal/i18n"
)

// Chart text is written in the reader's language, in scripts the chart
// font (Liberation Sans, for its metrics) does not have: Arabic, Persian,
// Devanagari, Chinese. gonum places every label by the width it measures
// in that font, which for those scripts is a guess, and the browser draws
// them in a system font of another width. So each label is anchored where
// its alignment asks (left edge, middle or right edge, SVG's text-anchor)
// instead of at a left edge computed from a width: a centred tick label
// stays centred on its tick whatever font draws it.

// Anchor marks: the text handler prefixes every label with one, and
// finish turns it into the <text> element's text-anchor. They are
// private-use characters, which no message contains.
const (
	markLeft   = '\uE000'
	markCenter = '\uE001'
	markRight  = '\uE002'
)

// anchoredText is gonum's plain text handler, except that it draws each
// line at its anchor with a mark instead of shifting it by its width, and
// estimates the width of scripts the font lacks (for the room gonum
// leaves around labels).
type anchoredText struct{ text.Plain }

// Box implements text.Handler with estimateWidth.
func (h anchoredText) Box(txt string, fnt font.Font) (width, height, depth vg.Length) {
	face := h.Fonts.Lookup(fnt, fnt.Size)
	ext := face.Extents()
	return estimateWidth(face, txt), ext.Ascent, ext.Descent
}

// Draw implements text.Handler, as text.Plain does but with anchors.
func (h anchoredText) Draw(c vg.Canvas, txt string, sty text.Style, pt vg.Point) {
	txt = strings.TrimRight(txt, "\n")
	if txt == "" {
		return
	}
	fnt := h.Fonts.Lookup(sty.Font, sty.Font.Size)
	c.SetColor(sty.Color)
	if sty.Rotation != 0 {
		c.Push()
		defer c.Pop()
		c.Rotate(sty.Rotation)
	}
	sin64, cos64 := math.Sincos(sty.Rotation)
	sin, cos := vg.Length(sin64), vg.Length(cos64)
	pt.X, pt.Y = pt.Y*sin+pt.X*cos, pt.Y*cos-pt.X*sin
	lines := h.Lines(txt)
	pt.Y += sty.Height(txt)*vg.Length(sty.YAlign) - fnt.Extents().Ascent
	for i, line := range lines {
		mark, shift := anchorOf(sty.XAlign)
		at := pt.Add(vg.Point{X: vg.Length(shift) * estimateWidth(fnt, line), Y: vg.Length(len(lines)-i) * sty.Font.Size})
		c.FillString(fnt, at, string(mark)+line)
	}
}

// anchorOf is the anchor mark for an alignment; an alignment between the
// three presets keeps gonum's way, a left edge shifted by a share of the
// width.
func anchorOf(a text.XAlignment) (mark rune, shift float64) {
	switch a {
	case text.XLeft:
		return markLeft, 0
	case text.XCenter:
		return markCenter, 0
	case text.XRight:
		return markRight, 0
	}
	return markLeft, float64(a)
}

// estimateWidth measures txt in face where the face has the glyphs, and
// guesses elsewhere: a full em for Chinese characters, half an em for
// Arabic and Devanagari letters, nothing for combining marks.
func estimateWidth(face font.Face, txt string) vg.Length {
	var width vg.Length
	run := 0 // start of the run of runes the face can measure
	em := face.Font.Size
	for i, r := range txt {
		guess, ok := guessWidth(r)
		if !ok {
			continue
		}
		width += face.Width(txt[run:i]) + vg.Length(guess)*em
		run = i + len(string(r))
	}
	return width + face.Width(txt[run:])
}

// guessWidth is the width in ems of a rune of a script Liberation Sans
// does not cover, ok false for the scripts it does. Arabic-Indic digits
// are as wide as Latin ones, the Arabic percent sign wider; a guess too
// small lets an axis's labels run off the chart's edge.
func guessWidth(r rune) (ems float64, ok bool) {
	switch {
	case unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul),
		r >= 0x3000 && r <= 0x303F, r >= 0xFF00 && r <= 0xFF60:
		return 1, true
	case r == '\u066A': // ٪
		return 0.8, true
	case unicode.IsDigit(r) && r > unicode.MaxASCII:
		return 0.56, true
	case unicode.In(r, unicode.Arabic, unicode.Devanagari) && unicode.Is(unicode.Mn, r):
		return 0, true
	case unicode.In(r, unicode.Arabic, unicode.Devanagari):
		return 0.5, true
	}
	return 0, false
}

// anchored finds a <text> element whose content starts with a mark.
var anchored = regexp.MustCompile("<text ([^>]*)>(\uE000|\uE001|\uE002)")

// anchorText turns the marks into text-anchor attributes. Right-to-left
// text also gets direction="rtl", so that punctuation and numbers at its
// ends take their places in the line; SVG then reads "start" as the right
// edge, so the left and right anchors swap.
func anchorText(svg []byte, rtl bool) []byte {
	return anchored.ReplaceAllFunc(svg, func(m []byte) []byte {
		sub := anchored.FindSubmatch(m)
		var anchor string
		switch []rune(string(sub[2]))[0] {
		case markLeft:
			anchor = "start"
		case markCenter:
			anchor = "middle"
		default:
			anchor = "end"
		}
		dir := ""
		if rtl {
			dir = ` direction="rtl"`
			switch anchor {
			case "start":
				anchor = "end"
			case "end":
				anchor = "start"
			}
		}
		return fmt.Appendf(nil, `<text text-anchor="%s"%s %s>`, anchor, dir, sub[1])
	})
}

// setLang names the language of the chart's words on the root element, so
// a browser picks fonts for it (Chinese characters differ by language).
func setLang(svg []byte, code string) []byte {
	at := bytes.Index(svg, []byte("<svg"))
	if at < 0 || code == "" {
		return svg
	}
	at += len("<svg")
	attr := []byte(fmt.Sprintf(` lang="%s" xml:lang="%s"`, code, code))
	out := make([]byte, 0, len(svg)+len(attr))
	out = append(out, svg[:at]...)
	out = append(out, attr...)
	return append(out, svg[at:]...)
}

// sourceLocale is the source language, for charts built without a Locale.
var sourceLocale = sync.OnceValues(func() (*i18n.Locale, error) {
	c, err := i18n.Load()
	if err != nil {
		return nil, fmt.Errorf("charts: load messages: %w", err)
	}
	return c.Default(), nil
})

// localeOr is l, or English when l is nil.
func localeOr(l *i18n.Locale) (*i18n.Locale, error) {
	if l != nil {
		return l, nil
	}
	return sourceLocale()
}
