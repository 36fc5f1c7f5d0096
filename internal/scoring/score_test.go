package scoring

import (
	"strings"
	"testing"

	"github.com/piao-performance/piao/internal/plan"
)

// small is a hand-checkable plan: two areas, strategic objectives, operational
// objectives with weights, a stato-di-salute style derived count, and the
// three derived state-of-strategy indicators.
func small(rules Rules) Snapshot {
	gte := func(v float64) *Target { return &Target{Operator: ">=", Value: v} }
	lte := func(v float64) *Target { return &Target{Operator: "<=", Value: v} }
	return Snapshot{
		Rules: rules,
		Areas: []int{1, 2},
		Units: []string{"u1", "u2"},
		Roles: []string{"sg", "dir"},
		Objectives: []Objective{
			{Code: "1.1", Kind: "strategic", Area: 1},
			{Code: "2.1", Kind: "strategic", Area: 2},
			{Code: "2.2", Kind: "strategic", Area: 2},
			{Code: "O.1", Kind: "operational", Area: 1, Parent: "1.1", Owners: []string{"dir"}, Units: []string{"u1"}},
			{Code: "O.2", Kind: "operational", Area: 2, Parent: "2.1", Owners: []string{"dir", "sg"}, Units: []string{"u1", "u2"}},
			{Code: "PO.1", Kind: "organisational", Owners: []string{"sg"}},
			{Code: "PO.2", Kind: "organisational", Owners: []string{"sg"}},
		},
		Indicators: []Indicator{
			{Key: "1.1/1", Objective: "1.1", Formula: "direct", Unit: "count", Target: gte(200)},                         // 183 → 91,5
			{Key: "1.1/2", Objective: "1.1", Formula: "yes_no", Unit: "yes_no", Target: &Target{"yes", 1, "SI"}},         // SI → 100
			{Key: "2.1/1", Objective: "2.1", Formula: "direct", Unit: "count", Target: gte(5)},                           // 6 → 100 (capped)
			{Key: "2.2/1", Objective: "2.2", Formula: "direct", Unit: "count", Target: gte(2)},                           // not applicable
			{Key: "O.1/1", Objective: "O.1", Formula: "ratio", Scale: 100, Unit: "percent", Target: gte(100), Weight: 3}, // 45/50 → 90
			{Key: "O.1/2", Objective: "O.1", Formula: "direct", Unit: "days", Target: lte(0), Weight: 1},                 // −19,91 → 100
			{Key: "O.2/1", Objective: "O.2", Formula: "difference", Unit: "days", Target: lte(10)},                       // −5,7 − (−19,91) = 14,21 → 70,37…
			{Key: "O.2/2", Objective: "O.2", Formula: "direct", Unit: "count", Target: gte(4)},                           // missing
			{Key: "PO.1/1", Objective: "PO.1", Formula: "derived", Unit: "percent", Target: gte(80),
				Derived: &plan.Derived{Function: "avg_objectives", Kinds: []string{"operational"}}},
			{Key: "PO.1/2", Objective: "PO.1", Formula: "derived", Unit: "count", Target: gte(2),
				Derived: &plan.Derived{Function: "count_objectives_full", Kinds: []string{"strategic"}}},
			{Key: "PO.2/1", Objective: "PO.2", Formula: "derived", Unit: "count", Target: gte(1),
				Derived: &plan.Derived{Function: "count_indicators_met", Indicators: []string{"PO.2/2", "PO.2/3"}}},
			{Key: "PO.2/2", Objective: "PO.2", Formula: "ratio", Scale: 1, Unit: "ratio", Component: true, Target: gte(0.7)}, // 0,5 → not met
			{Key: "PO.2/3", Objective: "PO.2", Formula: "ratio", Scale: 1, Unit: "ratio", Component: true, Target: lte(1)},   // 0,9 → met
		},
		Assignments: []Assignment{
			{Role: "dir", Code: "001", Objective: "O.1", Weight: 2},
			{Role: "dir", Code: "002", Objective: "O.2", Weight: 1},
			{Role: "sg", Code: "SG1", Objective: "PO.1"},
		},
	}
}

