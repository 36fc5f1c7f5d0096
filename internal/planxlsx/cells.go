package planxlsx

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/piao-performance/piao/internal/itfmt"
	"github.com/piao-performance/piao/internal/plan"
)

const maxNumber = 1e12 // as itfmt.ParseNumber: beyond it a value is a typo

// parseNumber reads a cell as a number: a numeric cell holds a plain decimal
// ("61.24", "1E-05"), a text cell a number written the Italian way ("61,24",
// "1.234,5"). Only "1.234"-like values are ambiguous (1.234 as a numeric
// cell, 1234 as Italian text): for those isNumeric asks the cell's type.
func parseNumber(raw string, isNumeric func() bool) (float64, string) {
	s := strings.TrimSpace(raw)
	if !plainDecimal(s) || (dotThousands(s) && !isNumeric()) {
		return itfmt.ParseNumber(s)
	}
	v, err := strconv.ParseFloat(s, 64)
	switch {
	case errors.Is(err, strconv.ErrRange):
		return 0, "numero fuori scala"
	case err != nil || math.IsNaN(v) || math.IsInf(v, 0):
		return 0, quote(s) + " non è un numero"
	case math.Abs(v) > maxNumber:
		return 0, "numero fuori scala"
	}
	return v, ""
}

// plainDecimal reports whether s looks like a numeric cell's raw value. It
// keeps out what strconv.ParseFloat would also take: "NaN", "Inf", hex, "_".
func plainDecimal(s string) bool {
	digits := false
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
			digits = true
		case strings.ContainsRune("+-.eE", c):
		default:
			return false
		}
	}
	return digits
}

// dotThousands reports whether s reads as an Italian integer with dot
// thousands separators: "1.234", "12.345.678".
func dotThousands(s string) bool {
	s = strings.TrimPrefix(s, "-")
	groups := strings.Split(s, ".")
	if len(groups) < 2 || len(groups[0]) < 1 || len(groups[0]) > 3 {
		return false
	}
	for i, g := range groups {
		if i > 0 && len(g) != 3 {
			return false
		}
		for _, c := range g {
			if c < '0' || c > '9' {
				return false
			}
		}
	}
	return true
}

// parseInt reads a whole number, from a numeric or a text cell.
func parseInt(raw string, isNumeric func() bool, what string) (int, string) {
	v, msg := parseNumber(raw, isNumeric)
	if msg != "" || v != math.Trunc(v) || math.Abs(v) > 1e9 {
		return 0, quote(raw) + " non è " + what
	}
	return int(v), ""
}

// parseBool reads sì/no and the usual spellings of true and false; a Boolean
// cell reads as 1 or 0 (TRUE/FALSE without RawCellValue).
func parseBool(raw string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(raw)) {
	case "sì", "si", "true", "1":
		return true, true
	case "no", "false", "0", "":
		return false, true
	}
	return false, false
}

// parseDate reads a date as AAAA-MM-GG, GG/MM/AAAA, a date cell (ISO text) or
// a numeric date serial, and returns it as AAAA-MM-GG.
func parseDate(raw string) (string, bool) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return "", true
	}
	if len(s) > 10 && s[10] == 'T' {
		s = s[:10] // a t="d" cell: 2023-10-01T00:00:00Z
	}
	for _, layout := range []string{"2006-01-02", "02/01/2006", "2/1/2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format("2006-01-02"), true
		}
	}
	if serial, err := strconv.ParseFloat(s, 64); err == nil && plainDecimal(s) && serial >= 1 && serial < 2958466 {
		if t, err := excelize.ExcelDateToTime(serial, false); err == nil {
			return t.Format("2006-01-02"), true
		}
	}
	return "", false
}

// splitList splits "a, b,c" into keys; nil when there are none.
func splitList(raw string) []string {
	var out []string
	for _, p := range strings.Split(raw, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// parseInputs reads "key=label; key=label". A ";" inside a label is kept
// unless what follows it looks like another "key=".
func parseInputs(raw string) ([]plan.Input, string) {
	if strings.TrimSpace(raw) == "" {
		return nil, ""
	}
	var parts []string
	for _, p := range strings.Split(raw, ";") {
		if len(parts) > 0 && !startsWithKey(p) {
			parts[len(parts)-1] += ";" + p
			continue
		}
		parts = append(parts, p)
	}
	var out []plan.Input
	for _, p := range parts {
		k, label, ok := strings.Cut(p, "=")
		k, label = strings.TrimSpace(k), strings.TrimSpace(label)
		if !ok || !isInputKey(k) {
			return nil, quote(strings.TrimSpace(p)) + " non è nella forma chiave=etichetta (es. numerator=Pratiche evase; denominator=Pratiche ricevute)"
		}
		if label == "" {
			return nil, fmt.Sprintf("il dato «%s» non ha etichetta", k)
		}
		out = append(out, plan.Input{Key: k, Label: label})
	}
	return out, ""
}

func startsWithKey(s string) bool {
	k, _, ok := strings.Cut(s, "=")
	return ok && isInputKey(strings.TrimSpace(k))
}

func isInputKey(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// isSlug mirrors plan.Validate's lower-case slug: words of a-z0-9 joined by "-".
func isSlug(s string) bool {
	if s == "" || s[0] == '-' || s[len(s)-1] == '-' || strings.Contains(s, "--") {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// isCode mirrors plan.Validate's objective code: [A-Za-z0-9._-]+.
func isCode(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("._-", c)) {
			return false
		}
	}
	return true
}

// quote puts a cell's value in «», shortened: a hostile cell can be long.
func quote(s string) string {
	const max = 40
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > max {
		s = string([]rune(s)[:max]) + "…"
	}
	return "«" + s + "»"
}

// fold compares sheet names, headers and labels ignoring case and spacing.
func fold(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}
