// Package charts draws CaseTrack's statistics charts as server-side SVG
// with gonum.org/v1/plot, so the explore page shows them without any
// JavaScript and without requests to other hosts.
//
// Inputs are plain structs of numbers (months, shares, counts), not the
// statistics engine's types, so that the drawing code can be tested on its
// own and the engine stays free of presentation concerns. Every chart is
// drawn on a small canvas sized for a phone; the SVG carries a viewBox, so
// the page scales it with CSS (width: 100% on the <img>). Text uses a
// generic sans-serif font stack instead of embedded font data, which keeps
// each SVG at a few kilobytes.
//
// An SVG shown through <img> cannot be read by screen readers beyond its
// alt text, so the page must give every chart alt text and a table of the
// same numbers; the <title> written here helps people who open the image
// on its own.
//
// Every word and number a chart shows is written by an *i18n.Locale (the
// chart's Locale field, English when nil), with the messages of the
// "charts" area (locales/charts/). Layout stays left to right in every
// language, as printed Arabic and Persian charts keep their time axis;
// text.go anchors each label so it reads right in any script.
package charts

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"image/color"
	"math"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/casetrack/casetrack/internal/i18n"
)

// Canvas size in SVG user units (points). A 360-unit-wide chart shown in
// the ~340 px content width of a 375 px phone is scaled by about 0.95, so
// 13-unit tick labels stay at a readable ~12 px; on wider screens the page
// caps the image width.
const (
	canvasWidth  vg.Length = 360 // points
	canvasHeight vg.Length = 260
)

// Font sizes in points.
const (
	labelSize   = 14
	tickSize    = 13
	legendSize  = 13
	messageSize = 18
)

// ErrInvalidInput is wrapped by every error about chart input (NaN,
// negative times, shares outside 0–1, unsorted points).
var ErrInvalidInput = errors.New("invalid chart input")

// Colours from the Okabe-Ito palette, which stays distinguishable for the
// common forms of colour blindness.
var (
	colorBlue      = color.RGBA{R: 0x00, G: 0x72, B: 0xB2, A: 0xFF}
	colorSkyBlue   = color.RGBA{R: 0x56, G: 0xB4, B: 0xE9, A: 0xFF}
	colorVermilion = color.RGBA{R: 0xD5, G: 0x5E, B: 0x00, A: 0xFF}
	// colorVermilionText is a darker vermilion with at least 4.5:1 contrast
	// on white, as small text needs (WCAG AA).
	colorVermilionText = color.RGBA{R: 0xA8, G: 0x4A, B: 0x00, A: 0xFF}
	colorBand          = color.NRGBA{R: 0x00, G: 0x72, B: 0xB2, A: 0x38}
	colorGrid          = color.Gray{Y: 0xDD}
	colorText          = color.Gray{Y: 0x22}
	colorMuted         = color.Gray{Y: 0x55}
)

// sansFont is the face used for metrics while laying out text. gonum names
// it "Liberation Sans" in the SVG; finish widens that to a stack of
// metric-compatible system fonts, so no font data has to be embedded.
var sansFont = font.Font{Typeface: "Liberation", Variant: "Sans"}

// svgFamily is what gonum writes for sansFont, and svgFamilyStack what a
// browser should use instead: Arial and Helvetica have the same metrics as
// Liberation Sans, so labels keep the widths they were laid out with.
const (
	svgFamily      = "font-family:Liberation Sans;"
	svgFamilyStack = "font-family:'Liberation Sans',Arial,Helvetica,sans-serif;"
)

// textHandler lays out plain text (no LaTeX or Markdown) with gonum's
// default font cache, which already holds the Liberation faces, anchoring
// each label (text.go).
func textHandler() text.Handler { return anchoredText{text.Plain{Fonts: font.DefaultCache}} }

// textStyle returns a text style in the chart font.
func textStyle(size vg.Length, c color.Color, xa draw.XAlignment, ya draw.YAlignment) text.Style {
	return text.Style{
		Color:   c,
		Font:    font.From(sansFont, size),
		XAlign:  xa,
		YAlign:  ya,
		Handler: textHandler(),
	}
}