func smallActuals(m *Model) []Actual {
	acts := make([]Actual, len(m.Indicators))
	set := func(key string, a Actual) { acts[m.IndicatorIndex(key)] = a }
	set("1.1/1", Actual{State: Entered, Value: 183})
	set("1.1/2", Actual{State: Entered, Value: 1})
	set("2.1/1", Actual{State: Entered, Value: 6})
	set("2.2/1", Actual{State: NotApplicable})
	set("O.1/1", Actual{State: Entered, A: 45, B: 50})
	set("O.1/2", Actual{State: Entered, Value: -19.91})
	set("O.2/1", Actual{State: Entered, A: -5.7, B: -19.91})
	set("PO.2/2", Actual{State: Entered, A: 5, B: 10})
	set("PO.2/3", Actual{State: Entered, A: 9, B: 10})
	return acts
}

func mustCompile(t testing.TB, s Snapshot) *Model {
	t.Helper()
	m, err := Compile(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestRollUps(t *testing.T) {
	m := mustCompile(t, small(DefaultRules()))
	r := m.Score(smallActuals(m), map[string]float64{"dir": 80})
	ind := func(k string) IndicatorResult { return r.Indicators[m.IndicatorIndex(k)] }
	obj := func(c string) Score { return r.Objectives[m.ObjectiveIndex(c)] }
	check := func(what string, got, want float64) {
		t.Helper()
		if !near(got, want) {
			t.Errorf("%s: got %v, want %v", what, got, want)
		}
	}
	// 1.1: (91,5 + 100) / 2 = 95,75
	check("1.1/1", ind("1.1/1").Value, 91.5)
	check("1.1", obj("1.1").Value, 95.75)
	if obj("1.1").Status != StatusPartial {
		t.Errorf("1.1 status %v, want partial (≥ 80)", obj("1.1").Status)
	}
	// 2.1: 6 / 5 = 120% capped at 100
	check("2.1", obj("2.1").Value, 100)
	// 2.2: its only indicator is not applicable: no score, status non applicabile
	if s := obj("2.2"); s.Has || s.Status != StatusNotApplicable || s.NA != 1 {
		t.Errorf("2.2: %+v", s)
	}
	// O.1: ratio 45/50 × 100 = 90% → 90; timeliness −19,91 ≤ 0 → 100; weights 3 and 1: (3×90 + 1×100) / 4 = 92,5
	check("O.1/1 actual", ind("O.1/1").Actual, 90)
	check("O.1", obj("O.1").Value, 92.5)
	// O.2: difference −5,7 − (−19,91) = 14,21 days against ≤ 10 → 10 / 14,21 × 100 = 70,3729767…; O.2/2 missing
	check("O.2/1 actual", ind("O.2/1").Actual, 14.21)
	check("O.2", obj("O.2").Value, 1000/14.21)
	if !obj("O.2").Incomplete() || obj("O.2").Missing != 1 {
		t.Errorf("O.2 should be incomplete with one missing: %+v", obj("O.2"))
	}
	// Area 1 = 1.1 = 95,75; area 2 = mean of 2.1 (100) only (2.2 not applicable) = 100; ente = (95,75 + 100) / 2 = 97,875
	check("area 1", r.Areas[0].Value, 95.75)
	check("area 2", r.Areas[1].Value, 100)
	check("ente", r.Ente.Value, 97.875)
	// PO.1/1 = mean of operational objectives = (92,5 + 70,3729767…) / 2 = 81,43648…; ≥ 80 → 100% capped
	avgOp := (92.5 + 1000/14.21) / 2
	check("PO.1/1 actual", ind("PO.1/1").Actual, avgOp)
	check("PO.1/1 achievement", ind("PO.1/1").Value, 100)
	// PO.1/2 = strategic objectives at 100%: only 2.1 → 1, against ≥ 2 → 50%
	check("PO.1/2 actual", ind("PO.1/2").Actual, 1)
	check("PO.1/2 achievement", ind("PO.1/2").Value, 50)
	if ind("PO.1/2").SourcesMissing != 0 || ind("PO.1/2").Sources != 2 {
		t.Errorf("PO.1/2 sources: %+v (2.2 is not applicable, not missing)", ind("PO.1/2"))
	}
	// PO.1 = (100 + 50) / 2 = 75
	check("PO.1", obj("PO.1").Value, 75)
	// PO.2/1 counts components met: 0,5 ≥ 0,7 no; 0,9 ≤ 1 yes → 1, against ≥ 1 → 100. Components stay out of PO.2.
	check("PO.2/1 actual", ind("PO.2/1").Actual, 1)
	check("PO.2", obj("PO.2").Value, 100)
	// Units: u1 = mean(O.1, O.2) = (92,5 + 70,37…) / 2; u2 = O.2
	check("unit u1", r.Units[0].Value, avgOp)
	check("unit u2", r.Units[1].Value, 1000/14.21)
	// Roles (owners): dir = mean(O.1, O.2); sg = mean(O.2, PO.1, PO.2) = (70,37… + 75 + 100) / 3
	check("role dir", r.Roles[1].Value, avgOp)
	check("role sg", r.Roles[0].Value, (1000/14.21+75+100)/3)
	// Individual dir: results = (2 × 92,5 + 1 × 70,37…) / 3 = 85,12432…; total = 0,7 × 85,124… + 0,3 × 80 = 83,587…
	resDir := (2*92.5 + 1000/14.21) / 3
	dir := r.Individuals[1]
	check("dir results", dir.Results.Value, resDir)
	check("dir total", dir.Total.Value, 0.7*resDir+0.3*80)
	if dir.Band != "Buono" {
		t.Errorf("dir band %q, want Buono (75 ≤ 83,59 < 90)", dir.Band)
	}
	// sg has no behaviour score: results only, total not computable
	if sg := r.Individuals[0]; !sg.Results.Has || sg.Total.Has || sg.Band != "" {
		t.Errorf("sg without behaviour: %+v", sg)
	}
}

func TestAllTargetsMetRule(t *testing.T) {
	rules := DefaultRules()
	rules.ObjectiveRule = AllTargetsMet
	m := mustCompile(t, small(rules))
	r := m.Score(smallActuals(m), nil)
	// 1.1: 91,5% (missed) and SI (met) → not every target met → 0
	if s := r.Objectives[m.ObjectiveIndex("1.1")]; !s.Has || s.Value != 0 || s.Status != StatusNotMet {
		t.Errorf("1.1 under all_met: %+v", s)
	}
	// O.1: 90% (missed, raw 90) and 100 → 0; 2.1: 120% raw → met → 100
	if s := r.Objectives[m.ObjectiveIndex("2.1")]; s.Value != 100 {
		t.Errorf("2.1 under all_met: %+v", s)
	}
}

func TestNotApplicableAndMissingAreExcluded(t *testing.T) {
	m := mustCompile(t, small(DefaultRules()))
	acts := smallActuals(m)
	acts[m.IndicatorIndex("1.1/1")] = Actual{State: NotApplicable}
	acts[m.IndicatorIndex("1.1/2")] = Actual{}
	r := m.Score(acts, nil)
	s := r.Objectives[m.ObjectiveIndex("1.1")]
	if s.Has || s.Status != StatusMissing || s.Missing != 1 || s.NA != 1 {
		t.Errorf("1.1 with one n/a and one missing: %+v", s)
	}
	// the ente still averages what it has: area 2 = 100
	if !r.Ente.Has || !near(r.Ente.Value, 100) || r.Ente.Missing == 0 {
		t.Errorf("ente: %+v", r.Ente)
	}
}

func TestZeroDenominatorIsFlaggedNotNaN(t *testing.T) {
	m := mustCompile(t, small(DefaultRules()))
	acts := smallActuals(m)
	acts[m.IndicatorIndex("O.1/1")] = Actual{State: Entered, A: 0, B: 0}
	r := m.Score(acts, nil)
	res := r.Indicators[m.IndicatorIndex("O.1/1")]
	if res.Has || !res.BadInputs || res.Status != StatusMissing {
		t.Errorf("0/0: %+v", res)
	}
	// O.1 falls back on its other indicator: 100
	if s := r.Objectives[m.ObjectiveIndex("O.1")]; !near(s.Value, 100) || !s.Incomplete() {
		t.Errorf("O.1: %+v", s)
	}
}

func TestCyclesAndBadReferencesAreCompileErrors(t *testing.T) {
	s := small(DefaultRules())
	// PO.1/1 averages organisational objectives — including its own: a cycle.
	s.Indicators[8].Derived = &plan.Derived{Function: "avg_objectives", Kinds: []string{"organisational"}}
	if _, err := Compile(s); err == nil || !strings.Contains(err.Error(), "cycle") {
		t.Fatalf("self-referencing average: %v", err)
	}
	s = small(DefaultRules())
	// PO.2/2 counts PO.2/1, which counts PO.2/2.
	s.Indicators[11].Formula = "derived"
	s.Indicators[11].Derived = &plan.Derived{Function: "count_indicators_met", Indicators: []string{"PO.2/1"}}
	if _, err := Compile(s); err == nil || !strings.Contains(err.Error(), "cycle") {
		t.Fatalf("mutual counts: %v", err)
	}
	s = small(DefaultRules())
	s.Indicators[10].Derived = &plan.Derived{Function: "count_indicators_met", Indicators: []string{"nope/1"}}
	if _, err := Compile(s); err == nil {
		t.Fatal("unknown reference must fail")
	}
	s = small(DefaultRules())
	s.Assignments[0].Objective = "X"
	if _, err := Compile(s); err == nil {
		t.Fatal("unknown assignment objective must fail")
	}
}

func TestNamedSetAverage(t *testing.T) {
	s := small(DefaultRules())
	// PO.1/1 over the named set {O.1} only → 92,5
	s.Indicators[8].Derived = &plan.Derived{Function: "avg_objectives", Objectives: []string{"O.1"}}
	m := mustCompile(t, s)
	r := m.Score(smallActuals(m), nil)
	if got := r.Indicators[m.IndicatorIndex("PO.1/1")].Actual; !near(got, 92.5) {
		t.Errorf("named set average %v, want 92,5", got)
	}
}

func TestExplanationsRedoTheArithmetic(t *testing.T) {
	m := mustCompile(t, small(DefaultRules()))
	r := m.Score(smallActuals(m), map[string]float64{"dir": 80})
	r.Provenance = make([]string, len(m.Indicators))
	r.Provenance[m.IndicatorIndex("O.1/1")] = "inserito da dir il 31/01/2024"
	cases := []struct {
		trace Trace
		want  []string
	}{
		{r.ExplainIndicator(m.IndicatorIndex("1.1/1")), []string{"valore ÷ target", "183 ÷ 200 × 100 = 91,5%"}},
		{r.ExplainIndicator(m.IndicatorIndex("O.1/1")), []string{"45 ÷ 50 × 100 = 90%", "inserito da dir il 31/01/2024", "Grado = 90 ÷ 100 × 100 = 90%"}},
		{r.ExplainIndicator(m.IndicatorIndex("O.1/2")), []string{"−19,91 ≤ 0: sì → 100%"}},
		{r.ExplainIndicator(m.IndicatorIndex("O.2/1")), []string{"−5,7 − (−19,91) = 14,21", "10 ÷ 14,21 × 100"}},
		{r.ExplainIndicator(m.IndicatorIndex("2.1/1")), []string{"Limite massimo applicato: 120% diventa 100%"}},
		{r.ExplainIndicator(m.IndicatorIndex("2.2/1")), []string{"non applicabile"}},
		{r.ExplainIndicator(m.IndicatorIndex("O.2/2")), []string{"Nessun valore"}},
		{r.ExplainIndicator(m.IndicatorIndex("PO.2/1")), []string{"PO.2/2", "PO.2/3", "1 indicatori su 2"}},
		{r.ExplainObjective(m.ObjectiveIndex("O.1")), []string{"3 × 90% + 1 × 100%", "÷ 4 = 92,5%"}},
		{r.ExplainObjective(m.ObjectiveIndex("O.2")), []string{"Incompleto: 1"}},
		{r.ExplainEnte(), []string{"(95,75% + 100%) ÷ 2 = 97,88%"}},
		{r.ExplainIndividual(1), []string{"fascia «Buono»", "2 × 92,5%"}},
		{r.ExplainIndividual(0), []string{"Manca il punteggio dei comportamenti"}},
	}
	for i, c := range cases {
		text := flatten(c.trace)
		for _, w := range c.want {
			if !strings.Contains(text, w) {
				t.Errorf("case %d (%s): %q not in\n%s", i, c.trace.Subject, w, text)
			}
		}
	}
}

func flatten(t Trace) string {
	parts := []string{t.Subject, t.Rule, t.Target, t.Result}
	for _, in := range t.Inputs {
		parts = append(parts, in.Label+" "+in.Value+" "+in.Source)
	}
	parts = append(parts, t.Steps...)
	parts = append(parts, t.Adjustments...)
	parts = append(parts, t.Notes...)
	for _, c := range t.Children {
		parts = append(parts, c.Key+" "+c.Label+" "+c.Value+" "+c.Weight)
	}
	return strings.Join(parts, "\n")
}

// An actual stored where the year has no target is "senza target": excluded
// from averages like a non-applicable one, never counted as missing, and the
// explanation says so; the indicators with targets keep their numbers.
func TestActualWithoutTargetIsSenzaTarget(t *testing.T) {
	s := small(DefaultRules())
	s.Indicators[0].Target = nil // 1.1/1: 183 entered, no target for the year
	m := mustCompile(t, s)
	r := m.Score(smallActuals(m), nil)
	i := m.IndicatorIndex("1.1/1")
	res := r.Indicators[i]
	if res.Has || !res.HasActual || res.Actual != 183 || res.Status != StatusNoTarget || res.Missing != 0 || res.Score.NoTarget != 1 {
		t.Fatalf("1.1/1 without target: %+v", res)
	}
	if res.Status.Label() != "Senza target" || res.Status.Code() != "senza_target" {
		t.Errorf("label %q code %q", res.Status.Label(), res.Status.Code())
	}
	// 1.1 keeps its other indicator (SI → 100) and is complete
	if o := r.Objectives[m.ObjectiveIndex("1.1")]; !o.Has || !near(o.Value, 100) || o.Incomplete() || o.NoTarget != 1 {
		t.Errorf("1.1: %+v", o)
	}
	tr := r.ExplainIndicator(i)
	if !strings.Contains(tr.Rule, "Senza target") || !strings.Contains(tr.Rule, "escluso dalle medie") || tr.Target != "non fissato" {
		t.Errorf("explanation: %+v", tr)
	}
	// an objective whose only indicator has no target is "senza target", not missing
	s.Indicators[3].Target = nil // 2.2/1
	m = mustCompile(t, s)
	acts := smallActuals(m)
	acts[m.IndicatorIndex("2.2/1")] = Actual{State: Entered, Value: 3}
	r = m.Score(acts, nil)
	if o := r.Objectives[m.ObjectiveIndex("2.2")]; o.Has || o.Status != StatusNoTarget || o.Missing != 0 {
		t.Errorf("2.2: %+v", o)
	}
	// the count of strategic objectives at 100% does not count it as a missing source
	if d := r.Indicators[m.IndicatorIndex("PO.1/2")]; d.SourcesMissing != 0 {
		t.Errorf("PO.1/2 sources missing: %+v", d)
	}
	// no actual and no target is still missing data
	acts[m.IndicatorIndex("2.2/1")] = Actual{}
	r = m.Score(acts, nil)
	if res := r.Indicators[m.IndicatorIndex("2.2/1")]; res.Status != StatusMissing || res.Missing != 1 {
		t.Errorf("2.2/1 empty: %+v", res)
	}
}
