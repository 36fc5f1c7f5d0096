package scoring

import (
	"fmt"
	"strconv"

	"github.com/piao-performance/piao/internal/itfmt"
	"github.com/piao-performance/piao/internal/plan"
)

// Trace explains one score so that an auditor can redo it: the rule, the
// inputs and where they come from, the target, the arithmetic, the cap or
// threshold applied, and the children with their weights. Texts are Italian:
// the UI shows them as "Come è calcolato" and reports print them.
type Trace struct {
	Subject     string
	Rule        string
	Inputs      []TraceItem
	Target      string
	Steps       []string
	Adjustments []string
	Children    []TraceChild
	Result      string
	Status      Status
	Notes       []string
}

// TraceItem is an input of a computation.
type TraceItem struct {
	Label, Value, Source string
}

// TraceChild is a score that an aggregate averages or counts.
type TraceChild struct {
	Kind   string // "indicatore", "obiettivo", "ambito"
	Key    string // indicator key or objective code or area number
	Label  string
	Value  string // formatted achievement, or "—"
	Weight string // formatted weight, "" for plain means
	Status Status
}

func pct(v float64) string { return itfmt.Number(v, 2) + "%" }

func num(v float64) string { return itfmt.Number(v, 4) }

func scoreText(s Score) string {
	if s.Has {
		return pct(s.Value)
	}
	return s.Status.Label()
}

func completeness(s Score) []string {
	var notes []string
	if s.Missing > 0 {
		notes = append(notes, fmt.Sprintf("Incompleto: %d indicatori senza valore sono esclusi dal calcolo.", s.Missing))
	}
	if s.NA > 0 {
		notes = append(notes, fmt.Sprintf("%d indicatori non applicabili sono esclusi dal calcolo.", s.NA))
	}
	if s.NoTarget > 0 {
		notes = append(notes, fmt.Sprintf("%d indicatori senza target per l'anno hanno un valore registrato ma sono esclusi dal calcolo.", s.NoTarget))
	}
	return notes
}

// ExplainIndicator explains the achievement of indicator i.
func (r *Result) ExplainIndicator(i int) Trace {
	m := r.Model
	in := &m.Indicators[i]
	res := &r.Indicators[i]
	act := r.Actuals[i]
	t := Trace{Subject: "Indicatore " + in.Key + " — " + in.Name, Status: res.Status, Result: scoreText(res.Score)}
	if in.Target != nil {
		t.Target = itfmt.Target(in.Target.Operator, in.Target.Value, in.Unit)
		if in.Target.Text != "" && in.Target.Text != t.Target {
			t.Target += " (pubblicato: «" + in.Target.Text + "»)"
		}
	}
	source := ""
	if i < len(r.Provenance) {
		source = r.Provenance[i]
	}
	switch {
	case act.State == NotApplicable && in.Formula != plan.FormulaDerived:
		t.Rule = "Indicatore dichiarato non applicabile: escluso dalle medie."
		if source != "" {
			t.Inputs = append(t.Inputs, TraceItem{Label: "Dichiarazione", Value: "non applicabile", Source: source})
		}
		return t
	case in.Formula == plan.FormulaDerived:
		r.explainDerived(i, &t)
	case act.State == Missing:
		t.Rule = "Nessun valore inserito per il periodo: l'indicatore è escluso dal calcolo e segnalato."
		return t
	default:
		r.explainInputs(in, act, res, source, &t)
	}
	if !res.HasActual {
		if res.BadInputs {
			t.Notes = append(t.Notes, "I dati inseriti non permettono il calcolo (divisione per zero).")
		}
		return t
	}
	if res.NoTarget {
		t.Rule = "Senza target: per l'anno del periodo non è fissato un target, quindi il valore è registrato ma non misura un grado di raggiungimento. " +
			"L'indicatore è escluso dalle medie (come un indicatore non applicabile) e non rende incompleto l'obiettivo."
		t.Target = "non fissato"
		return t
	}
	r.explainAchievement(in, res, &t)
	return t
}

