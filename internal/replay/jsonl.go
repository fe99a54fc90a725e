package replay

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
)

// maxLine is the longest line a JSON Lines file may have: a row with 30
// milestones and a note of 1,000 characters takes a few kilobytes.
const maxLine = 1 << 20

// byteOrderMark is what some editors put at the start of a UTF-8 file.
var byteOrderMark = []byte("\ufeff")

// jsonlReader reads JSON Lines: one object per line, blank lines
// skipped.
type jsonlReader struct {
	br   *bufio.Reader
	line int
	buf  []byte
}

func newJSONLReader(in io.Reader) *jsonlReader {
	return &jsonlReader{br: bufio.NewReaderSize(in, 64<<10)}
}

func (j *jsonlReader) read() (Row, int, error) {
	for {
		data, tooLong, err := j.readLine()
		if err != nil && (!errors.Is(err, io.EOF) || len(data) == 0 && !tooLong) {
			return Row{}, 0, err
		}
		j.line++
		if j.line == 1 {
			data = bytes.TrimPrefix(data, byteOrderMark)
		}
		switch {
		case tooLong:
			return Row{}, j.line, &RowError{Row: j.line, Msg: fmt.Sprintf("The line is longer than %d bytes; a row fits in a few kilobytes.", maxLine)}
		case len(bytes.TrimSpace(data)) == 0:
			continue
		}
		r, rerr := decodeRow(data)
		if rerr != nil {
			rerr.Row = j.line
			return Row{}, j.line, rerr
		}
		return r, j.line, nil
	}
}

// readLine returns the next line without its line ending. A line longer
// than maxLine is read to its end and dropped (tooLong). At the end of
// the input it returns io.EOF, with the last line if it had no line
// ending.
func (j *jsonlReader) readLine() (line []byte, tooLong bool, err error) {
	j.buf = j.buf[:0]
	for {
		chunk, err := j.br.ReadSlice('\n')
		if !tooLong {
			if len(j.buf)+len(chunk) > maxLine+2 { // room for "\r\n"
				tooLong, j.buf = true, j.buf[:0]
			} else {
				j.buf = append(j.buf, chunk...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		line = bytes.TrimSuffix(bytes.TrimSuffix(j.buf, []byte("\n")), []byte("\r"))
		return line, tooLong, err
	}
}

// rowFields lists the fields of a row and of a milestone for messages.
const rowFields = "A row has the fields category, country, service_center, filed, milestones, note, shared, last_pending and as_of; a milestone has code and date."

// decodeRow decodes one line. Unknown fields are refused: a misspelt
// date field must not be dropped without a word.
func decodeRow(data []byte) (Row, *RowError) {
	if t := bytes.TrimLeft(data, " \t"); len(t) == 0 || t[0] != '{' {
		return Row{}, &RowError{Msg: `Each line must be one JSON object, like {"category": "eb2-niw", ...}.`}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var r Row
	if err := dec.Decode(&r); err != nil {
		return Row{}, jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Row{}, &RowError{Msg: "There is more on the line after the JSON object. Put each row on a line of its own."}
	}
	return r, nil
}

// jsonError says what is wrong with a line in words an operator can act
// on.
func jsonError(err error) *RowError {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return &RowError{Msg: fmt.Sprintf("This line is not valid JSON: %s (at character %d).", syn.Error(), syn.Offset)}
	case errors.As(err, &typ):
		return &RowError{Field: typ.Field, Msg: fmt.Sprintf("This must be %s, not %s.", kindName(typ.Type), typ.Value)}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &RowError{Msg: "This line is not valid JSON: it ends inside the object."}
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return &RowError{Field: strings.Trim(name, `"`), Msg: "There is no such field. " + rowFields}
	}
	return &RowError{Msg: "This line is not valid JSON: " + err.Error() + "."}
}

// kindName names a Go type the way a JSON value is spoken of.
func kindName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Struct, reflect.Map:
		return "an object"
	}
	return t.String()
}
