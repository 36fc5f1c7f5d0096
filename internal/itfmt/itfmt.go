// Package itfmt formats numbers, targets and dates the Italian way: comma
// decimals, dot thousands, a true minus sign, "61,24%", "≥ 5", "SI", "n.d.",
// "31/12/2023".
package itfmt

import (
	"math"
	"strconv"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // Europe/Rome even where the system has no zoneinfo
)

// Number formats v with up to maxDecimals decimals (trailing zeros dropped),
// dot thousands separators and U+2212 for negatives: 1234.5 → "1.234,5".
func Number(v float64, maxDecimals int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "n.d."
	}
	s := strconv.FormatFloat(math.Abs(v), 'f', maxDecimals, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	frac = strings.TrimRight(frac, "0")
	var b strings.Builder
	if v < 0 && (strings.Trim(intPart, "0") != "" || frac != "") {
		b.WriteString("−")
	}
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	if frac != "" {
		b.WriteByte(',')
		b.WriteString(frac)
	}
	return b.String()
}

// Value formats a value in its unit: percent → "61,24%", yes_no → "SI"/"NO",
// days → "−19,91", euro → "1.234,50 €", others as plain numbers.
func Value(v float64, unit string) string {
	switch unit {
	case "percent":
		return Number(v, 2) + "%"
	case "yes_no":
		if v >= 1 {
			return "SI"
		}
		return "NO"
	case "euro":
		s := strconv.FormatFloat(math.Abs(v), 'f', 2, 64)
		n := Number(math.Abs(v), 0)
		if i := strings.IndexByte(s, '.'); i >= 0 {
			n = Number(math.Trunc(math.Abs(v)), 0) + "," + s[i+1:]
		}
		if v < 0 {
			n = "−" + n
		}
		return n + " €"
	default:
		return Number(v, 2)
	}
}

// Optional formats a value that may be missing: nil → "n.d." (non disponibile).
func Optional(v *float64, unit string) string {
	if v == nil {
		return "n.d."
	}
	return Value(*v, unit)
}

// Operator returns the symbol of a target operator.
func Operator(op string) string {
	switch op {
	case ">=":
		return "≥"
	case "<=":
		return "≤"
	case "=":
		return "="
	}
	return ""
}

// Target formats a target: "≥ 5", "≤ 0", "= 100%", "SI".
func Target(op string, v float64, unit string) string {
	if op == "yes" {
		if v >= 1 {
			return "SI"
		}
		return "NO"
	}
	return Operator(op) + " " + Value(v, unit)
}

// Date formats a date as dd/mm/yyyy.
func Date(t time.Time) string {
	return t.Format("02/01/2006")
}

// Rome is the time zone Italian pages and documents show times in. The zone
// database is embedded (time/tzdata), so it loads even on hosts without
// zoneinfo; the fixed UTC+1 fallback only guards against a broken build.
// time.LoadLocation reads and parses the zone file on every call (it showed
// in the dashboard's CPU profile), so it is loaded once: a constant computed
// on first use, never changed.
func Rome() *time.Location { return rome() }

var rome = sync.OnceValue(func() *time.Location {
	if loc, err := time.LoadLocation("Europe/Rome"); err == nil {
		return loc
	}
	return time.FixedZone("CET", 3600)
})

// DateTime formats an instant in Rome time as dd/mm/yyyy hh:mm.
func DateTime(t time.Time) string { return t.In(Rome()).Format("02/01/2006 15:04") }
