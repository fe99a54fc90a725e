// Package dateinput reads dates as people type or paste them into the
// submit form: copied from a USCIS notice ("05/02/2024", "May 2, 2024"),
// written the international way ("2 May 2024", "2024-05-02") or known only
// to the month ("May 2024", "2024-05", "05/2024"), and as a reader of
// any of the site's languages writes it, in whichever language: "2 de
// mayo de 2024", "tháng 5 năm 2024", "2024年5月2日", "٢ مايو ٢٠٢٤"
// (language.go).
//
// It is written by hand rather than taken from a general date parsing
// library because what the form needs is what such libraries hide: whether
// the reading was ambiguous (05/02/2024 is 2 May on a US notice but 5
// February to most of the world), whether only the month was given, and a
// message a person can act on when the text is not a date. The JSON API
// does not use it: it keeps the strict formats of docs/API.md.
package dateinput

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/casetrack/casetrack/internal/timeline"
)

// The years a date may fall in. The form's validation narrows this further
// (no step before 1990, none in the future); this range only catches typing
// slips such as a two-digit or five-digit year.
const (
	MinYear = 1900
	MaxYear = 2100
)

// Reading is how a text was read.
type Reading struct {
	// Date is the date read, with Day 0 when only the month was given.
	Date timeline.ApproxDate
	// Ambiguous is true when the text could also be read as another date:
	// a slashed date whose first two numbers are both at most 12 and
	// differ, which a person used to day-first dates may have meant the
	// other way round. The form asks such a reading to be confirmed.
	Ambiguous bool
	// Other is the day-first reading of an ambiguous date.
	Other timeline.ApproxDate
	// Canonical is true when the text already was the canonical form
	// (timeline.ApproxDate.String), so nothing was interpreted.
	Canonical bool
}

// Error says why a text is not a date. Its message is a full sentence
// meant to be shown next to the field, after the field's name: Reason in
// English, and the catalog message ID with its Args for In.
type Error struct {
	Input  string
	Reason string
	ID     string
	Args   []any
}

func (e *Error) Error() string { return e.Reason }

// In is the message in the reader's language: whole numbers in its
// digits, months of a year in its words, and the accepted forms
// (Examples) in its own sentence.
func (e *Error) In(w timeline.Writer) string {
	if w.Code() == timeline.English.Code() || e.ID == "" {
		return e.Reason
	}
	args := make([]any, 0, len(e.Args)+2)
	for i := 0; i+1 < len(e.Args); i += 2 {
		v := e.Args[i+1]
		switch x := v.(type) {
		case int:
			v = w.Digits(x)
		case time.Time:
			v = w.MonthYear(x)
		}
		args = append(args, e.Args[i], v)
	}
	args = append(args, "Examples", w.T("forms.dateinput.examples"))
	return w.T(e.ID, args...)
}

// problem builds an Error: its English reason, and its catalog message.
func problem(in, reason, id string, args ...any) *Error {
	return &Error{Input: in, Reason: reason, ID: id, Args: append([]any{"Input", echo(in)}, args...)}
}

// Examples lists the accepted forms for hints and messages.
const Examples = "2024-05-02, 05/02/2024, May 2, 2024 or 2 May 2024, or only the month: 2024-05, 05/2024 or May 2024"

var (
	// yearFirst is 2024-05-02, 2024-5-2, 2024/05/02 and 2024-05.
	yearFirst = regexp.MustCompile(`^(\d{4})([-/])(\d{1,2})(?:([-/])(\d{1,2}))?$`)
	// slashed is the US order of notices: 05/02/2024, 5/2/2024, 05-02-2024.
	slashed = regexp.MustCompile(`^(\d{1,2})([-/])(\d{1,2})([-/])(\d{4})$`)
	// monthSlashYear is 05/2024 and 5-2024.
	monthSlashYear = regexp.MustCompile(`^(\d{1,2})[-/](\d{4})$`)
)

