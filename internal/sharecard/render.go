package sharecard

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"time"

	"golang.org/x/image/vector"

	"github.com/casetrack/casetrack/internal/timeline"
)

// The card is dark text on a light ground, laid out for 1200×630 and
// still readable where a chat shows it 300 pixels wide: the title, the
// status and the cohort sentence are large; the timeline's labels are
// detail for those who open the image.
var (
	colBackground = color.RGBA{0xff, 0xff, 0xff, 0xff}
	colBand       = color.RGBA{0x1d, 0x4e, 0xd8, 0xff} // the site's link blue
	colText       = color.RGBA{0x11, 0x18, 0x27, 0xff}
	colMuted      = color.RGBA{0x4b, 0x55, 0x63, 0xff}
	colAxis       = color.RGBA{0x9c, 0xa3, 0xaf, 0xff}
	colDot        = color.RGBA{0x1d, 0x4e, 0xd8, 0xff}
	colRule       = color.RGBA{0xe5, 0xe7, 0xeb, 0xff}
)

// statusColors are the status badge's text and ground.
var statusColors = map[string][2]color.RGBA{
	timeline.StatusApproved: {{0x14, 0x53, 0x2d, 0xff}, {0xdc, 0xfc, 0xe7, 0xff}},
	timeline.StatusDenied:   {{0x7f, 0x1d, 0x1d, 0xff}, {0xfe, 0xe2, 0xe2, 0xff}},
	timeline.StatusPending:  {{0x78, 0x35, 0x0f, 0xff}, {0xfe, 0xf3, 0xc7, 0xff}},
}

// statusColorsOf are the colours of a status, those of pending for one
// the card does not know.
func statusColorsOf(status string) [2]color.RGBA {
	if c, ok := statusColors[status]; ok {
		return c
	}
	return statusColors[timeline.StatusPending]
}

const (
	margin = 64
	// axisY is the timeline's baseline; labels stack above it in rows.
	axisY     = 432
	labelRows = 3
)

// canvas is one card being drawn.
type canvas struct {
	img *image.RGBA
	ts  *typesetter
	// drawn is every line of text drawn, in order, for tests to read.
	drawn []drawnLine
}

// Text sizes of the card, in pixels.
var (
	styleBrand    = style{size: 26}
	styleSubtitle = style{size: 32}
	styleBadge    = style{bold: true, size: 44}
	styleCohort   = style{bold: true, size: 40}
	styleGroup    = style{size: 24}
	styleLabel    = style{size: 24}
	styleTerminal = style{bold: true, size: 24}
	styleMonth    = style{size: 22}
)

// Render draws the card as a PNG of Width×Height. The same card always
// gives the same bytes.
func Render(c Card) ([]byte, error) {
	cv, err := render(c)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	// Fastest compression: on a card it is 5 times quicker than the
	// default for a file about 5% larger.
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, cv.img); err != nil {
		return nil, fmt.Errorf("encode card: %w", err)
	}
	return buf.Bytes(), nil
}

// render draws the card on a canvas.
func render(c Card) (*canvas, error) {
	l := c.locale()
	ts, err := newTypesetter(l.Code(), l.RTL())
	if err != nil {
		return nil, err
	}
	defer ts.release()
	cv := &canvas{img: image.NewRGBA(image.Rect(0, 0, Width, Height)), ts: ts}
	cv.draw(c)
	return cv, nil
}

// textWidth is the width of the card's text column.
const textWidth = Width - 2*margin

// paragraph draws s in at most lines lines of the text column, the
// first baseline at y, from the left margin or, in a language written
// from the right, to the right margin.
func (cv *canvas) paragraph(s string, st style, y, lines, lineHeight int, col color.RGBA) {
	for i, l := range cv.ts.layout(s, st, textWidth, lines) {
		cv.drawLine(l, cv.startX(l.px(), 0), y+i*lineHeight, col)
	}
}

// startX is where a line of width w begins when it starts indent pixels
// inside the margin on the side the language starts from.
func (cv *canvas) startX(w, indent int) int {
	if cv.ts.rtl() {
		return Width - margin - indent - w
	}
	return margin + indent
}

