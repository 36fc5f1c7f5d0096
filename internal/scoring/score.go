package scoring

import (
	"math"

	"github.com/piao-performance/piao/internal/plan"
)

// ActualState says whether an indicator has a value for the period.
type ActualState uint8

// Actual states.
const (
	Missing       ActualState = iota // nothing entered: excluded and flagged
	Entered                          // a value (or the inputs of a computed indicator)
	NotApplicable                    // declared not applicable, with a reason: excluded from averages
)

// Actual is what was entered for an indicator in the period. Direct and SI/NO
// indicators use Value (SI = 1, NO = 0); computed ones use the inputs A and B:
// numerator and denominator (ratio), own value and benchmark (difference),
// this year's and the previous year's value (ratio_previous). Derived
// indicators take nothing: the engine computes them.
type Actual struct {
	State ActualState
	Value float64
	A, B  float64
}

// Status is a status band.
type Status uint8

// Status bands, lowest first.
const (
	StatusMissing Status = iota
	StatusNotApplicable
	StatusNotMet
	StatusPartial
	StatusMet
	// StatusNoTarget is an actual stored for a year without a target: it
	// measures no achievement, is excluded from averages and does not make
	// the objective incomplete (docs/DESIGN.md §4).
	StatusNoTarget
)

// Code is the open-data name of the status.
func (s Status) Code() string {
	switch s {
	case StatusNotApplicable:
		return "non_applicabile"
	case StatusNotMet:
		return "non_raggiunto"
	case StatusPartial:
		return "parzialmente_raggiunto"
	case StatusMet:
		return "raggiunto"
	case StatusNoTarget:
		return "senza_target"
	}
	return "mancante"
}

// Label is the Italian label of the status.
func (s Status) Label() string {
	switch s {
	case StatusNotApplicable:
		return "Non applicabile"
	case StatusNotMet:
		return "Non raggiunto"
	case StatusPartial:
		return "Parzialmente raggiunto"
	case StatusMet:
		return "Raggiunto"
	case StatusNoTarget:
		return "Senza target"
	}
	return "Dato mancante"
}

// Score is an achievement with its band and completeness. Value is valid only
// when Has is true. Missing, NA and NoTarget count the indicators below the
// score that have no actual, are not applicable, or have an actual but no
// target for the year.
type Score struct {
	Value    float64
	Has      bool
	Status   Status
	Missing  int32
	NA       int32
	NoTarget int32
}

// Incomplete reports whether some indicator below the score has no actual.
func (s Score) Incomplete() bool { return s.Missing > 0 }

// IndicatorResult is the score of one indicator.
type IndicatorResult struct {
	Score
	Actual         float64 // the actual value: entered, computed from inputs, or derived
	HasActual      bool
	Raw            float64 // achievement before cap and threshold
	Met            bool    // the target is met (raw ≥ 100)
	Capped         bool
	BelowThreshold bool
	NoTarget       bool  // an actual without a target for the year
	BadInputs      bool  // inputs that cannot be computed (a zero denominator)
	Sources        int32 // derived: sources with a score
	SourcesMissing int32 // derived: sources without one
}

// IndividualResult is a role's individual scorecard.
type IndividualResult struct {
	Role         string
	Results      Score   // weighted achievement of the assigned objectives
	Behaviour    float64 // the evaluator's behaviour score, 0–100
	HasBehaviour bool
	Total        Score // results and behaviour combined by the rules' shares
	Band         string
}

// Result is the outcome of scoring a model with the actuals of a period.
type Result struct {
	Model       *Model
	Actuals     []Actual
	Indicators  []IndicatorResult
	Objectives  []Score
	Areas       []Score
	Units       []Score
	Roles       []Score
	Ente        Score
	Individuals []IndividualResult
	// Provenance optionally says, per indicator, where its actual comes from
	// (author, date, approval); explanations show it beside the inputs.
	Provenance []string
	objDone    []bool
}

