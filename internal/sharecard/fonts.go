package sharecard

import (
	"bytes"
	"cmp"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/go-text/typesetting/font"
	ot "github.com/go-text/typesetting/font/opentype"

	"github.com/casetrack/casetrack/internal/i18n"
)

// The card draws with Noto fonts (SIL Open Font License, fonts/OFL.txt).
// Those of Latin (with Vietnamese), Arabic (with Persian) and Devanagari
// are small once cut to the card's scripts (fonts/subset.sh),
// so the binary carries them. A Chinese font holds tens of thousands of
// glyphs, some 20 MB: the card uses the one installed on the system
// (Debian's fonts-noto-cjk), and without it Chinese cards stay English.

//go:embed fonts/*.ttf
var embeddedFonts embed.FS

// FontsDirEnv names the variable that says where to look for system
// fonts; DefaultFontsDir is where Debian installs them.
const (
	FontsDirEnv     = "CASETRACK_FONTS_DIR"
	DefaultFontsDir = "/usr/share/fonts"
)

// script is a writing system the card has a typeface for.
type script int

const (
	latin script = iota
	arabic
	devanagari
	han
)

// scriptOf is the writing system of each language the site offers.
var scriptOf = map[string]script{
	"en": latin, "es": latin, "pt-BR": latin, "vi": latin,
	"ar": arabic, "fa": arabic, "hi": devanagari, "zh-Hans": han,
}

// family is a typeface in the card's two weights. Fonts are parsed on
// first use: a Chinese one takes tens of megabytes of memory, spent only
// once a Chinese card is drawn.
type family struct {
	regular, bold func() (*font.Font, error)
}

// weight is the family's bold or regular font.
func (f family) weight(bold bool) (*font.Font, error) {
	if bold {
		return f.bold()
	}
	return f.regular()
}

// library is every typeface the card can draw with.
type library struct {
	families map[script]family
	// missing says, for each script without a font, what to install.
	missing []string
}

// fontLibrary is the process's library, found once: in the binary and
// in the directory $CASETRACK_FONTS_DIR (by default /usr/share/fonts).
var fontLibrary = sync.OnceValue(func() *library {
	return findFonts(cmp.Or(os.Getenv(FontsDirEnv), DefaultFontsDir))
})

// findFonts gathers the embedded typefaces and those of dir.
func findFonts(dir string) *library {
	lib := &library{families: map[script]family{
		latin:      embeddedFamily("NotoSans"),
		arabic:     embeddedFamily("NotoSansArabic"),
		devanagari: embeddedFamily("NotoSansDevanagari"),
	}}
	if f, ok := systemCJK(dir); ok {
		lib.families[han] = f
	} else {
		lib.missing = append(lib.missing, fmt.Sprintf(
			"no Noto Sans CJK font under %s: Chinese share cards are drawn in English; install the Debian package fonts-noto-cjk or set %s",
			dir, FontsDirEnv))
	}
	return lib
}

// embeddedFamily is a family carried in the binary as
// fonts/<name>-Regular.ttf and fonts/<name>-Bold.ttf.
func embeddedFamily(name string) family {
	load := func(file string) func() (*font.Font, error) {
		return sync.OnceValues(func() (*font.Font, error) {
			b, err := embeddedFonts.ReadFile("fonts/" + file)
			if err != nil {
				return nil, fmt.Errorf("sharecard: %w", err)
			}
			face, err := font.ParseTTF(bytes.NewReader(b))
			if err != nil {
				return nil, fmt.Errorf("sharecard: parse %s: %w", file, err)
			}
			return face.Font, nil
		})
	}
	return family{regular: load(name + "-Regular.ttf"), bold: load(name + "-Bold.ttf")}
}

// cjkFamily is the face of a Noto Sans CJK collection drawn for
// Simplified Chinese, and the names its files go by: one collection for
// every region (Debian, Fedora) or one font per region (Arch, the
// upstream release).
const cjkFamily = "Noto Sans CJK SC"

var cjkFiles = map[bool][]string{
	false: {"NotoSansCJK-Regular.ttc", "NotoSansCJKsc-Regular.otf"},
	true:  {"NotoSansCJK-Bold.ttc", "NotoSansCJKsc-Bold.otf"},
}

// systemCJK finds a Chinese font under dir. Only the file's names are
// read now; its glyphs load with the first Chinese card. Without a bold
// font, titles are drawn in the regular one.
func systemCJK(dir string) (family, bool) {
	paths := map[string]string{}
	_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if _, seen := paths[d.Name()]; !seen {
				paths[d.Name()] = path
			}
		}
		return nil
	})
	find := func(bold bool) (string, int) {
		for _, name := range cjkFiles[bold] {
			if p, ok := paths[name]; ok {
				if i, err := cjkIndex(p); err == nil {
					return p, i
				}
			}
		}
		return "", -1
	}
	regular, ri := find(false)
	if regular == "" {
		return family{}, false
	}
	f := family{regular: sync.OnceValues(func() (*font.Font, error) { return loadSystemFont(regular, ri) })}
	f.bold = f.regular
	if bold, bi := find(true); bold != "" {
		f.bold = sync.OnceValues(func() (*font.Font, error) { return loadSystemFont(bold, bi) })
	}
	return f, true
}

// cjkIndex is the position of the Simplified Chinese face in the font
// file at path (0 for a single font).
func cjkIndex(path string) (int, error) {
	file, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer file.Close()
	loaders, err := ot.NewLoaders(file)
	if err != nil {
		return 0, err
	}
	for i, ld := range loaders {
		if d, _ := font.Describe(ld, nil); strings.EqualFold(d.Family, cjkFamily) {
			return i, nil
		}
	}
	return 0, errors.New("no " + cjkFamily + " face")
}

// loadSystemFont parses the index-th font of the file at path.
func loadSystemFont(path string, index int) (*font.Font, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("sharecard: %w", err)
	}
	defer file.Close()
	loaders, err := ot.NewLoaders(file)
	if err != nil || index >= len(loaders) {
		return nil, fmt.Errorf("sharecard: read %s: %v", path, err)
	}
	f, err := font.NewFont(loaders[index])
	if err != nil {
		return nil, fmt.Errorf("sharecard: parse %s: %w", path, err)
	}
	return f, nil
}

// speaks reports whether the library has the typeface of a language.
func (lib *library) speaks(code string) bool {
	s, ok := scriptOf[code]
	if !ok {
		return false
	}
	_, ok = lib.families[s]
	return ok
}

// fallbacks is the order in which a language's card looks for a glyph:
// its own script's typeface, then the Latin one (names, codes like
// "I-140", digits).
func (lib *library) fallbacks(code string) []family {
	out := []family{}
	if s, ok := scriptOf[code]; ok && s != latin {
		if f, ok := lib.families[s]; ok {
			out = append(out, f)
		}
	}
	return append(out, lib.families[latin])
}

// logMissing says once, when the server starts, which languages' cards
// stay in English for want of a font, and what to install.
var logMissing sync.Once

// ReportFonts logs a line for each language the card cannot draw for
// want of a font. The server calls it when it starts.
func ReportFonts(log *slog.Logger) {
	if log == nil {
		return
	}
	logMissing.Do(func() {
		for _, m := range fontLibrary().missing {
			log.Warn("sharecard: " + m)
		}
	})
}

// Speaks reports whether a card can be drawn in l's language: the
// fonts of its script were found.
func Speaks(l *i18n.Locale) bool { return l != nil && fontLibrary().speaks(l.Code()) }
