package report

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/piao-performance/piao/internal/testpdf"
)

const pdfTestNotice = "DATI DIMOSTRATIVI — ente e valori inventati."

// pdfFixture is the Relazione's shape with Unicode-heavy content: a 40-node
// tree, a 300-row table spanning several pages and an empty table.
func pdfFixture() *Document {
	d := &Document{
		Title:     "Relazione sulla performance 2026",
		Ente:      "Camera di Commercio del Gran Sasso d’Italia",
		Plan:      "PIAO 2026–2028 — Aggiornamento obiettivi (ottobre 2026)",
		Generated: time.Date(2026, 11, 26, 8, 15, 0, 0, time.UTC), // 09:15 in Rome
		Notice:    pdfTestNotice,
		Meta: []Meta{
			{"Periodo", "31/12/2026 (consuntivo annuale)"},
			{"Soglie", "Raggiunto ≥ 90%, parzialmente raggiunto ≥ 60%, «non raggiunto» sotto"},
		},
		Tree: pdfTree(3, 2, 5),
	}
	big := Table{
		Slug:  "indicatori",
		Title: "Indicatori degli obiettivi operativi",
		Intro: "Ogni riga è un indicatore: il target, il valore rilevato e il grado di raggiungimento (perché l’OIV possa verificarli).",
		Columns: []Column{
			{Header: "Codice", Width: 1.2},
			{Header: "Indicatore", Width: 4},
			{Header: "Target", Width: 1.2},
			{Header: "Valore rilevato", Kind: Number, Width: 1.5},
			{Header: "Raggiungimento", Kind: Percent, Width: 1.7},
			{Header: "Data", Kind: Date, Width: 1.2},
		},
	}
	for r := range 300 {
		target, value := "≤ 10", fmt.Sprintf("%d,%02d", r, r%100)
		if r == 0 {
			target, value = "≥ 200", "−19,91"
		}
		big.Rows = append(big.Rows, []Cell{
			{Text: fmt.Sprintf("IND.%03d", r+1)},
			{Text: fmt.Sprintf("Pratiche evase entro i termini, perché il servizio %d sia più rapido: è un’attività che richiede più righe di testo", r+1)},
			{Text: target},
			{Text: value, Has: true},
			{Text: "61,24%", Value: 61.24, Has: true},
			{Text: "31/12/2026"},
		})
	}
	d.Tables = []Table{
		{Slug: "sintesi", Title: "Sintesi", Columns: []Column{{Header: "Voce", Width: 3}, {Header: "Valore", Kind: Integer}},
			Rows: [][]Cell{{{Text: "Obiettivi operativi"}, {Text: "30", Value: 30, Has: true}}}},
		big,
		{Slug: "vuota", Title: "Obiettivi senza indicatori", Intro: "Obiettivi privi di indicatori misurabili.",
			Columns: []Column{{Header: "Codice"}, {Header: "Titolo"}}},
	}
	return d
}

func TestWritePDF(t *testing.T) {
	testpdf.Need(t)
	d := pdfFixture()
	pages, n := pdfPages(t, d)

	if n < 5 {
		t.Fatalf("%d pages, want at least 5 (cover, tree, a 300-row table)", n)
	}
	for i, pg := range pages {
		want := fmt.Sprintf("Pagina %d di %d", i+1, n)
		if !strings.Contains(pg, want) {
			t.Errorf("page %d: no %q in footer", i+1, want)
		}
		if !strings.Contains(pg, "DATI DIMOSTRATIVI") {
			t.Errorf("page %d: no notice in header", i+1)
		}
		if !strings.Contains(pg, "Generato il 26/11/2026 alle 09:15") {
			t.Errorf("page %d: no generation date", i+1)
		}
	}
	cover := pages[0]
	for _, want := range []string{d.Title, d.Ente, "PIAO 2026–2028", pdfTestNotice, "Periodo:", "31/12/2026 (consuntivo annuale)", "«non raggiunto»"} {
		if !strings.Contains(cover, want) {
			t.Errorf("cover: no %q", want)
		}
	}

	// The tree comes right after the cover, with every code and status as text.
	if !strings.Contains(pages[1], "Albero della performance") {
		t.Errorf("page 2 is not the tree:\n%s", pages[1])
	}
	var tree string
	for _, pg := range pages[1:] {
		if !strings.Contains(pg, "Albero della performance") {
			break
		}
		tree += pg
	}
	for _, node := range d.Tree {
		if node.Code != "" && !regexp.MustCompile(`(^|\s)`+regexp.QuoteMeta(node.Code)+`\s`).MatchString(tree) {
			t.Errorf("tree: no code %q", node.Code)
		}
	}
	for _, status := range []string{"Raggiunto", "Parzialmente raggiunto", "Non raggiunto", "Dato mancante", "Non applicabile"} {
		if !strings.Contains(tree, status) {
			t.Errorf("tree: no status %q", status)
		}
	}

	all := strings.Join(pages, "\f")
	for _, want := range []string{"≥ 200", "≤ 10", "−19,91", "perché", "61,24%", "IND.001", "IND.300", "Nessun dato.", "Obiettivi senza indicatori"} {
		if !strings.Contains(all, want) {
			t.Errorf("no %q in the text", want)
		}
	}
	// "IND.001" is on the first table page; the header row must be repeated
	// on each of the pages the 300 rows continue on.
	headed, rows := 0, 0
	for _, pg := range pages {
		if strings.Contains(pg, "IND.") {
			rows++
			if strings.Contains(pg, "Valore rilevato") && strings.Contains(pg, "Raggiungimento") {
				headed++
			}
		}
	}
	if rows < 3 || headed != rows {
		t.Errorf("the 300-row table spans %d pages, %d with the header row; want ≥ 3, all headed", rows, headed)
	}
	if !strings.Contains(all, "Indicatori degli obiettivi operativi (segue)") {
		t.Error("no \"(segue)\" on continuation pages")
	}
	// Rows are never split: every code is followed by its target on the same line.
	for r := 1; r <= 300; r++ {
		if !regexp.MustCompile(`IND\.` + fmt.Sprintf("%03d", r) + `\s.*[≥≤] \d`).MatchString(all) {
			t.Errorf("row IND.%03d: code and target not on one line", r)
			break
		}
	}
}

