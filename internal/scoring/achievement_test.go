package scoring

import (
	"math"
	"testing"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// TestAchievement covers every operator and edge case of docs/DESIGN.md §4 with
// expected values worked out by hand.
func TestAchievement(t *testing.T) {
	def := DefaultRules()
	linear := DefaultRules()
	linear.LTERule = LTELinear
	cap120 := DefaultRules()
	cap120.Cap = 120
	thr60 := DefaultRules()
	thr60.MinThreshold = 60
	cases := []struct {
		name       string
		op         string
		target, x  float64
		rules      Rules
		want, raw  float64
		capped     bool
		belowThres bool
	}{
		// Payment timeliness (O.1.1.8): −19,91 days against ≤ 0 — paying early meets the target: 100%.
		{"payment timeliness −19,91 ≤ 0", "<=", 0, -19.91, def, 100, 100, false, false},
		// Mediations (3.3): 183 against ≥ 200 → 183 / 200 × 100 = 91,5%.
		{"183 mediations ≥ 200", ">=", 200, 183, def, 91.5, 91.5, false, false},
		// 250 against ≥ 200 → 125% raw, capped at 100%.
		{"250 mediations ≥ 200 capped", ">=", 200, 250, def, 100, 125, true, false},
		// Same with a 120% cap: 125% → 120%.
		{"cap 120", ">=", 200, 250, cap120, 120, 125, true, false},
		// SI/NO: SI (1) against SI → 100%; NO (0) against SI → 0%.
		{"SI against SI", "yes", 1, 1, def, 100, 100, false, false},
		{"NO against SI", "yes", 1, 0, def, 0, 0, false, false},
		// "zero" rilievi (≤ 0) with one rilievo: the target is 0, so missing it gives 0%.
		{"one rilievo against zero", "<=", 0, 1, def, 0, 0, false, false},
		{"no rilievi against zero", "<=", 0, 0, def, 100, 100, false, false},
		// Benchmarking ≤ 10 days with 14,2: ratio rule 10 / 14,2 × 100 = 70,4225352…%.
		{"14,2 days against ≤ 10 (ratio)", "<=", 10, 14.2, def, 1000 / 14.2, 1000 / 14.2, false, false},
		// Same with the linear rule: (2 − 14,2 / 10) × 100 = 58%.
		{"14,2 days against ≤ 10 (linear)", "<=", 10, 14.2, linear, 58, 58, false, false},
		// Linear rule never below zero: (2 − 25 / 10) × 100 = −50 → 0.
		{"25 days against ≤ 10 (linear floor)", "<=", 10, 25, linear, 0, 0, false, false},
		// Corruption ≤ 1 with 1 → met.
		{"one case against ≤ 1", "<=", 1, 1, def, 100, 100, false, false},
		// Equality: 24 price lists against = 24 → 100%, 23 → 0%.
		{"equal met", "=", 24, 24, def, 100, 100, false, false},
		{"equal missed", "=", 24, 23, def, 0, 0, false, false},
		// ≥ with a zero target: met when x ≥ 0.
		{"≥ 0 met", ">=", 0, 0, def, 100, 100, false, false},
		{"≥ 0 missed", ">=", 0, -2, def, 0, 0, false, false},
		// ≥ with a negative actual and a positive target: never below 0.
		{"negative actual ≥ 5", ">=", 5, -3, def, 0, 0, false, false},
		// Minimum threshold 60%: 55% (11 / 20) counts 0; 65% (13 / 20) stays.
		{"below threshold", ">=", 20, 11, thr60, 0, 55, false, true},
		{"above threshold", ">=", 20, 13, thr60, 65, 65, false, false},
		// Percentages: 81,13% participation against ≥ 100% → 81,13%.
		{"81,13% ≥ 100%", ">=", 100, 81.13, def, 81.13, 81.13, false, false},
		// Ratio ≥ 1 (lavoro agile productivity): 0,95 → 95%.
		{"productivity 0,95 ≥ 1", ">=", 1, 0.95, def, 95, 95, false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, raw, capped, below := Achievement(c.op, c.target, c.x, c.rules)
			if !near(a, c.want) || !near(raw, c.raw) || capped != c.capped || below != c.belowThres {
				t.Errorf("got a=%v raw=%v capped=%v below=%v; want a=%v raw=%v capped=%v below=%v",
					a, raw, capped, below, c.want, c.raw, c.capped, c.belowThres)
			}
		})
	}
}

func TestRulesValidate(t *testing.T) {
	if err := DefaultRules().Validate(); err != nil {
		t.Fatal(err)
	}
	bad := []func(*Rules){
		func(r *Rules) { r.Cap = 90 },
		func(r *Rules) { r.MinThreshold = 100 },
		func(r *Rules) { r.LTERule = "square" },
		func(r *Rules) { r.ObjectiveRule = "max" },
		func(r *Rules) { r.PartialBand = 120 },
		func(r *Rules) { r.ResultsShare = 80 },
		func(r *Rules) { r.IndividualBands = nil },
		func(r *Rules) { r.IndividualBands = []Band{{0, "a"}, {50, "b"}} },
	}
	for i, f := range bad {
		r := DefaultRules()
		f(&r)
		if r.Validate() == nil {
			t.Errorf("case %d: want an error", i)
		}
	}
}
