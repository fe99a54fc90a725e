package web

import (
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
)

// TestNetLogStaleRequests: a request that an earlier document makes after
// the record was reset (the icon the previous page asks for as the next
// one opens) is kept for the other-host check but neither weighed nor
// waited for, even if the browser never reports it finished; the new
// document's own requests are weighed.
func TestNetLogStaleRequests(t *testing.T) {
	var l netLog
	sent := func(id, loader, url string, typ network.ResourceType) {
		l.listen(&network.EventRequestWillBeSent{RequestID: network.RequestID(id), LoaderID: cdp.LoaderID(loader),
			Type: typ, Request: &network.Request{URL: url}})
	}
	done := func(id string, bytes float64) {
		l.listen(&network.EventLoadingFinished{RequestID: network.RequestID(id), EncodedDataLength: bytes})
	}
	sent("L1", "L1", "http://own/signin", network.ResourceTypeDocument)
	done("L1", 4000)
	l.reset()
	sent("icon", "L1", "http://other/favicon.svg", network.ResourceTypeOther) // never finishes
	sent("L2", "L2", "http://own/me", network.ResourceTypeDocument)
	done("L2", 5000)
	sent("css", "L2", "http://own/style.css", network.ResourceTypeStylesheet)
	done("css", 1000)

	reqs := l.requests()
	if len(reqs) != 3 || !reqs[0].Stale || reqs[1].Stale || reqs[2].Stale {
		t.Fatalf("requests %+v: want the earlier document's icon alone marked stale", reqs)
	}
	total, problems := pageWeight(reqs, maxPageBytes)
	if total != 6000 || len(problems) != 0 {
		t.Errorf("weight %.0f, problems %q; want 6000 and none", total, problems)
	}
	if off := offHostRequests("http://own", reqs); len(off) != 1 || !strings.Contains(off[0], "other/favicon.svg") {
		t.Errorf("other-host check saw %q; want the stale request to another host", off)
	}

	// Without the reset between them, the same request is the page's own
	// and still loading.
	l = netLog{}
	sent("L1", "L1", "http://own/signin", network.ResourceTypeDocument)
	done("L1", 4000)
	sent("icon", "L1", "http://own/favicon.svg", network.ResourceTypeOther)
	if _, problems := pageWeight(l.requests(), maxPageBytes); len(problems) != 1 || !strings.Contains(problems[0], "still loading") {
		t.Errorf("problems %q; want the unfinished icon of the page itself", problems)
	}
}
