package templates

import (
	"strconv"

	"github.com/piao-performance/piao/internal/itfmt"
	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/plan"
)

// KindLabel is the Italian name of an objective kind.
func KindLabel(kind string) string {
	switch kind {
	case plan.KindStrategic:
		return "Obiettivo strategico"
	case plan.KindCommon:
		return "Obiettivo comune"
	case plan.KindOperational:
		return "Obiettivo operativo"
	case plan.KindTransversal:
		return "Obiettivo trasversale"
	case plan.KindExtraordinary:
		return "Obiettivo straordinario"
	case plan.KindOrganisational:
		return "Performance organizzativa"
	}
	return kind
}

// KindPlural is the Italian heading for a group of objectives of a kind.
func KindPlural(kind string) string {
	switch kind {
	case plan.KindStrategic:
		return "Obiettivi strategici"
	case plan.KindCommon:
		return "Obiettivi comuni"
	case plan.KindOperational:
		return "Obiettivi operativi"
	case plan.KindTransversal:
		return "Obiettivi trasversali"
	case plan.KindExtraordinary:
		return "Obiettivi trasversali straordinari"
	case plan.KindOrganisational:
		return "Obiettivi di performance organizzativa"
	}
	return kind
}

// UnitLabel is the Italian name of an indicator unit.
func UnitLabel(unit string) string {
	switch unit {
	case plan.UnitCount:
		return "numero"
	case plan.UnitPercent:
		return "percentuale"
	case plan.UnitDays:
		return "giorni"
	case plan.UnitRatio:
		return "rapporto"
	case plan.UnitYesNo:
		return "SI/NO"
	case plan.UnitScore:
		return "punteggio"
	case plan.UnitEuro:
		return "euro"
	}
	return unit
}

// PolarityLabel says in Italian which direction is better.
func PolarityLabel(p string) string {
	switch p {
	case plan.PolarityHigher:
		return "più alto è meglio"
	case plan.PolarityLower:
		return "più basso è meglio"
	case plan.PolarityExact:
		return "valore esatto"
	}
	return p
}

// FormulaLabel describes in Italian how the actual value is obtained.
func FormulaLabel(in model.IndicatorDetail) string {
	switch in.Formula {
	case plan.FormulaDirect:
		return "valore inserito direttamente"
	case plan.FormulaRatio:
		if in.Scale != nil && *in.Scale == 100 {
			return "rapporto tra due valori × 100"
		}
		return "rapporto tra due valori"
	case plan.FormulaDifference:
		return "differenza rispetto a un valore di confronto"
	case plan.FormulaRatioPrevious:
		return "rapporto con il valore dell'anno precedente"
	case plan.FormulaYesNo:
		return "SI/NO"
	case plan.FormulaDerived:
		switch in.Derived {
		case "avg_objectives":
			return "calcolato: media del grado di raggiungimento degli obiettivi"
		case "count_objectives_full":
			return "calcolato: numero di obiettivi raggiunti al 100%"
		case "count_indicators_met":
			return "calcolato: numero di indicatori che raggiungono il target"
		}
	}
	return string(in.Formula)
}

// NoteKindLabel is the Italian name of a data-quality note kind.
func NoteKindLabel(kind string) string {
	switch kind {
	case "repeated_code":
		return "Codice ripetuto"
	case "wrong_parent":
		return "Obiettivo strategico errato"
	case "inverted_formula":
		return "Formula invertita"
	case "repeated_year_header":
		return "Anno ripetuto nell'intestazione"
	case "text_baseline":
		return "Baseline testuale"
	case "bare_number_target":
		return "Target senza operatore"
	case "inconsistency":
		return "Incoerenza"
	case "ambiguous":
		return "Ambiguità"
	case "typo":
		return "Refuso"
	}
	return kind
}

// BaselineOf returns the formatted baseline of a year, "" when absent, and the
// published text when it differs from the formatted value.
func BaselineOf(in model.IndicatorDetail, year int) (shown, published string, ok bool) {
	for _, b := range in.Baselines {
		if b.Year == year {
			shown = itfmt.Optional(b.Value, in.Unit)
			if b.Text != shown {
				published = b.Text
			}
			return shown, published, true
		}
	}
	return "", "", false
}

// TargetOf returns the formatted target of a year in the revision in force.
func TargetOf(in model.IndicatorDetail, year int) (shown, published string, ok bool) {
	for _, t := range in.Targets {
		if t.Year == year && t.Value != nil {
			shown = itfmt.Target(t.Operator, *t.Value, in.Unit)
			if t.Text != shown {
				published = t.Text
			}
			return shown, published, true
		}
	}
	return "", "", false
}

// Year formats a year without thousands separators.
func Year(y int) string { return strconv.Itoa(y) }

// YearRange formats "2023–2025".
func YearRange(a, b int) string { return Year(a) + "–" + Year(b) }

// Pager is the position of a page in a list shown a page at a time.
type Pager struct {
	Page, Pages int // from 1
	Total       int // items in the whole list
}

// Count writes a whole number the Italian way (1.234).
func Count(n int) string { return itfmt.Number(float64(n), 0) }
