package itfmt

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestParseNumber(t *testing.T) {
	good := map[string]float64{
		"1.234,5": 1234.5, "61,24": 61.24, "−19,91": -19.91, "-19,91": -19.91, "61,24%": 61.24, "61,24 %": 61.24,
		"1234": 1234, "0,3": 0.3, "0": 0, "-0": 0, "+5": 5, "1.000.000": 1e6, " 42 ": 42, "100%": 100, "183": 183,
	}
	for in, want := range good {
		got, msg := ParseNumber(in)
		if msg != "" || got != want || math.Signbit(got) != math.Signbit(want) {
			t.Errorf("%q: got %v %q, want %v", in, got, msg, want)
		}
	}
	bad := []string{"", "abc", "1,234.5", "1.23", "12,3,4", ",5", "1,", "1.2345", "1e5", "NaN", "Inf", "0x10", "1 234", "--5",
		"12.34.567", "5,5%%", "∞", "1_000", "١٢٣"}
	for _, in := range bad {
		if v, msg := ParseNumber(in); msg == "" {
			t.Errorf("%q accepted as %v", in, v)
		}
	}
}

// TestParseFormatsRoundTrip: what the pages print, the parser reads back.
func TestParseFormatsRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for range 100000 {
		v := math.Round((rng.Float64()-0.5)*2e7*100) / 100
		got, msg := ParseNumber(Number(v, 2))
		if msg != "" || math.Abs(got-v) > 1e-9 {
			t.Fatalf("%v → %q → %v %q", v, Number(v, 2), got, msg)
		}
	}
}

// FuzzParseNumber: never panics; anything accepted is finite and prints back
// to a string that parses to the same value.
func FuzzParseNumber(f *testing.F) {
	for _, s := range []string{"1.234,5", "−19,91", "61,24%", "0", "1,234.5", "", "9.999.999,99"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, msg := ParseNumber(s)
		if msg != "" {
			return
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			t.Fatalf("%q → %v", s, v)
		}
		back, msg := ParseNumber(Number(v, 12))
		if msg != "" || math.Abs(back-v) > 1e-6*math.Max(1, math.Abs(v)) {
			t.Fatalf("%q → %v → %q → %v %q", s, v, Number(v, 12), back, msg)
		}
	})
}