func (r *Result) explainInputs(in *Indicator, act Actual, res *IndicatorResult, source string, t *Trace) {
	v := func(x float64) string { return num(x) }
	switch in.Formula {
	case plan.FormulaRatio:
		t.Inputs = []TraceItem{{Label: "Numeratore", Value: v(act.A), Source: source}, {Label: "Denominatore", Value: v(act.B), Source: source}}
		if res.HasActual {
			t.Steps = append(t.Steps, fmt.Sprintf("Valore = %s ÷ %s × %s = %s", v(act.A), v(act.B), v(in.Scale), itfmt.Value(res.Actual, in.Unit)))
		}
	case plan.FormulaDifference:
		t.Inputs = []TraceItem{{Label: "Valore dell'ente", Value: v(act.A), Source: source}, {Label: "Valore di confronto", Value: v(act.B), Source: source}}
		t.Steps = append(t.Steps, fmt.Sprintf("Valore = %s − (%s) = %s", v(act.A), v(act.B), itfmt.Value(res.Actual, in.Unit)))
	case plan.FormulaRatioPrevious:
		t.Inputs = []TraceItem{{Label: "Valore dell'anno", Value: v(act.A), Source: source}, {Label: "Valore dell'anno precedente", Value: v(act.B), Source: source}}
		if res.HasActual {
			t.Steps = append(t.Steps, fmt.Sprintf("Valore = %s ÷ %s = %s", v(act.A), v(act.B), itfmt.Value(res.Actual, in.Unit)))
		}
	default:
		t.Inputs = []TraceItem{{Label: "Valore a consuntivo", Value: itfmt.Value(act.Value, in.Unit), Source: source}}
	}
}

func (r *Result) explainDerived(i int, t *Trace) {
	m := r.Model
	d := m.Indicators[i].Derived
	res := &r.Indicators[i]
	switch d.Function {
	case "avg_objectives":
		t.Rule = "Indicatore calcolato: media del grado di raggiungimento degli obiettivi indicati."
		var parts []string
		for _, o := range m.derivedObj[i] {
			s := r.Objectives[o]
			t.Children = append(t.Children, r.objectiveChild(int(o), s, ""))
			if s.Has {
				parts = append(parts, pct(s.Value))
			}
		}
		if res.HasActual {
			t.Steps = append(t.Steps, fmt.Sprintf("Valore = (%s) ÷ %d = %s", joinPlus(parts), res.Sources, pct(res.Actual)))
		}
	case "count_objectives_full":
		t.Rule = fmt.Sprintf("Indicatore calcolato: numero di obiettivi con grado di raggiungimento ≥ %s.", pct(m.Rules.FullBand))
		for _, o := range m.derivedObj[i] {
			t.Children = append(t.Children, r.objectiveChild(int(o), r.Objectives[o], ""))
		}
		if res.HasActual {
			t.Steps = append(t.Steps, fmt.Sprintf("Valore = %s obiettivi su %d con un punteggio", num(res.Actual), res.Sources))
		}
	case "count_indicators_met":
		t.Rule = "Indicatore calcolato: numero degli indicatori indicati che raggiungono il target."
		for _, j := range m.derivedInd[i] {
			t.Children = append(t.Children, r.indicatorChild(int(j), ""))
		}
		if res.HasActual {
			t.Steps = append(t.Steps, fmt.Sprintf("Valore = %s indicatori su %d con un valore", num(res.Actual), res.Sources))
		}
	}
	if res.SourcesMissing > 0 {
		t.Notes = append(t.Notes, fmt.Sprintf("Incompleto: %d elementi senza punteggio sono esclusi.", res.SourcesMissing))
	}
	t.Inputs = append(t.Inputs, TraceItem{Label: "Valore calcolato", Value: r.actualText(i), Source: "calcolato dal sistema"})
}

func (r *Result) actualText(i int) string {
	res := &r.Indicators[i]
	if !res.HasActual {
		return "—"
	}
	return itfmt.Value(res.Actual, r.Model.Indicators[i].Unit)
}