func (cv *canvas) draw(c Card) {
	draw.Draw(cv.img, cv.img.Bounds(), image.NewUniform(colBackground), image.Point{}, draw.Src)
	cv.rect(image.Rect(0, 0, Width, 12), colBand)

	cv.paragraph(c.brandText(), styleBrand, 66, 1, 0, colMuted)

	cv.paragraph(c.Category, cv.titleStyle(c.Category), 138, 1, 0, colText)
	cv.paragraph(c.Subtitle(), styleSubtitle, 190, 1, 0, colMuted)

	// The status badge.
	colors := statusColorsOf(c.Status)
	status := cv.ts.line(c.StatusText(), styleBadge, textWidth-48)
	left := cv.startX(status.px()+48, 0)
	cv.roundRect(left, 216, left+status.px()+48, 216+72, 36, colors[1])
	cv.drawLine(status, left+24, 216+52, colors[0])

	cv.timeline(c)

	cv.rect(image.Rect(margin, 496, Width-margin, 498), colRule)
	cv.paragraph(c.CohortText(), styleCohort, 546, 1, 0, colText)
	// The group is named in full, as on the case page: it may take two
	// lines.
	cv.paragraph(c.GroupText(), styleGroup, 582, 2, 30, colMuted)
}

// titleStyle is the largest title size, from 60 down to 40 pixels, at
// which the category fits on one line.
func (cv *canvas) titleStyle(category string) style {
	st := style{bold: true, size: 60}
	for st.size > 40 && cv.ts.measure(category, st) > textWidth {
		st.size -= 4
	}
	return st
}

// timeline draws the milestones on a line from filing to the decision
// (or to the last day the case was confirmed waiting), with the months
// below it.
func (cv *canvas) timeline(c Card) {

	// The scale runs from the earliest point (a receipt may predate the
	// filing month's 15th) to the latest, with room for the dots.
	first, last := 0, max(c.Days, 1)
	for _, m := range c.Milestones {
		first, last = min(first, m.Day), max(last, m.Day)
	}
	last = max(last, first+30)
	x0, x1 := float64(margin+12), float64(Width-margin-12)
	xOf := func(day int) float64 { return x0 + (x1-x0)*float64(day-first)/float64(last-first) }

	// The axis: solid up to the last known step, dashed to "still waiting".
	lastStep := 0
	for _, m := range c.Milestones {
		lastStep = max(lastStep, m.Day)
	}
	if !c.Pending() {
		lastStep = max(lastStep, c.Days)
	}
	cv.rect(image.Rect(int(xOf(first)), axisY-2, int(xOf(lastStep))+1, axisY+2), colAxis)
	if c.Pending() {
		for x := xOf(lastStep); x < xOf(c.Days); x += 18 {
			cv.rect(image.Rect(int(x), axisY-2, int(min(x+10, xOf(c.Days))), axisY+2), colAxis)
		}
	}

	cv.monthTicks(c, first, last, xOf)

	// Dots and their labels. Each label takes the lowest row where it
	// does not overlap the label before it; one that fits nowhere is left
	// out (its dot stays).
	type point struct {
		day   int
		name  string
		bold  bool
		color color.RGBA
		open  bool
	}
	points := []point{{day: 0, name: c.filedLabel(), color: colAxis}}
	for _, m := range c.Milestones {
		p := point{day: m.Day, name: m.Name, color: colDot}
		if m.Terminal {
			p.bold, p.color = true, statusColorsOf(c.Status)[0]
		}
		points = append(points, p)
	}
	if c.Pending() {
		// The last day it was confirmed waiting, which may be a while
		// ago: its month says so.
		asOf := c.Filed.Mid().AddDate(0, 0, c.Days)
		points = append(points, point{day: c.Days, name: c.waitingLabel(asOf), bold: true, color: statusColors[timeline.StatusPending][0], open: true})
	}
	var rowEnd [labelRows]int
	for i := range rowEnd {
		rowEnd[i] = -1 << 30
	}
	for _, p := range points {
		x := xOf(p.day)
		cv.circle(x, axisY, 11, p.color)
		if p.open {
			cv.circle(x, axisY, 6, colBackground)
		}
		st := styleLabel
		if p.bold {
			st = styleTerminal
		}
		name := cv.ts.line(p.name, st, Width/3)
		w := name.px()
		left := min(max(int(x)-w/2, margin), Width-margin-w)
		for row := range labelRows {
			if left > rowEnd[row]+16 {
				y := axisY - 26 - row*34
				cv.drawLine(name, left, y, colText)
				rowEnd[row] = left + w
				break
			}
		}
	}
}

