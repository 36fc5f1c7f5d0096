package report

import (
	"fmt"
	"io"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/piao-performance/piao/internal/document"
	"github.com/piao-performance/piao/internal/itfmt"
)

// Sheet layout constants. Excel caps sheet names at 31 characters.
const (
	xlsxInfoSheet     = "Informazioni"
	xlsxTreeSheet     = "Albero"
	xlsxMaxSheetName  = 31
	xlsxCreator       = "PIAO performance manager"
	xlsxMaxColWidth   = 80
	sheetTreeIndent   = "    " // per level, in the Obiettivo column of the tree
	xlsxNumFmtInteger = 3      // built-in "#,##0"
	xlsxNumFmtNumber  = 4      // built-in "#,##0.00"
	xlsxNumFmtPercent = 10     // built-in "0.00%"
)

// xlsxStyles holds the style IDs of one workbook.
type xlsxStyles struct {
	title, notice, header, label, value int
	text, numText                       int // text cells; numText right-aligns a missing number ("n.d.")
	number, percent, integer            int
	dateTime, date                      int
}

// WriteXLSX writes d as a workbook: a first sheet "Informazioni" (title, ente,
// plan, generation date, meta, notice), a sheet "Albero" when d.Tree is set,
// then one sheet per table.
//
// Table sheets are named after the table's Title when it fits Excel's 31
// characters (and its forbidden characters are dropped), otherwise after its
// Slug, truncated; names are made unique. Each table sheet starts with the
// notice (when set) and the title, then the header row, which is frozen and
// carries an AutoFilter over header and data. Rows go through excelize's
// StreamWriter so memory stays flat on large tables.
//
// Numbers are stored as numbers with a number format, so Excel and LibreOffice
// show them in the reader's locale (61,24% in Italian). Percent cells hold
// Value/100 with the built-in "0.00%" format: the cell is the fraction, so
// formulas on it behave as Excel users expect.
func WriteXLSX(w io.Writer, d *document.Document) (err error) {
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("xlsx: close workbook: %w", cerr)
		}
	}()
	st, err := newXLSXStyles(f)
	if err != nil {
		return err
	}
	rome := romeZone()

	if err := f.SetDocProps(xlsxDocProps(d)); err != nil {
		return fmt.Errorf("xlsx: document properties: %w", err)
	}
	if err := f.SetSheetName(f.GetSheetName(0), xlsxInfoSheet); err != nil {
		return fmt.Errorf("xlsx: rename first sheet: %w", err)
	}

	// Name every sheet first: the Informazioni sheet lists them.
	used := map[string]bool{strings.ToLower(xlsxInfoSheet): true}
	var tables []*document.Table
	var names []string
	if d.Tree != nil {
		tree := treeAsTable(d.Tree)
		used[strings.ToLower(xlsxTreeSheet)] = true
		tables, names = append(tables, &tree), append(names, xlsxTreeSheet)
	}
	for i := range d.Tables {
		t := &d.Tables[i]
		tables, names = append(tables, t), append(names, xlsxSheetName(t, i, used))
	}

	if err := writeXLSXInfo(f, d, st, rome, tables, names); err != nil {
		return err
	}
	for i, t := range tables {
		if _, err := f.NewSheet(names[i]); err != nil {
			return fmt.Errorf("xlsx: new sheet %q: %w", names[i], err)
		}
		if err := writeXLSXTable(f, names[i], t, d.Notice, st, rome); err != nil {
			return fmt.Errorf("xlsx: sheet %q: %w", names[i], err)
		}
	}
	// The first sheet is already the active one. No SetActiveSheet: it would
	// parse every streamed sheet back into memory.
	if err := f.Write(w); err != nil {
		return fmt.Errorf("xlsx: write workbook: %w", err)
	}
	return nil
}