func (r *Result) explainAchievement(in *Indicator, res *IndicatorResult, t *Trace) {
	rules := r.Model.Rules
	x, tv := res.Actual, in.Target.Value
	xs, ts := itfmt.Value(x, in.Unit), itfmt.Value(tv, in.Unit)
	switch in.Target.Operator {
	case plan.OpGTE:
		if tv > 0 {
			t.Rule = "Target «almeno»: grado = valore ÷ target × 100, con un massimo."
			t.Steps = append(t.Steps, fmt.Sprintf("Grado = %s ÷ %s × 100 = %s", num(x), num(tv), pct(res.Raw)))
		} else {
			t.Rule = "Target «almeno» con target non positivo: raggiunto (100%) se il valore è ≥ target, altrimenti 0%."
			t.Steps = append(t.Steps, fmt.Sprintf("%s ≥ %s? %s → %s", xs, ts, yesNo(x >= tv), pct(res.Raw)))
		}
	case plan.OpLTE:
		switch {
		case x <= tv:
			t.Rule = "Target «al massimo»: raggiunto (100%) se il valore non supera il target."
			t.Steps = append(t.Steps, fmt.Sprintf("%s ≤ %s: sì → 100%%", xs, ts))
		case tv <= 0:
			t.Rule = "Target «al massimo» con target non positivo: superarlo vale 0%."
			t.Steps = append(t.Steps, fmt.Sprintf("%s ≤ %s: no → 0%%", xs, ts))
		case rules.LTERule == LTELinear:
			t.Rule = "Target «al massimo», regola lineare: grado = (2 − valore ÷ target) × 100, non meno di 0."
			t.Steps = append(t.Steps, fmt.Sprintf("Grado = (2 − %s ÷ %s) × 100 = %s", num(x), num(tv), pct(res.Raw)))
		default:
			t.Rule = "Target «al massimo», regola del rapporto: grado = target ÷ valore × 100."
			t.Steps = append(t.Steps, fmt.Sprintf("Grado = %s ÷ %s × 100 = %s", num(tv), num(x), pct(res.Raw)))
		}
	case plan.OpEQ:
		t.Rule = "Target «uguale a»: raggiunto (100%) solo se il valore è uguale al target, altrimenti 0%."
		t.Steps = append(t.Steps, fmt.Sprintf("%s = %s? %s → %s", xs, ts, yesNo(res.Raw == 100), pct(res.Raw)))
	case plan.OpYes:
		t.Rule = "Target SI/NO: raggiunto (100%) se la risposta è quella attesa, altrimenti 0%."
		t.Steps = append(t.Steps, fmt.Sprintf("Risposta %s, attesa %s → %s", itfmt.Value(x, plan.UnitYesNo), itfmt.Value(tv, plan.UnitYesNo), pct(res.Raw)))
	}
	if res.Capped {
		t.Adjustments = append(t.Adjustments, fmt.Sprintf("Limite massimo applicato: %s diventa %s.", pct(res.Raw), pct(rules.Cap)))
	}
	if res.BelowThreshold {
		t.Adjustments = append(t.Adjustments, fmt.Sprintf("Sotto la soglia minima del %s: il grado conta 0%%.", pct(rules.MinThreshold)))
	}
}

func yesNo(b bool) string {
	if b {
		return "sì"
	}
	return "no"
}

func joinPlus(parts []string) string {
	out := ""
	for i, p := range parts {
		if i > 0 {
			out += " + "
		}
		out += p
	}
	return out
}

func (r *Result) indicatorChild(i int, weight string) TraceChild {
	in := &r.Model.Indicators[i]
	return TraceChild{Kind: "indicatore", Key: in.Key, Label: in.Name, Value: scoreText(r.Indicators[i].Score), Weight: weight, Status: r.Indicators[i].Status}
}

func (r *Result) objectiveChild(o int, s Score, weight string) TraceChild {
	ob := &r.Model.Objectives[o]
	return TraceChild{Kind: "obiettivo", Key: ob.Code, Label: ob.Title, Value: scoreText(s), Weight: weight, Status: s.Status}
}

// ExplainObjective explains the score of objective o.
func (r *Result) ExplainObjective(o int) Trace {
	m := r.Model
	ob := &m.Objectives[o]
	s := r.Objectives[o]
	t := Trace{Subject: "Obiettivo " + ob.Code + " — " + ob.Title, Status: s.Status, Result: scoreText(s), Notes: completeness(s)}
	allMet := m.Rules.ObjectiveRule == AllTargetsMet
	if allMet {
		t.Rule = fmt.Sprintf("Regola «tutti i target»: %s se ogni indicatore raggiunge il target, altrimenti 0%%.", pct(m.Rules.FullBand))
	} else {
		t.Rule = "Media ponderata del grado di raggiungimento degli indicatori (pesi uguali se non indicati)."
	}
	var num, den float64
	var terms []string
	for _, i := range m.objInds[o] {
		in := &m.Indicators[i]
		if in.Component {
			t.Notes = append(t.Notes, "L'indicatore "+in.Key+" è di dettaglio: alimenta un indicatore calcolato e non entra nella media.")
			continue
		}
		w := in.Weight
		if w == 0 {
			w = 1
		}
		t.Children = append(t.Children, r.indicatorChild(int(i), itfmt.Number(w, 2)))
		if res := r.Indicators[i]; res.Has {
			num += w * res.Value
			den += w
			terms = append(terms, itfmt.Number(w, 2)+" × "+pct(res.Value))
		}
	}
	if s.Has && !allMet {
		t.Steps = append(t.Steps, fmt.Sprintf("Punteggio = (%s) ÷ %s = %s", joinPlus(terms), itfmt.Number(den, 2), pct(s.Value)))
	}
	return t
}

// ExplainArea explains the score of area index a.
func (r *Result) ExplainArea(a int) Trace {
	m := r.Model
	s := r.Areas[a]
	t := Trace{Subject: "Ambito strategico " + strconv.Itoa(m.Areas[a]), Status: s.Status, Result: scoreText(s),
		Rule: "Media semplice del punteggio degli obiettivi strategici dell'ambito.", Notes: completeness(s)}
	r.meanSteps(&t, m.areaStrat[a])
	return t
}

