package planxlsx

import (
	"slices"
	"strings"

	"github.com/piao-performance/piao/internal/plan"
)

func (b *builder) readObjectives(t *table) {
	for _, l := range t.rows {
		o := plan.Objective{
			Code: l.required(objCode), CodeText: l.text(objCodeText), Kind: l.code(objKind, true),
			Group: l.text(objGroup), Parent: l.key(objParent), ParentText: l.text(objParentText),
			Title: l.requiredText(objTitle), Description: l.text(objDescription),
			Programme: l.text(objProgramme), Stakeholders: l.text(objStakeholders),
			OwnerText: l.text(objOwnerText), Owners: l.list(objOwners),
			UnitsText: l.text(objUnitsText), Units: l.list(objUnits),
			ExternalParties: l.text(objExternal), Resources: l.text(objResources), Footnote: l.text(objFootnote),
		}
		var areaOK bool
		o.Area, areaOK = l.integer(objArea, "un numero intero")
		o.SourceLine, _ = l.integer(objSourceLine, "un numero intero")
		if o.Code != "" && !isCode(o.Code) {
			l.add(objCode, "codice %s non valido: usa solo lettere, cifre, punto, trattino e trattino basso", quote(o.Code))
		}
		if first, seen := b.objRow[o.Code]; seen && o.Code != "" {
			dup(l, objCode, "codice "+quote(o.Code)+" ripetuto", first)
		} else if o.Code != "" {
			b.objIdx[o.Code], b.objRow[o.Code] = len(b.doc.Objectives), l.n
		}
		if areaOK {
			b.checkArea(l, o)
		}
		b.checkParent(l, o)
		b.checkKeys(l, objOwners, o.Owners, b.roleRow, sheetRoles, "ruolo %s sconosciuto")
		b.checkKeys(l, objUnits, o.Units, b.unitRow, sheetUnits, "unità %s sconosciuta")
		b.doc.Objectives = append(b.doc.Objectives, o)
	}
}

// checkArea: strategic, common and operational objectives sit in an ambito;
// the others may name one.
func (b *builder) checkArea(l line, o plan.Objective) {
	_, ok := b.areaRow[o.Area]
	switch {
	case o.Area != 0 && !b.known(sheetAreas, ok):
		l.add(objArea, "ambito %d sconosciuto: non è nel foglio %s", o.Area, sheetAreas)
	case o.Area == 0 && slices.Contains([]string{plan.KindStrategic, plan.KindCommon, plan.KindOperational}, o.Kind):
		l.add(objArea, "obbligatorio per un obiettivo %s: indica il numero dell'ambito", plan.KindAdjective(o.Kind))
	}
}

// checkParent: operational and common objectives descend from a strategic
// one, the others from none. The parent may sit on a later row.
func (b *builder) checkParent(l line, o plan.Objective) {
	if o.Kind == "" {
		return // unknown kind, already reported
	}
	needs := o.Kind == plan.KindOperational || o.Kind == plan.KindCommon
	switch {
	case needs && o.Parent == "":
		l.add(objParent, "obbligatorio per un obiettivo %s: indica il codice dell'obiettivo strategico", plan.KindAdjective(o.Kind))
	case !needs && o.Parent != "":
		l.add(objParent, "un obiettivo %s non ha obiettivo strategico padre: lascia vuota la cella", plan.KindAdjective(o.Kind))
	case needs:
		b.later = append(b.later, func() {
			i, ok := b.objIdx[o.Parent]
			switch {
			case !ok:
				l.add(objParent, "obiettivo %s sconosciuto: non è nel foglio %s", quote(o.Parent), sheetObjectives)
			case b.doc.Objectives[i].Kind != plan.KindStrategic:
				l.add(objParent, "%s non è un obiettivo strategico", quote(o.Parent))
			}
		})
	}
}

