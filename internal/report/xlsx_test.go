package report

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/piao-performance/piao/internal/document"
)

const xlsxTestNotice = "DATI DIMOSTRATIVI — ente e valori inventati, non usare per decisioni."

// xlsxFixture is a small report with every column kind, missing values,
// Unicode text, a tree, a notice and a table of bigRows rows.
func xlsxFixture(bigRows int) *document.Document {
	rome, _ := time.LoadLocation("Europe/Rome")
	d := &document.Document{
		Title:     "Relazione sulla performance 2023",
		Ente:      "Camera di Commercio del Gran Sasso d'Italia",
		Plan:      "PIAO 2023–2025 — Aggiornamento obiettivi (ottobre 2023)",
		Generated: time.Date(2024, 6, 30, 10, 15, 0, 0, rome),
		Notice:    xlsxTestNotice,
		Meta:      []document.Meta{{Label: "Periodo", Value: "31/12/2023 (consuntivo annuale)"}},
		Tree: []document.TreeNode{
			{Level: 0, Title: "Camera di Commercio", Score: "91,5%", Status: "Raggiunto"},
			{Level: 1, Code: "PO.1", Title: "Competitività delle imprese", Score: "96,54%", Status: "Raggiunto"},
			{Level: 2, Code: "1.1", Title: "Perché semplificare", Score: "n.d.", Status: "Dato mancante"},
		},
		Tables: []document.Table{
			{
				Slug:  "indicatori",
				Title: "Indicatori: valori [2023]",
				Columns: []document.Column{
					{Header: "Indicatore", Kind: document.Text, Width: 4},
					{Header: "Target", Kind: document.Text},
					{Header: "Valore", Kind: document.Number},
					{Header: "Raggiungimento", Kind: document.Percent},
					{Header: "Pratiche", Kind: document.Integer},
					{Header: "Aggiornato", Kind: document.Date},
				},
				Rows: [][]document.Cell{
					{{Text: "Tempi medi perché più brevi"}, {Text: "≥ 200"}, {Text: "−19,91", Value: -19.91, Has: true},
						{Text: "61,24%", Value: 61.24, Has: true}, {Text: "1.234", Value: 1234, Has: true},
						{Text: "31/12/2023", Time: time.Date(2023, 12, 31, 0, 0, 0, 0, rome)}},
					{{Text: "=SOMMA(A1:A2)"}, {Text: "≤ 0"}, {Text: "n.d."},
						{Text: "n.d."}, {Text: "n.d."},
						{Text: "15/01/2024 09:30", Time: time.Date(2024, 1, 15, 9, 30, 0, 0, rome)}},
					{{Text: "Soddisfazione"}, {Text: "= 100%"}, {Text: "91,5", Value: 91.5, Has: true},
						{Text: "91,5%", Value: 91.5, Has: true}, {Text: "0", Value: 0, Has: true},
						{Text: "n.d."}},
				},
			},
			xlsxBigTable("dettaglio-pratiche-camera-di-commercio-2023", "Dettaglio delle pratiche della Camera di Commercio", bigRows, 10),
		},
	}
	return d
}

