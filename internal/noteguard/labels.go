package noteguard

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// labelWords are the words people write before (or after) a number to say
// what it is, in the languages CaseTrack's applicants write in. A number
// near a label is reported as that kind when its digit count fits.
var labelWords = map[string][]string{
	KindPassport: {
		"passport", "pasaporte", "passaporte", "passeport", "passaporto",
		"reisepass", "passnummer", "pass-nr", "pasport", "paszport", "pp#",
		"pp no", "паспорт", "护照", "護照", "पासपोर्ट", "hộ chiếu",
		"ho chieu", "여권", "パスポート", "旅券", "جواز السفر", "pasaport",
	},
	KindSSN: {
		"ssn", "ss#", "ss #", "social security", "soc sec", "soc. sec",
		"itin", "seguro social", "seguridad social", "seguridade social",
		"社会安全号", "社安号", "社會安全號", "सामाजिक सुरक्षा", "an sinh xã hội",
	},
	KindANumber: {
		"a-number", "a number", "a-num", "a num", "a-no", "a no", "a#",
		"a #", "a-#", "a nr", "a-nr", "alien", "a-nummer", "número a",
		"numero a", "número de extranjero", "numero de extranjero",
		"número de registro", "a号", "a 号", "外国人登记", "ए-नंबर",
		"ए नंबर", "एलियन", "số a", "so a",
	},
	KindUSCIS: {
		"uscis", "online account number", "número de cuenta",
	},
	KindReceipt: {
		"receipt", "recibo", "recepción", "case number", "case no",
		"case #", "case#", "número de caso", "numero de caso",
		"收据", "收據", "回执", "案件号", "案号", "रसीद", "biên nhận",
	},
	KindPhone: {
		"phone", "tel", "tel.", "telephone", "mobile", "cell", "call",
		"text me", "sms", "whatsapp", "whats app", "wechat", "viber",
		"telegram", "signal", "fax", "contact", "teléfono", "telefono",
		"tlf", "celular", "cel", "móvil", "movil", "llama", "llámame",
		"llamar", "telefone", "ligue", "contato", "zap", "handy",
		"telefon", "téléphone", "portable", "电话", "電話", "手机",
		"手機", "微信", "联系", "फोन", "फ़ोन", "मोबाइल", "कॉल",
		"điện thoại", "dien thoai", "sđt", "sdt", "zalo", "gọi", "kakao",
		"телефон",
	},
}

// label is a label word folded as notes are.
type label struct {
	text string
	kind string
	// word is set when the label starts with an ASCII letter, and must then
	// not be the tail of a longer word ("hotel" is not "tel").
	word bool
}

var labels = func() []label {
	var ls []label
	for kind, words := range labelWords {
		for _, w := range words {
			t := lower(fold(w).s)
			ls = append(ls, label{text: t, kind: kind, word: isLetter(t[0])})
		}
	}
	// A fixed order keeps the verdict deterministic; longer labels first,
	// so that of two labels ending at the same place the longer wins.
	sort.Slice(ls, func(i, j int) bool {
		if len(ls[i].text) != len(ls[j].text) {
			return len(ls[i].text) > len(ls[j].text)
		}
		return ls[i].text < ls[j].text
	})
	return ls
}()

// at reports whether the label stands as a word at low[i:]: not the tail
// of a longer word ("hotel" is not "tel") and, when short, not the start
// of one ("a note" is not "a no").
func (l label) at(low string, i int) bool {
	if !l.word {
		return true
	}
	if i > 0 && isLetter(low[i-1]) {
		return false
	}
	end := i + len(l.text)
	return len(l.text) >= 5 || end == len(low) || !isLetter(low[end])
}

// labelFits reports whether a number of n digits can be the kind a label
// names.
func labelFits(kind string, n int) bool {
	switch kind {
	case KindPassport:
		return n >= 6 && n <= 10
	case KindSSN, KindUSCIS:
		return n == 9
	case KindANumber:
		return n >= 7 && n <= 9
	case KindReceipt:
		return n == 10
	case KindPhone:
		return n >= 7 && n <= 15
	}
	return false
}

// labelWindow is how far, in bytes of the folded note, a label may be from
// the number it names.
const labelWindow = 32

// labelKind returns the kind named by the label nearest before low[:at],
// or, when none fits, the first one after low[after:], whose digit count n
// fits. low is the folded note in lower case.
func labelKind(low string, at, after, n int) (string, bool) {
	from := max(0, at-labelWindow)
	best, bestEnd := "", -1
	for _, l := range labels {
		if !labelFits(l.kind, n) {
			continue
		}
		w := low[from:at]
		for {
			i := strings.LastIndex(w, l.text)
			if i < 0 {
				break
			}
			if l.at(low, from+i) {
				if end := from + i + len(l.text); end > bestEnd {
					best, bestEnd = l.kind, end
				}
				break
			}
			w = w[:i]
		}
	}
	if bestEnd >= 0 {
		return best, true
	}
	to := min(len(low), after+labelWindow)
	bestStart := len(low)
	for _, l := range labels {
		if !labelFits(l.kind, n) {
			continue
		}
		for off := after; off < to; {
			i := strings.Index(low[off:to], l.text)
			if i < 0 {
				break
			}
			start := off + i
			if l.at(low, start) {
				if start < bestStart {
					best, bestStart = l.kind, start
				}
				break
			}
			off = start + 1
		}
	}
	return best, bestStart < len(low)
}

// lower lowers the case of every letter whose lower case has the same
// length in UTF-8, so byte offsets stay those of the folded note.
func lower(s string) string {
	b := []byte(s)
	for i := 0; i < len(b); {
		if c := b[i]; c < utf8.RuneSelf {
			if c >= 'A' && c <= 'Z' {
				b[i] = c + 'a' - 'A'
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if l := unicode.ToLower(r); l != r && utf8.RuneLen(l) == size {
			utf8.EncodeRune(b[i:], l)
		}
		i += size
	}
	return string(b)
}