// monthTicks marks month starts under the axis and labels as many of
// them as fit: every month, or every 2, 3, 6 or 12 months.
func (cv *canvas) monthTicks(c Card, first, last int, xOf func(int) float64) {
	mid := c.Filed.Mid()
	day := func(t time.Time) int { return timeline.DaysBetween(mid, t) }
	t0 := mid.AddDate(0, 0, first)
	start := time.Date(t0.Year(), t0.Month(), 1, 0, 0, 0, 0, time.UTC)
	var ticks []time.Time
	for t := start; day(t) <= last; t = t.AddDate(0, 1, 0) {
		if day(t) >= first {
			ticks = append(ticks, t)
		}
	}
	// Labels name the month ("May", "May 2024" in January and first), or
	// only the year once they are 12 months or more apart.
	step := 120
	perMonth := (xOf(last) - xOf(first)) / float64(max(last-first, 1)) * 30.44
	sample := time.Date(2024, time.May, 1, 0, 0, 0, 0, time.UTC)
	for _, s := range []int{1, 2, 3, 6, 12, 24, 60} {
		widest := cv.ts.measure(c.monthTick(sample, true), styleMonth)
		if s >= 12 {
			widest = cv.ts.measure(c.yearTick(sample), styleMonth)
		}
		if perMonth*float64(s) >= float64(widest+24) {
			step = s
			break
		}
	}
	// Every month gets a tick while they are at least 8 pixels apart;
	// beyond that only the labelled ones do.
	everyMonth := perMonth >= 8
	labelled, end := 0, -1<<30
	for _, t := range ticks {
		x := int(xOf(day(t)))
		label := (t.Year()*12+int(t.Month())-1)%step == 0
		if label || everyMonth {
			cv.rect(image.Rect(x-1, axisY+8, x+1, axisY+18), colAxis)
		}
		if !label {
			continue
		}
		text := c.monthTick(t, false)
		switch {
		case step >= 12:
			text = c.yearTick(t)
		case t.Month() == time.January || labelled == 0:
			text = c.monthTick(t, true)
		}
		line := cv.ts.line(text, styleMonth, Width)
		w := line.px()
		left := min(max(x-w/2, margin), Width-margin-w)
		if left < end+16 {
			continue
		}
		cv.drawLine(line, left, axisY+46, colMuted)
		labelled, end = labelled+1, left+w
	}
}

// rect fills a pixel-aligned rectangle.
func (cv *canvas) rect(r image.Rectangle, col color.RGBA) {
	draw.Draw(cv.img, r, image.NewUniform(col), image.Point{}, draw.Over)
}

// shape fills the path build adds, anti-aliased, within bounds: the
// rasterizer is only as large as the shape, which keeps small shapes
// cheap, and its memory is reused from shape to shape.
func (cv *canvas) shape(bounds image.Rectangle, col color.RGBA, build func(z *vector.Rasterizer, dx, dy float32)) {
	bounds = bounds.Intersect(cv.img.Bounds())
	if bounds.Empty() {
		return
	}
	z := cv.ts.kit.rasterizer(bounds.Dx(), bounds.Dy())
	build(z, float32(-bounds.Min.X), float32(-bounds.Min.Y))
	z.Draw(cv.img, bounds, image.NewUniform(col), image.Point{})
}

// kappa places the control points of a cubic Bézier quarter circle.
const kappa = 0.5522847

// circle fills a circle of radius r around (cx, cy).
func (cv *canvas) circle(cx, cy, r float64, col color.RGBA) {
	b := image.Rect(int(cx-r)-1, int(cy-r)-1, int(cx+r)+2, int(cy+r)+2)
	cv.shape(b, col, func(z *vector.Rasterizer, dx, dy float32) {
		x, y, rr, k := float32(cx)+dx, float32(cy)+dy, float32(r), float32(r*kappa)
		z.MoveTo(x+rr, y)
		z.CubeTo(x+rr, y+k, x+k, y+rr, x, y+rr)
		z.CubeTo(x-k, y+rr, x-rr, y+k, x-rr, y)
		z.CubeTo(x-rr, y-k, x-k, y-rr, x, y-rr)
		z.CubeTo(x+k, y-rr, x+rr, y-k, x+rr, y)
		z.ClosePath()
	})
}

// roundRect fills a rectangle with corners of radius r.
func (cv *canvas) roundRect(x0, y0, x1, y1, r int, col color.RGBA) {
	cv.shape(image.Rect(x0, y0, x1, y1), col, func(z *vector.Rasterizer, dx, dy float32) {
		l, t, rt, b := float32(x0)+dx, float32(y0)+dy, float32(x1)+dx, float32(y1)+dy
		rr := float32(r)
		k := rr * kappa
		z.MoveTo(l+rr, t)
		z.LineTo(rt-rr, t)
		z.CubeTo(rt-rr+k, t, rt, t+rr-k, rt, t+rr)
		z.LineTo(rt, b-rr)
		z.CubeTo(rt, b-rr+k, rt-rr+k, b, rt-rr, b)
		z.LineTo(l+rr, b)
		z.CubeTo(l+rr-k, b, l, b-rr+k, l, b-rr)
		z.LineTo(l, t+rr)
		z.CubeTo(l, t+rr-k, l+rr-k, t, l+rr, t)
		z.ClosePath()
	})
}
