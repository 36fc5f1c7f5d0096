package planedit

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/piao-performance/piao/internal/itfmt"
	"github.com/piao-performance/piao/internal/plan"
)

// TargetForm is one plan year's target as typed: no operator means no target.
type TargetForm struct {
	Year            int
	Operator, Value string
}

// BaselineForm is a baseline row as typed.
type BaselineForm struct {
	Year, Value, Text string
}

// IndicatorForm is the indicator form as typed.
type IndicatorForm struct {
	Name, Algorithm, Source, Unit, Polarity, Formula, Scale, Weight, Note string
	EarlyWarning                                                          string // "" automatic, or a plan.EarlyWarning* mode
	Cumulative, Component                                                 bool
	InputLabels                                                           []string // in the order of plan.FormulaInputs(Formula)
	Targets                                                               []TargetForm
	Baselines                                                             []BaselineForm
}

// IndicatorFormOf fills the form from an indicator, with a target row for
// every plan year and one empty baseline row to add.
func IndicatorFormOf(d *plan.Document, in plan.Indicator) IndicatorForm {
	f := IndicatorForm{Name: in.Name, Algorithm: in.Algorithm, Source: in.Source, Unit: in.Unit, Polarity: in.Polarity,
		Formula: string(in.Formula), Note: in.Note, Cumulative: in.Cumulative, Component: in.Component, EarlyWarning: in.EarlyWarning}
	if in.Scale > 0 {
		f.Scale = itfmt.Number(in.Scale, 6)
	}
	if in.Weight > 0 {
		f.Weight = itfmt.Number(in.Weight, 6)
	}
	for _, k := range plan.FormulaInputs(in.Formula) {
		label := k.Label
		for _, x := range in.Inputs {
			if x.Key == k.Key {
				label = x.Label
			}
		}
		f.InputLabels = append(f.InputLabels, label)
	}
	for y := d.Plan.StartYear; y <= d.Plan.EndYear; y++ {
		t := TargetForm{Year: y}
		for _, x := range in.Targets {
			if x.Year == y && x.Value != nil {
				t.Operator = x.Operator
				t.Value = targetValueText(x.Operator, *x.Value)
			}
		}
		f.Targets = append(f.Targets, t)
	}
	for _, b := range in.Baselines {
		bf := BaselineForm{Year: strconv.Itoa(b.Year), Text: b.Text}
		if b.Value != nil {
			bf.Value = itfmt.Number(*b.Value, 6)
		}
		f.Baselines = append(f.Baselines, bf)
	}
	f.Baselines = append(f.Baselines, BaselineForm{})
	return f
}

func targetValueText(op string, v float64) string {
	if op == plan.OpYes {
		if v >= 1 {
			return "SI"
		}
		return "NO"
	}
	return itfmt.Number(v, 6)
}

// NextKey is the key a new indicator of the objective gets: code/n+1.
func NextKey(o plan.Objective) string {
	n := 0
	for _, in := range o.Indicators {
		if _, s, ok := strings.Cut(in.Key, "/"); ok {
			if k, err := strconv.Atoi(s); err == nil && k > n {
				n = k
			}
		}
	}
	return o.Code + "/" + strconv.Itoa(n+1)
}