// ExplainUnit explains the score of unit index u.
func (r *Result) ExplainUnit(u int) Trace {
	m := r.Model
	s := r.Units[u]
	t := Trace{Subject: "Unità organizzativa " + m.Units[u], Status: s.Status, Result: scoreText(s),
		Rule: "Media semplice del punteggio degli obiettivi che coinvolgono l'unità.", Notes: completeness(s)}
	r.meanSteps(&t, m.unitObjs[u])
	return t
}

// ExplainRole explains the organisational score of role index k: the mean of
// the objectives it owns.
func (r *Result) ExplainRole(k int) Trace {
	m := r.Model
	s := r.Roles[k]
	t := Trace{Subject: "Obiettivi di responsabilità di " + m.Roles[k], Status: s.Status, Result: scoreText(s),
		Rule: "Media semplice del punteggio degli obiettivi di cui il ruolo è responsabile.", Notes: completeness(s)}
	r.meanSteps(&t, m.roleObjs[k])
	return t
}

func (r *Result) meanSteps(t *Trace, objs []int32) {
	var terms []string
	var sum float64
	for _, o := range objs {
		s := r.Objectives[o]
		t.Children = append(t.Children, r.objectiveChild(int(o), s, ""))
		if s.Has {
			terms = append(terms, pct(s.Value))
			sum += s.Value
		}
	}
	if len(terms) > 0 {
		t.Steps = append(t.Steps, fmt.Sprintf("Punteggio = (%s) ÷ %d = %s", joinPlus(terms), len(terms), pct(sum/float64(len(terms)))))
	}
}

// ExplainEnte explains the ente score.
func (r *Result) ExplainEnte() Trace {
	m := r.Model
	t := Trace{Subject: "Performance dell'ente", Status: r.Ente.Status, Result: scoreText(r.Ente),
		Rule: "Media semplice del punteggio degli ambiti strategici.", Notes: completeness(r.Ente)}
	var terms []string
	var sum float64
	for a, s := range r.Areas {
		t.Children = append(t.Children, TraceChild{Kind: "ambito", Key: strconv.Itoa(m.Areas[a]), Label: "Ambito strategico " + strconv.Itoa(m.Areas[a]), Value: scoreText(s), Status: s.Status})
		if s.Has {
			terms = append(terms, pct(s.Value))
			sum += s.Value
		}
	}
	if len(terms) > 0 {
		t.Steps = append(t.Steps, fmt.Sprintf("Punteggio = (%s) ÷ %d = %s", joinPlus(terms), len(terms), pct(sum/float64(len(terms)))))
	}
	return t
}

// ExplainIndividual explains the individual score of role index k.
func (r *Result) ExplainIndividual(k int) Trace {
	m := r.Model
	ir := r.Individuals[k]
	t := Trace{Subject: "Valutazione individuale di " + m.Roles[k], Status: ir.Total.Status, Result: scoreText(ir.Total), Notes: completeness(ir.Results),
		Rule: fmt.Sprintf("Risultati (media ponderata degli obiettivi individuali, al massimo 100%%) × %s + comportamenti × %s; poi la fascia.",
			pct(m.Rules.ResultsShare), pct(m.Rules.BehaviourShare))}
	var terms []string
	var num, den float64
	for _, a := range m.roleAsg[k] {
		asg := &m.Assignments[a]
		w := asg.Weight
		if w == 0 {
			w = 1
		}
		s := r.Objectives[m.asgObj[a]]
		c := r.objectiveChild(int(m.asgObj[a]), s, itfmt.Number(w, 2))
		c.Label = asg.Code + " — " + c.Label
		t.Children = append(t.Children, c)
		if s.Has {
			terms = append(terms, itfmt.Number(w, 2)+" × "+pct(s.Value))
			num += w * s.Value
			den += w
		}
	}
	if ir.Results.Has {
		t.Steps = append(t.Steps, fmt.Sprintf("Risultati = (%s) ÷ %s = %s", joinPlus(terms), itfmt.Number(den, 2), pct(ir.Results.Value)))
	}
	if ir.HasBehaviour {
		t.Inputs = append(t.Inputs, TraceItem{Label: "Comportamenti organizzativi", Value: itfmt.Number(ir.Behaviour, 2), Source: "valutatore"})
	} else {
		t.Notes = append(t.Notes, "Manca il punteggio dei comportamenti: la valutazione complessiva non è calcolabile.")
	}
	if ir.Total.Has {
		res := ir.Results.Value
		if res > 100 {
			res = 100
			t.Adjustments = append(t.Adjustments, "I risultati oltre il 100% contano 100%.")
		}
		t.Steps = append(t.Steps, fmt.Sprintf("Totale = %s × %s + %s × %s = %s → fascia «%s»",
			pct(res), pct(m.Rules.ResultsShare), itfmt.Number(ir.Behaviour, 2), pct(m.Rules.BehaviourShare), itfmt.Number(ir.Total.Value, 2), ir.Band))
	}
	return t
}
