package utf8check

import (
	"bytes"
	"encoding/json"
	"encoding/json/jsontext"
	"errors"
	"io"
	"net/url"
	"testing"
	"unicode/utf8"
)

// TestQuery: the strict-input promise for query strings and form
// bodies names the parameter whose name or value is not UTF-8.
func TestQuery(t *testing.T) {
	tests := []struct {
		raw   string
		field string
		bad   bool
	}{
		{"", "", false},
		{"category=eb2-niw&country=IN", "", false},
		{"note=Caf%C3%A9+%E2%9C%93", "", false},
		{"category=eb2-niw&country=%FF", "country", true},
		{"filed_from=2024-01&note=ok%C3", "note", true}, // a truncated sequence
		{"a=%ED%A0%80", "a", true},                      // an encoded surrogate
		{"%FFname=x", "\uFFFDname", true},
		{"bad=%zz&country=%FF", "country", true}, // undecodable pairs are skipped
		{"raw=\xff", "raw", true},                // not even percent-encoded
		{"k=%EF%BF%BD", "", false},               // U+FFFD itself is valid
	}
	for _, tt := range tests {
		field, bad := Query(tt.raw)
		if field != tt.field || bad != tt.bad {
			t.Errorf("Query(%q) = %q, %v; want %q, %v", tt.raw, field, bad, tt.field, tt.bad)
		}
	}
}

// TestJSON: the strict-input promise for JSON bodies names the member,
// by the form's field names, whose string is not valid Unicode.
func TestJSON(t *testing.T) {
	tests := []struct {
		body  string
		field string
		bad   bool
	}{
		{`{"note":"fine"}`, "", false},
		{`{"note":"caf\u00e9 \ufffd"}`, "", false},
		{"{\"note\":\"caf\xc3\xa9 \xef\xbf\xbd\"}", "", false},
		{"{\"note\":\"bad \xff\"}", "note", true},
		{`{"note":"lone \ud800 surrogate"}`, "note", true},
		{`{"note":"escaped \\ud800 is text"}`, "", false},
		{`{"note":"\\ufffd then \udc00"}`, "note", true},
		{"{\"category\":\"eb2-niw\",\"milestones\":[{\"code\":\"received\",\"date\":\"2024-03\"},{\"code\":\"rfe\",\"date\":\"2024\xe2\"}]}", "milestones[1].date", true},
		{"{\"a\":{\"b\":[1,true,null,[\"x\",\"\xc0\"]]}}", "a.b[3][1]", true},
		{"{\"k\xff\":1}", "k\uFFFD", true},
		{"{\"o\":{\"k\xff\":1}}", "o.k\uFFFD", true},
		{"[\"ok\",\"\xff\"]", "[1]", true},
		{"\"\xff\"", "", true},
		{"{\"note\": \xff", "", false}, // not JSON: the decoder says so
		{"", "", false},
	}
	for _, tt := range tests {
		field, bad := JSON([]byte(tt.body))
		if field != tt.field || bad != tt.bad {
			t.Errorf("JSON(%q) = %q, %v; want %q, %v", tt.body, field, bad, tt.field, tt.bad)
		}
	}
}

// FuzzQuery checks Query against url.ParseQuery: a query it accepts
// parses into valid UTF-8 only, and a field it names is valid UTF-8.
func FuzzQuery(f *testing.F) {
	for _, s := range []string{"a=b", "a=%FF", "%C3=x&y=%A9", "x=\xff", "a=1&b=%zz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		field, bad := Query(raw)
		if !utf8.ValidString(field) {
			t.Fatalf("Query(%q) named an invalid field %q", raw, field)
		}
		if bad {
			return
		}
		q, _ := url.ParseQuery(raw)
		for k, vs := range q {
			if !utf8.ValidString(k) {
				t.Fatalf("Query(%q) accepted the invalid name %q", raw, k)
			}
			for _, v := range vs {
				if !utf8.ValidString(v) {
					t.Fatalf("Query(%q) accepted the invalid value %q of %q", raw, v, k)
				}
			}
		}
	})
}

// FuzzJSON checks JSON against the standard library's strict JSON
// tokenizer (encoding/json/jsontext, which refuses invalid UTF-8 and lone
// surrogates but does not say so with an exported error): on a document
// that encoding/json accepts, JSON finds a bad string exactly when
// jsontext refuses it.
func FuzzJSON(f *testing.F) {
	for _, s := range []string{`{"a":"b"}`, "{\"a\":\"\xff\"}", `["\ud800"]`, `{"a":[{"b":"\udc00\ud800"}]}`, `"\\ud800"`, `{"\ufffd":1}`, `{"a":1,"a":2}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		field, bad := JSON(body)
		if !utf8.ValidString(field) {
			t.Fatalf("JSON(%q) named an invalid field %q", body, field)
		}
		if !json.Valid(body) {
			return
		}
		dec := jsontext.NewDecoder(bytes.NewReader(body), jsontext.AllowDuplicateNames(true))
		var err error
		for err == nil {
			_, err = dec.ReadToken()
		}
		strict := errors.Is(err, io.EOF)
		if bad == strict {
			t.Fatalf("JSON(%q) = %q, %v; jsontext: %v", body, field, bad, err)
		}
	})
}
