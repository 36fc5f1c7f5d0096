// Package measure reads actuals (measurements) from CSV and validates them
// against the indicators they are for. It does no I/O beyond the reader it is
// given: the store writes what it returns, all or nothing.
package measure

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/piao-performance/piao/internal/plan"
)

// Columns are the columns a measurements CSV may have; indicator_id, year and
// period are required, the others as the indicator needs them.
// The value columns come from plan.FormulaInputs (see valueColumns).
func Columns() []string {
	return slices.Concat([]string{"indicator_id", "year", "period"}, valueColumns(), []string{"not_applicable", "reason", "note"})
}

// Period kinds.
const (
	Midyear = "midyear" // 30 June, in-year monitoring
	Final   = "final"   // 31 December
)

// Indicator is what validation needs to know about an indicator.
type Indicator struct {
	Key     string
	Formula plan.Formula
	Unit    string
	Inputs  []string // input keys, in order
}

// Row is one validated measurement.
type Row struct {
	Line          int
	Indicator     string
	Year          int
	Period        string
	Value         *float64
	Inputs        map[string]float64
	NotApplicable bool
	Reason        string
	Note          *string // nil when the file has no note column: the stored note stays
}

// RowError is a problem on one line of the file.
type RowError struct {
	Line    int
	Column  string
	Message string
}

func (e RowError) Error() string {
	if e.Column == "" {
		return fmt.Sprintf("riga %d: %s", e.Line, e.Message)
	}
	return fmt.Sprintf("riga %d, colonna %s: %s", e.Line, e.Column, e.Message)
}

// Errors is every row error of a file.
type Errors []RowError

