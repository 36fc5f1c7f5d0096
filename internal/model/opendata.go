package model

import "fmt"

// OpenDataColumns are the columns of the public indicators file, in order
// (docs/DESIGN.md §5). Users' scripts depend on them: never reorder or rename.
func OpenDataColumns() []string {
	return []string{
		"ente", "plan", "area", "objective_kind", "objective_code", "objective_title", "indicator_id",
		"indicator_code", "indicator_name", "algorithm", "source", "unit", "polarity", "year", "baseline",
		"baseline_text", "target_operator", "target", "target_text", "actual", "achievement_pct", "status",
	}
}

// OpenDataLabels are the Italian headers of OpenDataColumns, in the same
// order: the header of the spreadsheet variant (indicators-excel.csv), for
// people who open the file in Excel or LibreOffice set to Italian.
func OpenDataLabels() []string {
	return []string{
		"Ente", "Piano", "Ambito strategico", "Tipo di obiettivo", "Codice obiettivo", "Obiettivo", "Identificativo indicatore",
		"Codice indicatore", "Indicatore", "Algoritmo di calcolo", "Fonte", "Unità di misura", "Polarità", "Anno", "Baseline",
		"Baseline (testo pubblicato)", "Operatore del target", "Target", "Target (testo pubblicato)", "Valore a consuntivo",
		"Grado di raggiungimento (%)", "Stato",
	}
}

// OpenDataRow is one indicator in one year. Numbers are kept as PostgreSQL's
// exact decimal text (dot decimals), empty when absent.
type OpenDataRow struct {
	Ente, Plan, Area                             string
	ObjectiveKind, ObjectiveCode, ObjectiveTitle string
	IndicatorID, IndicatorCode, IndicatorName    string
	Algorithm, Source, Unit, Polarity            string
	Year                                         int
	Baseline, BaselineText                       string
	TargetOperator, Target, TargetText           string
	Actual, AchievementPct, Status               string
}

// Values returns the row's fields in OpenDataColumns order.
func (r OpenDataRow) Values() []string {
	return []string{r.Ente, r.Plan, r.Area, r.ObjectiveKind, r.ObjectiveCode, r.ObjectiveTitle, r.IndicatorID,
		r.IndicatorCode, r.IndicatorName, r.Algorithm, r.Source, r.Unit, r.Polarity, fmt.Sprint(r.Year), r.Baseline,
		r.BaselineText, r.TargetOperator, r.Target, r.TargetText, r.Actual, r.AchievementPct, r.Status}
}
