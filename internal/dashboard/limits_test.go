package dashboard

import (
	"fmt"
	"testing"
	"time"

	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/plan"
	"github.com/piao-performance/piao/internal/scorecard"
	"github.com/piao-performance/piao/internal/scoring"
)

// TestLargePlanIsSummarised: a dirigente with more objectives than
// MaxGroupRows gets the first ones in plan order and the count of the rest;
// the lateness list stops at MaxLateRows with the count of the rest; a
// small plan is shown whole.
func TestLargePlanIsSummarised(t *testing.T) {
	build := func(objectives int) Dashboard {
		snap := scoring.Snapshot{Rules: scoring.DefaultRules(), Areas: []int{1}, Roles: []string{"big", "small"}}
		var late []model.Lateness
		for i := range objectives {
			code := fmt.Sprintf("O.%d", i+1)
			owner := "big"
			if i%10 == 9 {
				owner = "small"
			}
			snap.Objectives = append(snap.Objectives, scoring.Objective{Code: code, Kind: plan.KindOperational, Area: 1, Owners: []string{owner}})
			snap.Indicators = append(snap.Indicators, scoring.Indicator{Key: code + "/1", Objective: code, Name: "Pratiche",
				Formula: plan.FormulaDirect, Unit: plan.UnitCount, Target: &scoring.Target{Operator: plan.OpGTE, Value: 1}})
			late = append(late, model.Lateness{Position: owner, Objective: code, Missing: 1})
		}
		m, err := scoring.Compile(snap)
		if err != nil {
			t.Fatal(err)
		}
		card := &scorecard.Card{Model: m, Result: m.Score(make([]scoring.Actual, len(m.Indicators)), nil),
			Period: model.Period{Year: 2024, Kind: "final", EndsOn: time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC)}}
		return Build(Input{Card: card, Late: late})
	}
	d := build(100) // 90 objectives of "big", 10 of "small"
	if len(d.Groups) != 2 {
		t.Fatalf("%d groups", len(d.Groups))
	}
	big, small := d.Groups[0], d.Groups[1]
	if len(big.Objectives) != MaxGroupRows || big.More != 90-MaxGroupRows || big.Objectives[0].Key != "O.1" || big.Objectives[MaxGroupRows-1].Key != "O.33" {
		t.Errorf("big group: %d shown (first %s, last %s), %d more", len(big.Objectives), big.Objectives[0].Key, big.Objectives[len(big.Objectives)-1].Key, big.More)
	}
	if len(small.Objectives) != 10 || small.More != 0 {
		t.Errorf("small group: %d shown, %d more", len(small.Objectives), small.More)
	}
	if len(d.Late) != MaxLateRows || d.LateMore != 100-MaxLateRows || d.Late[0].Objective != "O.1" {
		t.Errorf("lateness: %d shown, %d more", len(d.Late), d.LateMore)
	}
	d = build(MaxGroupRows)
	if d.Groups[0].More != 0 || d.LateMore != 0 || len(d.Late) != MaxGroupRows {
		t.Errorf("a small plan was cut: %d more objectives, %d more late", d.Groups[0].More, d.LateMore)
	}
}