// Score scores the model with the actuals of a period (aligned with
// Model.Indicators; a shorter slice leaves the rest missing) and the behaviour
// scores of the roles (absent roles have none). It never fails: problems in
// the data show as missing values and flags.
func (m *Model) Score(actuals []Actual, behaviour map[string]float64) *Result {
	n := len(m.Indicators)
	if len(actuals) < n {
		full := make([]Actual, n)
		copy(full, actuals)
		actuals = full
	}
	r := &Result{
		Model: m, Actuals: actuals,
		Indicators: make([]IndicatorResult, n),
		Objectives: make([]Score, len(m.Objectives)),
		Areas:      make([]Score, len(m.Areas)),
		Units:      make([]Score, len(m.Units)),
		Roles:      make([]Score, len(m.Roles)),
		objDone:    make([]bool, len(m.Objectives)),
	}
	for _, i := range m.order {
		r.scoreIndicator(int(i))
	}
	for o := range m.Objectives {
		r.objective(o)
	}
	for a, objs := range m.areaStrat {
		r.Areas[a] = r.mean(objs, r.Objectives)
	}
	r.Ente = r.mean(nil, r.Areas)
	for u, objs := range m.unitObjs {
		r.Units[u] = r.mean(objs, r.Objectives)
	}
	for k, objs := range m.roleObjs {
		r.Roles[k] = r.mean(objs, r.Objectives)
	}
	r.Individuals = make([]IndividualResult, len(m.Roles))
	for k, role := range m.Roles {
		r.Individuals[k] = r.individual(k, role, behaviour)
	}
	return r
}

func (r *Result) scoreIndicator(i int) {
	m := r.Model
	in := &m.Indicators[i]
	res := &r.Indicators[i]
	act := r.Actuals[i]
	if in.Formula == plan.FormulaDerived {
		r.derive(i)
	} else {
		switch act.State {
		case NotApplicable:
			res.Status, res.NA = StatusNotApplicable, 1
			return
		case Entered:
			res.Actual, res.HasActual = computeActual(in, act)
			res.BadInputs = !res.HasActual
		}
	}
	if !res.HasActual {
		res.Status, res.Missing = StatusMissing, 1
		return
	}
	if in.Target == nil {
		res.NoTarget = true
		res.Status, res.Score.NoTarget = StatusNoTarget, 1
		return
	}
	a, raw, capped, below := Achievement(in.Target.Operator, in.Target.Value, res.Actual, m.Rules)
	res.Value, res.Has, res.Raw, res.Capped, res.BelowThreshold = a, true, raw, capped, below
	res.Met = raw >= 100
	res.Status = m.Rules.band(a)
}

// ComputeActual derives the actual of an indicator with the given formula and
// scale from what was entered; ok is false when the inputs cannot be computed
// (a zero denominator or previous value). Entry forms use it to show the
// result as the engine will see it.
func ComputeActual(formula plan.Formula, scale float64, a Actual) (float64, bool) {
	return plan.ComputeActual(formula, scale, a.Value, a.A, a.B)
}

// computeActual derives the actual from what was entered (plan.ComputeActual).
func computeActual(in *Indicator, a Actual) (v float64, ok bool) {
	return ComputeActual(in.Formula, in.Scale, a)
}

// derive computes a derived indicator's actual from scores evaluated before it.
func (r *Result) derive(i int) {
	m := r.Model
	d := m.Indicators[i].Derived
	res := &r.Indicators[i]
	switch d.Function {
	case "avg_objectives":
		var sum float64
		for _, o := range m.derivedObj[i] {
			s := r.objective(int(o))
			if s.Has {
				sum += s.Value
				res.Sources++
			} else if s.Status != StatusNotApplicable && s.Status != StatusNoTarget {
				res.SourcesMissing++
			}
		}
		if res.Sources > 0 {
			res.Actual, res.HasActual = sum/float64(res.Sources), true
		}
	case "count_objectives_full":
		var count float64
		for _, o := range m.derivedObj[i] {
			s := r.objective(int(o))
			switch {
			case s.Has:
				res.Sources++
				if s.Value >= m.Rules.FullBand {
					count++
				}
			case s.Status != StatusNotApplicable && s.Status != StatusNoTarget:
				res.SourcesMissing++
			}
		}
		if res.Sources > 0 {
			res.Actual, res.HasActual = count, true
		}
	case "count_indicators_met":
		var count float64
		for _, j := range m.derivedInd[i] {
			s := &r.Indicators[j]
			switch {
			case s.Has:
				res.Sources++
				if s.Met {
					count++
				}
			case s.Status != StatusNotApplicable && s.Status != StatusNoTarget:
				res.SourcesMissing++
			}
		}
		if res.Sources > 0 {
			res.Actual, res.HasActual = count, true
		}
	}
}

// objective scores objective o once; later calls return the stored score.
// Its indicators are always scored first: derived indicators that need it come
// after them in the evaluation order.
func (r *Result) objective(o int) Score {
	if r.objDone[o] {
		return r.Objectives[o]
	}
	m := r.Model
	var s Score
	var sum, weights float64
	allMet, scored := true, false
	for _, i := range m.objInds[o] {
		in := &m.Indicators[i]
		if in.Component {
			continue
		}
		res := &r.Indicators[i]
		s.Missing += res.Missing
		s.NA += res.NA
		s.NoTarget += res.Score.NoTarget
		if !res.Has {
			continue
		}
		w := in.Weight
		if w == 0 {
			w = 1
		}
		sum += w * res.Value
		weights += w
		scored = true
		allMet = allMet && res.Met
	}
	if scored {
		s.Has = true
		if m.Rules.ObjectiveRule == AllTargetsMet {
			if allMet {
				s.Value = m.Rules.FullBand
			}
		} else {
			s.Value = sum / weights
		}
	}
	s.Status = m.Rules.statusOf(s)
	r.Objectives[o], r.objDone[o] = s, true
	return s
}

