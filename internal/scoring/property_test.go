package scoring

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/piao-performance/piao/internal/plan"
)

var ops = []string{">=", "<=", "=", "yes"}

func randRules(rng *rand.Rand) Rules {
	r := DefaultRules()
	r.Cap = []float64{100, 110, 120, 150}[rng.IntN(4)]
	r.MinThreshold = []float64{0, 0, 50, 60}[rng.IntN(4)]
	if rng.IntN(2) == 0 {
		r.LTERule = LTELinear
	}
	if rng.IntN(3) == 0 {
		r.ObjectiveRule = AllTargetsMet
	}
	return r
}

func randValue(rng *rand.Rand) float64 {
	switch rng.IntN(6) {
	case 0:
		return 0
	case 1:
		return -rng.Float64() * 100
	case 2:
		return float64(rng.IntN(5))
	case 3:
		return rng.Float64() * 1e6
	}
	return rng.Float64() * 200
}

// TestAchievementBounds: whatever the operator, target, actual and rules, the
// achievement is a number within [0, cap].
func TestAchievementBounds(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		r := randRules(rng)
		op := ops[rng.IntN(len(ops))]
		tv, x := randValue(rng), randValue(rng)
		a, _, _, _ := Achievement(op, tv, x, r)
		if math.IsNaN(a) || math.IsInf(a, 0) || a < 0 || a > r.Cap {
			t.Fatalf("Achievement(%s, %v, %v, cap %v) = %v", op, tv, x, r.Cap, a)
		}
	}
}

// TestAchievementMonotonic: a larger actual never lowers the achievement of a
// ≥ target, never raises that of a ≤ target, under both ≤ rules.
func TestAchievementMonotonic(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 200000 {
		r := randRules(rng)
		tv := randValue(rng)
		x1, x2 := randValue(rng), randValue(rng)
		if x1 > x2 {
			x1, x2 = x2, x1
		}
		g1, _, _, _ := Achievement(">=", tv, x1, r)
		g2, _, _, _ := Achievement(">=", tv, x2, r)
		if g1 > g2 {
			t.Fatalf("≥ %v: a(%v)=%v > a(%v)=%v", tv, x1, g1, x2, g2)
		}
		l1, _, _, _ := Achievement("<=", tv, x1, r)
		l2, _, _, _ := Achievement("<=", tv, x2, r)
		if l1 < l2 {
			t.Fatalf("≤ %v (%s): a(%v)=%v < a(%v)=%v", tv, r.LTERule, x1, l1, x2, l2)
		}
	}
}

// TestScalingWeightsChangesNothing: multiplying every indicator and every
// assignment weight by the same factor leaves every score as it was.
func TestScalingWeightsChangesNothing(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for trial := range 300 {
		s, acts := randomPlan(rng)
		m1, err := Compile(s)
		if err != nil {
			continue
		}
		k := []float64{0.5, 3, 7.25, 1000}[trial%4]
		scaled := s
		scaled.Indicators = append([]Indicator(nil), s.Indicators...)
		scaled.Assignments = append([]Assignment(nil), s.Assignments...)
		for i := range scaled.Indicators {
			w := scaled.Indicators[i].Weight
			if w == 0 {
				w = 1
			}
			scaled.Indicators[i].Weight = w * k
		}
		for i := range scaled.Assignments {
			w := scaled.Assignments[i].Weight
			if w == 0 {
				w = 1
			}
			scaled.Assignments[i].Weight = w * k
		}
		m2 := mustCompile(t, scaled)
		r1, r2 := m1.Score(acts, map[string]float64{"r0": 70}), m2.Score(acts, map[string]float64{"r0": 70})
		for o := range r1.Objectives {
			a, b := r1.Objectives[o], r2.Objectives[o]
			if a.Has != b.Has || math.Abs(a.Value-b.Value) > 1e-9*math.Max(1, math.Abs(a.Value)) {
				t.Fatalf("trial %d objective %s: %+v vs %+v", trial, s.Objectives[o].Code, a, b)
			}
		}
		for k := range r1.Individuals {
			a, b := r1.Individuals[k].Total, r2.Individuals[k].Total
			if a.Has != b.Has || math.Abs(a.Value-b.Value) > 1e-9*math.Max(1, math.Abs(a.Value)) {
				t.Fatalf("trial %d individual %d: %+v vs %+v", trial, k, a, b)
			}
		}
		if math.Abs(r1.Ente.Value-r2.Ente.Value) > 1e-9*math.Max(1, r1.Ente.Value) {
			t.Fatalf("trial %d ente: %v vs %v", trial, r1.Ente.Value, r2.Ente.Value)
		}
	}
}

