package dashboard

import (
	"testing"
	"time"

	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/plan"
	"github.com/piao-performance/piao/internal/scorecard"
	"github.com/piao-performance/piao/internal/scoring"
)

// midyearCard scores one objective whose indicators have the given actuals
// at the in-year monitoring of 30/06/2024.
func midyearCard(t *testing.T, kind string, inds []scoring.Indicator, values map[string]float64) *scorecard.Card {
	t.Helper()
	snap := scoring.Snapshot{Rules: scoring.DefaultRules(), Areas: []int{1}, Roles: []string{"dir"},
		Objectives: []scoring.Objective{{Code: "O.1", Kind: plan.KindOperational, Area: 1, Owners: []string{"dir"}}}}
	for _, in := range inds {
		in.Objective = "O.1"
		snap.Indicators = append(snap.Indicators, in)
	}
	m, err := scoring.Compile(snap)
	if err != nil {
		t.Fatal(err)
	}
	acts := make([]scoring.Actual, len(m.Indicators))
	for k, v := range values {
		acts[m.IndicatorIndex(k)] = scoring.Actual{State: scoring.Entered, Value: v}
	}
	ends := time.Date(2024, 6, 30, 0, 0, 0, 0, time.UTC)
	if kind == "final" {
		ends = time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC)
	}
	return &scorecard.Card{Model: m, Result: m.Score(acts, nil), Period: model.Period{Year: 2024, Kind: kind, EndsOn: ends}}
}

func gte(v float64) *scoring.Target { return &scoring.Target{Operator: plan.OpGTE, Value: v} }

func warned(ws []Warning, key string) *Warning {
	for i := range ws {
		if ws[i].Key == key {
			return &ws[i]
		}
	}
	return nil
}

func TestEarlyWarningRules(t *testing.T) {
	inds := []scoring.Indicator{
		// a count of events that accumulates: at half its annual target on 30/06 it is on track
		{Key: "O.1/1", Name: "Eventi", Formula: plan.FormulaDirect, Unit: plan.UnitCount, Target: gte(200), Cumulative: true},
		// a rate below its target warns: a percentage is judged against the target itself
		{Key: "O.1/2", Name: "Tasso", Formula: plan.FormulaDirect, Unit: plan.UnitPercent, Target: gte(90)},
		// 'none' never warns, however far from the target
		{Key: "O.1/3", Name: "Senza allerta", Formula: plan.FormulaDirect, Unit: plan.UnitPercent, Target: gte(90), EarlyWarning: plan.EarlyWarningNone},
		// a cumulative count forced to the target itself warns at half of it
		{Key: "O.1/4", Name: "Eventi contro il target", Formula: plan.FormulaDirect, Unit: plan.UnitCount, Target: gte(200), Cumulative: true,
			EarlyWarning: plan.EarlyWarningTarget},
		// a non-cumulative count forced to pro rata is on track at half
		{Key: "O.1/5", Name: "Pratiche pro rata", Formula: plan.FormulaDirect, Unit: plan.UnitCount, Target: gte(200), EarlyWarning: plan.EarlyWarningProRata},
		// a cumulative count well below pro rata warns
		{Key: "O.1/6", Name: "Eventi in ritardo", Formula: plan.FormulaDirect, Unit: plan.UnitCount, Target: gte(200), Cumulative: true},
		// SI/NO: the target itself, whatever the mode
		{Key: "O.1/7", Name: "Adempimento", Formula: plan.FormulaYesNo, Unit: plan.UnitYesNo, Target: &scoring.Target{Operator: plan.OpYes, Value: 1, Text: "SI"},
			EarlyWarning: plan.EarlyWarningProRata},
	}
	c := midyearCard(t, "midyear", inds, map[string]float64{"O.1/1": 100, "O.1/2": 80, "O.1/3": 10, "O.1/4": 100, "O.1/5": 100, "O.1/6": 40, "O.1/7": 0})
	ws := warnings(c)
	if w := warned(ws, "O.1/1"); w != nil {
		t.Errorf("cumulative at half its target on 30/06 warned: expected %v", w.Expected)
	}
	if w := warned(ws, "O.1/2"); w == nil || w.Mode != CompareTarget || w.Expected != 90 {
		t.Errorf("rate below target: warning %+v, want one against the target 90", w)
	}
	if w := warned(ws, "O.1/3"); w != nil {
		t.Errorf("'none' warned: %+v", w)
	}
	if w := warned(ws, "O.1/4"); w == nil || w.ProRata {
		t.Errorf("cumulative forced to the target: warning %+v, want one against the whole target", w)
	}
	if w := warned(ws, "O.1/5"); w != nil {
		t.Errorf("forced pro rata at half its target warned: %+v", w)
	}
	w := warned(ws, "O.1/6")
	if w == nil || !w.ProRata {
		t.Fatalf("cumulative far below pro rata: warning %+v, want a pro rata one", w)
	}
	if w.Expected < 99 || w.Expected > 100 { // 200 × 182/366 days of 2024
		t.Errorf("expected by 30/06/2024 = %v, want about 99,45", w.Expected)
	}
	if w := warned(ws, "O.1/7"); w == nil || w.Mode != CompareTarget {
		t.Errorf("SI/NO not met: warning %+v, want one against the target", w)
	}
	if len(ws) != 4 {
		t.Errorf("%d warnings, want 4: %+v", len(ws), ws)
	}
	// the final period never warns: it is the evaluation itself
	if ws := warnings(midyearCard(t, "final", inds, map[string]float64{"O.1/2": 10})); len(ws) != 0 {
		t.Errorf("final period warned: %+v", ws)
	}
}

func TestInYearGroupsAreInProgress(t *testing.T) {
	inds := []scoring.Indicator{{Key: "O.1/1", Name: "Eventi", Formula: plan.FormulaDirect, Unit: plan.UnitCount, Target: gte(200), Cumulative: true}}
	d := Build(Input{Card: midyearCard(t, "midyear", inds, map[string]float64{"O.1/1": 100})})
	if len(d.Groups) != 1 || !d.Groups[0].InYear {
		t.Errorf("in-year groups %+v: want one marked in corso", d.Groups)
	}
	d = Build(Input{Card: midyearCard(t, "final", inds, map[string]float64{"O.1/1": 100})})
	if len(d.Groups) != 1 || d.Groups[0].InYear {
		t.Errorf("final groups %+v: want one scored", d.Groups)
	}
}
