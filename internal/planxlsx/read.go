package planxlsx

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/piao-performance/piao/internal/plan"
)

// Read parses a filled template. It returns the document and every problem
// found, row by row, in Italian; a document is returned only when there is no
// problem. The error is for input that cannot be read at all (ErrNotXLSX for
// anything that is not a workbook).
//
// Rows are checked as they are read (formats, codes, duplicates, references,
// the rules of plan.Validate with the sheet, row and column that break them);
// plan.Validate then runs on the assembled document as a last net.
func Read(r io.Reader) (doc *plan.Document, problems []Problem, err error) {
	data, err := io.ReadAll(io.LimitReader(r, maxFileBytes+1))
	if err != nil {
		return nil, nil, fmt.Errorf("planxlsx: read: %w", err)
	}
	if len(data) > maxFileBytes {
		return nil, nil, fmt.Errorf("il file supera i %d MB", maxFileBytes>>20)
	}
	// excelize parses whatever XML the file holds; a panic in it must not take
	// the server down with it.
	defer func() {
		if p := recover(); p != nil {
			doc, problems, err = nil, nil, fmt.Errorf("%w: %v", ErrNotXLSX, p)
		}
	}()
	types, err := precheck(data)
	if err != nil {
		return nil, nil, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: MaxUnzipBytes})
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrNotXLSX, err)
	}
	defer func() { _ = f.Close() }() // only temporary files to remove; nothing to report
	if len(f.GetSheetList()) == 0 {
		return nil, nil, fmt.Errorf("%w: nessun foglio", ErrNotXLSX)
	}

	rd := newReader(f)
	rd.nonNumeric = types
	b := newBuilder(rd)
	b.build()
	if len(rd.problems) == 0 {
		b.validate()
	}
	if found := rd.sorted(); len(found) > 0 {
		return nil, found, nil
	}
	return &b.doc, nil, nil
}

// reader reads the sheets of a workbook and collects problems.
type reader struct {
	f      *excelize.File
	sheets map[string]string // folded name → name in the file
	// nonNumeric are the cells not stored as numbers, from precheck
	nonNumeric nonNumeric
	problems   []Problem
	dropped    int // problems beyond maxProblems
}

func newReader(f *excelize.File) *reader {
	rd := &reader{f: f, sheets: map[string]string{}}
	for _, name := range f.GetSheetList() {
		rd.sheets[fold(name)] = name
	}
	return rd
}

func (rd *reader) add(p Problem) {
	if len(rd.problems) >= maxProblems {
		rd.dropped++
		return
	}
	rd.problems = append(rd.problems, p)
}

// sorted returns the problems in workbook order: sheet, then row; within a
// row, in the order they were found.
func (rd *reader) sorted() []Problem {
	order := map[string]int{sheetPlan: 0}
	for i, sp := range tableSpecs() {
		order[sp.name] = i + 1
	}
	ps := slices.Clone(rd.problems)
	slices.SortStableFunc(ps, func(a, b Problem) int {
		return cmp.Or(cmp.Compare(order[a.Sheet], order[b.Sheet]), cmp.Compare(a.Row, b.Row))
	})
	if rd.dropped > 0 {
		ps = append(ps, Problem{Sheet: "File", Message: fmt.Sprintf(
			"altri %d problemi non elencati: correggi questi e ricarica il file", rd.dropped)})
	}
	return ps
}

// table is a sheet read against its spec: the rows that are not blank.
type table struct {
	rd   *reader
	name string // as in the template
	file string // as in the workbook
	cols []column
	idx  []int // template column → 0-based column in the workbook
	rows []line
}

// line is one row of a table.
type line struct {
	t      *table
	n      int // 1-based row in the sheet
	cells  []string
	prefix string // put before every message: the Piano's field label
	mute   bool   // a missing Piano field: reported once, not per check
}

// load reads a sheet; nil when it is missing or lacks a column, which is
// then reported once instead of on every row.
func (rd *reader) load(name string, cols []column) *table {
	file, ok := rd.sheets[fold(name)]
	if !ok {
		rd.add(Problem{Sheet: name, Message: "foglio mancante: il modello deve contenere il foglio «" + name + "»"})
		return nil
	}
	// Rows streams the sheet (GetRows would build every row at once);
	// precheck has bounded what it can hold.
	it, err := rd.f.Rows(file)
	if err != nil {
		rd.add(Problem{Sheet: name, Message: "foglio illeggibile: " + err.Error()})
		return nil
	}
	defer func() { _ = it.Close() }() // only a temporary file to remove
	var rows [][]string
	for n := 1; it.Next(); n++ {
		cells, err := it.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			rd.add(Problem{Sheet: name, Message: "foglio illeggibile: " + err.Error()})
			return nil
		}
		if n > MaxSheetRows+1 { // only empty rows past the limit (precheck)
			break
		}
		rows = append(rows, cells)
	}
	if err := it.Error(); err != nil {
		rd.add(Problem{Sheet: name, Message: "foglio illeggibile: " + err.Error()})
		return nil
	}
	t := &table{rd: rd, name: name, file: file, cols: cols, idx: make([]int, len(cols))}
	var header []string
	if len(rows) > 0 {
		header = rows[0]
	}
	pos := map[string]int{}
	for i, h := range header {
		k := fold(h)
		if k == "" {
			continue
		}
		if _, dup := pos[k]; dup {
			rd.add(Problem{Sheet: name, Row: 1, Column: strings.TrimSpace(h), Message: "intestazione ripetuta: ogni colonna deve comparire una volta"})
			continue
		}
		pos[k] = i
	}
	complete := true
	for i, c := range cols {
		j, ok := pos[fold(c.header)]
		if !ok {
			rd.add(Problem{Sheet: name, Row: 1, Column: c.header, Message: "colonna mancante: l'intestazione deve essere «" + c.header + "»"})
			complete = false
		}
		t.idx[i] = j
	}
	if !complete {
		return nil
	}
	for i := 1; i < len(rows); i++ {
		l := line{t: t, n: i + 1, cells: rows[i]}
		if !l.blank() {
			t.rows = append(t.rows, l)
		}
	}
	return t
}

