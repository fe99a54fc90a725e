// Package utf8check finds the field of a request that is not valid
// UTF-8, so that the server can refuse it naming the field instead of
// storing a silently rewritten text: encoding/json and most form parsers
// replace invalid bytes with U+FFFD without a word, and a note or a
// search that comes back different from what was sent is a bug the
// person cannot see.
package utf8check

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Query returns the name of the first parameter of a raw query string
// (or of an application/x-www-form-urlencoded body) whose name or value,
// percent-decoded, is not valid UTF-8, and whether there is one. A name
// that is itself invalid is returned with the invalid bytes replaced by
// U+FFFD, so that it can be shown. Pairs that do not percent-decode are
// left to the query parser, which ignores them.
func Query(raw string) (field string, bad bool) {
	for raw != "" {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		name, value, _ := strings.Cut(pair, "=")
		name, err1 := url.QueryUnescape(name)
		value, err2 := url.QueryUnescape(value)
		if err1 != nil || err2 != nil {
			continue
		}
		if !utf8.ValidString(name) || !utf8.ValidString(value) {
			return strings.ToValidUTF8(name, "\uFFFD"), true
		}
	}
	return "", false
}

// JSON returns the path of the first string in a JSON document that is
// not valid Unicode — invalid UTF-8 bytes, or a \u escape of a lone
// surrogate, both of which encoding/json turns into U+FFFD — and whether
// there is one. The path names object members by key and array elements
// by index, as the submit form names its fields: "milestones[1].date".
// A key that is itself invalid is named with the path to its object and
// the key, invalid bytes replaced. A document that is not JSON is left to
// the decoder, which reports it: ("", false).
func JSON(body []byte) (field string, bad bool) {
	if utf8.Valid(body) && !bytes.Contains(body, []byte(`\u`)) {
		return "", false // the common case, without tokenising
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	// stack holds, for each open container, its path and either the
	// current key (objects) or the next index (arrays).
	type level struct {
		path   string
		object bool
		key    string
		index  int
		// expectKey: the next string in this object is a key.
		expectKey bool
	}
	var stack []*level
	// childPath is the path of the value about to be read.
	childPath := func() string {
		if len(stack) == 0 {
			return ""
		}
		top := stack[len(stack)-1]
		if top.object {
			if top.path == "" {
				return top.key
			}
			return top.path + "." + top.key
		}
		return top.path + "[" + strconv.Itoa(top.index) + "]"
	}
	// valueDone advances the enclosing container past one value.
	valueDone := func() {
		if len(stack) == 0 {
			return
		}
		top := stack[len(stack)-1]
		if top.object {
			top.expectKey = true
		} else {
			top.index++
		}
	}
	for {
		start := dec.InputOffset()
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return "", false
		}
		if err != nil {
			return "", false
		}
		end := dec.InputOffset()
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				path := childPath()
				stack = append(stack, &level{path: path, object: t == '{', expectKey: t == '{'})
			default:
				stack = stack[:len(stack)-1]
				valueDone()
			}
		case string:
			raw := body[start:end]
			isKey := len(stack) > 0 && stack[len(stack)-1].object && stack[len(stack)-1].expectKey
			if replaced(raw, t) {
				if isKey {
					top := stack[len(stack)-1]
					top.key = strings.ToValidUTF8(t, "\uFFFD")
					return childPath(), true
				}
				return childPath(), true
			}
			if isKey {
				top := stack[len(stack)-1]
				top.key, top.expectKey = t, false
				continue
			}
			valueDone()
		default:
			valueDone()
		}
	}
}

// replaced reports whether decoding the raw bytes of one string token
// (with whatever separators precede it) into s replaced anything with
// U+FFFD: s holds more replacement characters than raw spells out,
// literally or as a \ufffd escape.
func replaced(raw []byte, s string) bool {
	if !utf8.Valid(raw) {
		return true
	}
	spelled := bytes.Count(raw, []byte("\uFFFD"))
	for i := 0; i < len(raw); i++ {
		if raw[i] != '\\' || i+1 >= len(raw) {
			continue
		}
		if raw[i+1] == 'u' && i+6 <= len(raw) && strings.EqualFold(string(raw[i+2:i+6]), "fffd") {
			spelled++
		}
		i++ // skip the escaped character, so that \\ufffd is not an escape
	}
	return strings.Count(s, "\uFFFD") > spelled
}