// Parse reads s. Surrounding spaces, letter case, the digits' script
// (٢٠٢٤, ۲۰۲۴) and the language of the month's name do not matter.
func Parse(s string) (Reading, error) {
	in := strings.TrimSpace(s)
	// lower is in with ASCII digits and punctuation (normalize): the
	// patterns below read it; messages quote what was typed.
	lower := normalize(in)
	if lower == "" {
		return Reading{}, problem(s, "Enter a date, for example "+Examples+".", "forms.dateinput.empty")
	}
	if m := yearFirst.FindStringSubmatch(lower); m != nil {
		if m[4] != "" && m[4] != m[2] {
			return Reading{}, notADate(in)
		}
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[3])
		d := 0
		if m[5] != "" {
			d, _ = strconv.Atoi(m[5])
		}
		date, err := build(in, y, mo, d, m[5] != "")
		if err != nil {
			return Reading{}, err
		}
		return Reading{Date: date, Canonical: in == date.String()}, nil
	}
	if m := slashed.FindStringSubmatch(lower); m != nil {
		if m[2] != m[4] {
			return Reading{}, notADate(in)
		}
		a, _ := strconv.Atoi(m[1])
		b, _ := strconv.Atoi(m[3])
		y, _ := strconv.Atoi(m[5])
		if a > 12 && b >= 1 && b <= 12 {
			suggestion := fmt.Sprintf("%02d%s%02d%s%d", b, m[2], a, m[2], y)
			return Reading{}, problem(in, fmt.Sprintf(
				"%s has no month %d. Dates written with slashes put the month first, as USCIS notices do: did you mean %s?",
				echo(in), a, suggestion), "forms.dateinput.month_first", "Month", a, "Suggestion", suggestion)
		}
		date, err := build(in, y, a, b, true)
		if err != nil {
			return Reading{}, err
		}
		r := Reading{Date: date}
		if a != b && a <= 12 && b <= 12 {
			r.Ambiguous = true
			r.Other = timeline.ApproxDate{Year: y, Month: time.Month(b), Day: a}
		}
		return r, nil
	}
	if m := monthSlashYear.FindStringSubmatch(lower); m != nil {
		mo, _ := strconv.Atoi(m[1])
		y, _ := strconv.Atoi(m[2])
		date, err := build(in, y, mo, 0, false)
		if err != nil {
			return Reading{}, err
		}
		return Reading{Date: date}, nil
	}
	if toks, ok := tokens(lower); ok {
		return parseWords(in, toks)
	}
	return Reading{}, notADate(in)
}

// parseWords reads a date with its month written out: "May 2, 2024",
// "2 May 2024", "May 2nd 2024", "May 2024", "2024 May", "2 de mayo de
// 2024", "2 मई 2024", or with its numbers labelled: "ngày 2 tháng 5 năm
// 2024", "2024年5月2日". toks are its numbers and words (tokens).
func parseWords(in string, toks []string) (Reading, error) {
	words := monthWords()
	// A number is a day, a month or a year by its label, or else by its
	// length: four digits are the year, one or two the day.
	type number struct {
		digits string
		role   role
	}
	var nums []number
	var month time.Month
	label := roleNone // a label still waiting for its number
	for i, t := range toks {
		if isDigits(t) {
			nums = append(nums, number{t, label})
			label = roleNone
			continue
		}
		if label != roleNone {
			return Reading{}, notADate(in)
		}
		f := fold(t)
		afterNumber := i > 0 && isDigits(toks[i-1]) && nums[len(nums)-1].role == roleNone
		switch {
		case afterNumber && len(toks[i-1]) <= 2 && isOrdinal(f):
			// Ordinal suffixes follow the day's digits: "2nd" is "2", "nd".
			continue
		case afterNumber && words.after[f] != roleNone:
			nums[len(nums)-1].role = words.after[f]
			continue
		case words.before[f] != roleNone:
			label = words.before[f]
			continue
		case particles[f]:
			continue
		case words.after[f] != roleNone:
			// A label with no number of its own: "2024年5月2日年".
			return Reading{}, notADate(in)
		}
		if month != 0 {
			return Reading{}, notADate(in)
		}
		month = words.month(f)
		if month == 0 && !dateLikeNumbers(toks) {
			return Reading{}, notADate(in)
		}
		if month == 0 {
			return Reading{}, problem(in, fmt.Sprintf("%q is not a month name we know. Write the month's full name, for example May 2, 2024, or use %s.", t, "2024-05-02"),
				"forms.dateinput.unknown_month", "Word", strconv.Quote(t))
		}
	}
	if label != roleNone {
		return Reading{}, notADate(in)
	}
	var yearStr, dayStr, monthStr string
	for _, n := range nums {
		switch {
		case n.role == roleYear && yearStr == "" && len(n.digits) <= 4:
			yearStr = n.digits
		case n.role == roleMonth && monthStr == "" && month == 0 && len(n.digits) <= 2:
			monthStr = n.digits
		case n.role == roleDay && dayStr == "" && len(n.digits) <= 2:
			dayStr = n.digits
		case n.role == roleNone && len(n.digits) == 4 && yearStr == "":
			yearStr = n.digits
		case n.role == roleNone && len(n.digits) <= 2 && dayStr == "":
			dayStr = n.digits
		default:
			return Reading{}, notADate(in)
		}
	}
	if month == 0 && monthStr == "" {
		return Reading{}, notADate(in)
	}
	if yearStr == "" {
		return Reading{}, problem(in, fmt.Sprintf("%s has no year. Add the year with four digits, for example May 2, 2024.", echo(in)), "forms.dateinput.no_year")
	}
	y, _ := strconv.Atoi(yearStr)
	d := 0
	if dayStr != "" {
		d, _ = strconv.Atoi(dayStr)
	}
	mo := int(month)
	if monthStr != "" {
		mo, _ = strconv.Atoi(monthStr)
	}
	date, err := build(in, y, mo, d, dayStr != "")
	if err != nil {
		return Reading{}, err
	}
	return Reading{Date: date}, nil
}

