package report

import (
	"archive/zip"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/piao-performance/piao/internal/csvsafe"
	"github.com/piao-performance/piao/internal/document"
)

const (
	csvBOM        = "\ufeff"
	csvReadmeName = "LEGGIMI.txt"
)

// WriteCSV writes one table as CSV for Italian spreadsheets: UTF-8 with BOM,
// semicolon separator, decimal comma, header row first.
//
// When notice is set it comes before the header, as a row whose only cell is
// "# " and the notice: spreadsheets import it as a plain text line, and
// scripts can skip lines starting with "#". Numbers are written from Value
// without thousands separators and rounded to 2 decimals, as the pages show
// them; Percent columns hold percent points (61,24) and their header gets
// " (%)" unless it already says "%". Text that a spreadsheet would take for a
// formula gets a leading apostrophe (package csvsafe); numbers never do.
func WriteCSV(w io.Writer, t *document.Table, notice string) error {
	if _, err := io.WriteString(w, csvBOM); err != nil {
		return fmt.Errorf("csv %s: %w", t.Slug, err)
	}
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	cw.UseCRLF = true // what Excel on Windows writes and expects
	if notice != "" {
		if err := cw.Write([]string{"# " + notice}); err != nil {
			return fmt.Errorf("csv %s: notice: %w", t.Slug, err)
		}
	}
	rec := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		h := c.Header
		if c.Kind == document.Percent && !strings.Contains(h, "%") {
			h += " (%)"
		}
		rec[i] = csvsafe.Cell(h)
	}
	if err := cw.Write(rec); err != nil {
		return fmt.Errorf("csv %s: header: %w", t.Slug, err)
	}
	rome := romeZone()
	for r, data := range t.Rows {
		if len(data) > len(t.Columns) {
			return fmt.Errorf("csv %s: row %d has %d cells for %d columns", t.Slug, r+1, len(data), len(t.Columns))
		}
		for i, col := range t.Columns {
			var c document.Cell
			if i < len(data) {
				c = data[i]
			}
			rec[i] = csvValue(col.Kind, c, rome)
		}
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("csv %s: row %d: %w", t.Slug, r+1, err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("csv %s: %w", t.Slug, err)
	}
	return nil
}

// WriteCSVZip writes every table of d as its own CSV (Slug + ".csv") into a
// ZIP archive, with a LEGGIMI.txt describing the document (title, ente, plan,
// generation date, notice, list of files). The tree, when set, goes in too as
// albero.csv, as it is a sheet of the workbook.
func WriteCSVZip(w io.Writer, d *document.Document) error {
	var tables []*document.Table
	if d.Tree != nil {
		tree := treeAsTable(d.Tree)
		tables = append(tables, &tree)
	}
	for i := range d.Tables {
		tables = append(tables, &d.Tables[i])
	}
	used := map[string]bool{strings.ToLower(csvReadmeName): true}
	names := make([]string, len(tables))
	for i, t := range tables {
		names[i] = csvFileName(t.Slug, i, used)
	}

	zw := zip.NewWriter(w)
	modified := d.Generated
	if modified.IsZero() {
		modified = time.Now()
	}
	create := func(name string) (io.Writer, error) {
		return zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: modified})
	}
	fw, err := create(csvReadmeName)
	if err != nil {
		return fmt.Errorf("csv zip: %s: %w", csvReadmeName, err)
	}
	if _, err := io.WriteString(fw, csvReadme(d, tables, names)); err != nil {
		return fmt.Errorf("csv zip: %s: %w", csvReadmeName, err)
	}
	for i, t := range tables {
		fw, err := create(names[i])
		if err != nil {
			return fmt.Errorf("csv zip: %s: %w", names[i], err)
		}
		if err := WriteCSV(fw, t, d.Notice); err != nil {
			return fmt.Errorf("csv zip: %w", err)
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("csv zip: close: %w", err)
	}
	return nil
}

// csvReadme is the LEGGIMI.txt of the archive, with Windows line ends so that
// every editor shows it right.
func csvReadme(d *document.Document, tables []*document.Table, names []string) string {
	var b strings.Builder
	line := func(format string, a ...any) {
		fmt.Fprintf(&b, format, a...)
		b.WriteString("\r\n")
	}
	line("%s", d.Title)
	line("")
	if d.Notice != "" {
		line("ATTENZIONE: %s", d.Notice)
		line("")
	}
	line("Ente: %s", d.Ente)
	line("Piano: %s", d.Plan)
	if !d.Generated.IsZero() {
		line("Generato il: %s", d.Generated.In(romeZone()).Format("02/01/2006 15:04"))
	}
	for _, m := range d.Meta {
		line("%s: %s", m.Label, m.Value)
	}
	line("")
	line("File contenuti:")
	for i, t := range tables {
		line("- %s: %s (%s)", names[i], t.Title, rowsLabel(len(t.Rows)))
	}
	line("")
	line("Formato dei file CSV: testo UTF-8 con BOM, separatore punto e virgola, virgola decimale senza separatore delle migliaia.")
	line("Le percentuali sono in punti percentuali (61,24 significa 61,24%%); le date sono nel formato gg/mm/aaaa, ora di Roma.")
	line("I valori non disponibili sono indicati come \"n.d.\".")
	if d.Notice != "" {
		line("La prima riga di ogni file, che inizia con \"#\", riporta l'avviso; l'intestazione delle colonne è nella seconda riga.")
	}
	return b.String()
}

// csvValue formats one value: numbers from Value, dates from Time, anything
// else (a missing value, "≥ 200") from Text.
func csvValue(k document.Kind, c document.Cell, rome *time.Location) string {
	finite := c.Has && !math.IsNaN(c.Value) && !math.IsInf(c.Value, 0)
	switch {
	case finite && (k == document.Number || k == document.Percent):
		return csvDecimal(c.Value, 2)
	case finite && k == document.Integer:
		return csvDecimal(c.Value, 0)
	case k == document.Date && !c.Time.IsZero():
		t := c.Time.In(rome)
		if atMidnight(t) {
			return t.Format("02/01/2006")
		}
		return t.Format("02/01/2006 15:04")
	}
	return csvsafe.Cell(c.Text)
}

// csvDecimal writes v with up to decimals decimals (trailing zeros
// dropped), a decimal comma, an ASCII minus and no thousands separator, which
// is what spreadsheets parse as a number: -19.91 → "-19,91".
func csvDecimal(v float64, decimals int) string {
	s := strconv.FormatFloat(v, 'f', decimals, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if strings.Trim(s, "-0") == "" {
		return "0"
	}
	return strings.Replace(s, ".", ",", 1)
}

// csvFileName names a table's file after its slug, kept to safe characters
// and made unique against used, which it updates.
func csvFileName(slug string, i int, used map[string]bool) string {
	base := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			return r
		}
		return '-'
	}, slug)
	base = strings.Trim(base, "-")
	if base == "" {
		base = fmt.Sprintf("tabella-%d", i+1)
	}
	name := base + ".csv"
	for n := 2; used[strings.ToLower(name)]; n++ {
		name = fmt.Sprintf("%s-%d.csv", base, n)
	}
	used[strings.ToLower(name)] = true
	return name
}
