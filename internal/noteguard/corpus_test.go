package noteguard

import (
	"bufio"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// escape matches the escapes the corpus files use for characters that are
// invisible or would end a line: \n and \uXXXX.
var escape = regexp.MustCompile(`\\n|\\u[0-9a-fA-F]{4}`)

func unescape(s string) string {
	return escape.ReplaceAllStringFunc(s, func(e string) string {
		if e == `\n` {
			return "\n"
		}
		r, _ := strconv.ParseUint(e[2:], 16, 32)
		return string(rune(r))
	})
}

// readCorpus reads a corpus file: one note a line, blank lines and lines
// starting with # left out.
func readCorpus(t testing.TB, name string) []string {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := sc.Text(); l != "" && !strings.HasPrefix(l, "#") {
			lines = append(lines, unescape(l))
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return lines
}

var corpusKinds = map[string]string{
	"receipt": KindReceipt, "anumber": KindANumber, "uscis": KindUSCIS,
	"email": KindEmail, "phone": KindPhone, "passport": KindPassport, "ssn": KindSSN,
}

// TestCorpus measures the guard on notes written the way people write
// them, in several languages: at least 99% of the notes with an
// identifier must be refused, naming its kind, and at most 2% of the
// ordinary ones.
func TestCorpus(t *testing.T) {
	ids := readCorpus(t, "identifiers.txt")
	ordinary := readCorpus(t, "ordinary.txt")
	if len(ids) < 150 || len(ordinary) < 150 {
		t.Fatalf("corpus too small: %d identifier notes, %d ordinary", len(ids), len(ordinary))
	}
	caught, named := 0, 0
	for _, line := range ids {
		code, note, ok := strings.Cut(line, "\t")
		kind := corpusKinds[code]
		if !ok || kind == "" {
			t.Fatalf("identifiers.txt: %q is not a kind, a tab and a note", line)
		}
		fs := Check(note)
		if len(fs) == 0 {
			t.Errorf("missed the %s in %q", kind, note)
			continue
		}
		caught++
		if slices.ContainsFunc(fs, func(f Finding) bool { return f.Kind == kind }) {
			named++
		} else {
			t.Errorf("%q: found %+v, want a %s", note, fs, kind)
		}
	}
	refused := 0
	for _, note := range ordinary {
		if fs := Check(note); fs != nil {
			refused++
			t.Logf("ordinary note refused: %q: %+v", note, fs)
		}
	}
	recall := float64(caught) / float64(len(ids))
	fp := float64(refused) / float64(len(ordinary))
	t.Logf("recall %.1f%% (%d of %d identifier notes refused, %d naming the right kind); false positives %.1f%% (%d of %d ordinary notes)",
		100*recall, caught, len(ids), named, 100*fp, refused, len(ordinary))
	if recall < 0.99 {
		t.Errorf("recall %.1f%%, want at least 99%%", 100*recall)
	}
	if fp > 0.02 {
		t.Errorf("false positives %.1f%%, want at most 2%%", 100*fp)
	}
}
