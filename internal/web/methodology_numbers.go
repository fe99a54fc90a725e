package web

import (
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/number"

	"github.com/casetrack/casetrack/internal/i18n"
	"github.com/casetrack/casetrack/internal/units"
)

// numbers writes the methodology page's numbers in one language: shares
// as percentages with the language's sign and digits ("93%", "93 %",
// "٩٣٪"), months with the language's decimal mark. Values are rounded
// as strconv rounds them first, so the English page keeps the digits it
// always had.
type numbers struct {
	l *i18n.Locale
	p *message.Printer
}

func newNumbers(l *i18n.Locale) numbers {
	return numbers{l: l, p: message.NewPrinter(language.Make(l.Code()))}
}

// rounded is x rounded to decimals places the way strconv writes it.
func rounded(x float64, decimals int) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'f', decimals, 64), 64)
	return v
}

// months writes a number of days in months with one decimal ("10.9").
func (n numbers) months(days int) string {
	return n.l.Decimal(rounded(units.Months(days), 1))
}

// decimal writes x with up to decimals places ("30.44").
func (n numbers) decimal(x float64, decimals int) string {
	return n.p.Sprint(number.Decimal(rounded(x, decimals), number.MaxFractionDigits(decimals)))
}

// percentOf writes a share with exactly decimals places ("93%", "53.3%").
func (n numbers) percentOf(x float64, decimals int) string {
	v := rounded(100*x, decimals) / 100
	return n.p.Sprint(number.Percent(v, number.MinFractionDigits(decimals), number.MaxFractionDigits(decimals)))
}

// share writes a share with at most one decimal ("80%", "53.3%").
func (n numbers) share(x float64) string {
	return n.p.Sprint(number.Percent(rounded(100*x, 1)/100, number.MaxFractionDigits(1)))
}

// percent writes a share as a whole percentage ("93%").
func (n numbers) percent(x float64) string { return n.percentOf(x, 0) }

// signedPercent writes a relative error with its sign and one decimal
// ("+0.3%", "-14.1%"); zero takes the plus sign.
func (n numbers) signedPercent(x float64) string {
	if x < 0 {
		return n.percentOf(x, 1)
	}
	return n.plus(func(v float64) string { return n.percentOf(v, 1) }, x)
}

// signedWhole writes a relative error as a signed whole percentage
// without the percent sign ("+22", "-1"), and "0" for less than half a
// point either way.
func (n numbers) signedWhole(x float64) string {
	v := int(rounded(100*x, 0))
	switch {
	case v == 0:
		return n.l.Count(0)
	case v < 0:
		return n.l.Count(v)
	}
	return n.plus(func(f float64) string { return n.l.Count(int(f)) }, float64(v))
}

// plus writes a non-negative x with a plus sign placed as the language
// places its minus sign (Arabic and Persian add a direction mark): the
// sign part of -1 written by the locale, its minus turned into a plus.
func (n numbers) plus(format func(float64) string, x float64) string {
	minusOne := n.l.Count(-1)
	sign := minusOne[:strings.IndexFunc(minusOne, unicode.IsDigit)]
	for _, minus := range []string{"-", "\u2212"} {
		sign = strings.Replace(sign, minus, "+", 1)
	}
	return sign + format(x)
}
