package planxlsx

import "github.com/piao-performance/piao/internal/plan"

// code is an allowed value of a coded column and what it means in Italian.
type code struct {
	value, meaning string
}

// The allowed values mirror the lists plan.Validate checks (unexported
// there); TestCodesMatchValidate keeps them in step.

func kindCodes() []code {
	meaning := map[string]string{
		plan.KindStrategic:      "obiettivo strategico: triennale, legato a un ambito",
		plan.KindCommon:         "obiettivo comune: collegato a un obiettivo strategico e a un ambito",
		plan.KindOperational:    "obiettivo operativo: annuale, collegato a un obiettivo strategico e a un ambito",
		plan.KindTransversal:    "obiettivo trasversale: affidato a più uffici",
		plan.KindExtraordinary:  "obiettivo trasversale straordinario",
		plan.KindOrganisational: "obiettivo di performance organizzativa dell'ente",
	}
	out := make([]code, 0, len(plan.Kinds))
	for _, k := range plan.Kinds {
		out = append(out, code{k, meaning[k]})
	}
	return out
}

func unitCodes() []code {
	return []code{
		{plan.UnitCount, "numero (conteggio)"},
		{plan.UnitPercent, "percentuale: 61,24 vuol dire 61,24%"},
		{plan.UnitDays, "giorni"},
		{plan.UnitRatio, "rapporto"},
		{plan.UnitYesNo, "SI/NO"},
		{plan.UnitScore, "punteggio"},
		{plan.UnitEuro, "euro"},
	}
}

func polarityCodes() []code {
	return []code{
		{plan.PolarityHigher, "più alto è meglio"},
		{plan.PolarityLower, "più basso è meglio"},
		{plan.PolarityExact, "conta il valore esatto"},
	}
}

func formulaCodes() []code {
	return []code{
		{string(plan.FormulaDirect), "il valore si inserisce direttamente"},
		{string(plan.FormulaRatio), "numeratore / denominatore × scala (dati richiesti: numerator, denominator; scala 100 per le percentuali)"},
		{string(plan.FormulaDifference), "valore meno valore di confronto (dati richiesti: value, benchmark)"},
		{string(plan.FormulaRatioPrevious), "valore dell'anno / valore dell'anno precedente (dati richiesti: current, previous)"},
		{string(plan.FormulaYesNo), "risposta SI/NO (unità di misura yes_no)"},
		{string(plan.FormulaDerived), "calcolato dal sistema da altri obiettivi o indicatori (compila Funzione derivata)"},
	}
}

// operatorCodes: ">=" first, because a drop-down list starting with "=" would
// be taken for a formula.
func operatorCodes() []code {
	return []code{
		{plan.OpGTE, "almeno (≥)"},
		{plan.OpLTE, "al massimo (≤)"},
		{plan.OpEQ, "uguale a"},
		{plan.OpYes, "SI/NO: raggiunto se la risposta è SI (valore 1 = SI, 0 = NO)"},
	}
}

// operatorAliases are symbols accepted for operator codes.
func operatorAliases() map[string]string {
	return map[string]string{"≥": plan.OpGTE, "≤": plan.OpLTE, "=>": plan.OpGTE, "=<": plan.OpLTE}
}

func derivedCodes() []code {
	return []code{
		{"avg_objectives", "media del raggiungimento degli obiettivi dei tipi indicati e degli obiettivi elencati"},
		{"count_objectives_full", "numero di obiettivi (dei tipi indicati o elencati) raggiunti al 100%"},
		{"count_indicators_met", "numero di indicatori elencati che raggiungono il target"},
	}
}

func noteKindCodes() []code {
	return []code{
		{"repeated_code", "codice ripetuto"},
		{"wrong_parent", "obiettivo strategico errato"},
		{"inverted_formula", "formula invertita"},
		{"repeated_year_header", "anno ripetuto nell'intestazione"},
		{"text_baseline", "baseline testuale"},
		{"bare_number_target", "target senza operatore"},
		{"inconsistency", "incoerenza"},
		{"ambiguous", "ambiguità"},
		{"typo", "refuso"},
	}
}

func boolCodes() []code {
	return []code{{"sì", "vero (si accettano anche si, true, 1)"}, {"no", "falso (si accettano anche false, 0; vuoto vale no)"}}
}

func codeValues(cs []code) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.value
	}
	return out
}