func (es Errors) Error() string {
	var b strings.Builder
	for i, e := range es {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// maxRows bounds a file so that a mistaken upload cannot exhaust memory.
const maxRows = 200000

// ParseCSV reads measurements for the given indicators (by key) and years.
// It returns every row error it finds, not only the first; with any error no
// row should be written.
func ParseCSV(r io.Reader, indicators map[string]Indicator, firstYear, lastYear int) ([]Row, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, Errors{{Line: 1, Message: "file vuoto o non leggibile come CSV"}}
	}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff") // spreadsheet BOM
	}
	col := map[string]int{}
	var errs Errors
	columns := Columns()
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		if !slices.Contains(columns, h) {
			errs = append(errs, RowError{Line: 1, Column: h, Message: "colonna sconosciuta (ammesse: " + strings.Join(columns, ", ") + ")"})
			continue
		}
		if _, dup := col[h]; dup {
			errs = append(errs, RowError{Line: 1, Column: h, Message: "colonna ripetuta"})
		}
		col[h] = i
	}
	for _, req := range []string{"indicator_id", "year", "period"} {
		if _, ok := col[req]; !ok {
			errs = append(errs, RowError{Line: 1, Column: req, Message: "colonna obbligatoria mancante"})
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	var rows []Row
	seen := map[string]int{}
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			errs = append(errs, RowError{Line: line, Message: "CSV non valido: " + err.Error()})
			break
		}
		if line > maxRows+1 {
			errs = append(errs, RowError{Line: line, Message: fmt.Sprintf("troppe righe (al massimo %d)", maxRows)})
			break
		}
		if len(rec) != len(header) {
			errs = append(errs, RowError{Line: line, Message: fmt.Sprintf("%d campi invece di %d", len(rec), len(header))})
			continue
		}
		get := func(name string) string {
			if i, ok := col[name]; ok {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		row, rowErrs := parseRow(line, get, indicators, firstYear, lastYear)
		if len(rowErrs) > 0 {
			errs = append(errs, rowErrs...)
			continue
		}
		if _, ok := col["note"]; ok { // an empty cell clears the note, a missing column keeps it
			note := get("note")
			row.Note = &note
		}
		k := fmt.Sprintf("%s|%d|%s", row.Indicator, row.Year, row.Period)
		if prev, dup := seen[k]; dup {
			errs = append(errs, RowError{Line: line, Message: fmt.Sprintf("stesso indicatore e periodo della riga %d", prev)})
			continue
		}
		seen[k] = line
		rows = append(rows, row)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	if len(rows) == 0 {
		return nil, Errors{{Line: 2, Message: "nessuna misurazione nel file"}}
	}
	return rows, nil
}

func parseRow(line int, get func(string) string, indicators map[string]Indicator, firstYear, lastYear int) (Row, Errors) {
	var errs Errors
	bad := func(column, msg string) { errs = append(errs, RowError{Line: line, Column: column, Message: msg}) }
	for _, c := range Columns() {
		if v := get(c); !utf8.ValidString(v) || len(v) > 2000 {
			bad(c, "testo non valido o troppo lungo")
			return Row{}, errs
		}
	}
	row := Row{Line: line, Indicator: get("indicator_id"), Reason: get("reason")}
	in, ok := indicators[row.Indicator]
	if !ok {
		bad("indicator_id", fmt.Sprintf("indicatore %q inesistente nel piano", row.Indicator))
		return row, errs
	}
	y, err := strconv.Atoi(get("year"))
	if err != nil || y < firstYear || y > lastYear {
		bad("year", fmt.Sprintf("anno %q fuori dal piano (%d–%d)", get("year"), firstYear, lastYear))
	}
	row.Year = y
	switch strings.ToLower(get("period")) {
	case Midyear, "infrannuale", "30/06", "30-06":
		row.Period = Midyear
	case Final, "finale", "31/12", "31-12":
		row.Period = Final
	default:
		bad("period", fmt.Sprintf("periodo %q sconosciuto: usa midyear (30 giugno) o final (31 dicembre)", get("period")))
	}
	if in.Formula == plan.FormulaDerived {
		bad("indicator_id", "indicatore calcolato dal sistema: non si inserisce")
		return row, errs
	}
	switch strings.ToLower(get("not_applicable")) {
	case "", "0", "no", "false":
	case "1", "si", "sì", "yes", "true":
		row.NotApplicable = true
	default:
		bad("not_applicable", "usa SI o NO")
	}
	if row.NotApplicable {
		if row.Reason == "" {
			bad("reason", "indica il motivo per cui l'indicatore non è applicabile")
		}
		for _, c := range valueColumns() {
			if get(c) != "" {
				bad(c, "un indicatore non applicabile non ha valori")
			}
		}
		return row, errs
	}
	want := wanted(in)
	for _, c := range valueColumns() {
		if get(c) != "" && !slices.Contains(want, c) {
			bad(c, "non previsto per questo indicatore (servono: "+strings.Join(want, ", ")+")")
		}
	}
	vals := map[string]float64{}
	for _, c := range want {
		raw := get(c)
		if raw == "" {
			bad(c, "valore mancante")
			continue
		}
		v, msg := parseNumber(raw, c == "value" && in.Unit == plan.UnitYesNo)
		if msg != "" {
			bad(c, msg)
			continue
		}
		vals[c] = v
	}
	if len(errs) > 0 {
		return row, errs
	}
	fi := plan.FormulaInputs(in.Formula)
	if len(fi) == 0 {
		v := vals["value"]
		row.Value = &v
		return row, errs
	}
	row.Inputs = map[string]float64{}
	for _, x := range fi {
		if x.NonZero && vals[x.Column] == 0 {
			bad(x.Column, zeroMessage(x.Key))
		}
		row.Inputs[x.Key] = vals[x.Column]
	}
	return row, errs
}

// zeroMessage says why a divisor input (plan.FormulaInput.NonZero) cannot be
// zero.
func zeroMessage(key string) string {
	if key == "previous" {
		return "il valore dell'anno precedente è zero: il rapporto non è calcolabile"
	}
	return "il denominatore è zero: se non c'è nulla da misurare dichiara l'indicatore non applicabile"
}

// wanted lists the CSV columns an indicator needs.
func wanted(in Indicator) []string {
	var out []string
	for _, x := range plan.FormulaInputs(in.Formula) {
		out = append(out, x.Column)
	}
	if out == nil {
		return []string{"value"}
	}
	return out
}

// valueColumns lists the columns that carry a value or an input: "value" and
// the columns of plan.FormulaInputs, in the order of plan.Formulas.
func valueColumns() []string {
	out := []string{"value"}
	for _, f := range plan.Formulas() {
		for _, x := range plan.FormulaInputs(f) {
			if !slices.Contains(out, x.Column) {
				out = append(out, x.Column)
			}
		}
	}
	return out
}

// parseNumber reads a number with a dot decimal separator (the open-data
// convention); a lone comma is taken as the decimal separator, thousands
// separators are refused because "1.234" would be ambiguous. SI/NO accepts SI,
// NO, 1 and 0.
func parseNumber(s string, yesNo bool) (float64, string) {
	if yesNo {
		switch strings.ToUpper(s) {
		case "SI", "SÌ", "1", "YES":
			return 1, ""
		case "NO", "0":
			return 0, ""
		}
		return 0, fmt.Sprintf("%q non è SI o NO", s)
	}
	t := strings.ReplaceAll(s, "−", "-") // the minus sign the pages print
	if strings.Count(t, ",") == 1 && !strings.Contains(t, ".") {
		t = strings.Replace(t, ",", ".", 1)
	}
	if strings.ContainsAny(t, ", ") {
		return 0, fmt.Sprintf("%q non è un numero: usa il punto per i decimali e nessun separatore delle migliaia", s)
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > 1e12 || strings.ContainsAny(t, "eExXpP_") {
		return 0, fmt.Sprintf("%q non è un numero valido", s)
	}
	if v == 0 {
		v = 0 // no negative zero
	}
	return v, ""
}