// xlsxBigTable is a table of n rows and ncol columns, cycling through the kinds.
func xlsxBigTable(slug, title string, n, ncol int) document.Table {
	t := document.Table{Slug: slug, Title: title}
	kinds := []document.Kind{document.Text, document.Number, document.Percent, document.Integer, document.Date}
	for c := range ncol {
		t.Columns = append(t.Columns, document.Column{Header: fmt.Sprintf("Colonna %d", c+1), Kind: kinds[c%len(kinds)]})
	}
	day := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	for r := range n {
		row := make([]document.Cell, ncol)
		for c := range ncol {
			v := float64(r) + float64(c)/100
			switch t.Columns[c].Kind {
			case document.Text:
				row[c] = document.Cell{Text: fmt.Sprintf("Riga %d, attività «%d»", r+1, c)}
			case document.Date:
				row[c] = document.Cell{Text: "", Time: day.AddDate(0, 0, r%365)}
			default:
				row[c] = document.Cell{Text: strconv.FormatFloat(v, 'f', 2, 64), Value: v, Has: true}
			}
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

func xlsxOpen(t *testing.T, d *document.Document) *excelize.File {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, d); err != nil {
		t.Fatalf("WriteXLSX: %v", err)
	}
	f, err := excelize.OpenReader(&buf, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatalf("OpenReader: %v", err)
	}
	t.Cleanup(func() { _ = f.Close() })
	return f
}

func xlsxValue(t *testing.T, f *excelize.File, sheet, ref string) string {
	t.Helper()
	v, err := f.GetCellValue(sheet, ref)
	if err != nil {
		t.Fatalf("%s!%s: %v", sheet, ref, err)
	}
	return v
}

// xlsxNumber asserts that sheet!ref is a number cell and returns its value.
func xlsxNumber(t *testing.T, f *excelize.File, sheet, ref string) float64 {
	t.Helper()
	typ, err := f.GetCellType(sheet, ref)
	if err != nil {
		t.Fatalf("%s!%s: %v", sheet, ref, err)
	}
	if typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
		t.Fatalf("%s!%s: cell type %v, want a number", sheet, ref, typ)
	}
	raw := xlsxValue(t, f, sheet, ref)
	v, err := strconv.ParseFloat(raw, 64)
	if err != nil {
		t.Fatalf("%s!%s = %q: not a number", sheet, ref, raw)
	}
	return v
}

func xlsxCellStyle(t *testing.T, f *excelize.File, sheet, ref string) *excelize.Style {
	t.Helper()
	id, err := f.GetCellStyle(sheet, ref)
	if err != nil {
		t.Fatalf("%s!%s style: %v", sheet, ref, err)
	}
	s, err := f.GetStyle(id)
	if err != nil {
		t.Fatalf("%s!%s style %d: %v", sheet, ref, id, err)
	}
	return s
}

func TestWriteXLSX(t *testing.T) {
	d := xlsxFixture(5000)
	f := xlsxOpen(t, d)

	wantSheets := []string{"Informazioni", "Albero", "Indicatori valori 2023", "dettaglio-pratiche-camera-di-co"}
	if got := f.GetSheetList(); strings.Join(got, "|") != strings.Join(wantSheets, "|") {
		t.Fatalf("sheets = %q, want %q", got, wantSheets)
	}

	props, err := f.GetDocProps()
	if err != nil {
		t.Fatal(err)
	}
	if props.Title != d.Title || props.Creator != "PIAO performance manager" || !strings.HasPrefix(props.Created, "2024-06-30T08:15:00") {
		t.Errorf("doc props = %+v", props)
	}

	// Informazioni: title, notice in bold, provenance.
	const info = "Informazioni"
	if got := xlsxValue(t, f, info, "A1"); got != d.Title {
		t.Errorf("info A1 = %q", got)
	}
	if got := xlsxValue(t, f, info, "A2"); got != xlsxTestNotice {
		t.Errorf("info A2 = %q, want the notice", got)
	}
	if s := xlsxCellStyle(t, f, info, "A2"); s.Font == nil || !s.Font.Bold {
		t.Errorf("notice not bold: %+v", s.Font)
	}
	rows, err := f.GetRows(info)
	if err != nil {
		t.Fatal(err)
	}
	infoText := fmt.Sprint(rows)
	for _, want := range []string{d.Ente, d.Plan, "Generato il", "Periodo", "31/12/2023 (consuntivo annuale)", "Albero della performance (3 righe)", "5.000 righe"} {
		if !strings.Contains(infoText, want) {
			t.Errorf("Informazioni lacks %q: %v", want, rows)
		}
	}

	// Table sheet: notice, title, frozen header with AutoFilter.
	const sh = "Indicatori valori 2023"
	if got := xlsxValue(t, f, sh, "A1"); got != xlsxTestNotice {
		t.Errorf("A1 = %q, want the notice", got)
	}
	if got := xlsxValue(t, f, sh, "A2"); got != "Indicatori: valori [2023]" {
		t.Errorf("A2 = %q, want the title", got)
	}
	header, err := f.GetRows(sh)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(header[2], "|"); got != "Indicatore|Target|Valore|Raggiungimento|Pratiche|Aggiornato" {
		t.Errorf("header = %q", got)
	}
	if s := xlsxCellStyle(t, f, sh, "C3"); s.Font == nil || !s.Font.Bold || len(s.Fill.Color) == 0 {
		t.Errorf("header style = %+v", s)
	}
	if w, err := f.GetColWidth(sh, "A"); err != nil || w != 38 {
		t.Errorf("column A width = %v, %v; want 6 + 8×4", w, err)
	}
	panes, err := f.GetPanes(sh)
	if err != nil {
		t.Fatal(err)
	}
	if !panes.Freeze || panes.YSplit != 3 || panes.TopLeftCell != "A4" {
		t.Errorf("panes = %+v, want frozen above A4", panes)
	}
	filters := map[string]string{}
	for _, dn := range f.GetDefinedName() {
		if dn.Name == "_xlnm._FilterDatabase" {
			filters[dn.Scope] = dn.RefersTo
		}
	}
	if got := filters[sh]; got != "'"+sh+"'!$A$3:$F$6" && got != "'"+sh+"'!A3:F6" {
		t.Errorf("autofilter of %s = %q (all: %v)", sh, got, filters)
	}

	// Values: Unicode text, a real percent fraction, numbers, missing values.
	if got := xlsxValue(t, f, sh, "A4"); got != "Tempi medi perché più brevi" {
		t.Errorf("A4 = %q", got)
	}
	if got := xlsxValue(t, f, sh, "B4"); got != "≥ 200" {
		t.Errorf("B4 = %q", got)
	}
	if got := xlsxValue(t, f, sh, "A5"); got != "=SOMMA(A1:A2)" {
		t.Errorf("A5 = %q, want the text as is", got)
	}
	if f, err := f.GetCellFormula(sh, "A5"); err != nil || f != "" {
		t.Errorf("A5 formula = %q, %v; want none", f, err)
	}
	if v := xlsxNumber(t, f, sh, "D4"); math.Abs(v-0.6124) > 1e-12 {
		t.Errorf("percent D4 = %v, want 0.6124", v)
	}
	if s := xlsxCellStyle(t, f, sh, "D4"); s.NumFmt != 10 && (s.CustomNumFmt == nil || !strings.Contains(*s.CustomNumFmt, "%")) {
		t.Errorf("percent D4 format: NumFmt %d, custom %v", s.NumFmt, s.CustomNumFmt)
	}
	if v := xlsxNumber(t, f, sh, "D6"); math.Abs(v-0.915) > 1e-12 {
		t.Errorf("percent D6 = %v, want 0.915", v)
	}
	if v := xlsxNumber(t, f, sh, "C4"); v != -19.91 {
		t.Errorf("number C4 = %v, want -19.91", v)
	}
	if s := xlsxCellStyle(t, f, sh, "C4"); s.NumFmt != 4 && (s.CustomNumFmt == nil || *s.CustomNumFmt != "#,##0.00") {
		t.Errorf("number C4 format: NumFmt %d, custom %v", s.NumFmt, s.CustomNumFmt)
	}
	if v := xlsxNumber(t, f, sh, "E4"); v != 1234 {
		t.Errorf("integer E4 = %v, want 1234", v)
	}
	if s := xlsxCellStyle(t, f, sh, "E4"); s.NumFmt != 3 && (s.CustomNumFmt == nil || *s.CustomNumFmt != "#,##0") {
		t.Errorf("integer E4 format: NumFmt %d, custom %v", s.NumFmt, s.CustomNumFmt)
	}
	for _, ref := range []string{"C5", "D5", "E5", "F6"} {
		if got := xlsxValue(t, f, sh, ref); got != "n.d." {
			t.Errorf("missing %s = %q, want n.d.", ref, got)
		}
		if typ, _ := f.GetCellType(sh, ref); typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString {
			t.Errorf("missing %s type %v, want text", ref, typ)
		}
	}
	// Dates: 31/12/2023 is serial 45291; 15/01/2024 09:30 Rome time.
	if v := xlsxNumber(t, f, sh, "F4"); v != 45291 {
		t.Errorf("date F4 = %v, want 45291", v)
	}
	if s := xlsxCellStyle(t, f, sh, "F4"); s.CustomNumFmt == nil || *s.CustomNumFmt != "dd/mm/yyyy" {
		t.Errorf("date F4 format = %v", s.CustomNumFmt)
	}
	if v := xlsxNumber(t, f, sh, "F5"); math.Abs(v-(45306+9.5/24)) > 1e-6 {
		t.Errorf("date-time F5 = %v, want 15/01/2024 09:30", v)
	}
	if s := xlsxCellStyle(t, f, sh, "F5"); s.CustomNumFmt == nil || *s.CustomNumFmt != "dd/mm/yyyy hh:mm" {
		t.Errorf("date-time F5 format = %v", s.CustomNumFmt)
	}

	// The tree, indented, with parsed scores.
	if got := xlsxValue(t, f, "Albero", "C6"); got != "        Perché semplificare" {
		t.Errorf("Albero C6 = %q", got)
	}
	if v := xlsxNumber(t, f, "Albero", "D5"); math.Abs(v-0.9654) > 1e-12 {
		t.Errorf("Albero D5 = %v, want 0.9654", v)
	}
	if got := xlsxValue(t, f, "Albero", "D6"); got != "n.d." {
		t.Errorf("Albero D6 = %q", got)
	}

	// Every one of the 5,000 rows, under notice, title and header.
	big := "dettaglio-pratiche-camera-di-co"
	bigRows, err := f.GetRows(big)
	if err != nil {
		t.Fatal(err)
	}
	if len(bigRows) != 3+5000 {
		t.Fatalf("%s has %d rows, want %d", big, len(bigRows), 3+5000)
	}
	if got := bigRows[len(bigRows)-1][0]; got != "Riga 5000, attività «0»" {
		t.Errorf("last row A = %q", got)
	}
	if got := filters[big]; !strings.HasSuffix(strings.ReplaceAll(got, "$", ""), "!A3:J5003") {
		t.Errorf("autofilter of %s = %q", big, got)
	}
}

func TestWriteXLSXNoNotice(t *testing.T) {
	d := xlsxFixture(2)
	d.Notice, d.Tree = "", nil
	f := xlsxOpen(t, d)
	if got := f.GetSheetList(); len(got) != 3 || got[1] != "Indicatori valori 2023" {
		t.Fatalf("sheets = %q", got)
	}
	sh := "Indicatori valori 2023"
	if got := xlsxValue(t, f, sh, "A1"); got != "Indicatori: valori [2023]" {
		t.Errorf("A1 = %q, want the title", got)
	}
	if got := xlsxValue(t, f, sh, "A2"); got != "Indicatore" {
		t.Errorf("A2 = %q, want the header", got)
	}
	panes, err := f.GetPanes(sh)
	if err != nil {
		t.Fatal(err)
	}
	if !panes.Freeze || panes.YSplit != 2 || panes.TopLeftCell != "A3" {
		t.Errorf("panes = %+v, want frozen above A3", panes)
	}
}

func TestXLSXSheetName(t *testing.T) {
	used := map[string]bool{"informazioni": true, "albero": true}
	cases := []struct {
		table document.Table
		want  string
	}{
		{document.Table{Slug: "obiettivi", Title: "Obiettivi strategici"}, "Obiettivi strategici"},
		{document.Table{Slug: "obiettivi-bis", Title: "Obiettivi strategici"}, "Obiettivi strategici (2)"},
		{document.Table{Slug: "x", Title: "OBIETTIVI STRATEGICI"}, "OBIETTIVI STRATEGICI (3)"},
		{document.Table{Slug: "a/b", Title: "Un titolo decisamente troppo lungo per un foglio"}, "ab"},
		{document.Table{Slug: "albero", Title: "Albero"}, "Albero (2)"},
		{document.Table{Title: "  :*?  "}, "Tabella 6"},
		{document.Table{Slug: strings.Repeat("s", 40)}, strings.Repeat("s", 31)},
		{document.Table{Slug: strings.Repeat("s", 40)}, strings.Repeat("s", 27) + " (2)"},
		{document.Table{Title: "L'ente [2023]"}, "Lente 2023"},
	}
	for i, c := range cases {
		got := xlsxSheetName(&c.table, i, used)
		if got != c.want {
			t.Errorf("case %d: %q, want %q", i, got, c.want)
		}
		if n := len([]rune(got)); n > 31 {
			t.Errorf("case %d: %q has %d characters", i, got, n)
		}
	}
}

// Excel asks to repair a sheet whose <col> elements are not in ascending
// order; excelize's stream writer keeps them in reverse order of setting.
func TestXLSXColumnsAscending(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, xlsxFixture(1)); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`<col min="(\d+)"`)
	sheets := 0
	for _, zf := range zr.File {
		if !strings.HasPrefix(zf.Name, "xl/worksheets/sheet") {
			continue
		}
		sheets++
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		_ = rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		prev := 0
		for _, m := range re.FindAllSubmatch(b, -1) {
			n, _ := strconv.Atoi(string(m[1]))
			if n <= prev {
				t.Errorf("%s: column %d after %d", zf.Name, n, prev)
			}
			prev = n
		}
		if prev == 0 {
			t.Errorf("%s: no column widths", zf.Name)
		}
	}
	if sheets != 4 {
		t.Errorf("%d worksheets, want 4", sheets)
	}
}