func (l line) raw(col int) string {
	if j := l.t.idx[col]; j < len(l.cells) {
		return l.cells[j]
	}
	return ""
}

func (l line) blank() bool {
	for i := range l.t.cols {
		if strings.TrimSpace(l.raw(i)) != "" {
			return false
		}
	}
	return true
}

func (l line) add(col int, format string, args ...any) {
	if l.mute {
		return
	}
	p := Problem{Sheet: l.t.name, Row: l.n, Message: l.prefix + fmt.Sprintf(format, args...)}
	if col >= 0 {
		p.Column = l.t.cols[col].header
	}
	l.t.rd.add(p)
}

// isNumeric tells whether a cell is stored as a number (or absent); see
// parseNumber. The types come from precheck's pass over the sheet, so the
// whole sheet is never loaded.
func (l line) isNumeric(col int) func() bool {
	return func() bool {
		return !l.t.rd.nonNumeric[l.t.file][[2]int{l.n, l.t.idx[col] + 1}]
	}
}

// text returns a free-text cell verbatim.
func (l line) text(col int) string { return l.raw(col) }

// key returns an identifier cell, trimmed.
func (l line) key(col int) string { return strings.TrimSpace(l.raw(col)) }

// required returns a trimmed cell and reports it when empty.
func (l line) required(col int) string {
	s := l.key(col)
	if s == "" {
		l.add(col, "campo obbligatorio vuoto")
	}
	return s
}

// requiredText returns a free-text cell verbatim and reports it when blank.
func (l line) requiredText(col int) string {
	if l.key(col) == "" {
		l.add(col, "campo obbligatorio vuoto")
	}
	return l.text(col)
}

// code returns a coded cell as its canonical code, "" when empty or unknown
// (reported).
func (l line) code(col int, required bool) string {
	s := l.key(col)
	if s == "" {
		if required {
			l.add(col, "campo obbligatorio vuoto: usa uno di %s", strings.Join(codeValues(l.t.cols[col].codes), ", "))
		}
		return ""
	}
	if c, ok := matchCode(s, l.t.cols[col].codes); ok {
		return c
	}
	l.add(col, "valore %s non ammesso: usa uno di %s", quote(s), strings.Join(codeValues(l.t.cols[col].codes), ", "))
	return ""
}

func matchCode(s string, cs []code) (string, bool) {
	if a, ok := operatorAliases()[s]; ok {
		s = a
	}
	for _, c := range cs {
		if strings.EqualFold(s, c.value) {
			return c.value, true
		}
	}
	return "", false
}

// integer reads a whole number; 0 when empty. ok is false when reported.
func (l line) integer(col int, what string) (int, bool) {
	s := l.raw(col)
	if strings.TrimSpace(s) == "" {
		return 0, true
	}
	v, msg := parseInt(s, l.isNumeric(col), what)
	if msg != "" {
		l.add(col, "%s", msg)
		return 0, false
	}
	return v, true
}

// number reads a number; nil when empty. ok is false when reported.
func (l line) number(col int) (*float64, bool) {
	s := l.raw(col)
	if strings.TrimSpace(s) == "" {
		return nil, true
	}
	v, msg := parseNumber(s, l.isNumeric(col))
	if msg != "" {
		l.add(col, "%s", msg)
		return nil, false
	}
	return &v, true
}

func (l line) boolean(col int) bool {
	v, ok := parseBool(l.raw(col))
	if !ok {
		l.add(col, "valore %s non ammesso: scrivi sì o no", quote(l.raw(col)))
	}
	return v
}

func (l line) date(col int) string {
	v, ok := parseDate(l.raw(col))
	if !ok {
		l.add(col, "%s non è una data: scrivi AAAA-MM-GG o GG/MM/AAAA", quote(l.raw(col)))
	}
	return v
}

func (l line) list(col int) []string { return splitList(l.raw(col)) }