// newPlot returns a plot with CaseTrack's fonts, colours and axis labels
// (messages of l).
func newPlot(l *i18n.Locale, xLabelID, yLabelID string) *plot.Plot {
	p := plot.New()
	p.TextHandler = textHandler()
	p.Title.TextStyle = textStyle(labelSize, colorText, draw.XCenter, draw.YTop)
	for _, ax := range []*plot.Axis{&p.X, &p.Y} {
		ax.Label.TextStyle = textStyle(labelSize, colorText, draw.XCenter, draw.YBottom)
		ax.Tick.Label.Font = font.From(sansFont, tickSize)
		ax.Tick.Label.Color = colorText
		ax.Tick.Label.Handler = textHandler()
		ax.Tick.Length = vg.Points(4)
		ax.LineStyle.Color = colorMuted
		ax.Tick.LineStyle.Color = colorMuted
		ax.Padding = vg.Points(2)
	}
	p.X.Label.Text = l.T(xLabelID)
	p.Y.Label.Text = l.T(yLabelID)
	return p
}

// grid returns light horizontal grid lines at the major ticks.
func grid() *plotter.Grid {
	g := plotter.NewGrid()
	g.Vertical.Color = nil
	g.Horizontal.Color = colorGrid
	g.Horizontal.Width = vg.Points(0.5)
	return g
}

// render draws p on a phone-sized SVG canvas and returns the document.
// gonum reports some impossible layouts by panicking; those are turned into
// errors so that one bad chart cannot take down the request handler.
func render(p *plot.Plot, l *i18n.Locale, title string) (out []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("draw chart %q: %v", title, r)
		}
	}()
	c := vgsvg.New(canvasWidth, canvasHeight)
	p.Draw(draw.New(c))
	return finish(c, l, title)
}

// finish writes the canvas and applies the edits gonum offers no option
// for: the font-family stack, colours that follow the reader's light or
// dark scheme, anchored text in the language's direction, the language,
// and a <title> element.
func finish(c *vgsvg.Canvas, l *i18n.Locale, title string) ([]byte, error) {
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("write svg: %w", err)
	}
	out := bytes.ReplaceAll(buf.Bytes(), []byte(svgFamily), []byte(svgFamilyStack))
	out = themeColors(out)
	out = anchorText(out, l.RTL())
	out = setLang(out, l.Code())
	return addTitle(out, title)
}

// schemeColor is a colour of the palette with its name as a CSS variable
// and the colour it takes in the dark scheme.
type schemeColor struct {
	name  string
	light color.Color
	dark  string
}

// scheme lists every colour the charts draw with. The page shows a chart
// through <img>, which cannot see the page's style sheet; Chromium and
// Firefox still answer prefers-color-scheme inside such an image with the
// page's scheme, so the chart carries its own light and dark palettes
// (the dark one matches style.css) and each colour gonum writes becomes a
// CSS variable of them. The dark colours keep at least 4.5:1 contrast on
// the dark background for text.
var scheme = []schemeColor{
	{"bg", color.White, "#0d1117"},
	{"text", colorText, "#e6edf3"},
	{"muted", colorMuted, "#9da7b3"},
	{"grid", colorGrid, "#30363d"},
	{"blue", colorBlue, "#58a6ff"},
	// The band's colour, its opacity divided out, is a shade off blue.
	{"band", colorBand, "#58a6ff"},
	{"sky", colorSkyBlue, "#56b4e9"},
	{"vermilion", colorVermilion, "#f0883e"},
	{"vermilion-text", colorVermilionText, "#ffa657"},
}

// svgColor is a colour as gonum's SVG canvas writes it in style
// attributes (vgsvg's colorString: alpha divided out, upper-case hex).
func svgColor(c color.Color) string {
	r, g, b, a := c.RGBA()
	if a == 0 {
		return "#000000"
	}
	k := 255.0 / float64(a)
	return fmt.Sprintf("#%02X%02X%02X", int(float64(r)*k), int(float64(g)*k), int(float64(b)*k))
}

