package i18n

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strings"
	"testing/fstest"

	"github.com/BurntSushi/toml"
)

// Pseudo is the catalog with one language, carrier, whose messages are
// the English ones written in look-alike accented letters ("Ŕéçéíþţ
// ñóţíçé"), everything else (plural rules, digits, CLDR country names)
// being carrier's. A page rendered in it shows at a glance, and to a test
// mechanically, every word that did not come from the catalog: any plain
// ASCII word left on the page was written in Go or a template, in
// English. Pseudo-localisation is the usual way to find such text; no
// library here does it, so it is written by hand.
func Pseudo(carrier string) (*Catalog, error) {
	var lang *Language
	for i := range registry {
		if registry[i].Code == carrier && carrier != Source {
			lang = &registry[i]
		}
	}
	if lang == nil {
		return nil, fmt.Errorf("i18n: pseudo language: %q is not a registered translation", carrier)
	}
	files, err := catalogFiles(localeFS, "locales", Source)
	if err != nil {
		return nil, err
	}
	out := fstest.MapFS{}
	for _, file := range files {
		buf, err := fs.ReadFile(localeFS, file)
		if err != nil {
			return nil, fmt.Errorf("i18n: %w", err)
		}
		out[file] = &fstest.MapFile{Data: buf}
		var raw map[string]any
		if err := toml.Unmarshal(buf, &raw); err != nil {
			return nil, fmt.Errorf("i18n: %s: %w", file, err)
		}
		msgs := map[string]map[string]string{}
		flatten("", raw, msgs)
		var b bytes.Buffer
		if err := toml.NewEncoder(&b).Encode(msgs); err != nil {
			return nil, fmt.Errorf("i18n: pseudo %s: %w", file, err)
		}
		out[path.Join(path.Dir(file), carrier+".toml")] = &fstest.MapFile{Data: b.Bytes()}
	}
	return LoadFS(out, "locales", []Language{registry[0], *lang})
}

// flatten collects the messages of a parsed catalog file (tables nested
// by the dots of their ids) as id -> plural form -> pseudo text.
func flatten(prefix string, table map[string]any, out map[string]map[string]string) {
	forms := map[string]string{}
	for k, v := range table {
		switch v := v.(type) {
		case map[string]any:
			flatten(prefix+k+".", v, out)
		case string:
			switch k {
			case "zero", "one", "two", "few", "many", "other":
				forms[k] = pseudoText(v)
			}
		}
	}
	if len(forms) > 0 {
		out[strings.TrimSuffix(prefix, ".")] = forms
	}
}

// lookalike maps each ASCII letter to an accented letter of the same
// shape.
var lookalike = func() map[rune]rune {
	from := "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	to := []rune("áƀçđéƒĝĥíĵķĺɱñóþʠŕšţúṽŵẋýžÁƁÇĐÉƑĜĤÍĴĶĹṀÑÓÞǪŔŠŢÚṼŴẊÝŽ")
	m := map[rune]rune{}
	for i, r := range from {
		m[r] = to[i]
	}
	return m
}()

// entity is a character reference at the start of a text.
var entity = regexp.MustCompile(`^&[A-Za-z0-9#]+;`)

// pseudoText writes a message's letters as look-alikes, leaving what is
// not text alone: {{placeholders}}, <tags> with their attributes, and
// &entities;.
func pseudoText(s string) string {
	var b strings.Builder
	var until string // the end of a span left alone
	for i, r := range s {
		switch {
		case until != "":
			b.WriteRune(r)
			if strings.HasPrefix(s[i:], until[:1]) && strings.HasSuffix(s[:i+1], until) {
				until = ""
			}
		case strings.HasPrefix(s[i:], "{{"):
			until = "}}"
			b.WriteRune(r)
		case r == '<':
			until = ">"
			b.WriteRune(r)
		case r == '&' && entity.MatchString(s[i:]):
			until = ";"
			b.WriteRune(r)
		default:
			if l, ok := lookalike[r]; ok {
				r = l
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}
