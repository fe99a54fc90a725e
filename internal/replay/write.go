package replay

import (
	"bufio"
	"encoding/json"
	"io"
)

// Writer writes rows as JSON Lines, the format Reader reads back: a
// program that builds rows in memory (a simulated population) writes its
// file with it, and converts the same rows with Row.Case.
type Writer struct {
	bw  *bufio.Writer
	enc *json.Encoder
}

// NewWriter returns a Writer to w. Call Flush after the last row.
func NewWriter(w io.Writer) *Writer {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false) // notes stay readable: "<" stays "<"
	return &Writer{bw: bw, enc: enc}
}

// Write writes one row on a line of its own.
func (w *Writer) Write(r Row) error { return w.enc.Encode(r) }

// Flush writes out what is buffered.
func (w *Writer) Flush() error { return w.bw.Flush() }
