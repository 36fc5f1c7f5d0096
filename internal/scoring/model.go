// Package scoring is the pure scoring engine (no database, no HTTP): from a
// plan snapshot and the actuals of a period it computes the achievement of
// every indicator, objective, area, unit, manager and of the ente, the status
// bands, the completeness counts and the individual scorecards, and explains
// each number on demand.
//
// The engine keeps nothing between calls: scoring the reference plan takes a
// fraction of a millisecond and a 50,000-indicator plan a few milliseconds
// (see the benchmarks). What is worth caching is the loading around it (the
// snapshot and the actuals): the web server keeps scored cards and built
// dashboards keyed by the store's fingerprint of the period, so any write is
// seen at once (internal/server/cards.go, internal/server/dashboard.go).
package scoring

import (
	"fmt"
	"slices"

	"github.com/piao-performance/piao/internal/plan"
)

// Rules are the per-plan scoring settings (the SMVP). DefaultRules gives the
// defaults of docs/DESIGN.md §4.
type Rules struct {
	Cap             float64 // maximum achievement of an indicator, percent
	MinThreshold    float64 // an achievement below it counts as 0; 0 = no threshold
	LTERule         string  // "ratio" (T/x) or "linear" (2 − x/T) when a ≤ target is missed
	ObjectiveRule   string  // "weighted_mean" or "all_met" (100 only if every target is met)
	FullBand        float64 // achievement ≥ FullBand: raggiunto
	PartialBand     float64 // achievement ≥ PartialBand: parzialmente raggiunto
	ResultsShare    float64 // weight of the results in the individual score, percent
	BehaviourShare  float64 // weight of the behaviour score, percent
	IndividualBands []Band  // individual score bands, highest Min first
}

// Band maps an individual score from Min upwards to a label.
type Band struct {
	Min   float64 `json:"min"`
	Label string  `json:"label"`
}

// Rule values.
const (
	LTERatio      = "ratio"
	LTELinear     = "linear"
	WeightedMean  = "weighted_mean"
	AllTargetsMet = "all_met"
)

// DefaultRules returns the default scoring rules.
func DefaultRules() Rules {
	return Rules{
		Cap: 100, MinThreshold: 0, LTERule: LTERatio, ObjectiveRule: WeightedMean,
		FullBand: 100, PartialBand: 80, ResultsShare: 70, BehaviourShare: 30,
		IndividualBands: []Band{{90, "Eccellente"}, {75, "Buono"}, {60, "Adeguato"}, {0, "Non adeguato"}},
	}
}

// Validate checks that the rules make sense.
func (r Rules) Validate() error {
	switch {
	case !(r.Cap >= 100 && r.Cap <= 1000):
		return fmt.Errorf("cap %v must be between 100 and 1000", r.Cap)
	case !(r.MinThreshold >= 0 && r.MinThreshold < 100):
		return fmt.Errorf("minimum threshold %v must be between 0 and 100", r.MinThreshold)
	case r.LTERule != LTERatio && r.LTERule != LTELinear:
		return fmt.Errorf("≤ rule %q must be ratio or linear", r.LTERule)
	case r.ObjectiveRule != WeightedMean && r.ObjectiveRule != AllTargetsMet:
		return fmt.Errorf("objective rule %q must be weighted_mean or all_met", r.ObjectiveRule)
	case !(r.PartialBand > 0 && r.PartialBand <= r.FullBand && r.FullBand <= r.Cap):
		return fmt.Errorf("bands %v/%v must satisfy 0 < partial ≤ full ≤ cap", r.PartialBand, r.FullBand)
	case !(r.ResultsShare >= 0 && r.BehaviourShare >= 0 && r.ResultsShare+r.BehaviourShare == 100):
		return fmt.Errorf("results and behaviour shares %v/%v must add up to 100", r.ResultsShare, r.BehaviourShare)
	case len(r.IndividualBands) == 0:
		return fmt.Errorf("individual bands are missing")
	}
	for i := 1; i < len(r.IndividualBands); i++ {
		if r.IndividualBands[i].Min >= r.IndividualBands[i-1].Min {
			return fmt.Errorf("individual bands must be listed from the highest minimum down")
		}
	}
	return nil
}

// Target is the target of an indicator for the scored year.
type Target struct {
	Operator string // >=, <=, =, yes
	Value    float64
	Text     string // as published
}

// Objective is an objective of the snapshot.
type Objective struct {
	Code   string
	Kind   string
	Title  string
	Area   int    // 0 when cross-cutting
	Parent string // parent strategic objective code
	Owners []string
	Units  []string
}