func xlsxDocProps(d *document.Document) *excelize.DocProperties {
	p := &excelize.DocProperties{
		Title:       d.Title,
		Subject:     d.Plan,
		Description: d.Ente,
		Creator:     xlsxCreator,
		Language:    "it-IT",
	}
	if !d.Generated.IsZero() {
		p.Created = d.Generated.UTC().Format(time.RFC3339)
		p.Modified = p.Created
	}
	return p
}

func newXLSXStyles(f *excelize.File) (xlsxStyles, error) {
	fmtDateTime, fmtDate := "dd/mm/yyyy hh:mm", "dd/mm/yyyy"
	right := &excelize.Alignment{Horizontal: "right", Vertical: "top"}
	top := &excelize.Alignment{Vertical: "top"}
	var st xlsxStyles
	for _, s := range []struct {
		id    *int
		style excelize.Style
	}{
		{&st.title, excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}}},
		{&st.notice, excelize.Style{
			Font: &excelize.Font{Bold: true, Color: "9C0006"},
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFC7CE"}},
		}},
		{&st.header, excelize.Style{
			Font:      &excelize.Font{Bold: true},
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
			Border:    []excelize.Border{{Type: "bottom", Color: "5B9BD5", Style: 1}},
			Alignment: &excelize.Alignment{Vertical: "center", WrapText: true},
		}},
		{&st.label, excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: top}},
		{&st.value, excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}},
		{&st.text, excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}},
		{&st.numText, excelize.Style{Alignment: right}},
		{&st.number, excelize.Style{NumFmt: xlsxNumFmtNumber, Alignment: top}},
		{&st.percent, excelize.Style{NumFmt: xlsxNumFmtPercent, Alignment: top}},
		{&st.integer, excelize.Style{NumFmt: xlsxNumFmtInteger, Alignment: top}},
		{&st.dateTime, excelize.Style{CustomNumFmt: &fmtDateTime, Alignment: right}},
		{&st.date, excelize.Style{CustomNumFmt: &fmtDate, Alignment: right}},
	} {
		id, err := f.NewStyle(&s.style)
		if err != nil {
			return st, fmt.Errorf("xlsx: new style: %w", err)
		}
		*s.id = id
	}
	return st, nil
}

