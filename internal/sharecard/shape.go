package sharecard

import (
	"image"
	"image/color"
	"math"
	"slices"
	"sync"

	"github.com/go-text/typesetting/di"
	"github.com/go-text/typesetting/font"
	ot "github.com/go-text/typesetting/font/opentype"
	"github.com/go-text/typesetting/language"
	"github.com/go-text/typesetting/shaping"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"
)

// Text is shaped with HarfBuzz's rules (go-text/typesetting): Arabic and
// Persian letters join, Devanagari conjuncts form and vowel signs move,
// Vietnamese accents stack; lines are ordered by the Unicode
// bidirectional algorithm, so a right-to-left sentence reads from the
// right with its numbers and Latin names left to right inside it. Glyph
// outlines are filled with golang.org/x/image/vector.

// style is a size and weight of the card's text.
type style struct {
	bold bool
	size float64
}

// toolkit is what drawing text needs and cannot share between
// goroutines: font faces (they cache glyph lookups), the shaper (it
// caches its plans per face), the segmenter, the line wrapper and the
// rasterizer. Toolkits are
// pooled, since making one costs more than shaping a card's text.
type toolkit struct {
	faces   map[*font.Font]*font.Face
	shaper  shaping.HarfbuzzShaper
	seg     shaping.Segmenter
	wrapper shaping.LineWrapper
	raster  *vector.Rasterizer
}

// rasterizer is the toolkit's rasterizer, emptied and sized w×h.
func (k *toolkit) rasterizer(w, h int) *vector.Rasterizer {
	if k.raster == nil {
		k.raster = vector.NewRasterizer(w, h)
	} else {
		k.raster.Reset(w, h)
	}
	return k.raster
}

var toolkits = sync.Pool{New: func() any { return &toolkit{faces: map[*font.Font]*font.Face{}} }}

// face is this toolkit's face of f.
func (k *toolkit) face(f *font.Font) *font.Face {
	if fc, ok := k.faces[f]; ok {
		return fc
	}
	fc := font.NewFace(f)
	k.faces[f] = fc
	return fc
}

// fontmap picks, for each character, the first face that has a glyph
// for it (the language's own script first); a character none has falls
// to the first, which draws it as a box (tests check no card text does).
type fontmap []*font.Face

func (m fontmap) ResolveFace(r rune) *font.Face {
	for _, f := range m {
		if _, ok := f.NominalGlyph(r); ok {
			return f
		}
	}
	return m[0]
}

// typesetter lays out the text of one card, in one language.
type typesetter struct {
	kit   *toolkit
	lang  language.Language
	dir   di.Direction
	fonts map[bool]fontmap // by boldness
}

// newTypesetter takes a toolkit from the pool for a card in the
// language code (its fonts must have been found: see Speaks).
func newTypesetter(code string, rtl bool) (*typesetter, error) {
	lib := fontLibrary()
	k := toolkits.Get().(*toolkit)
	ts := &typesetter{kit: k, lang: language.NewLanguage(code), dir: di.DirectionLTR, fonts: map[bool]fontmap{}}
	if rtl {
		ts.dir = di.DirectionRTL
	}
	for _, bold := range []bool{false, true} {
		for _, fam := range lib.fallbacks(code) {
			f, err := fam.weight(bold)
			if err != nil {
				ts.release()
				return nil, err
			}
			ts.fonts[bold] = append(ts.fonts[bold], k.face(f))
		}
	}
	return ts, nil
}

// release returns the toolkit to the pool.
func (ts *typesetter) release() {
	if ts.kit != nil {
		toolkits.Put(ts.kit)
		ts.kit = nil
	}
}

// rtl reports whether the card's lines read from the right.
func (ts *typesetter) rtl() bool { return ts.dir.Progression() == di.TowardTopLeft }

// textLine is one shaped line: its runs in visual order, from the left.
type textLine struct {
	text  []rune
	runs  []shaping.Output
	width fixed.Int26_6
}

// px is the line's width in whole pixels.
func (l textLine) px() int { return l.width.Ceil() }

// maxRunes caps what is shaped: no line of the card holds more
// characters than this even in the narrowest glyphs, and shaping costs
// in proportion to the text's length.
const maxRunes = 300

// layout shapes s and breaks it, at the places the language allows,
// into at most lines lines of at most width pixels; text that does not
// fit ends the last line with an ellipsis.
func (ts *typesetter) layout(s string, st style, width, lines int) []textLine {
	text := []rune(s)
	if len(text) > lines*maxRunes {
		text = text[:lines*maxRunes]
	}
	if len(text) == 0 {
		return nil
	}
	k, fm := ts.kit, ts.fonts[st.bold]
	size := fixed.Int26_6(math.Round(st.size * 64))
	in := shaping.Input{Text: text, RunEnd: len(text), Direction: ts.dir, Size: size, Language: ts.lang}
	var outs []shaping.Output
	for _, run := range k.seg.Split(in, fm) {
		outs = append(outs, k.shaper.Shape(run))
	}
	ellipsis := []rune("…")
	cfg := shaping.WrapConfig{Direction: ts.dir, TruncateAfterLines: lines}.WithTruncator(&k.shaper, shaping.Input{
		Text: ellipsis, RunEnd: len(ellipsis), Direction: ts.dir, Face: fm.ResolveFace(ellipsis[0]), Size: size, Language: ts.lang})
	wrapped, _ := k.wrapper.WrapParagraph(cfg, width, text, shaping.NewSliceIterator(outs))
	out := make([]textLine, 0, len(wrapped))
	for _, l := range wrapped {
		out = append(out, visualLine(text, l))
	}
	return out
}