// schemeStyle is the <style> element with both palettes.
var schemeStyle = func() []byte {
	var light, dark strings.Builder
	for _, c := range scheme {
		fmt.Fprintf(&light, "--%s:%s;", c.name, svgColor(c.light))
		fmt.Fprintf(&dark, "--%s:%s;", c.name, c.dark)
	}
	return []byte("\n<style>svg{" + light.String() + "}@media (prefers-color-scheme: dark){svg{" + dark.String() + "}}</style>")
}()

// themeColors turns every palette colour in the SVG's style attributes
// into its CSS variable and adds the palettes after the <svg> tag.
func themeColors(svg []byte) []byte {
	for _, c := range scheme {
		svg = bytes.ReplaceAll(svg, []byte(":"+svgColor(c.light)), []byte(":var(--"+c.name+")"))
	}
	at := bytes.Index(svg, []byte("<svg"))
	if at < 0 {
		return svg
	}
	end := bytes.IndexByte(svg[at:], '>')
	if end < 0 {
		return svg
	}
	at += end + 1
	out := make([]byte, 0, len(svg)+len(schemeStyle))
	out = append(out, svg[:at]...)
	out = append(out, schemeStyle...)
	return append(out, svg[at:]...)
}

// addTitle inserts <title> as the first child of the root <svg> element.
func addTitle(svg []byte, title string) ([]byte, error) {
	if title == "" {
		return svg, nil
	}
	start := bytes.Index(svg, []byte("<svg"))
	if start < 0 {
		return nil, errors.New("svg output has no <svg> element")
	}
	end := bytes.IndexByte(svg[start:], '>')
	if end < 0 {
		return nil, errors.New("svg output has an unterminated <svg> element")
	}
	at := start + end + 1
	var t bytes.Buffer
	t.WriteString("\n<title>")
	if err := xml.EscapeText(&t, []byte(title)); err != nil {
		return nil, fmt.Errorf("escape title: %w", err)
	}
	t.WriteString("</title>")
	out := make([]byte, 0, len(svg)+t.Len())
	out = append(out, svg[:at]...)
	out = append(out, t.Bytes()...)
	out = append(out, svg[at:]...)
	return out, nil
}

// NotEnoughData returns an SVG of the chart's size that says "Not enough
// data" in l's language (English when nil) and, below it, note (for
// example "Fewer than 5 cases match these filters."), one line for each
// line of the note. Pages use it wherever a chart would otherwise be
// drawn from too few cases or from nothing at all.
func NotEnoughData(l *i18n.Locale, title, note string) (out []byte, err error) {
	l, err = localeOr(l)
	if err != nil {
		return nil, err
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("draw empty chart %q: %v", title, r)
		}
	}()
	c := vgsvg.New(canvasWidth, canvasHeight)
	dc := draw.New(c)
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	border := draw.LineStyle{Color: colorGrid, Width: vg.Points(1)}
	inset := vg.Points(1)
	r := dc.Rectangle
	dc.StrokeLines(border, []vg.Point{
		{X: r.Min.X + inset, Y: r.Min.Y + inset}, {X: r.Max.X - inset, Y: r.Min.Y + inset},
		{X: r.Max.X - inset, Y: r.Max.Y - inset}, {X: r.Min.X + inset, Y: r.Max.Y - inset},
		{X: r.Min.X + inset, Y: r.Min.Y + inset},
	})
	center := dc.Center()
	dc.FillText(textStyle(messageSize, colorText, draw.XCenter, draw.YCenter),
		vg.Point{X: center.X, Y: center.Y + vg.Points(12)}, l.T("charts.not_enough_data"))
	// Each line of the note goes below the one before.
	for i, line := range strings.Split(strings.TrimSpace(note), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			dc.FillText(textStyle(labelSize, colorMuted, draw.XCenter, draw.YCenter),
				vg.Point{X: center.X, Y: center.Y - vg.Points(14+16*float64(i))}, line)
		}
	}
	if title == "" {
		title = l.T("charts.not_enough_data")
	}
	return finish(c, l, title)
}

// finite reports whether every value is a real number.
func finite(vs ...float64) bool {
	for _, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}
