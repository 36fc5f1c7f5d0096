package measure

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/piao-performance/piao/internal/plan"
)

// TestColumns: the columns, read from plan.FormulaInputs, are the published
// file format.
func TestColumns(t *testing.T) {
	want := []string{"indicator_id", "year", "period", "value", "numerator", "denominator", "benchmark", "previous",
		"not_applicable", "reason", "note"}
	if got := Columns(); !slices.Equal(got, want) {
		t.Errorf("Columns() = %v, want %v", got, want)
	}
}

func TestParseCSVFormulas(t *testing.T) {
	catalogue := map[string]Indicator{
		"D/1": {Key: "D/1", Formula: plan.FormulaDirect, Unit: plan.UnitCount},
		"R/1": {Key: "R/1", Formula: plan.FormulaRatio, Unit: plan.UnitPercent, Inputs: plan.FormulaRatio.InputKeys()},
		"B/1": {Key: "B/1", Formula: plan.FormulaDifference, Unit: plan.UnitDays, Inputs: plan.FormulaDifference.InputKeys()},
		"P/1": {Key: "P/1", Formula: plan.FormulaRatioPrevious, Unit: plan.UnitRatio, Inputs: plan.FormulaRatioPrevious.InputKeys()},
	}
	const header = "indicator_id,year,period,value,numerator,denominator,benchmark,previous\n"
	rows, err := ParseCSV(strings.NewReader(header+
		"D/1,2024,final,12,,,,\n"+
		"R/1,2024,final,,45,50,,\n"+
		"B/1,2024,final,-5.7,,,-19.91,\n"+
		"P/1,2024,final,330,,,,300\n"), catalogue, 2024, 2026)
	if err != nil {
		t.Fatal(err)
	}
	twelve := 12.0
	want := []Row{
		{Line: 2, Indicator: "D/1", Year: 2024, Period: Final, Value: &twelve},
		{Line: 3, Indicator: "R/1", Year: 2024, Period: Final, Inputs: map[string]float64{"numerator": 45, "denominator": 50}},
		{Line: 4, Indicator: "B/1", Year: 2024, Period: Final, Inputs: map[string]float64{"value": -5.7, "benchmark": -19.91}},
		{Line: 5, Indicator: "P/1", Year: 2024, Period: Final, Inputs: map[string]float64{"current": 330, "previous": 300}},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("rows:\n%+v\nwant:\n%+v", rows, want)
	}

	_, err = ParseCSV(strings.NewReader(header+
		"R/1,2024,final,,45,0,,\n"+
		"P/1,2024,final,330,,,,0\n"+
		"R/1,2025,final,3,45,50,,\n"+
		"D/1,2024,final,,1,,,\n"), catalogue, 2024, 2026)
	wantErr := "riga 2, colonna denominator: il denominatore è zero: se non c'è nulla da misurare dichiara l'indicatore non applicabile\n" +
		"riga 3, colonna previous: il valore dell'anno precedente è zero: il rapporto non è calcolabile\n" +
		"riga 4, colonna value: non previsto per questo indicatore (servono: numerator, denominator)\n" +
		"riga 5, colonna numerator: non previsto per questo indicatore (servono: value)\n" +
		"riga 5, colonna value: valore mancante"
	if err == nil || err.Error() != wantErr {
		t.Errorf("errors:\n%v\nwant:\n%s", err, wantErr)
	}
}
