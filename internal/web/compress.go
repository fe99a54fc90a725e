package web

import (
	"net/http"

	"github.com/klauspost/compress/gzhttp"
)

// compressedTypes are the responses worth compressing: the text the app
// renders or serves. Other images are compressed already.
var compressedTypes = []string{
	"text/html",
	"text/css",
	"text/javascript",
	"application/javascript",
	"image/svg+xml",
	"application/json",
	"text/csv",
	"text/plain",
}

// compressMinSize is the smallest body worth compressing: below about half
// a kilobyte the gzip framing and the CPU cost outweigh the few bytes saved.
const compressMinSize = 512

// compress gzips text responses for clients that accept it, so pages stay
// light on a slow phone connection (the browser suite holds each page under
// 150 KB on the wire). It uses gzhttp, a well-kept middleware that buffers
// until it knows the size and type, leaves small bodies alone, drops the
// now wrong Content-Length and adds "Vary: Accept-Encoding" to every
// response; the standard library has a gzip writer but no such handler.
// Only gzip is offered: every browser has it, and one encoding keeps shared
// caches simple. Static files carry weak ETags (static.go), which stay
// valid for the plain and the compressed body alike.
//
// It is the outermost layer: the access log counts the bytes the handler
// wrote, and panic recovery sees the access log's writer.
func compress(next http.Handler) http.Handler {
	wrap, err := gzhttp.NewWrapper(
		gzhttp.EnableZstd(false),
		gzhttp.MinSize(compressMinSize),
		gzhttp.ContentTypes(compressedTypes),
	)
	if err != nil {
		// The options are constants: an error is a programming error
		// that every test of the server reports.
		panic("compression middleware: " + err.Error())
	}
	return wrap(next)
}
