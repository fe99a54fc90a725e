package web

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/casetrack/casetrack/internal/store/storetest"
)

// TestRenderedPagesFollowWrites checks the rendered-response cache through
// the server: a repeated request gets the same bytes with a strong ETag,
// revalidation gets 304, a write to another category leaves an Explore
// page and its charts as they were, a write to the page's own category
// changes them at once, and the home page follows every write.
func TestRenderedPagesFollowWrites(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	for i := range 6 {
		e.create(variedSubmission(i))
	}
	pages := []string{
		"/explore?category=eb2-niw",
		"/explore/chart/survival.svg?category=eb2-niw",
		"/explore/chart/histogram.svg?category=eb2-niw",
		"/explore/chart/trend.svg?category=eb2-niw",
	}
	tags := map[string]string{}
	for _, p := range append(pages, "/") {
		a, b := e.get(p), e.get(p)
		mustStatus(t, a, http.StatusOK)
		tag := a.header.Get("ETag")
		if tag == "" || strings.HasPrefix(tag, "W/") || b.header.Get("ETag") != tag || a.body != b.body {
			t.Fatalf("%s: ETags %q and %q, same body %v; want one strong tag for the same bytes", p, tag, b.header.Get("ETag"), a.body == b.body)
		}
		if !strings.Contains(strings.Join(a.header.Values("Vary"), ","), "Accept-Encoding") {
			t.Errorf("%s: Vary = %q", p, a.header.Values("Vary"))
		}
		res := e.get(p, "If-None-Match", tag)
		if res.status != http.StatusNotModified || res.body != "" {
			t.Fatalf("%s revalidated: %d with %d bytes, want 304 and none", p, res.status, len(res.body))
		}
		tags[p] = tag
	}

	other := variedSubmission(7)
	other["category"] = "i485-employment"
	delete(other, "milestones")
	other["milestones"] = []map[string]string{{"code": "received", "date": "2024-03-20"}}
	e.create(other)
	for _, p := range pages {
		if got := e.get(p).header.Get("ETag"); got != tags[p] {
			t.Errorf("%s: a write to another category changed the ETag from %s to %s", p, tags[p], got)
		}
	}
	// A new case may show a rendering later (renderWait).
	e.eventually("the home page does not count a 7th case", func() bool {
		home := e.get("/")
		return home.header.Get("ETag") != tags["/"] && strings.Contains(home.body, "<strong>7</strong> timelines")
	})

	c := e.create(variedSubmission(8))
	res := e.postJSON("/api/v1/cases/"+c.ID+"/milestones", map[string]string{"code": "approved", "date": "2025-01-10"}, editKey(c.EditKey)...)
	mustStatus(t, res, http.StatusOK)
	// Explore and its charts may answer the first request after a change
	// with the rendering before it (renderWait), never for longer than the
	// new rendering takes.
	for _, p := range []string{"/explore?category=eb2-niw", "/explore/chart/survival.svg?category=eb2-niw"} {
		e.eventually(p+": the same after an approval in its category", func() bool { return e.get(p).header.Get("ETag") != tags[p] })
	}
}

// TestStatsPagesDoNotWaitForRendering checks that the request that finds
// Explore's data changed is answered with the rendering before the change
// when the new one takes longer than renderWait, and that the new one is
// served once it is done: under a trickle of writes at a million cases,
// waiting for each rendering made Explore's p99 over a second.
func TestStatsPagesDoNotWaitForRendering(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	for i := range 6 {
		e.create(variedSubmission(i))
	}
	const page = "/explore?category=eb2-niw"
	before := e.get(page)
	mustStatus(t, before, http.StatusOK)
	// Hold every rendering of Explore until released.
	release := make(chan struct{})
	held := make(chan struct{}, 1)
	e.server.renderHook = func() {
		select {
		case held <- struct{}{}:
		default:
		}
		<-release
	}
	e.create(variedSubmission(6))
	// The request after the write may find the rendering too recent to
	// begin another (pagecache.Cache.Space, when the machine is so busy
	// that the first rendering took 10 ms or more): requests go on until
	// one begins it. Every one of them gets the earlier rendering.
	for started := false; !started; {
		during := e.get(page)
		if during.status != http.StatusOK || during.header.Get("ETag") != before.header.Get("ETag") {
			t.Fatalf("while Explore was rendered anew: %d, ETag %s; want the earlier rendering %s", during.status, during.header.Get("ETag"), before.header.Get("ETag"))
		}
		select {
		case <-held:
			started = true
		default:
			time.Sleep(time.Millisecond)
		}
	}
	close(release)
	e.eventually("the new rendering is never served", func() bool { return e.get(page).header.Get("ETag") != before.header.Get("ETag") })
}

