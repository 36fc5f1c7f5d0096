package planxlsx

import (
	"errors"
	"fmt"
	"io"
	"math"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"

	"github.com/piao-performance/piao/internal/plan"
)

const (
	creator      = "PIAO performance manager"
	numFmtText   = 49 // built-in "@": what users type in the cell stays text ("001" keeps its zeros)
	headerHeight = 30
)

type styles struct {
	title, heading, header, label, text, number int
}

// Write writes doc as an XLSX template: an "Istruzioni" sheet, then one sheet
// per table (Piano, Unità, Ruoli, Ambiti, Obiettivi, Indicatori, Baseline,
// Target, Obiettivi individuali, Indicatori individuali, Note qualità), one
// row per item in document order. Read reads it back.
//
// Sheets go through excelize's StreamWriter; as in internal/report, the
// AutoFilter and the data validations are set before the writer takes the
// sheet (it copies them when it flushes), and nothing calls SetActiveSheet,
// which would parse the streamed sheets back.
func Write(w io.Writer, doc *plan.Document) (err error) {
	if doc == nil {
		return errors.New("planxlsx: nil document")
	}
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("planxlsx: close workbook: %w", cerr)
		}
	}()
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	if err := f.SetDocProps(&excelize.DocProperties{
		Title:    "Modello del piano: " + doc.Plan.Title,
		Subject:  doc.Plan.Slug,
		Creator:  creator,
		Language: "it-IT",
	}); err != nil {
		return fmt.Errorf("planxlsx: document properties: %w", err)
	}
	if err := f.SetSheetName(f.GetSheetName(0), sheetInstructions); err != nil {
		return fmt.Errorf("planxlsx: rename first sheet: %w", err)
	}
	specs := tableSpecs()
	if err := writeInstructions(f, st, doc, specs); err != nil {
		return fmt.Errorf("planxlsx: sheet %s: %w", sheetInstructions, err)
	}
	if err := writePlan(f, st, doc); err != nil {
		return fmt.Errorf("planxlsx: sheet %s: %w", sheetPlan, err)
	}
	for _, sp := range specs {
		var drops []dropDown
		for i, c := range sp.cols {
			if c.kind == kindCode || c.kind == kindBool {
				col, _ := excelize.ColumnNumberToName(i + 1) // i+1 is a valid column
				drops = append(drops, dropDown{col + "2:" + col + "1048576", c.codes})
			}
		}
		if err := writeSheet(f, st, sp.name, sp.cols, tableRows(doc, sp.name), drops); err != nil {
			return fmt.Errorf("planxlsx: sheet %s: %w", sp.name, err)
		}
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("planxlsx: write workbook: %w", err)
	}
	return nil
}

// writePlan writes the Piano sheet: one label/value row per field.
func writePlan(f *excelize.File, st styles, doc *plan.Document) error {
	fields := planFields()
	values := planRows(doc)
	cols := []column{
		{planColLabel, 34, kindText, nil, ""},
		{planColValue, 70, kindText, nil, ""},
		{planColHelp, 60, kindText, nil, ""},
	}
	rows := make([][]any, len(fields))
	var drops []dropDown
	for i, fd := range fields {
		rows[i] = []any{fd.header, values[i], fd.help}
		if fd.kind == kindBool {
			drops = append(drops, dropDown{cellName(2, i+2), fd.codes})
		}
	}
	return writeSheet(f, st, sheetPlan, cols, rows, drops)
}

type dropDown struct {
	sqref string
	codes []code
}