// SetIndicator changes the indicator key of objective code, or adds a new one
// when key is empty; it returns the indicator's key.
func SetIndicator(d *plan.Document, code, key string, f IndicatorForm) (string, Errors) {
	errs := Errors{}
	oi := slices.IndexFunc(d.Objectives, func(o plan.Objective) bool { return o.Code == code })
	if oi < 0 {
		return "", Errors{"": "Obiettivo " + code + " non trovato."}
	}
	obj := &d.Objectives[oi]
	var old *plan.Indicator
	if key != "" {
		i := slices.IndexFunc(obj.Indicators, func(in plan.Indicator) bool { return in.Key == key })
		if i < 0 {
			return "", Errors{"": "Indicatore " + key + " non trovato."}
		}
		old = &obj.Indicators[i]
	}
	in := plan.Indicator{Key: key}
	if old != nil {
		in = *old
	} else {
		in.Key = NextKey(*obj)
	}
	in.Name = text(errs, "nome", f.Name, 500, true)
	in.Algorithm = text(errs, "algoritmo", f.Algorithm, 1000, false)
	in.Source = text(errs, "fonte", f.Source, 300, false)
	in.Note = text(errs, "nota", f.Note, 2000, false)
	in.Cumulative, in.Component = f.Cumulative, f.Component
	switch {
	case f.EarlyWarning == "" || f.EarlyWarning == "auto":
		in.EarlyWarning = ""
	case slices.Contains(plan.EarlyWarningModes(), f.EarlyWarning):
		in.EarlyWarning = f.EarlyWarning
	default:
		errs.add("allerta", "Scegli come confrontare il valore al monitoraggio infrannuale.")
	}
	if !slices.Contains([]string{plan.UnitCount, plan.UnitPercent, plan.UnitDays, plan.UnitRatio, plan.UnitYesNo, plan.UnitScore, plan.UnitEuro}, f.Unit) {
		errs.add("unita-misura", "Scegli l'unità di misura.")
	}
	if !slices.Contains([]string{plan.PolarityHigher, plan.PolarityLower, plan.PolarityExact}, f.Polarity) {
		errs.add("polarita", "Scegli se è migliore un valore più alto, più basso o esatto.")
	}
	in.Unit, in.Polarity = f.Unit, f.Polarity
	switch {
	case old != nil && old.Formula == plan.FormulaDerived:
		// a derived indicator keeps its definition: it is computed from other scores
	case plan.Formula(f.Formula).Known() && plan.Formula(f.Formula) != plan.FormulaDerived:
		in.Formula, in.Derived = plan.Formula(f.Formula), nil
	default:
		errs.add("formula", "Scegli come si ottiene il valore.")
	}
	in.Scale = 0
	if in.Formula == plan.FormulaRatio {
		in.Scale = 100
		if strings.TrimSpace(f.Scale) != "" {
			v, msg := itfmt.ParseNumber(f.Scale)
			if msg != "" || v <= 0 {
				errs.add("scala", "La scala è un numero positivo: 100 per le percentuali, 1 per i rapporti semplici.")
			}
			in.Scale = v
		}
	}
	in.Weight = 0
	if strings.TrimSpace(f.Weight) != "" {
		v, msg := itfmt.ParseNumber(f.Weight)
		if msg != "" || v <= 0 || v > 1000 {
			errs.add("peso", "Il peso è un numero positivo (fino a 1.000); vuoto per pesi uguali.")
		}
		in.Weight = v
	}
	in.Inputs = nil
	for k, ik := range plan.FormulaInputs(in.Formula) {
		label := ik.Label
		if k < len(f.InputLabels) {
			label = text(errs, "dato-"+ik.Key, f.InputLabels[k], 300, true)
		}
		in.Inputs = append(in.Inputs, plan.Input{Key: ik.Key, Label: label})
	}
	in.Targets = targets(errs, d, old, f.Targets)
	in.Baselines = baselines(errs, f.Baselines)
	if len(errs) > 0 {
		return "", errs
	}
	saved := clone(d)
	if old != nil {
		*old = in
	} else {
		obj.Indicators = append(obj.Indicators, in)
	}
	return in.Key, check(d, errs, func() { *d = saved })
}

