package report

import (
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/piao-performance/piao/internal/document"
)

// pdfSynthetic is a document of n tables of rows rows each, with a notice,
// a small tree and the column kinds of the Relazione.
func pdfSynthetic(tables, rows int) *document.Document {
	d := &document.Document{
		Title:     "Relazione sulla performance 2026",
		Ente:      "Ente sintetico di prova",
		Plan:      "PIAO 2026–2028",
		Generated: time.Date(2026, 11, 26, 8, 15, 0, 0, time.UTC),
		Notice:    "DATI DIMOSTRATIVI — valori generati per il benchmark.",
		Meta:      []document.Meta{{Label: "Periodo", Value: "31/12/2026 (consuntivo annuale)"}},
		Tree:      pdfTree(3, 2, 4),
	}
	for t := range tables {
		tb := document.Table{
			Slug:  fmt.Sprintf("tabella-%d", t),
			Title: fmt.Sprintf("Tabella %d", t+1),
			Intro: "Indicatori degli obiettivi operativi con target, valore rilevato e grado di raggiungimento.",
			Columns: []document.Column{
				{Header: "Codice", Width: 1.2},
				{Header: "Indicatore", Width: 4},
				{Header: "Target", Width: 1.2},
				{Header: "Valore rilevato", Kind: document.Number, Width: 1.4},
				{Header: "Raggiungimento", Kind: document.Percent, Width: 1.7},
				{Header: "Data", Kind: document.Date, Width: 1.2},
			},
		}
		for r := range rows {
			tb.Rows = append(tb.Rows, []document.Cell{
				{Text: fmt.Sprintf("O.%d.%d", t+1, r+1)},
				{Text: fmt.Sprintf("Tempo medio di evasione delle pratiche del servizio %d, perché misurabile ogni mese", r)},
				{Text: "≥ 200"},
				{Text: "−19,91", Value: -19.91, Has: true},
				{Text: "96,54%", Value: 96.54, Has: true},
				{Text: "31/12/2026", Time: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)},
			})
		}
		d.Tables = append(d.Tables, tb)
	}
	return d
}

// pdfTree is a depth-first tree: the ente, areas × strategic × operational.
func pdfTree(areas, strategic, operational int) []document.TreeNode {
	statuses := []string{"Raggiunto", "Parzialmente raggiunto", "Non raggiunto", "Dato mancante", "Non applicabile"}
	nodes := []document.TreeNode{{Level: 0, Title: "Camera di Commercio del Gran Sasso d’Italia", Score: "88,10%", Status: "Raggiunto"}}
	k := 0
	next := func() string { k++; return statuses[k%len(statuses)] }
	for a := 1; a <= areas; a++ {
		nodes = append(nodes, document.TreeNode{Level: 1, Code: fmt.Sprintf("PO.%d", a),
			Title: fmt.Sprintf("Area strategica %d: competitività delle imprese e semplificazione", a), Score: "91,20%", Status: next()})
		for s := 1; s <= strategic; s++ {
			nodes = append(nodes, document.TreeNode{Level: 2, Code: fmt.Sprintf("%d.%d", a, s),
				Title: "Migliorare l’efficienza dei servizi «digitali» alle imprese del territorio", Score: "75,00%", Status: next()})
			for o := 1; o <= operational; o++ {
				nodes = append(nodes, document.TreeNode{Level: 3, Code: fmt.Sprintf("O.%d.%d.%d", a, s, o),
					Title: "Ridurre i tempi medi di evasione delle pratiche perché il servizio sia più rapido, anche per le imprese più piccole e lontane dai centri urbani",
					Score: "n.d.", Status: next()})
			}
		}
	}
	return nodes
}

func BenchmarkWritePDF(b *testing.B) {
	for _, c := range []struct {
		name string
		doc  func() *document.Document
	}{
		{"15x20", func() *document.Document { return pdfSynthetic(15, 20) }},
		{"1x5000", func() *document.Document { return pdfSynthetic(1, 5000) }},
		{"wide1x5000", func() *document.Document { return pdfWideDoc(5000) }}, // 10 columns, landscape
	} {
		d := c.doc()
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if err := WritePDF(io.Discard, d); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/op")
		})
	}
}
