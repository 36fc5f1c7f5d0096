package planxlsx

import (
	"math"
	"testing"
)

// FuzzCellParsers: no cell value makes a parser panic or return a number
// that is not finite and in scale.
func FuzzCellParsers(f *testing.F) {
	for _, s := range []string{"1.234,5", "61,24%", "1.234", "1E-05", "−3", "NaN", "1e400", "0x1p3", "2023-10-01", "45200", "numerator=a; b;c=d", "sì"} {
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, numeric bool) {
		if v, msg := parseNumber(s, func() bool { return numeric }); msg == "" && (math.IsNaN(v) || math.Abs(v) > maxNumber) {
			t.Errorf("%q read as %v", s, v)
		}
		parseInt(s, func() bool { return numeric }, "un anno")
		parseDate(s)
		parseBool(s)
		parseInputs(s)
		splitList(s)
		quote(s)
	})
}
