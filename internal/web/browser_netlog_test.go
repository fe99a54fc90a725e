package web

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
)

// netRequest is one request a page made, as the browser saw it on the
// wire.
type netRequest struct {
	URL      string
	Type     network.ResourceType
	Status   int64
	Encoding string // the response's Content-Encoding
	// Bytes is what the response cost on the wire: headers and the body
	// as sent, compressed or not (the browser's encodedDataLength).
	Bytes    float64
	Finished bool
	Failed   string
	// Stale marks a request made for a document loaded before the record
	// was last reset, such as the icon the previous page asked for just
	// as the next one was being opened. The browser may never report such
	// a request finished, and it is not part of the page's weight, but it
	// still went out, so it counts for the check on other hosts.
	Stale bool
}

// netLog records every request of the page loaded last in a tab. The
// browser's own requests (none with the flags startBrowser sets) would
// show up here too, which is what a check for third-party requests wants.
type netLog struct {
	mu    sync.Mutex
	byID  map[network.RequestID]*netRequest
	order []*netRequest
	// loaders are the documents (loader ids) seen since the last reset;
	// earlier are those seen before it.
	loaders, earlier map[cdp.LoaderID]bool
	// finished, when not nil, is closed at the next request that
	// finishes, so settle waits for that instead of polling.
	finished chan struct{}
}

// listen runs in the tab's event loop, so it only records.
func (l *netLog) listen(ev any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.byID == nil {
		l.byID = map[network.RequestID]*netRequest{}
	}
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		// A redirect reuses the request id: the hop before it counts as a
		// finished request of its own.
		if prev, ok := l.byID[ev.RequestID]; ok && ev.RedirectResponse != nil {
			prev.Status = ev.RedirectResponse.Status
			prev.Bytes = ev.RedirectResponse.EncodedDataLength
			prev.Finished = true
		}
		r := &netRequest{URL: ev.Request.URL, Type: ev.Type, Stale: l.earlier[ev.LoaderID]}
		if ev.LoaderID != "" && !r.Stale {
			if l.loaders == nil {
				l.loaders = map[cdp.LoaderID]bool{}
			}
			l.loaders[ev.LoaderID] = true
		}
		l.byID[ev.RequestID] = r
		l.order = append(l.order, r)
	case *network.EventResponseReceived:
		if r, ok := l.byID[ev.RequestID]; ok {
			r.Status = ev.Response.Status
			r.Encoding = headerValue(ev.Response.Headers, "Content-Encoding")
		}
	case *network.EventLoadingFinished:
		if r, ok := l.byID[ev.RequestID]; ok {
			r.Bytes = ev.EncodedDataLength
			r.Finished = true
		}
		l.wake()
	case *network.EventLoadingFailed:
		if r, ok := l.byID[ev.RequestID]; ok {
			r.Failed = ev.ErrorText
			r.Finished = true
		}
		l.wake()
	}
}

// wake tells a waiting settle that a request finished; l.mu is held.
func (l *netLog) wake() {
	if l.finished != nil {
		close(l.finished)
		l.finished = nil
	}
}

// pending reports whether a request of the page is still loading, and
// returns a channel closed when the next request finishes.
func (l *netLog) pending() (bool, <-chan struct{}) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.finished == nil {
		l.finished = make(chan struct{})
	}
	busy := slices.ContainsFunc(l.order, func(r *netRequest) bool { return !r.Finished && !r.Stale })
	return busy, l.finished
}

// reset forgets what was recorded, before a new page loads.
func (l *netLog) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.byID = nil
	l.order = nil
	if l.earlier == nil {
		l.earlier = map[cdp.LoaderID]bool{}
	}
	for id := range l.loaders {
		l.earlier[id] = true
	}
	l.loaders = nil
}

// requests returns copies of the requests recorded since the last reset.
func (l *netLog) requests() []netRequest {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]netRequest, len(l.order))
	for i, r := range l.order {
		out[i] = *r
	}
	return out
}

// settleQuiet is how long the network must be silent before settle stops
// waiting for a request that never reports its end (the XSLT stylesheet
// of a feed opened in the browser is one). Silence, not a deadline: on a
// busy machine the events of a slow request keep coming, and settle keeps
// waiting for them.
const settleQuiet = 2 * time.Second

// settle waits until every request the page has started is finished, or
// the browser has been silent in the tab for settleQuiet: the browser asks
// for the icon after the load event. Requests of earlier documents are not
// waited for. It wakes at each request that finishes rather than polling,
// so it returns as soon as the last one does.
func (tb *tab) settle() {
	tb.t.Helper()
	tb.count("html") // a round trip: the log has seen earlier events
	for {
		busy, finished := tb.net.pending()
		if !busy {
			return
		}
		quiet := tb.progress.quiet()
		if quiet >= settleQuiet {
			return
		}
		wait := time.NewTimer(settleQuiet - quiet)
		select {
		case <-finished:
		case <-wait.C:
		case <-tb.ctx.Done():
			wait.Stop()
			tb.t.Fatalf("waiting for the page's requests to finish: %v", context.Cause(tb.ctx))
		}
		wait.Stop()
	}
}

// headerValue reads a header the browser reports, whatever its case.
func headerValue(h network.Headers, name string) string {
	for k, v := range h {
		if strings.EqualFold(k, name) {
			return fmt.Sprint(v)
		}
	}
	return ""
}

// offHostRequests lists the requests that went anywhere but the server
// under test (privacy promise 5: pages load nothing from other hosts).
// data: and blob: URLs never leave the browser; every other scheme names a
// host, and the host and port must be the server's own.
func offHostRequests(serverURL string, reqs []netRequest) []string {
	own, err := url.Parse(serverURL)
	if err != nil {
		return []string{fmt.Sprintf("server URL %q: %v", serverURL, err)}
	}
	var bad []string
	for _, r := range reqs {
		u, err := url.Parse(r.URL)
		if err != nil {
			bad = append(bad, fmt.Sprintf("unparsable request URL %q (%s)", r.URL, r.Type))
			continue
		}
		switch u.Scheme {
		case "data", "blob":
			continue
		}
		if u.Host != own.Host {
			bad = append(bad, fmt.Sprintf("request to another host: %s (%s)", r.URL, r.Type))
		}
	}
	return bad
}

// pageWeight is the total a page load cost on the wire (requests of
// earlier documents aside), and the problems
// that make the total untrustworthy or too high: a request that never
// finished, or a total over the limit, listing the requests largest first.
func pageWeight(reqs []netRequest, limit float64) (total float64, problems []string) {
	for _, r := range reqs {
		if r.Stale {
			continue
		}
		if !r.Finished {
			problems = append(problems, "request still loading when the page was weighed: "+r.URL)
		}
		total += r.Bytes
	}
	if total > limit {
		var parts []string
		for _, r := range reqs {
			enc := r.Encoding
			if enc == "" {
				enc = "uncompressed"
			}
			parts = append(parts, fmt.Sprintf("%s %.1f KB (%s)", r.URL, r.Bytes/1000, enc))
		}
		problems = append(problems, fmt.Sprintf("page weighs %.1f KB on the wire, over the %.0f KB limit: %s",
			total/1000, limit/1000, strings.Join(parts, "; ")))
	}
	return total, problems
}
