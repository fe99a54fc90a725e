package web

import (
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"
)

// The share card's journey joins the suite's list from here, so the list
// itself stays as it is.
func init() {
	journeys = append(journeys, journey{"share a case link: the preview card its page names opens in the browser as a 1200×630 image", false, journeyShareCard})
}

// journeyShareCard: a case page names its card in the Open Graph tags a
// chat reads when the link is pasted; following that address in Chromium
// gives an image that decodes at the Open Graph size, with nothing
// reported (no error, no policy violation).
func journeyShareCard(t *testing.T, s *browserSuite, tb *tab) {
	s.load(tb, "/cases/"+s.caseID, http.StatusOK)
	img := tb.attr(`meta[property="og:image"]`, "content")
	if want := s.url("/cases/" + s.caseID + "/card.png"); img != want {
		t.Fatalf("og:image is %q, want %q", img, want)
	}
	if w, h := tb.attr(`meta[property="og:image:width"]`, "content"), tb.attr(`meta[property="og:image:height"]`, "content"); w != "1200" || h != "630" {
		t.Errorf("og:image size %s×%s", w, h)
	}
	if card := tb.attr(`meta[name="twitter:card"]`, "content"); card != "summary_large_image" {
		t.Errorf("twitter:card %q", card)
	}
	if status := tb.open(img); status != http.StatusOK {
		t.Fatalf("the card: status %d", status)
	}
	// The load event may come before the picture is decoded: wait for it.
	size, err := chromedp.Run(tb.ctx, chromedp.Evaluate[[]int](`(async () => {
		const i = document.images[0];
		if (!i) return [];
		await i.decode();
		return [i.naturalWidth, i.naturalHeight];
	})()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("decode the card in Chromium: %v", err)
	}
	if len(size) != 2 || size[0] != 1200 || size[1] != 630 {
		t.Errorf("Chromium decoded the card as %v, want [1200 630]", size)
	}
	// A picture opened on its own names no icon, so Chromium may ask
	// for /favicon.ico, which the site does not serve (its pages link
	// their own icon): that 404 is the browser's, not the card's.
	tb.checkClean("the share card", "/favicon.ico")
}
