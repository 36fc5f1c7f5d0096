package document

import "time"

// Kind says how a column's values are typed in spreadsheets and aligned in PDF.
type Kind uint8

// Column kinds.
const (
	Text    Kind = iota // free text, left-aligned
	Number              // a decimal number, right-aligned, Italian format
	Percent             // an achievement in percent (61,24 means 61,24%), right-aligned
	Integer             // a count, right-aligned
	Date                // a date or date-time; Cell.Time holds it
)

// Column is a table column.
type Column struct {
	Header string
	Kind   Kind
	// Width is the column's relative width in PDF (any positive scale; the
	// writer spreads the page width in proportion). 0 means 1.
	Width float64
}

// Cell is one value. Text is always set: it is the value as the pages show it
// ("61,24%", "≥ 200", "n.d.", "31/12/2023"). Numeric columns also carry the
// number in Value when Has is true, so spreadsheets get real numbers; a numeric
// cell without Has (a missing value) is written as its Text.
type Cell struct {
	Text  string
	Value float64
	Has   bool
	Time  time.Time // Date columns; zero when unknown
}

// Table is a titled table. Slug names its XLSX sheet and CSV file
// ("obiettivi-strategici"); Title is the heading ("Obiettivi strategici").
type Table struct {
	Slug    string
	Title   string
	Intro   string // a sentence under the heading; optional
	Columns []Column
	Rows    [][]Cell
}

// TreeNode is a node of the performance tree, listed depth first.
type TreeNode struct {
	Level  int    // 0 ente, 1 area, 2 strategic objective, 3 operational or common objective
	Code   string // "PO.1", "1.1", "O.1.1.1"; empty for the ente
	Title  string
	Score  string // formatted achievement ("96,54%") or "n.d."
	Status string // Italian label: "Raggiunto", "Parzialmente raggiunto", "Non raggiunto", "Dato mancante", "Non applicabile"
}

// Meta is a labelled value printed on the cover and in the document
// properties ("Periodo": "31/12/2023 (consuntivo annuale)").
type Meta struct {
	Label, Value string
}

// TextSection is a section of prose: a heading and its paragraphs. The
// Relazione's text (its draft, generated and edited) comes before the tables.
type TextSection struct {
	Title      string
	Paragraphs []string
}

// Document is a report: a title, its provenance, optional sections of prose,
// an optional performance tree and the tables, in order.
type Document struct {
	Title     string // "Relazione sulla performance 2023"
	Ente      string // "Camera di Commercio del Gran Sasso d'Italia"
	Plan      string // "PIAO 2023–2025 — Aggiornamento obiettivi (ottobre 2023)"
	Generated time.Time
	// Notice is printed in evidence on the cover and on every page header
	// when set, e.g. the demo-data warning.
	Notice string
	Meta   []Meta
	Text   []TextSection // prose before the tree and the tables; nil: none
	Tree   []TreeNode    // nil: no tree
	Tables []Table
}

// Table returns the table with the given slug, or nil.
func (d *Document) Table(slug string) *Table {
	for i := range d.Tables {
		if d.Tables[i].Slug == slug {
			return &d.Tables[i]
		}
	}
	return nil
}
