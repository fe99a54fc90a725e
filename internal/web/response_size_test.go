package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/casetrack/casetrack/internal/auth"
	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/store/storetest"
)

// TestSubmissionResponseSize checks, through real HTTP and as sent on the
// wire (the client asks for gzip itself, so nothing is decompressed),
// that the answer to a submission is as long for a signed-in person,
// whatever their name, as for an anonymous one: a load balancer logs
// that length next to the client's address, and the database says which
// cases belong to an account.
func TestSubmissionResponseSize(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		acceptGzip := []string{"Accept-Encoding", "gzip"}
		e.signup("plain@example.org", testPassword, "")
		plain := e.signin("plain@example.org", testPassword)
		// The longest name, each character escaped in HTML as "&amp;".
		e.signup("long@example.org", testPassword, strings.Repeat("&", auth.MaxNameRunes))
		long := e.signin("long@example.org", testPassword)
		who := []struct {
			name    string
			headers []string
		}{
			{"anonymous", acceptGzip},
			{"signed in", with(acceptGzip, plain)},
			{"signed in with a long name", with(acceptGzip, long)},
		}

		sizes := map[string]int{}
		for _, w := range who {
			res := e.postForm("/submit", validForm(), w.headers...)
			if res.status != http.StatusCreated {
				t.Fatalf("%s: form status %d", w.name, res.status)
			}
			sizes["form "+w.name] = len(res.body)
			page := res.body
			if ce := res.header.Get("Content-Encoding"); ce != "" {
				t.Errorf("%s: form answer compressed (%s): its length would depend on its content", w.name, ce)
				page = gunzip(t, page)
			}
			if signedIn(page) != (w.name != "anonymous") {
				t.Fatalf("%s: the page does not show who is signed in", w.name)
			}
			if !strings.HasSuffix(page, "-->\n") || !strings.Contains(page, "</html>") {
				t.Errorf("%s: the padding is not a comment after the page", w.name)
			}

			res = e.postJSON("/api/v1/cases", validSubmission(), w.headers...)
			if res.status != http.StatusCreated {
				t.Fatalf("%s: API status %d: %s", w.name, res.status, res.body)
			}
			sizes["API "+w.name] = len(res.body)
		}
		for _, kind := range []string{"form", "API"} {
			want := sizes[kind+" anonymous"]
			for _, w := range who[1:] {
				if got := sizes[kind+" "+w.name]; got != want {
					t.Errorf("%s answer: %d bytes %s, %d anonymous", kind, got, w.name, want)
				}
			}
		}
		if sizes["form anonymous"] != submitDoneSize {
			t.Errorf("form answer is %d bytes, want %d", sizes["form anonymous"], submitDoneSize)
		}
	})
}

func TestPadHTML(t *testing.T) {
	for _, n := range []int{0, 1, 100, 1000 - 9, 1000 - 8, 1000 - 7, 1000, 1500} {
		buf := bytes.NewBufferString(strings.Repeat("x", n))
		padHTML(buf, 1000)
		if buf.Len()%1000 != 0 || buf.Len() < n+8 || buf.Len() >= n+8+1000 {
			t.Errorf("padHTML(%d bytes) = %d bytes", n, buf.Len())
		}
	}
}

// gunzip decompresses a gzip body.
func gunzip(t *testing.T, body string) string {
	t.Helper()
	zr, err := gzip.NewReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
