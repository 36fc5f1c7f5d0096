package plan

import (
	"math"
	"slices"
)

// Formula says how an indicator's actual value is obtained.
type Formula string

// Formula types: how the actual value is obtained.
const (
	FormulaDirect        Formula = "direct"         // typed as a value
	FormulaRatio         Formula = "ratio"          // numerator / denominator × scale
	FormulaDifference    Formula = "difference"     // own value − benchmark value
	FormulaRatioPrevious Formula = "ratio_previous" // this year's value / previous year's value
	FormulaYesNo         Formula = "yes_no"         // SI/NO
	FormulaDerived       Formula = "derived"        // computed by the engine from other scores
)

// Formulas lists every formula, in display order. A new Formula constant goes
// here and gets a case in FormulaInputs (TestFormulaTable checks both).
func Formulas() []Formula {
	return []Formula{FormulaDirect, FormulaRatio, FormulaDifference, FormulaRatioPrevious, FormulaYesNo, FormulaDerived}
}

// Known reports whether f is one of Formulas.
func (f Formula) Known() bool {
	for _, x := range Formulas() {
		if x == f {
			return true
		}
	}
	return false
}

// Computed reports whether the actual of f is computed from inputs (see
// FormulaInputs) rather than typed as one value or derived by the engine.
func (f Formula) Computed() bool { return len(FormulaInputs(f)) > 0 }

// FormulaInput is one value a computed formula asks for.
type FormulaInput struct {
	Key     string // the key the input is stored and read under (Input.Key, the inputs of a measurement)
	Label   string // the default Italian label, when the plan gives none
	Column  string // the column of the measurements CSV (package measure) that carries it
	NonZero bool   // a divisor: when it is zero the actual cannot be computed
}

// FormulaInputs is the one table of the inputs each formula asks for, in
// order: the first is the operand A of the engine, the second B. Direct,
// SI/NO and derived formulas take no inputs (nil). Each call returns a new
// slice.
func FormulaInputs(f Formula) []FormulaInput {
	switch f {
	case FormulaRatio:
		return []FormulaInput{
			{Key: "numerator", Label: "Numeratore", Column: "numerator"},
			{Key: "denominator", Label: "Denominatore", Column: "denominator", NonZero: true},
		}
	case FormulaDifference:
		return []FormulaInput{
			{Key: "value", Label: "Valore dell'ente", Column: "value"},
			{Key: "benchmark", Label: "Valore di riferimento (benchmark)", Column: "benchmark"},
		}
	case FormulaRatioPrevious:
		return []FormulaInput{
			{Key: "current", Label: "Valore dell'anno", Column: "value"},
			{Key: "previous", Label: "Valore dell'anno precedente", Column: "previous", NonZero: true},
		}
	case FormulaDirect, FormulaYesNo, FormulaDerived:
		return nil
	}
	return nil
}

// InputKeys lists the keys of FormulaInputs(f), in order.
func (f Formula) InputKeys() []string {
	var out []string
	for _, in := range FormulaInputs(f) {
		out = append(out, in.Key)
	}
	return out
}

// AllInputKeys lists every input key of FormulaInputs, in the order of
// Formulas, each once.
func AllInputKeys() []string {
	var out []string
	for _, f := range Formulas() {
		for _, in := range FormulaInputs(f) {
			if !slices.Contains(out, in.Key) {
				out = append(out, in.Key)
			}
		}
	}
	return out
}

// Inputs returns the inputs of f with the given labels, in order; a missing
// or empty label takes the default one.
func (f Formula) Inputs(labels ...string) []Input {
	var out []Input
	for i, in := range FormulaInputs(f) {
		label := in.Label
		if i < len(labels) && labels[i] != "" {
			label = labels[i]
		}
		out = append(out, Input{Key: in.Key, Label: label})
	}
	return out
}

// Operands reads the two operands (A, B) of a computed formula from the
// inputs of a measurement, keyed as FormulaInputs says; a missing input reads
// as 0. Formulas without inputs give 0, 0.
func (f Formula) Operands(inputs map[string]float64) (a, b float64) {
	fi := FormulaInputs(f)
	if len(fi) != 2 {
		return 0, 0
	}
	return inputs[fi[0].Key], inputs[fi[1].Key]
}

// InputValues is the inverse of Operands: the inputs of a measurement whose
// operands are a and b; nil for formulas without inputs.
func (f Formula) InputValues(a, b float64) map[string]float64 {
	fi := FormulaInputs(f)
	if len(fi) != 2 {
		return nil
	}
	return map[string]float64{fi[0].Key: a, fi[1].Key: b}
}

// ComputeActual is the one computation of an actual: for a computed formula
// from its operands a and b (see Operands), with the scale of a ratio; for
// the others the typed value itself. ok is false when the actual cannot be
// computed: a divisor input (NonZero) is zero — the zero-denominator rule —
// or the result is not a finite number.
func ComputeActual(f Formula, scale, value, a, b float64) (v float64, ok bool) {
	if fi := FormulaInputs(f); len(fi) == 2 && (fi[0].NonZero && a == 0 || fi[1].NonZero && b == 0) {
		return 0, false
	}
	switch f {
	case FormulaRatio:
		v = a / b * scale
	case FormulaDifference:
		v = a - b
	case FormulaRatioPrevious:
		v = a / b
	default: // direct, SI/NO, derived: the value as typed or derived
		v = value
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false
	}
	return v, true
}