// Indicator is an indicator of the snapshot with its target for the year.
type Indicator struct {
	Key       string
	Objective string
	Name      string
	Unit      string
	Polarity  string
	Formula   plan.Formula
	Scale     float64
	Derived   *plan.Derived
	Component bool    // feeds a derived indicator; not averaged into its objective
	Weight    float64 // 0 means 1
	Target    *Target // nil: no target for the year
	// Cumulative values accumulate over the year: early warnings compare
	// them with the target pro rata.
	Cumulative bool
	// EarlyWarning is plan.Indicator.EarlyWarning: "" automatic, or a mode.
	EarlyWarning string
}

// Assignment is an individual objective: a role's entry pointing at an objective.
type Assignment struct {
	Role      string
	Code      string
	Title     string
	Objective string
	Weight    float64 // 0 means 1
}

// Snapshot is what the engine scores: a plan in one revision, for one year.
type Snapshot struct {
	Rules       Rules
	Areas       []int
	Objectives  []Objective
	Indicators  []Indicator
	Assignments []Assignment
	Roles       []string
	Units       []string
}

// Model is a compiled snapshot: references resolved to indices and derived
// indicators in dependency order, so scoring allocates nothing per indicator.
type Model struct {
	Snapshot
	indObj     []int32   // indicator → objective
	objInds    [][]int32 // objective → its indicators
	objArea    []int32   // objective → area index, -1
	order      []int32   // indicators in evaluation order
	derivedObj [][]int32 // derived indicator → objectives it aggregates
	derivedInd [][]int32 // derived indicator → indicators it counts
	areaStrat  [][]int32 // area → its strategic objectives
	unitObjs   [][]int32 // unit → objectives involving it
	roleObjs   [][]int32 // role → objectives it owns
	roleAsg    [][]int32 // role → its assignments
	asgObj     []int32   // assignment → objective
	indIndex   map[string]int32
	objIndex   map[string]int32
}

// IndicatorIndex returns the position of an indicator key, or -1.
func (m *Model) IndicatorIndex(key string) int {
	if i, ok := m.indIndex[key]; ok {
		return int(i)
	}
	return -1
}

// ObjectiveIndex returns the position of an objective code, or -1.
func (m *Model) ObjectiveIndex(code string) int {
	if i, ok := m.objIndex[code]; ok {
		return int(i)
	}
	return -1
}

// Compile resolves the snapshot's references and orders the derived
// indicators. A reference to nothing or a cycle among derived indicators is an
// error, reported here, so Score can never loop.
func Compile(s Snapshot) (*Model, error) {
	if err := s.Rules.Validate(); err != nil {
		return nil, fmt.Errorf("scoring rules: %w", err)
	}
	m := &Model{Snapshot: s, indIndex: make(map[string]int32, len(s.Indicators)), objIndex: make(map[string]int32, len(s.Objectives))}
	for i, o := range s.Objectives {
		if _, dup := m.objIndex[o.Code]; dup {
			return nil, fmt.Errorf("objective %s repeated", o.Code)
		}
		m.objIndex[o.Code] = int32(i)
	}
	areaIdx := map[int]int32{}
	for i, a := range s.Areas {
		areaIdx[a] = int32(i)
	}
	m.objInds = make([][]int32, len(s.Objectives))
	m.objArea = make([]int32, len(s.Objectives))
	m.areaStrat = make([][]int32, len(s.Areas))
	for i, o := range s.Objectives {
		m.objArea[i] = -1
		if a, ok := areaIdx[o.Area]; ok {
			m.objArea[i] = a
			if o.Kind == plan.KindStrategic {
				m.areaStrat[a] = append(m.areaStrat[a], int32(i))
			}
		}
	}
	m.indObj = make([]int32, len(s.Indicators))
	for i, in := range s.Indicators {
		if _, dup := m.indIndex[in.Key]; dup {
			return nil, fmt.Errorf("indicator %s repeated", in.Key)
		}
		m.indIndex[in.Key] = int32(i)
		o, ok := m.objIndex[in.Objective]
		if !ok {
			return nil, fmt.Errorf("indicator %s: objective %s unknown", in.Key, in.Objective)
		}
		m.indObj[i] = o
		m.objInds[o] = append(m.objInds[o], int32(i))
		if in.Formula == plan.FormulaRatio && !(in.Scale > 0) {
			return nil, fmt.Errorf("indicator %s: a ratio needs a positive scale", in.Key)
		}
		if in.Weight < 0 {
			return nil, fmt.Errorf("indicator %s: negative weight", in.Key)
		}
	}
	if err := m.resolveDerived(); err != nil {
		return nil, err
	}
	if err := m.resolveOrganisation(); err != nil {
		return nil, err
	}
	return m, nil
}

