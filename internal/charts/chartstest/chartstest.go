// Package chartstest reads a chart's SVG as a person sees it: the words
// of its <text> elements, for the tests of package charts and of the
// pages that serve the charts, which check the same labels from both
// sides.
package chartstest

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
)

// Text is one <text> element: its words and attributes.
type Text struct {
	Words string
	Attrs map[string]string
}

// Texts lists the <text> elements of an SVG in document order, the
// labels a reader sees (a <title> or the style sheet are not among
// them).
func Texts(svg []byte) ([]Text, error) {
	dec := xml.NewDecoder(bytes.NewReader(svg))
	var out []Text
	in := false
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("invalid SVG: %w", err)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			if el.Name.Local == "text" {
				in = true
				attrs := map[string]string{}
				for _, a := range el.Attr {
					attrs[a.Name.Local] = a.Value
				}
				out = append(out, Text{Attrs: attrs})
			}
		case xml.EndElement:
			in = in && el.Name.Local != "text"
		case xml.CharData:
			if in {
				out[len(out)-1].Words += string(el)
			}
		}
	}
}

// Words is Texts' words alone.
func Words(svg []byte) ([]string, error) {
	texts, err := Texts(svg)
	if err != nil {
		return nil, err
	}
	words := make([]string, len(texts))
	for i, t := range texts {
		words[i] = t.Words
	}
	return words, nil
}