func (b *builder) readIndicators(t *table) {
	for _, l := range t.rows {
		objCode := l.required(indObjective)
		oi, objOK := b.objIdx[objCode]
		if objCode != "" && !b.known(sheetObjectives, objOK) {
			l.add(indObjective, "obiettivo %s sconosciuto: non è nel foglio %s", quote(objCode), sheetObjectives)
		}
		in := plan.Indicator{
			Key: l.required(indKey), Code: l.key(indCode), CodeText: l.text(indCodeText),
			Name: l.requiredText(indName), Algorithm: l.text(indAlgorithm), Source: l.text(indSource),
			Unit: l.code(indUnit, true), Polarity: l.code(indPolarity, true), Formula: plan.Formula(l.code(indFormula, true)),
			Component: l.boolean(indComponent), Cumulative: l.boolean(indCumulative), Note: l.text(indNote),
		}
		if v, _ := l.number(indScale); v != nil {
			in.Scale = *v
		}
		if v, _ := l.number(indWeight); v != nil {
			in.Weight = *v
			if in.Weight < 0 {
				l.add(indWeight, "il peso non può essere negativo")
			}
		}
		if ref := l.text(indBenchmark); ref != "" {
			parts := strings.SplitN(ref, "/", 3)
			if len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] == "" {
				l.add(indBenchmark, "scrivi ente/piano/indicatore, es. cciaa-chieti-pescara/piao-2023-2025/TP.1/1")
			} else {
				in.Benchmark = &plan.BenchmarkRef{Ente: parts[0], Plan: parts[1], Indicator: parts[2]}
			}
		}
		inputs, msg := parseInputs(l.raw(indInputs))
		if msg != "" {
			l.add(indInputs, "%s", msg)
		}
		in.Inputs = inputs
		b.checkFormula(l, &in, msg == "")
		kind := ""
		if objOK {
			kind = b.doc.Objectives[oi].Kind
		}
		in.Derived = b.readDerived(l, &in, objCode, kind)

		if first, seen := b.indRow[in.Key]; seen && in.Key != "" {
			dup(l, indKey, "chiave "+quote(in.Key)+" ripetuta", first)
			continue
		}
		if in.Key == "" {
			continue
		}
		b.indRow[in.Key] = l.n
		if objOK {
			if !strings.HasPrefix(in.Key, objCode+"/") {
				l.add(indKey, "la chiave deve iniziare con il codice dell'obiettivo e «/» (%s…)", objCode+"/")
			}
			o := &b.doc.Objectives[oi]
			o.Indicators = append(o.Indicators, in)
			b.indAt[in.Key] = indRef{oi, len(o.Indicators) - 1}
		}
	}
}

// checkFormula applies plan.Validate's rules on formula, unit, scale and
// inputs.
func (b *builder) checkFormula(l line, in *plan.Indicator, inputsOK bool) {
	switch in.Formula {
	case "":
		return // unknown, already reported
	case plan.FormulaRatio:
		if in.Scale <= 0 {
			l.add(indScale, "la formula ratio richiede una scala positiva: 100 per le percentuali, 1 per i rapporti")
		}
	case plan.FormulaYesNo:
		if in.Unit != "" && in.Unit != plan.UnitYesNo {
			l.add(indUnit, "con la formula yes_no l'unità di misura è yes_no")
		}
	}
	if !inputsOK {
		return
	}
	var got []string
	for _, p := range in.Inputs {
		got = append(got, p.Key)
	}
	want := in.Formula.InputKeys()
	asks := want != nil
	switch {
	case asks && !slices.Equal(got, want):
		l.add(indInputs, "la formula %s chiede i dati %s, in quest'ordine (es. %s=…; %s=…)", in.Formula, strings.Join(want, " e "), want[0], want[1])
	case !asks && len(got) > 0:
		l.add(indInputs, "la formula %s non prevede dati richiesti: lascia vuota la cella", in.Formula)
	}
}

// readDerived reads the derived definition: nil when the row has none.
func (b *builder) readDerived(l line, in *plan.Indicator, objCode, objKind string) *plan.Derived {
	fn := l.code(indDerivedFn, false)
	var kinds []string
	for _, k := range l.list(indDerivedKinds) {
		if c, ok := matchCode(k, kindCodes()); ok {
			kinds = append(kinds, c)
		} else {
			l.add(indDerivedKinds, "tipo %s non ammesso: usa uno di %s", quote(k), strings.Join(plan.Kinds, ", "))
		}
	}
	objs, inds := l.list(indDerivedObjectives), l.list(indDerivedIndicators)
	fnGiven := l.key(indDerivedFn) != ""
	defined := fnGiven || len(kinds)+len(objs)+len(inds) > 0
	switch {
	case in.Formula == plan.FormulaDerived && !fnGiven:
		l.add(indDerivedFn, "la formula derived richiede la funzione derivata")
	case in.Formula != "" && in.Formula != plan.FormulaDerived && defined:
		l.add(indFormula, "funzione derivata ed elementi aggregati valgono solo con la formula derived")
	}
	switch {
	case fn == "count_indicators_met" && len(inds) == 0:
		l.add(indDerivedIndicators, "count_indicators_met richiede gli indicatori da contare")
	case fn != "" && fn != "count_indicators_met" && len(kinds)+len(objs) == 0:
		l.add(indDerivedKinds, "%s richiede i tipi o gli obiettivi da aggregare", fn)
	}
	if objKind != "" && slices.Contains(kinds, objKind) {
		l.add(indDerivedKinds, "un indicatore derivato non può aggregare gli obiettivi del suo stesso tipo (%s): dipenderebbe da sé stesso", objKind)
	}
	for _, o := range objs {
		_, ok := b.objIdx[o]
		switch {
		case !b.known(sheetObjectives, ok):
			l.add(indDerivedObjectives, "obiettivo %s sconosciuto: non è nel foglio %s", quote(o), sheetObjectives)
		case o == objCode:
			l.add(indDerivedObjectives, "un indicatore derivato non può aggregare il proprio obiettivo")
		}
	}
	if len(inds) > 0 {
		b.later = append(b.later, func() {
			b.checkKeys(l, indDerivedIndicators, inds, b.indRow, sheetIndicators, "indicatore %s sconosciuto")
		})
	}
	if !defined {
		return nil
	}
	return &plan.Derived{Function: fn, Kinds: kinds, Objectives: objs, Indicators: inds}
}
