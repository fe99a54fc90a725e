package noteguard

// confusables maps letters of other scripts that look like ASCII letters,
// and punctuation that looks like a separator, to the ASCII character they
// imitate: what a phone keyboard set to Russian or Greek, or a paste from a
// PDF, puts into a receipt number or an email address.
//
// The table is written here because no maintained Go library provides
// one: the one Go port of Unicode's confusables data
// (github.com/mtibben/confusables) has not been updated since 2021, and the
// UTS #39 skeleton it computes maps the other way round for our purpose (a
// digit 0 becomes the letter O, 1 becomes l), which would hide numbers
// rather than reveal them. Only look-alikes of the letters, digits and
// separators that identifiers are made of are listed; NFKC has already
// folded full-width and mathematical forms before this table is used.
var confusables = map[rune]byte{
	// Cyrillic capitals.
	'А': 'A', 'В': 'B', 'Е': 'E', 'К': 'K', 'М': 'M', 'Н': 'H', 'О': 'O',
	'Р': 'P', 'С': 'C', 'Т': 'T', 'Х': 'X', 'У': 'Y', 'І': 'I', 'Ј': 'J',
	'Ѕ': 'S', 'Ԛ': 'Q', 'Ԝ': 'W', 'Ү': 'Y', 'Ӏ': 'I',
	// Cyrillic small letters.
	'а': 'a', 'е': 'e', 'о': 'o', 'р': 'p', 'с': 'c', 'у': 'y', 'х': 'x',
	'і': 'i', 'ј': 'j', 'ѕ': 's', 'ԁ': 'd', 'ԛ': 'q', 'ԝ': 'w', 'һ': 'h',
	'ӏ': 'l', 'ү': 'y', 'ɡ': 'g',
	// Greek capitals and small letters.
	'Α': 'A', 'Β': 'B', 'Ε': 'E', 'Ζ': 'Z', 'Η': 'H', 'Ι': 'I', 'Κ': 'K',
	'Μ': 'M', 'Ν': 'N', 'Ο': 'O', 'Ρ': 'P', 'Τ': 'T', 'Υ': 'Y', 'Χ': 'X',
	'ο': 'o', 'ν': 'v', 'ι': 'i', 'κ': 'k', 'ρ': 'p', 'α': 'a', 'τ': 't',
	// Latin letters that stand in for others.
	'ı': 'i', 'ȷ': 'j', 'Ɩ': 'l', 'ǀ': 'l',
	// Digits' look-alikes from letter-like symbols.
	'Ⅰ': 'I', 'Ⅴ': 'V', 'Ⅹ': 'X',
	// Dashes and minus signs.
	'‐': '-', '‑': '-', '‒': '-', '–': '-', '—': '-', '―': '-', '−': '-',
	'⁃': '-', '﹘': '-', '－': '-', 'ー': '-',
	// Dots: ideographic full stop, middle dots, bullets.
	'。': '.', '｡': '.', '·': '.', '•': '.', '・': '.', '∙': '.', '⋅': '.',
	// Slashes and commas.
	'⁄': '/', '∕': '/', '、': ',',
	// Line and paragraph separators.
	'\u2028': '\n', '\u2029': '\n',
}