// mean is the plain mean of the scores at idx (every score when idx is nil)
// that have one; the completeness counts add up.
func (r *Result) mean(idx []int32, scores []Score) Score {
	var s Score
	var sum float64
	var n int
	add := func(c Score) {
		s.Missing += c.Missing
		s.NA += c.NA
		s.NoTarget += c.NoTarget
		if c.Has {
			sum += c.Value
			n++
		}
	}
	if idx == nil {
		for _, c := range scores {
			add(c)
		}
	} else {
		for _, i := range idx {
			add(scores[i])
		}
	}
	if n > 0 {
		s.Value, s.Has = sum/float64(n), true
	}
	s.Status = r.Model.Rules.statusOf(s)
	return s
}

func (r *Result) individual(k int, role string, behaviour map[string]float64) IndividualResult {
	m := r.Model
	out := IndividualResult{Role: role}
	var sum, weights float64
	for _, a := range m.roleAsg[k] {
		s := r.Objectives[m.asgObj[a]]
		out.Results.Missing += s.Missing
		out.Results.NA += s.NA
		out.Results.NoTarget += s.NoTarget
		if !s.Has {
			continue
		}
		w := m.Assignments[a].Weight
		if w == 0 {
			w = 1
		}
		sum += w * s.Value
		weights += w
	}
	if weights > 0 {
		out.Results.Value, out.Results.Has = sum/weights, true
	}
	out.Results.Status = m.Rules.statusOf(out.Results)
	if b, ok := behaviour[role]; ok && b >= 0 && b <= 100 {
		out.Behaviour, out.HasBehaviour = b, true
	}
	out.Total.Missing, out.Total.NA, out.Total.NoTarget = out.Results.Missing, out.Results.NA, out.Results.NoTarget
	if out.Results.Has && out.HasBehaviour {
		res := math.Min(out.Results.Value, 100) // results beyond 100% do not buy behaviour points
		out.Total.Value = res*m.Rules.ResultsShare/100 + out.Behaviour*m.Rules.BehaviourShare/100
		out.Total.Has = true
		out.Band = m.Rules.individualBand(out.Total.Value)
	}
	out.Total.Status = m.Rules.statusOf(out.Total)
	return out
}

// Achievement returns the achievement (percent) of actual x against target t
// with operator op under rules r, the raw value before cap and threshold, and
// whether the cap or the threshold changed it.
func Achievement(op string, t, x float64, r Rules) (a, raw float64, capped, below bool) {
	switch op {
	case plan.OpGTE:
		switch {
		case t > 0:
			raw = math.Max(0, x/t*100)
		case x >= t:
			raw = 100 // a target of zero or less is met or missed
		}
	case plan.OpLTE:
		switch {
		case x <= t:
			raw = 100
		case t > 0 && r.LTERule == LTELinear:
			raw = math.Max(0, (2-x/t)*100)
		case t > 0:
			raw = t / x * 100
		}
	case plan.OpEQ:
		if math.Abs(x-t) <= 1e-9*math.Max(1, math.Abs(t)) {
			raw = 100
		}
	case plan.OpYes:
		if (x >= 0.5) == (t >= 0.5) {
			raw = 100
		}
	}
	a = raw
	if a > r.Cap {
		a, capped = r.Cap, true
	}
	if r.MinThreshold > 0 && a < r.MinThreshold && a > 0 {
		a, below = 0, true
	}
	return a, raw, capped, below
}

func (r Rules) band(a float64) Status {
	switch {
	case a >= r.FullBand:
		return StatusMet
	case a >= r.PartialBand:
		return StatusPartial
	}
	return StatusNotMet
}

func (r Rules) statusOf(s Score) Status {
	switch {
	case s.Has:
		return r.band(s.Value)
	case s.Missing == 0 && s.NoTarget > 0:
		return StatusNoTarget
	case s.Missing == 0 && s.NA > 0:
		return StatusNotApplicable
	}
	return StatusMissing
}

func (r Rules) individualBand(v float64) string {
	for _, b := range r.IndividualBands {
		if v >= b.Min {
			return b.Label
		}
	}
	return r.IndividualBands[len(r.IndividualBands)-1].Label
}