// TestWritePDFDeterministic: with the same Generated time the bytes are the same.
func TestWritePDFDeterministic(t *testing.T) {
	var a, b bytes.Buffer
	if err := WritePDF(&a, pdfFixture()); err != nil {
		t.Fatal(err)
	}
	if err := WritePDF(&b, pdfFixture()); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("two writes of the same document differ")
	}
	if !bytes.HasPrefix(a.Bytes(), []byte("%PDF-")) {
		t.Error("not a PDF")
	}
}

// TestWritePDFLargeTree: 5,000 nodes draw levels 0–2 and say where the rest are.
func TestWritePDFLargeTree(t *testing.T) {
	testpdf.Need(t)
	d := pdfSynthetic(1, 10)
	d.Tree = pdfTree(10, 5, 100)
	start := time.Now()
	pages, n := pdfPages(t, d)
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("took %v", el)
	}
	if n > 12 {
		t.Errorf("%d pages for a 5,000-node tree drawn to level 2", n)
	}
	all := strings.Join(pages, "\f")
	if !strings.Contains(all, "5.000 obiettivi operativi") {
		t.Errorf("no note on the omitted operational objectives:\n%s", pages[1])
	}
	if strings.Contains(all, "O.1.1.1 ") || !strings.Contains(all, "10.5") {
		t.Error("want levels 0–2 only")
	}
}

// TestWritePDFOddInput: control characters, characters outside the BMP,
// unbreakable words, overlong cells and missing cells neither fail nor panic.
func TestWritePDFOddInput(t *testing.T) {
	testpdf.Need(t)
	long := strings.Repeat("parola ", 3000)
	d := &Document{
		Title: "Prova\tcon\x00controlli 😀",
		Tree:  []TreeNode{{Level: 0, Title: "Ente"}, {Level: 3, Code: "X", Title: strings.Repeat("Supercalifragilistichespiralidoso", 10)}},
		Tables: []Table{{Title: "Strana", Columns: []Column{{Header: "A", Width: -1}, {Header: "B", Kind: Number, Width: 0}},
			Rows: [][]Cell{{{Text: long}}, {{Text: strings.Repeat("x", 500)}, {Text: "1"}, {Text: "in più"}}}}},
	}
	pages, _ := pdfPages(t, d)
	all := strings.Join(pages, "\f")
	if !strings.Contains(all, "Prova con controlli") || !strings.Contains(all, "Strana (segue)") {
		t.Errorf("unexpected text:\n%.2000s", all)
	}
	if err := WritePDF(&bytes.Buffer{}, nil); err == nil {
		t.Error("nil document: no error")
	}
}

// pdfPages writes d and returns the text of each page and their count.
func pdfPages(t *testing.T, d *Document) ([]string, int) {
	t.Helper()
	var buf bytes.Buffer
	if err := WritePDF(&buf, d); err != nil {
		t.Fatalf("WritePDF: %v", err)
	}
	pages := testpdf.Pages(t, buf.Bytes())
	return pages, len(pages)
}