// writeXLSXInfo fills the first sheet: what the workbook is, where it comes
// from and which sheets it holds.
func writeXLSXInfo(f *excelize.File, d *document.Document, st xlsxStyles, rome *time.Location, tables []*document.Table, names []string) error {
	sw, err := f.NewStreamWriter(xlsxInfoSheet)
	if err != nil {
		return fmt.Errorf("xlsx: sheet %q: %w", xlsxInfoSheet, err)
	}
	// Column B first: see writeXLSXTable.
	if err := sw.SetColWidth(2, 2, 90); err != nil {
		return fmt.Errorf("xlsx: sheet %q: %w", xlsxInfoSheet, err)
	}
	if err := sw.SetColWidth(1, 1, 28); err != nil {
		return fmt.Errorf("xlsx: sheet %q: %w", xlsxInfoSheet, err)
	}
	var rows [][]any
	rows = append(rows, []any{excelize.Cell{StyleID: st.title, Value: d.Title}})
	if d.Notice != "" {
		rows = append(rows, []any{excelize.Cell{StyleID: st.notice, Value: d.Notice}})
	}
	rows = append(rows, nil)
	pair := func(label string, value any, style int) {
		rows = append(rows, []any{
			excelize.Cell{StyleID: st.label, Value: label},
			excelize.Cell{StyleID: style, Value: value},
		})
	}
	pair("Ente", d.Ente, st.value)
	pair("Piano", d.Plan, st.value)
	if !d.Generated.IsZero() {
		pair("Generato il", d.Generated.In(rome), st.dateTime)
	}
	for _, m := range d.Meta {
		pair(m.Label, m.Value, st.value)
	}
	if len(tables) > 0 {
		rows = append(rows, nil, []any{excelize.Cell{StyleID: st.label, Value: "Fogli"}})
		for i, t := range tables {
			pair(names[i], fmt.Sprintf("%s (%s)", t.Title, rowsLabel(len(t.Rows))), st.value)
		}
	}
	for i, r := range rows {
		if err := sw.SetRow(xlsxRef(1, i+1), r); err != nil {
			return fmt.Errorf("xlsx: sheet %q row %d: %w", xlsxInfoSheet, i+1, err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("xlsx: sheet %q: flush: %w", xlsxInfoSheet, err)
	}
	return nil
}

// writeXLSXTable streams one table: notice, title, header, data.
func writeXLSXTable(f *excelize.File, sheet string, t *document.Table, notice string, st xlsxStyles, rome *time.Location) error {
	ncol := len(t.Columns)
	headerRow := 2 // under the title
	if notice != "" {
		headerRow++
	}
	lastRow := headerRow + len(t.Rows)

	// The AutoFilter goes in before the stream writer takes the sheet: the
	// writer copies the sheet's other parts when it flushes, whereas adding it
	// afterwards would make excelize parse the whole streamed sheet back.
	if ncol > 0 {
		ref := xlsxRef(1, headerRow) + ":" + xlsxRef(ncol, lastRow)
		if err := f.AutoFilter(sheet, ref, nil); err != nil {
			return fmt.Errorf("autofilter %s: %w", ref, err)
		}
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return fmt.Errorf("stream writer: %w", err)
	}
	if ncol > 0 {
		if err := sw.SetPanes(&excelize.Panes{
			Freeze:      true,
			YSplit:      headerRow,
			TopLeftCell: xlsxRef(1, headerRow+1),
			ActivePane:  "bottomLeft",
		}); err != nil {
			return fmt.Errorf("freeze panes: %w", err)
		}
	}
	// Backwards: excelize puts each new column first, and Excel wants them in
	// ascending order.
	for i := ncol - 1; i >= 0; i-- {
		if err := sw.SetColWidth(i+1, i+1, xlsxColWidth(t.Columns[i].Width)); err != nil {
			return fmt.Errorf("column width: %w", err)
		}
	}

	row := 1
	if notice != "" {
		if err := sw.SetRow(xlsxRef(1, row), []any{excelize.Cell{StyleID: st.notice, Value: notice}}); err != nil {
			return fmt.Errorf("notice row: %w", err)
		}
		row++
	}
	if err := sw.SetRow(xlsxRef(1, row), []any{excelize.Cell{StyleID: st.title, Value: t.Title}},
		excelize.RowOpts{Height: 20}); err != nil {
		return fmt.Errorf("title row: %w", err)
	}
	row++

	// One slice reused for every row: SetRow encodes it at once.
	cells := make([]any, ncol)
	for i, c := range t.Columns {
		cells[i] = excelize.Cell{StyleID: st.header, Value: c.Header}
	}
	if err := sw.SetRow(xlsxRef(1, row), cells); err != nil {
		return fmt.Errorf("header row: %w", err)
	}
	for r, data := range t.Rows {
		if len(data) > ncol {
			return fmt.Errorf("row %d has %d cells for %d columns", r+1, len(data), ncol)
		}
		for i, col := range t.Columns {
			var c document.Cell
			if i < len(data) {
				c = data[i]
			}
			cells[i] = xlsxCell(col.Kind, c, st, rome)
		}
		if err := sw.SetRow(xlsxRef(1, headerRow+1+r), cells); err != nil {
			return fmt.Errorf("row %d: %w", r+1, err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("flush: %w", err)
	}
	return nil
}

// xlsxCell types one value: numbers and dates as such, anything else (a
// missing value, "≥ 200") as its text.
func xlsxCell(k document.Kind, c document.Cell, st xlsxStyles, rome *time.Location) excelize.Cell {
	finite := c.Has && !math.IsNaN(c.Value) && !math.IsInf(c.Value, 0)
	switch k {
	case document.Number:
		if finite {
			return excelize.Cell{StyleID: st.number, Value: c.Value}
		}
	case document.Percent:
		if finite {
			return excelize.Cell{StyleID: st.percent, Value: c.Value / 100}
		}
	case document.Integer:
		if finite {
			return excelize.Cell{StyleID: st.integer, Value: c.Value}
		}
	case document.Date:
		if !c.Time.IsZero() {
			t := c.Time.In(rome)
			if atMidnight(t) {
				return excelize.Cell{StyleID: st.date, Value: t}
			}
			return excelize.Cell{StyleID: st.dateTime, Value: t}
		}
	default:
		return excelize.Cell{StyleID: st.text, Value: c.Text}
	}
	return excelize.Cell{StyleID: st.numText, Value: c.Text}
}

// treeAsTable lists the performance tree as a table, shared by the XLSX
// "Albero" sheet and the CSV archive. Scores become numbers when they parse.
func treeAsTable(nodes []document.TreeNode) document.Table {
	t := document.Table{
		Slug:  "albero",
		Title: "Albero della performance",
		Columns: []document.Column{
			{Header: "Livello", Kind: document.Integer, Width: 0.5},
			{Header: "Codice", Kind: document.Text, Width: 1},
			{Header: "Obiettivo", Kind: document.Text, Width: 7},
			{Header: "Raggiungimento", Kind: document.Percent, Width: 1.2},
			{Header: "Stato", Kind: document.Text, Width: 2},
		},
		Rows: make([][]document.Cell, 0, len(nodes)),
	}
	for _, n := range nodes {
		score := document.Cell{Text: n.Score}
		if v, msg := itfmt.ParseNumber(n.Score); msg == "" && strings.HasSuffix(strings.TrimSpace(n.Score), "%") {
			score.Value, score.Has = v, true
		}
		t.Rows = append(t.Rows, []document.Cell{
			{Text: fmt.Sprint(n.Level), Value: float64(n.Level), Has: true},
			{Text: n.Code},
			{Text: strings.Repeat(sheetTreeIndent, max(n.Level, 0)) + n.Title},
			score,
			{Text: n.Status},
		})
	}
	return t
}

// xlsxSheetName names a table's sheet: its Title when it fits, else its Slug,
// else "Tabella N"; cleaned, truncated and made unique (case-insensitively,
// as Excel compares names) against used, which it updates.
func xlsxSheetName(t *document.Table, i int, used map[string]bool) string {
	name := xlsxCleanSheetName(t.Title)
	if name == "" || utf8.RuneCountInString(name) > xlsxMaxSheetName {
		name = xlsxTruncate(xlsxCleanSheetName(t.Slug), xlsxMaxSheetName)
	}
	if name == "" {
		name = fmt.Sprintf("Tabella %d", i+1)
	}
	base := name
	for n := 2; used[strings.ToLower(name)]; n++ {
		suffix := fmt.Sprintf(" (%d)", n)
		name = strings.TrimSpace(xlsxTruncate(base, xlsxMaxSheetName-len(suffix))) + suffix
	}
	used[strings.ToLower(name)] = true
	return name
}

// xlsxCleanSheetName drops the characters Excel forbids in sheet names, and the
// apostrophe, which excelize does not escape in the AutoFilter's defined name.
func xlsxCleanSheetName(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case strings.ContainsRune(`[]:*?/\'’`, r):
			return -1
		case r < ' ':
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

func xlsxTruncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// xlsxColWidth turns a relative PDF width into Excel characters.
func xlsxColWidth(w float64) float64 {
	if w <= 0 {
		w = 1
	}
	return min(6+8*w, xlsxMaxColWidth)
}

func xlsxRef(col, row int) string {
	ref, _ := excelize.CoordinatesToCellName(col, row) // col, row ≥ 1 here
	return ref
}

func rowsLabel(n int) string {
	if n == 1 {
		return "1 riga"
	}
	return itfmt.Number(float64(n), 0) + " righe"
}

func atMidnight(t time.Time) bool {
	h, m, s := t.Clock()
	return h == 0 && m == 0 && s == 0 && t.Nanosecond() == 0
}

// romeZone is the time zone dates are shown in.
func romeZone() *time.Location { return itfmt.Rome() }