// writeSheet streams a table: a frozen, filtered, bold header on row 1, then
// the rows.
func writeSheet(f *excelize.File, st styles, sheet string, cols []column, rows [][]any, drops []dropDown) error {
	if _, err := f.NewSheet(sheet); err != nil {
		return fmt.Errorf("new sheet: %w", err)
	}
	ncol := len(cols)
	ref := "A1:" + cellName(ncol, len(rows)+1)
	if err := f.AutoFilter(sheet, ref, nil); err != nil {
		return fmt.Errorf("autofilter %s: %w", ref, err)
	}
	for _, d := range drops {
		if err := addDropDown(f, sheet, d); err != nil {
			return err
		}
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return fmt.Errorf("stream writer: %w", err)
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return fmt.Errorf("freeze panes: %w", err)
	}
	// Backwards: see internal/report's writeXLSXTable.
	for i := ncol - 1; i >= 0; i-- {
		if err := sw.SetColWidth(i+1, i+1, cols[i].width); err != nil {
			return fmt.Errorf("column width: %w", err)
		}
		if err := sw.SetColStyle(i+1, i+1, colStyle(cols[i], st)); err != nil {
			return fmt.Errorf("column style: %w", err)
		}
	}
	cells := make([]any, ncol)
	for i, c := range cols {
		cells[i] = excelize.Cell{StyleID: st.header, Value: c.header}
	}
	if err := sw.SetRow("A1", cells, excelize.RowOpts{Height: headerHeight}); err != nil {
		return fmt.Errorf("header row: %w", err)
	}
	for r, data := range rows {
		if len(data) != ncol {
			return fmt.Errorf("row %d has %d cells for %d columns", r+2, len(data), ncol)
		}
		for i, v := range data {
			c, err := cellValue(v, cols[i], st)
			if err != nil {
				return fmt.Errorf("row %d, column %s: %w", r+2, cols[i].header, err)
			}
			cells[i] = c
		}
		if err := sw.SetRow(cellName(1, r+2), cells); err != nil {
			return fmt.Errorf("row %d: %w", r+2, err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("flush: %w", err)
	}
	return nil
}

// cellValue types one value. Text longer than a cell holds is an error:
// excelize would silently truncate it, and the plan would come back changed.
func cellValue(v any, c column, st styles) (excelize.Cell, error) {
	switch v := v.(type) {
	case nil:
		return excelize.Cell{StyleID: colStyle(c, st)}, nil
	case string:
		if n := utf16Len(v); n > maxCellChars {
			return excelize.Cell{}, fmt.Errorf("text of %d characters exceeds a cell's %d", n, maxCellChars)
		}
		if v == "" {
			return excelize.Cell{StyleID: colStyle(c, st)}, nil
		}
		return excelize.Cell{StyleID: st.text, Value: v}, nil
	case int:
		return excelize.Cell{StyleID: st.number, Value: v}, nil
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return excelize.Cell{}, fmt.Errorf("value %v is not a finite number", v)
		}
		return excelize.Cell{StyleID: st.number, Value: v}, nil
	}
	return excelize.Cell{}, fmt.Errorf("unexpected value of type %T", v)
}

func colStyle(c column, st styles) int {
	if c.kind == kindInt || c.kind == kindNumber {
		return st.number
	}
	return st.text
}

func addDropDown(f *excelize.File, sheet string, d dropDown) error {
	dv := excelize.NewDataValidation(true)
	dv.Sqref = d.sqref
	if err := dv.SetDropList(codeValues(d.codes)); err != nil {
		return fmt.Errorf("drop-down %s: %w", d.sqref, err)
	}
	dv.SetError(excelize.DataValidationErrorStyleStop, "Valore non ammesso",
		"Scegli uno dei valori dell'elenco: il foglio Istruzioni ne spiega il significato.")
	if err := f.AddDataValidation(sheet, dv); err != nil {
		return fmt.Errorf("drop-down %s: %w", d.sqref, err)
	}
	return nil
}

func newStyles(f *excelize.File) (styles, error) {
	var st styles
	top := &excelize.Alignment{Vertical: "top", WrapText: true}
	for _, s := range []struct {
		id    *int
		style excelize.Style
	}{
		{&st.title, excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}}},
		{&st.heading, excelize.Style{
			Font: &excelize.Font{Bold: true, Size: 12},
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		}},
		{&st.header, excelize.Style{
			Font:      &excelize.Font{Bold: true},
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
			Border:    []excelize.Border{{Type: "bottom", Color: "5B9BD5", Style: 1}},
			Alignment: &excelize.Alignment{Vertical: "center", WrapText: true},
			NumFmt:    numFmtText,
		}},
		{&st.label, excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: top, NumFmt: numFmtText}},
		{&st.text, excelize.Style{Alignment: top, NumFmt: numFmtText}},
		{&st.number, excelize.Style{Alignment: &excelize.Alignment{Vertical: "top"}}},
	} {
		id, err := f.NewStyle(&s.style)
		if err != nil {
			return st, fmt.Errorf("planxlsx: new style: %w", err)
		}
		*s.id = id
	}
	return st, nil
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

func cellName(col, row int) string {
	ref, _ := excelize.CoordinatesToCellName(col, row) // col, row ≥ 1 here
	return ref
}
