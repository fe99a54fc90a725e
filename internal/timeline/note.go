package timeline

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxNoteLength is the most runes a note may have: enough for a few
// sentences of context, too short for a pasted letter.
const MaxNoteLength = 1000

// cleanNote normalises a note (line endings, surrounding space) and checks
// it: length, characters and finally the note guard. It returns the note
// to store, or a message for the person.
func cleanNote(raw string) (string, string) {
	if !utf8.ValidString(raw) {
		return "", "The note contains bytes that are not text. Type it again or paste it as plain text."
	}
	note := normalizeNote(raw)
	if n := utf8.RuneCountInString(note); n > MaxNoteLength {
		return "", fmt.Sprintf("The note is too long: %d characters. The limit is %d.", n, MaxNoteLength)
	}
	for i, r := range []rune(note) {
		if unicode.IsControl(r) && r != '\n' && r != '\t' {
			return "", fmt.Sprintf("The note contains an invisible control character at character %d. Remove it, or type the note again.", i+1)
		}
	}
	if err := CheckNote(note); err != nil {
		return "", err.Error()
	}
	return note, ""
}

// NoteMessage is what is wrong with a note, in the reader's language
// through tr, or "" when the note passes: the message Validate gives in
// English for the field "note".
func NoteMessage(raw string, tr Translate) string {
	if !utf8.ValidString(raw) {
		return tr("note.not_text")
	}
	note := normalizeNote(raw)
	if n := utf8.RuneCountInString(note); n > MaxNoteLength {
		return tr("note.too_long", "Length", strconv.Itoa(n), "Max", strconv.Itoa(MaxNoteLength))
	}
	for i, r := range []rune(note) {
		if unicode.IsControl(r) && r != '\n' && r != '\t' {
			return tr("note.control", "Position", strconv.Itoa(i+1))
		}
	}
	if err := CheckNote(note); err != nil {
		return err.Localize(tr)
	}
	return ""
}

// normalizeNote turns line endings into \n and trims surrounding space.
func normalizeNote(raw string) string {
	note := strings.ReplaceAll(raw, "\r\n", "\n")
	note = strings.ReplaceAll(note, "\r", "\n")
	return strings.TrimSpace(note)
}