func (m *Model) resolveDerived() error {
	n := len(m.Indicators)
	m.derivedObj = make([][]int32, n)
	m.derivedInd = make([][]int32, n)
	deps := make([][]int32, n) // indicator → indicators it needs first
	for i, in := range m.Indicators {
		if in.Formula != plan.FormulaDerived {
			continue
		}
		if in.Derived == nil {
			return fmt.Errorf("indicator %s: derived formula without a definition", in.Key)
		}
		d := in.Derived
		switch d.Function {
		case "avg_objectives", "count_objectives_full":
			for j, o := range m.Objectives {
				if slices.Contains(d.Kinds, o.Kind) || slices.Contains(d.Objectives, o.Code) {
					m.derivedObj[i] = append(m.derivedObj[i], int32(j))
					deps[i] = append(deps[i], m.objInds[j]...)
				}
			}
			for _, code := range d.Objectives {
				if _, ok := m.objIndex[code]; !ok {
					return fmt.Errorf("indicator %s: objective %s unknown", in.Key, code)
				}
			}
		case "count_indicators_met":
			for _, k := range d.Indicators {
				j, ok := m.indIndex[k]
				if !ok {
					return fmt.Errorf("indicator %s: indicator %s unknown", in.Key, k)
				}
				m.derivedInd[i] = append(m.derivedInd[i], j)
				deps[i] = append(deps[i], j)
			}
		default:
			return fmt.Errorf("indicator %s: derived function %q unknown", in.Key, d.Function)
		}
	}
	// Kahn's algorithm: whatever is left with dependencies pending lies on a cycle.
	pending := make([]int, n)
	users := make([][]int32, n)
	for i, ds := range deps {
		pending[i] = len(ds)
		for _, d := range ds {
			users[d] = append(users[d], int32(i))
		}
	}
	m.order = make([]int32, 0, n)
	for i := range n {
		if pending[i] == 0 {
			m.order = append(m.order, int32(i))
		}
	}
	for k := 0; k < len(m.order); k++ {
		for _, u := range users[m.order[k]] {
			if pending[u]--; pending[u] == 0 {
				m.order = append(m.order, u)
			}
		}
	}
	if len(m.order) < n {
		var stuck []string
		for i := range n {
			if pending[i] > 0 && m.Indicators[i].Formula == plan.FormulaDerived {
				stuck = append(stuck, m.Indicators[i].Key)
			}
		}
		return fmt.Errorf("derived indicators depend on each other in a cycle: %v", stuck)
	}
	return nil
}

func (m *Model) resolveOrganisation() error {
	unitIdx := map[string]int{}
	for i, u := range m.Units {
		unitIdx[u] = i
	}
	roleIdx := map[string]int{}
	for i, r := range m.Roles {
		roleIdx[r] = i
	}
	m.unitObjs = make([][]int32, len(m.Units))
	m.roleObjs = make([][]int32, len(m.Roles))
	for j, o := range m.Objectives {
		for _, u := range o.Units {
			i, ok := unitIdx[u]
			if !ok {
				return fmt.Errorf("objective %s: unit %s unknown", o.Code, u)
			}
			m.unitObjs[i] = append(m.unitObjs[i], int32(j))
		}
		for _, r := range o.Owners {
			i, ok := roleIdx[r]
			if !ok {
				return fmt.Errorf("objective %s: role %s unknown", o.Code, r)
			}
			m.roleObjs[i] = append(m.roleObjs[i], int32(j))
		}
	}
	m.roleAsg = make([][]int32, len(m.Roles))
	m.asgObj = make([]int32, len(m.Assignments))
	for k, a := range m.Assignments {
		i, ok := roleIdx[a.Role]
		if !ok {
			return fmt.Errorf("assignment %s: role %s unknown", a.Code, a.Role)
		}
		o, ok := m.objIndex[a.Objective]
		if !ok {
			return fmt.Errorf("assignment %s: objective %s unknown", a.Code, a.Objective)
		}
		if a.Weight < 0 {
			return fmt.Errorf("assignment %s: negative weight", a.Code)
		}
		m.roleAsg[i] = append(m.roleAsg[i], int32(k))
		m.asgObj[k] = o
	}
	return nil
}
