package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
)

// writeJSON writes v as a JSON response with the given status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := encodeJSON(v)
	if err != nil {
		// Only programming errors (unsupported types) end up here.
		http.Error(w, `{"error":"internal","message":"Something went wrong on our side."}`, http.StatusInternalServerError)
		return
	}
	writeJSONBytes(w, status, b)
}

// encodeJSON encodes v as writeJSON sends it, with a trailing newline.
func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(true)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encode JSON answer: %w", err)
	}
	return buf.Bytes(), nil
}

// writeJSONBytes sends an already encoded JSON body.
func writeJSONBytes(w http.ResponseWriter, status int, b []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// decodeJSON reads exactly one JSON value from the request body into v.
// A content type other than application/json, malformed JSON, a value of
// the wrong type, an unknown field or trailing data is a 400 that says
// what is wrong; a body over the size limit is a 413.
func decodeJSON(r *http.Request, v any) error {
	if err := requireJSON(r); err != nil {
		return err
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return errTooLarge()
		}
		return errBadRequestID("forms.json.single_value", "The request body must contain a single JSON value.")
	}
	return nil
}

// requireJSON checks the Content-Type header.
func requireJSON(r *http.Request) error {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return errBadRequestID("forms.json.content_type", "Send the body as JSON with Content-Type: application/json.")
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil || mt != "application/json" {
		return errBadRequestID("forms.json.content_type", "Send the body as JSON with Content-Type: application/json.")
	}
	if cs, ok := params["charset"]; ok && cs != "utf-8" && cs != "UTF-8" {
		return errBadRequest("JSON bodies must be UTF-8.")
	}
	return nil
}

// jsonError turns a decoding error into a client error with a useful message.
func jsonError(err error) error {
	var (
		mbe    *http.MaxBytesError
		syntax *json.SyntaxError
		typ    *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &mbe):
		return errTooLarge()
	case errors.Is(err, io.EOF):
		return errBadRequestID("forms.json.empty", "The request body is empty; send a JSON object.")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errBadRequestID("forms.json.ends_early", "The JSON in the request body ends too early.")
	case errors.As(err, &syntax):
		return errBadRequestID("forms.json.syntax", fmt.Sprintf("The request body is not valid JSON (at byte %d).", syntax.Offset), "Offset", syntax.Offset)
	case errors.As(err, &typ):
		if typ.Field != "" {
			kind := jsonKind(typ.Type.Kind().String())
			return errBadRequestID("forms.json.field_type", fmt.Sprintf("The field %q must be a JSON %s.", typ.Field, kind),
				"Field", strconv.Quote(typ.Field), "Kind", kind)
		}
		return errBadRequestID("forms.json.object", "The request body must be a JSON object.")
	}
	// DisallowUnknownFields reports `json: unknown field "x"`; other
	// decoder errors are also about the input.
	detail := trimJSONPrefix(err.Error())
	return errBadRequestID("forms.json.not_understood", "The request body was not understood: "+detail, "Detail", detail)
}

func jsonKind(k string) string {
	switch k {
	case "slice", "array":
		return "array"
	case "struct", "map":
		return "object"
	case "int", "int64", "float64":
		return "number"
	}
	return k
}

func trimJSONPrefix(s string) string {
	const p = "json: "
	if len(s) >= len(p) && s[:len(p)] == p {
		return s[len(p):]
	}
	return s
}
