package itfmt

import (
	"math"
	"strconv"
	"strings"
)

// ParseNumber reads a number written the Italian way: comma for decimals,
// dots (or none) between groups of three digits, an optional sign (the true
// minus − too) and an optional trailing %. It is strict: "1,234.5", "1.23"
// or "12,3,4" are refused with a message in Italian that says why.
func ParseNumber(s string) (float64, string) {
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, "inserisci un numero"
	}
	if len(t) > 40 {
		return 0, "numero troppo lungo"
	}
	t = strings.TrimSpace(strings.TrimSuffix(t, "%"))
	neg := false
	switch {
	case strings.HasPrefix(t, "−"):
		neg, t = true, strings.TrimPrefix(t, "−")
	case strings.HasPrefix(t, "-"):
		neg, t = true, t[1:]
	case strings.HasPrefix(t, "+"):
		t = t[1:]
	}
	intPart, frac, hasComma := strings.Cut(t, ",")
	if intPart == "" {
		return 0, "manca la parte intera (scrivi per esempio 0,5)"
	}
	if hasComma && (frac == "" || strings.ContainsAny(frac, ".,")) {
		return 0, "dopo la virgola vanno solo cifre decimali"
	}
	if strings.Contains(intPart, ".") {
		groups := strings.Split(intPart, ".")
		if len(groups[0]) < 1 || len(groups[0]) > 3 {
			return 0, "il punto separa le migliaia (1.234,5): per i decimali usa la virgola"
		}
		for _, g := range groups[1:] {
			if len(g) != 3 {
				return 0, "il punto separa le migliaia a gruppi di tre cifre (1.234,5): per i decimali usa la virgola"
			}
		}
		intPart = strings.Join(groups, "")
	}
	for _, part := range []string{intPart, frac} {
		for _, c := range part {
			if c < '0' || c > '9' {
				return 0, "«" + s + "» non è un numero"
			}
		}
	}
	num := intPart
	if hasComma {
		num += "." + frac
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || math.IsInf(v, 0) || v > 1e12 {
		return 0, "numero fuori scala"
	}
	if neg && v != 0 {
		v = -v
	}
	return v, ""
}