// build checks the parts of a date; hasDay says a day was written, so a
// day 0 is an error rather than "month only".
func build(in string, y, mo, d int, hasDay bool) (timeline.ApproxDate, error) {
	if y < MinYear || y > MaxYear {
		return timeline.ApproxDate{}, problem(in, fmt.Sprintf("%s has the year %d; use a year from %d to %d, written with four digits.", echo(in), y, MinYear, MaxYear),
			"forms.dateinput.year_range", "Year", y, "Min", MinYear, "Max", MaxYear)
	}
	if mo < 1 || mo > 12 {
		return timeline.ApproxDate{}, problem(in, fmt.Sprintf("%s has no month %d: months go from 1 to 12.", echo(in), mo), "forms.dateinput.month_range", "Month", mo)
	}
	month := time.Month(mo)
	if !hasDay {
		return timeline.ApproxDate{Year: y, Month: month}, nil
	}
	if last := daysIn(y, month); d < 1 || d > last {
		return timeline.ApproxDate{}, problem(in, fmt.Sprintf("%s is not a date: %s %d has %d days.", echo(in), month, y, last),
			"forms.dateinput.day_range", "MonthYear", time.Date(y, month, 1, 0, 0, 0, 0, time.UTC), "Days", last)
	}
	return timeline.ApproxDate{Year: y, Month: month, Day: d}, nil
}

// daysIn is the number of days of a month.
func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func notADate(in string) error {
	return problem(in, fmt.Sprintf("%s is not a date we can read. Write it for example as %s.", echo(in), Examples), "forms.dateinput.unreadable")
}

// echo quotes a person's input in a message, shortened so that a pasted
// paragraph does not fill the page.
func echo(s string) string {
	const max = 40
	if r := []rune(s); len(r) > max {
		s = string(r[:max]) + "…"
	}
	return `"` + s + `"`
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// dateLikeNumbers reports whether the numbers among w could be a day and a
// year, so that an unknown word is worth naming as a month name.
func dateLikeNumbers(w []string) bool {
	for _, t := range w {
		if isDigits(t) && len(t) > 4 {
			return false
		}
	}
	return true
}

// Describe writes a date for people, day first with the month spelled
// out, so it cannot be misread either way: "2 May 2024", or "May 2024"
// when only the month is known.
func Describe(d timeline.ApproxDate) string {
	if d.Day == 0 {
		return fmt.Sprintf("%s %d", d.Month, d.Year)
	}
	return fmt.Sprintf("%d %s %d", d.Day, d.Month, d.Year)
}

// DescribeIn is Describe in the reader's language: its own way of
// writing a date, with the month in words, so it cannot be misread
// either.
func DescribeIn(w timeline.Writer, d timeline.ApproxDate) string {
	switch {
	case w.Code() == timeline.English.Code():
		return Describe(d)
	case d.Day == 0:
		return w.MonthYear(d.Time())
	}
	return w.Date(d.Time())
}
