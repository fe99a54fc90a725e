package units

import "strconv"

// Count writes a whole number of cases, people or anything counted with
// a comma between each group of three digits ("30,003"), the one way
// every page, feed and chart shows a count; CSV files and the JSON API
// keep bare digits for machines.
//
// It is written by hand rather than with golang.org/x/text/message: the
// site speaks English only, so grouping is this one fixed rule, and a
// locale-aware printer would add its tables and a printer per call for
// one separator.
func Count(n int) string {
	digits := strconv.Itoa(n)
	sign := ""
	if digits[0] == '-' {
		sign, digits = "-", digits[1:]
	}
	if len(digits) <= 3 {
		return sign + digits
	}
	out := make([]byte, 0, len(sign)+len(digits)+len(digits)/3)
	out = append(out, sign...)
	head := len(digits) % 3
	if head == 0 {
		head = 3
	}
	out = append(out, digits[:head]...)
	for i := head; i < len(digits); i += 3 {
		out = append(out, ',')
		out = append(out, digits[i:i+3]...)
	}
	return string(out)
}
