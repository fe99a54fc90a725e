package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
)

// staticFS holds the stylesheet, scripts, images and the OpenAPI document.
//
//go:embed static
var staticFS embed.FS

// asset is one embedded static file under its fingerprinted name.
type asset struct {
	body        []byte
	contentType string
	etag        string
}

// assets serves embedded files under names that carry a hash of their
// content ("style.3f2a9c1b0d4e.css"), so browsers may cache them forever
// and a new release can never be mixed with an old stylesheet.
type assets struct {
	byHashed map[string]*asset // "style.3f2a9c1b0d4e.css" -> file
	urls     map[string]string // "style.css" -> "/static/style.3f2a9c1b0d4e.css"
}

func loadAssets() (*assets, error) {
	a := &assets{byHashed: map[string]*asset{}, urls: map[string]string{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := staticFS.ReadFile(p)
		if err != nil {
			return fmt.Errorf("read %s: %w", p, err)
		}
		name := strings.TrimPrefix(p, "static/")
		sum := sha256.Sum256(body)
		hash := hex.EncodeToString(sum[:6])
		ext := path.Ext(name)
		hashed := strings.TrimSuffix(name, ext) + "." + hash + ext
		ct := mime.TypeByExtension(ext)
		if ct == "" {
			ct = "application/octet-stream"
		}
		// A weak tag: the compression middleware may send the same file
		// gzipped, and a weak tag stays true for either encoding.
		a.byHashed[hashed] = &asset{body: body, contentType: ct, etag: `W/"` + hash + `"`}
		a.urls[name] = "/static/" + hashed
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load static assets: %w", err)
	}
	return a, nil
}

// url returns the fingerprinted URL of a static file; the template
// function "asset" calls it, so a missing file fails the render (and the
// template test) instead of producing a broken link.
func (a *assets) url(name string) (string, error) {
	u, ok := a.urls[name]
	if !ok {
		return "", fmt.Errorf("no static file %q", name)
	}
	return u, nil
}

// file returns the content of an embedded static file by its plain name.
func (a *assets) file(name string) ([]byte, bool) {
	u, ok := a.urls[name]
	if !ok {
		return nil, false
	}
	return a.byHashed[strings.TrimPrefix(u, "/static/")].body, true
}

// etagMatch reports whether an If-None-Match header names the tag, by the
// weak comparison RFC 9110 prescribes for it (W/ prefixes are ignored).
func etagMatch(header, etag string) bool {
	want := strings.TrimPrefix(etag, "W/")
	for t := range strings.SplitSeq(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == want {
			return true
		}
	}
	return false
}

// static serves GET /static/{file}. The name carries a hash of the
// content, so the file may be cached for a year without revalidation;
// HTML pages, which link these names, are never cached that way.
func (s *Server) static(w http.ResponseWriter, r *http.Request) error {
	f, ok := s.assets.byHashed[r.PathValue("file")]
	if !ok {
		return errNotFound()
	}
	h := w.Header()
	h.Set("Content-Type", f.contentType)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("ETag", f.etag)
	if etagMatch(r.Header.Get("If-None-Match"), f.etag) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	h.Set("Content-Length", strconv.Itoa(len(f.body)))
	if r.Method == http.MethodHead {
		return nil
	}
	_, _ = w.Write(f.body)
	return nil
}