// randomPlan builds a random but structurally plausible snapshot and actuals;
// derived indicators may reference anything, so some plans have cycles.
func randomPlan(rng *rand.Rand) (Snapshot, []Actual) {
	s := Snapshot{Rules: randRules(rng), Areas: []int{1, 2, 3}, Units: []string{"u0", "u1"}, Roles: []string{"r0", "r1"}}
	kinds := []string{"strategic", "operational", "transversal", "organisational"}
	nObj := 1 + rng.IntN(12)
	for o := range nObj {
		kind := kinds[rng.IntN(len(kinds))]
		if o == 0 {
			kind = "strategic"
		}
		obj := Objective{Code: fmt.Sprintf("X%d", o), Kind: kind, Area: 1 + rng.IntN(3)}
		if rng.IntN(2) == 0 {
			obj.Owners = []string{s.Roles[rng.IntN(2)]}
			obj.Units = []string{s.Units[rng.IntN(2)]}
		}
		s.Objectives = append(s.Objectives, obj)
	}
	formulas := []plan.Formula{"direct", "ratio", "difference", "ratio_previous", "yes_no", "derived"}
	nInd := 1 + rng.IntN(30)
	for i := range nInd {
		o := s.Objectives[rng.IntN(nObj)]
		in := Indicator{Key: fmt.Sprintf("%s/%d", o.Code, i), Objective: o.Code, Formula: formulas[rng.IntN(len(formulas))],
			Unit: "count", Scale: []float64{1, 100}[rng.IntN(2)], Component: rng.IntN(8) == 0, Weight: float64(rng.IntN(4))}
		if rng.IntN(6) > 0 {
			in.Target = &Target{Operator: ops[rng.IntN(len(ops))], Value: randValue(rng)}
		}
		if in.Formula == "derived" {
			switch rng.IntN(3) {
			case 0:
				in.Derived = &plan.Derived{Function: "avg_objectives", Kinds: []string{kinds[rng.IntN(len(kinds))]}}
			case 1:
				in.Derived = &plan.Derived{Function: "count_objectives_full", Objectives: []string{s.Objectives[rng.IntN(nObj)].Code}}
			default:
				in.Derived = &plan.Derived{Function: "count_indicators_met"}
				for range 1 + rng.IntN(3) {
					if i > 0 {
						in.Derived.Indicators = append(in.Derived.Indicators, s.Indicators[rng.IntN(i)].Key)
					}
				}
				if len(in.Derived.Indicators) == 0 {
					in.Formula, in.Derived = "direct", nil
				}
			}
		}
		s.Indicators = append(s.Indicators, in)
	}
	for k := range rng.IntN(6) {
		s.Assignments = append(s.Assignments, Assignment{Role: s.Roles[rng.IntN(2)], Code: fmt.Sprint(k),
			Objective: s.Objectives[rng.IntN(nObj)].Code, Weight: float64(rng.IntN(3))})
	}
	acts := make([]Actual, nInd)
	for i := range acts {
		switch rng.IntN(5) {
		case 0:
		case 1:
			acts[i] = Actual{State: NotApplicable}
		default:
			acts[i] = Actual{State: Entered, Value: randValue(rng), A: randValue(rng), B: randValue(rng)}
		}
	}
	return s, acts
}

func checkFinite(t testing.TB, r *Result) {
	t.Helper()
	capV := r.Model.Rules.Cap
	check := func(what string, s Score) {
		if math.IsNaN(s.Value) || math.IsInf(s.Value, 0) {
			t.Fatalf("%s: not a number: %+v", what, s)
		}
		if s.Has && (s.Value < 0 || s.Value > capV+1e-9) {
			t.Fatalf("%s: %v outside [0, %v]", what, s.Value, capV)
		}
	}
	for i, in := range r.Indicators {
		check("indicator "+r.Model.Indicators[i].Key, in.Score)
		if math.IsNaN(in.Actual) || math.IsInf(in.Actual, 0) {
			t.Fatalf("indicator %s actual %v", r.Model.Indicators[i].Key, in.Actual)
		}
	}
	for i, s := range r.Objectives {
		check("objective "+r.Model.Objectives[i].Code, s)
	}
	for _, s := range r.Areas {
		check("area", s)
	}
	check("ente", r.Ente)
	for _, ir := range r.Individuals {
		if math.IsNaN(ir.Total.Value) || math.IsInf(ir.Total.Value, 0) {
			t.Fatalf("individual %s: %+v", ir.Role, ir.Total)
		}
	}
	// explanations must not panic either
	for i := range r.Indicators {
		_ = r.ExplainIndicator(i)
	}
	for o := range r.Objectives {
		_ = r.ExplainObjective(o)
	}
	_ = r.ExplainEnte()
	for k := range r.Individuals {
		_ = r.ExplainIndividual(k)
	}
}

func TestRandomPlansStayFinite(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for range 2000 {
		s, acts := randomPlan(rng)
		m, err := Compile(s)
		if err != nil {
			continue // cycles and bad references are reported, never scored
		}
		checkFinite(t, m.Score(acts, map[string]float64{"r0": 55}))
	}
}

// FuzzScore: random plans from the fuzzer's bytes never panic and never
// produce NaN or Inf. Run with `go test -fuzz FuzzScore ./internal/scoring/`.
func FuzzScore(f *testing.F) {
	for _, seed := range []uint64{1, 2, 3, 42, 1 << 40} {
		b := make([]byte, 16)
		binary.LittleEndian.PutUint64(b, seed)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var s1, s2 uint64
		if len(data) >= 8 {
			s1 = binary.LittleEndian.Uint64(data[:8])
		}
		if len(data) >= 16 {
			s2 = binary.LittleEndian.Uint64(data[8:16])
		}
		rng := rand.New(rand.NewPCG(s1, s2))
		s, acts := randomPlan(rng)
		// the remaining bytes overwrite actual values, reaching odd floats
		for i := 16; i+8 <= len(data) && (i-16)/8 < len(acts); i += 8 {
			v := math.Float64frombits(binary.LittleEndian.Uint64(data[i : i+8]))
			acts[(i-16)/8] = Actual{State: Entered, Value: v, A: v, B: v / 3}
		}
		m, err := Compile(s)
		if err != nil {
			return
		}
		checkFinite(t, m.Score(acts, nil))
	})
}