// targets reads the target rows; a target whose operator and value did not
// change keeps its published text.
func targets(errs Errors, d *plan.Document, old *plan.Indicator, rows []TargetForm) []plan.Target {
	var out []plan.Target
	for _, r := range rows {
		field := "target-" + strconv.Itoa(r.Year)
		if r.Year < d.Plan.StartYear || r.Year > d.Plan.EndYear {
			errs.add(field, fmt.Sprintf("Anno %d fuori dagli anni del piano.", r.Year))
			continue
		}
		if r.Operator == "" {
			if strings.TrimSpace(r.Value) != "" {
				errs.add(field, "Scegli l'operatore del target (≥, ≤, =, SI/NO) o svuota il valore.")
			}
			continue
		}
		var v float64
		switch r.Operator {
		case plan.OpYes:
			switch strings.ToUpper(strings.TrimSpace(r.Value)) {
			case "SI", "SÌ", "":
				v = 1
			case "NO":
				v = 0
			default:
				errs.add(field, "Un target SI/NO vale SI oppure NO.")
			}
		case plan.OpGTE, plan.OpLTE, plan.OpEQ:
			var msg string
			if v, msg = itfmt.ParseNumber(r.Value); msg != "" {
				errs.add(field, fmt.Sprintf("Target %d: %s.", r.Year, msg))
			}
		default:
			errs.add(field, "Operatore non valido.")
			continue
		}
		t := plan.Target{Year: r.Year, Operator: r.Operator, Value: &v, Text: targetText(r.Operator, v)}
		if old != nil {
			for _, x := range old.Targets {
				if x.Year == r.Year && x.Operator == r.Operator && x.Value != nil && *x.Value == v {
					t.Text = x.Text
				}
			}
		}
		out = append(out, t)
	}
	return out
}

// targetText writes a new target the way the plan publishes them: ">= 5".
func targetText(op string, v float64) string {
	if op == plan.OpYes {
		return targetValueText(op, v)
	}
	return op + " " + itfmt.Number(v, 6)
}

func baselines(errs Errors, rows []BaselineForm) []plan.Baseline {
	var out []plan.Baseline
	seen := map[int]bool{}
	for i, r := range rows {
		field := "baseline-" + strconv.Itoa(i)
		if strings.TrimSpace(r.Year) == "" && strings.TrimSpace(r.Value) == "" && strings.TrimSpace(r.Text) == "" {
			continue // an empty row
		}
		y, err := strconv.Atoi(strings.TrimSpace(r.Year))
		if err != nil || y < 1990 || y > 2100 {
			errs.add(field, "Anno della baseline non valido.")
			continue
		}
		if seen[y] {
			errs.add(field, fmt.Sprintf("Baseline %d ripetuta.", y))
			continue
		}
		seen[y] = true
		b := plan.Baseline{Year: y, Text: text(errs, field, r.Text, 300, false)}
		if strings.TrimSpace(r.Value) != "" {
			v, msg := itfmt.ParseNumber(r.Value)
			if msg != "" {
				errs.add(field, fmt.Sprintf("Baseline %d: %s.", y, msg))
			}
			b.Value = &v
			if b.Text == "" {
				b.Text = itfmt.Number(v, 6)
			}
		}
		if b.Text == "" {
			b.Text = "n.d."
		}
		out = append(out, b)
	}
	slices.SortFunc(out, func(a, b plan.Baseline) int { return a.Year - b.Year })
	return out
}

// RemoveIndicator removes an indicator, its rows in individual objectives and
// the notes about it; one a derived indicator counts stays.
func RemoveIndicator(d *plan.Document, key string) Errors {
	for i := range d.Objectives {
		o := &d.Objectives[i]
		j := slices.IndexFunc(o.Indicators, func(in plan.Indicator) bool { return in.Key == key })
		if j < 0 {
			continue
		}
		if msg := derivedUse(d, "", map[string]bool{key: true}); msg != "" {
			return Errors{"": msg}
		}
		o.Indicators = slices.Delete(o.Indicators, j, j+1)
		for k := range d.Individual {
			d.Individual[k].Indicators = slices.DeleteFunc(d.Individual[k].Indicators, func(x plan.IndividualIndicator) bool { return x.Indicator == key })
		}
		d.Notes = slices.DeleteFunc(d.Notes, func(n plan.QualityNote) bool { return n.Indicator == key })
		return Errors{}
	}
	return Errors{"": "Indicatore " + key + " non trovato."}
}