// TestRenderedPagesSignedIn checks that a signed-in visitor never gets the
// anonymous rendering (nor an anonymous one theirs).
func TestRenderedPagesSignedIn(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	e.create(validSubmission())
	for _, p := range []string{"/", "/explore?category=eb2-niw"} {
		anon := e.get(p)
		e.signup(fmt.Sprintf("reader%d@example.org", len(p)), testPassword, "")
		signed := e.get(p, e.signin(fmt.Sprintf("reader%d@example.org", len(p)), testPassword)...)
		if !strings.Contains(signed.body, "Sign out") || strings.Contains(anon.body, "Sign out") {
			t.Errorf("%s: signed-in page has Sign out: %v; anonymous page has it: %v", p, strings.Contains(signed.body, "Sign out"), strings.Contains(anon.body, "Sign out"))
		}
		if again := e.get(p); strings.Contains(again.body, "Sign out") {
			t.Errorf("%s: the anonymous page shows Sign out after a signed-in visit", p)
		}
	}
}

// TestRenderedPagesPerLanguage checks that the cache keeps one rendering
// per language: a visitor never gets a page cached in another visitor's
// language, whether the language comes from Accept-Language, the lang
// parameter or the lang cookie, and cached pages say Vary on both.
func TestRenderedPagesPerLanguage(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	e.create(validSubmission())
	for _, p := range []string{"/", "/explore?category=eb2-niw", "/feed"} {
		es := e.get(p, "Accept-Language", "es")
		en := e.get(p, "Accept-Language", "en")
		param := e.get(p+map[bool]string{true: "&", false: "?"}[strings.Contains(p, "?")]+"lang=es", "Accept-Language", "en")
		cookie := e.get(p, "Accept-Language", "en", "Cookie", "lang=es")
		for name, res := range map[string]response{"Accept-Language: es": es, "en": en, "lang=es": param, "cookie lang=es": cookie} {
			mustStatus(t, res, http.StatusOK)
			want := `lang="es"`
			if name == "en" {
				want = `lang="en"`
			}
			if !strings.Contains(res.body, want) {
				t.Errorf("%s with %s: the page is not in its language (%s missing)", p, name, want)
			}
			if v := strings.Join(res.header.Values("Vary"), ","); !strings.Contains(v, "Accept-Language") || !strings.Contains(v, "Cookie") {
				t.Errorf("%s with %s: Vary = %q", p, name, v)
			}
		}
		if es.header.Get("ETag") == en.header.Get("ETag") {
			t.Errorf("%s: Spanish and English renderings share the ETag %s", p, es.header.Get("ETag"))
		}
	}
}

// TestRenderedPagesKeepNoStrayParameters checks that a cached page is
// rendered from its canonical query: the first visitor's other
// parameters (a tracking tag) must not reach the language switch, the
// hreflang alternates or the links every later visitor is served.
func TestRenderedPagesKeepNoStrayParameters(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	e.create(validSubmission())
	for _, p := range []string{"/?utm_source=stray", "/explore?category=eb2-niw&utm_source=stray", "/feed?category=eb2-niw&utm_source=stray"} {
		first := e.get(p)
		mustStatus(t, first, http.StatusOK)
		later := e.get(strings.Replace(strings.Replace(p, "&utm_source=stray", "", 1), "?utm_source=stray", "", 1))
		mustStatus(t, later, http.StatusOK)
		for name, res := range map[string]response{"first visitor": first, "later visitor": later} {
			if strings.Contains(res.body, "utm_source") {
				t.Errorf("%s, %s: the page carries the stray parameter", p, name)
			}
		}
		if !strings.Contains(later.body, `hreflang="es"`) {
			t.Errorf("%s: no language links to check", p)
		}
	}
}
