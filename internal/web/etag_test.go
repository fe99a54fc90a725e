package web

import (
	"strings"
	"testing"
)

func TestETagMatch(t *testing.T) {
	const tag = `W/"3f2a9c1b0d4e"`
	for _, tc := range []struct {
		header string
		want   bool
	}{
		{``, false},
		{tag, true},
		{`"3f2a9c1b0d4e"`, true},
		{`W/"3f2a9c1b0d4e-gzip"`, false},
		{`"other", W/"3f2a9c1b0d4e"`, true},
		{` "other" ,"3f2a9c1b0d4e" `, true},
		{`*`, true},
		{`"other"`, false},
		{`3f2a9c1b0d4e`, false},
	} {
		if got := etagMatch(tc.header, tag); got != tc.want {
			t.Errorf("etagMatch(%q) = %v, want %v", tc.header, got, tc.want)
		}
	}
}

// FuzzETagMatch feeds arbitrary If-None-Match headers: no panic, a header
// naming the tag (weak or strong, anywhere in a list) always matches, and
// one that names neither it nor "*" never does.
func FuzzETagMatch(f *testing.F) {
	for _, s := range []string{``, `*`, `"a", W/"b"`, `W/"abc"`, `,,,`, `W/`} {
		f.Add(s)
	}
	const tag = `W/"0123456789ab"`
	f.Fuzz(func(t *testing.T, header string) {
		got := etagMatch(header, tag)
		if !strings.Contains(header, `"0123456789ab"`) && !strings.Contains(header, "*") && got {
			t.Errorf("etagMatch(%q) matched a header that does not name the tag", header)
		}
		for _, withTag := range []string{header + `, "0123456789ab"`, `W/"0123456789ab",` + header} {
			if !etagMatch(withTag, tag) {
				t.Errorf("etagMatch(%q) missed the tag", withTag)
			}
		}
	})
}
