package chartstest

import (
	"slices"
	"testing"
)

func TestTexts(t *testing.T) {
	svg := `<svg xmlns="http://www.w3.org/2000/svg"><title>not a label</title><style>text{}</style>` +
		`<text x="1" direction="rtl">٣ أشهر</text><g><text>a <tspan>b</tspan> &amp; c</text></g></svg>`
	texts, err := Texts([]byte(svg))
	if err != nil {
		t.Fatal(err)
	}
	if len(texts) != 2 || texts[0].Attrs["direction"] != "rtl" || texts[0].Attrs["x"] != "1" {
		t.Fatalf("texts %+v", texts)
	}
	words, err := Words([]byte(svg))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"٣ أشهر", "a b & c"}; !slices.Equal(words, want) {
		t.Errorf("words %q, want %q", words, want)
	}
	if _, err := Texts([]byte("<svg><text>")); err == nil {
		t.Error("a cut SVG was read without an error")
	}
}