// visualLine copies a wrapped line (the wrapper reuses its memory) with
// its runs sorted from left to right.
func visualLine(text []rune, l shaping.Line) textLine {
	tl := textLine{text: text, runs: make([]shaping.Output, len(l))}
	for i, run := range l {
		run.Glyphs = slices.Clone(run.Glyphs)
		tl.runs[i] = run
		tl.width += run.Advance
	}
	slices.SortStableFunc(tl.runs, func(a, b shaping.Output) int { return int(a.VisualIndex - b.VisualIndex) })
	return tl
}

// line is s on one line of at most width pixels.
func (ts *typesetter) line(s string, st style, width int) textLine {
	if ls := ts.layout(s, st, width, 1); len(ls) > 0 {
		return ls[0]
	}
	return textLine{}
}

// measure is the width of s on one line, in whole pixels.
func (ts *typesetter) measure(s string, st style) int {
	return ts.line(s, st, 1<<20).px()
}

// drawnLine is what the card drew of a line: its text, the glyphs
// (which face, which glyph) and the box its ink covers. Tests read them.
type drawnLine struct {
	text   string
	rtl    bool
	glyphs []drawnGlyph
	ink    image.Rectangle
}

type drawnGlyph struct {
	face *font.Face
	id   font.GID
}

// point is a position on the card, in pixels.
type point struct{ x, y float32 }

// pathOp is one step of a glyph outline, placed on the card.
type pathOp struct {
	op  ot.SegmentOp
	pts [3]point
}

// drawLine fills the glyphs of l with the left end of its baseline at
// (x, y), and records it.
func (cv *canvas) drawLine(l textLine, x, y int, col color.RGBA) {
	if len(l.runs) == 0 {
		return
	}
	var path []pathOp
	dl := drawnLine{text: string(l.text), rtl: cv.ts.rtl()}
	pen := float32(x)
	for _, run := range l.runs {
		scale := float32(run.Size) / 64 / float32(run.Face.Upem())
		for _, g := range run.Glyphs {
			dl.glyphs = append(dl.glyphs, drawnGlyph{run.Face, g.GlyphID})
			ox, oy := pen+fixedToFloat(g.XOffset), float32(y)-fixedToFloat(g.YOffset)
			pen += fixedToFloat(g.Advance)
			outline, ok := run.Face.GlyphDataOutline(g.GlyphID)
			if !ok {
				continue
			}
			for _, seg := range outline.Segments {
				op := pathOp{op: seg.Op}
				for i, a := range seg.ArgsSlice() {
					op.pts[i] = point{ox + a.X*scale, oy - a.Y*scale}
				}
				path = append(path, op)
			}
		}
	}
	dl.ink = pathBounds(path)
	cv.drawn = append(cv.drawn, dl)
	cv.shape(dl.ink, col, func(z *vector.Rasterizer, dx, dy float32) {
		for _, op := range path {
			p := op.pts
			switch op.op {
			case ot.SegmentOpMoveTo:
				z.MoveTo(p[0].x+dx, p[0].y+dy)
			case ot.SegmentOpLineTo:
				z.LineTo(p[0].x+dx, p[0].y+dy)
			case ot.SegmentOpQuadTo:
				z.QuadTo(p[0].x+dx, p[0].y+dy, p[1].x+dx, p[1].y+dy)
			case ot.SegmentOpCubeTo:
				z.CubeTo(p[0].x+dx, p[0].y+dy, p[1].x+dx, p[1].y+dy, p[2].x+dx, p[2].y+dy)
			}
		}
	})
}

func fixedToFloat(v fixed.Int26_6) float32 { return float32(v) / 64 }

// pathBounds is the pixel box around every point of path (control
// points included, so it may be a little larger than the ink).
func pathBounds(path []pathOp) image.Rectangle {
	if len(path) == 0 {
		return image.Rectangle{}
	}
	x0, y0 := float32(math.Inf(1)), float32(math.Inf(1))
	x1, y1 := float32(math.Inf(-1)), float32(math.Inf(-1))
	for _, op := range path {
		n := len(op.pts)
		switch op.op {
		case ot.SegmentOpMoveTo, ot.SegmentOpLineTo:
			n = 1
		case ot.SegmentOpQuadTo:
			n = 2
		}
		for _, p := range op.pts[:n] {
			x0, y0, x1, y1 = min(x0, p.x), min(y0, p.y), max(x1, p.x), max(y1, p.y)
		}
	}
	return image.Rect(int(math.Floor(float64(x0))), int(math.Floor(float64(y0))), int(math.Ceil(float64(x1))), int(math.Ceil(float64(y1))))
}
