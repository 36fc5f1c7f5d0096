package report

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/piao-performance/piao/internal/document"
	"github.com/piao-performance/piao/internal/testpdf"
)

const pdfTestNotice = "DATI DIMOSTRATIVI — ente e valori inventati."

// pdfFixture is the Relazione's shape with Unicode-heavy content: a 40-node
// tree, a 300-row table spanning several pages and an empty table.
func pdfFixture() *document.Document {
	d := &document.Document{
		Title:     "Relazione sulla performance 2026",
		Ente:      "Camera di Commercio del Gran Sasso d’Italia",
		Plan:      "PIAO 2026–2028 — Aggiornamento obiettivi (ottobre 2026)",
		Generated: time.Date(2026, 11, 26, 8, 15, 0, 0, time.UTC), // 09:15 in Rome
		Notice:    pdfTestNotice,
		Meta: []document.Meta{
			{Label: "Periodo", Value: "31/12/2026 (consuntivo annuale)"},
			{Label: "Soglie", Value: "Raggiunto ≥ 90%, parzialmente raggiunto ≥ 60%, «non raggiunto» sotto"},
		},
		Tree: pdfTree(3, 2, 5),
	}
	big := document.Table{
		Slug:  "indicatori",
		Title: "Indicatori degli obiettivi operativi",
		Intro: "Ogni riga è un indicatore: il target, il valore rilevato e il grado di raggiungimento (perché l’OIV possa verificarli).",
		Columns: []document.Column{
			{Header: "Codice", Width: 1.2},
			{Header: "Indicatore", Width: 4},
			{Header: "Target", Width: 1.2},
			{Header: "Valore rilevato", Kind: document.Number, Width: 1.5},
			{Header: "Raggiungimento", Kind: document.Percent, Width: 1.7},
			{Header: "Data", Kind: document.Date, Width: 1.2},
		},
	}
	for r := range 300 {
		target, value := "≤ 10", fmt.Sprintf("%d,%02d", r, r%100)
		if r == 0 {
			target, value = "≥ 200", "−19,91"
		}
		big.Rows = append(big.Rows, []document.Cell{
			{Text: fmt.Sprintf("IND.%03d", r+1)},
			{Text: fmt.Sprintf("Pratiche evase entro i termini, perché il servizio %d sia più rapido: è un’attività che richiede più righe di testo", r+1)},
			{Text: target},
			{Text: value, Has: true},
			{Text: "61,24%", Value: 61.24, Has: true},
			{Text: "31/12/2026"},
		})
	}
	d.Tables = []document.Table{
		{Slug: "sintesi", Title: "Sintesi", Columns: []document.Column{{Header: "Voce", Width: 3}, {Header: "Valore", Kind: document.Integer}},
			Rows: [][]document.Cell{{{Text: "Obiettivi operativi"}, {Text: "30", Value: 30, Has: true}}}},
		big,
		{Slug: "vuota", Title: "Obiettivi senza indicatori", Intro: "Obiettivi privi di indicatori misurabili.",
			Columns: []document.Column{{Header: "Codice"}, {Header: "Titolo"}}},
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
	d := &document.Document{
		Title: "Prova\tcon\x00controlli 😀",
		Tree:  []document.TreeNode{{Level: 0, Title: "Ente"}, {Level: 3, Code: "X", Title: strings.Repeat("Supercalifragilistichespiralidoso", 10)}},
		Tables: []document.Table{{Title: "Strana", Columns: []document.Column{{Header: "A", Width: -1}, {Header: "B", Kind: document.Number, Width: 0}},
			Rows: [][]document.Cell{{{Text: long}}, {{Text: strings.Repeat("x", 500)}, {Text: "1"}, {Text: "in più"}}}}},
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

// pdfWideFixture is a cover, a small tree, a narrow table, the Relazione's
// 10-column table of 120 rows and another narrow table.
func pdfWideFixture() *document.Document {
	d := &document.Document{
		Title:     "Relazione sulla performance 2026",
		Ente:      "Camera di Commercio del Gran Sasso d’Italia",
		Plan:      "PIAO 2026–2028",
		Generated: time.Date(2026, 11, 26, 8, 15, 0, 0, time.UTC),
		Notice:    pdfTestNotice,
		Tree:      pdfTree(2, 2, 2),
	}
	wide := document.Table{
		Slug:  "obiettivi-indicatori",
		Title: "Risultati per ambito",
		Intro: "Per ogni riga: il valore rilevato, il target e il grado di raggiungimento (≥ 90% è «raggiunto»).",
		Columns: []document.Column{
			{Header: "Ambito", Kind: document.Integer, Width: 0.6},
			{Header: "Obiettivo", Width: 0.9},
			{Header: "Titolo dell'obiettivo", Width: 2.6},
			{Header: "Indicatore", Width: 2.6},
			{Header: "Baseline", Width: 0.9},
			{Header: "Target", Width: 0.9},
			{Header: "Valore", Kind: document.Number, Width: 0.9},
			{Header: "Raggiungimento indicatore", Kind: document.Percent, Width: 1.1},
			{Header: "Stato", Width: 1.2},
			{Header: "Raggiungimento obiettivo", Kind: document.Percent, Width: 1.1},
		},
	}
	titles := []string{
		"Digitalizzazione dei procedimenti amministrativi e riduzione dei tempi medi di risposta all’utenza",
		"Qualità e accessibilità dei servizi camerali per le imprese più piccole e lontane dai centri urbani",
		"Efficienza energetica delle sedi e contenimento della spesa corrente (−5% rispetto al 2025)",
	}
	measures := []string{
		"Percentuale di pratiche evase entro 30 giorni dalla presentazione, perché il servizio sia più rapido",
		"Numero di imprese assistite nei percorsi di transizione digitale e «doppia transizione»",
		"Giorni medi di pagamento delle fatture passive (≤ 30 giorni)",
	}
	statuses := []string{"Raggiunto", "Parzialmente raggiunto", "Non raggiunto", "Dato mancante"}
	for r := range 120 {
		wide.Rows = append(wide.Rows, []document.Cell{
			{Text: strconv.Itoa(r%4 + 1), Value: float64(r%4 + 1), Has: true},
			{Text: fmt.Sprintf("OB.%03d", r+1)},
			{Text: titles[r%len(titles)]},
			{Text: measures[r%len(measures)]},
			{Text: "82,50%"},
			{Text: "≥ 90%"},
			{Text: "−3,40", Value: -3.4, Has: true},
			{Text: "100,00%", Value: 100, Has: true},
			{Text: statuses[r%len(statuses)]},
			{Text: "75,40%", Value: 75.4, Has: true},
		})
	}
	d.Tables = []document.Table{
		{Slug: "sintesi", Title: "Sintesi", Columns: []document.Column{{Header: "Voce", Width: 3}, {Header: "Valore", Kind: document.Integer}},
			Rows: [][]document.Cell{{{Text: "Obiettivi operativi"}, {Text: "120", Value: 120, Has: true}}}},
		wide,
		{Slug: "note", Title: "Note metodologiche", Columns: []document.Column{{Header: "Voce", Width: 1}, {Header: "Nota", Width: 4}},
			Rows: [][]document.Cell{{{Text: "Soglie"}, {Text: "Raggiunto ≥ 90%, parzialmente raggiunto ≥ 60%."}}}},
	}
	return d
}

// TestWritePDFWideTable: a 10-column table goes on landscape pages with every
// header word whole on every page, between portrait pages.
func TestWritePDFWideTable(t *testing.T) {
	testpdf.Need(t)
	var buf bytes.Buffer
	if err := WritePDF(&buf, pdfWideFixture()); err != nil {
		t.Fatal(err)
	}
	pages := testpdf.Pages(t, buf.Bytes())
	n := len(pages)
	land := pdfLandscapePages(t, buf.Bytes(), n)

	for i, pg := range pages {
		if want := fmt.Sprintf("Pagina %d di %d", i+1, n); !strings.Contains(pg, want) {
			t.Errorf("page %d: no %q in footer", i+1, want)
		}
		if !strings.Contains(pg, "DATI DIMOSTRATIVI") {
			t.Errorf("page %d: no notice in header", i+1)
		}
	}
	if land[0] || land[1] {
		t.Errorf("cover or tree on landscape: %v", land[:2])
	}
	words := []string{"Ambito", "Obiettivo", "Raggiungimento", "indicatore", "obiettivo", "Baseline"}
	var tablePages []int
	for i, pg := range pages {
		if !strings.Contains(pg, "OB.") {
			if land[i] {
				t.Errorf("page %d: landscape without the wide table:\n%s", i+1, pg)
			}
			continue
		}
		tablePages = append(tablePages, i)
		if !land[i] {
			t.Errorf("page %d: the wide table on a portrait page", i+1)
		}
		if strings.Contains(pg, "Sintesi") || strings.Contains(pg, "Note metodologiche") {
			t.Errorf("page %d: a narrow table on a landscape page", i+1)
		}
		for _, w := range words {
			if !regexp.MustCompile(`\b` + w + `\b`).MatchString(pg) {
				t.Errorf("page %d: header word %q not whole:\n%s", i+1, w, pg)
			}
			for k := 2; k < len(w); k++ {
				if regexp.MustCompile(`\b` + w[:k] + `-(\s|$)`).MatchString(pg) {
					t.Errorf("page %d: header word %q broken after %q", i+1, w, w[:k])
					break
				}
			}
		}
		if len(tablePages) > 1 && !strings.Contains(pg, "Risultati per ambito (segue)") {
			t.Errorf("page %d: no \"(segue)\"", i+1)
		}
	}
	if len(tablePages) < 3 {
		t.Fatalf("the 120-row table spans %d pages, want at least 3", len(tablePages))
	}
	for k, i := range tablePages {
		if i != tablePages[0]+k {
			t.Errorf("the wide table's pages are not consecutive: %v", tablePages)
			break
		}
	}
	last := tablePages[len(tablePages)-1]
	if last+1 >= n || !strings.Contains(pages[last+1], "Note metodologiche") || land[last+1] {
		t.Error("the narrow table after the wide one is not on a new portrait page")
	}
	all := strings.Join(pages, "\f")
	for _, want := range []string{"OB.001", "OB.120", "≥ 90%", "−3,40", "all’utenza", "più rapido", "Parzialmente raggiunto"} {
		if !strings.Contains(all, want) {
			t.Errorf("no %q in the text", want)
		}
	}
	// Rows are never split: the code and the status are on the same line.
	for r := 1; r <= 120; r++ {
		if !regexp.MustCompile(`OB\.` + fmt.Sprintf("%03d", r) + `\s.*(Raggiunto|Parzialmente|Non raggiunto|Dato mancante)`).MatchString(all) {
			t.Errorf("row OB.%03d: split", r)
			break
		}
	}
}

// pdfLandscapePages reports for each of the n pages of pdf whether pdfinfo
// gives it landscape (wider than tall) and checks every page is A4.
func pdfLandscapePages(t *testing.T, pdf []byte, n int) []bool {
	t.Helper()
	path := filepath.Join(t.TempDir(), "wide.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdfinfo", "-f", "1", "-l", strconv.Itoa(n), path).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfinfo: %v\n%s", err, out)
	}
	land := make([]bool, n)
	seen := 0
	for _, m := range regexp.MustCompile(`(?m)^Page\s+(\d+) size:\s+([\d.]+) x ([\d.]+) pts`).FindAllStringSubmatch(string(out), -1) {
		k, _ := strconv.Atoi(m[1])
		w, _ := strconv.ParseFloat(m[2], 64)
		h, _ := strconv.ParseFloat(m[3], 64)
		if k < 1 || k > n {
			t.Fatalf("pdfinfo: page %d of %d", k, n)
		}
		if math.Abs(min(w, h)-595.28) > 0.5 || math.Abs(max(w, h)-841.89) > 0.5 {
			t.Errorf("page %d: %v x %v pts, not A4", k, w, h)
		}
		land[k-1] = w > h
		seen++
	}
	if seen != n {
		t.Fatalf("pdfinfo gave the size of %d pages of %d:\n%s", seen, n, out)
	}
	return land
}

// TestPDFWiden: narrow columns get what they need from the wide text
// columns, the total width stays and no column goes below its floor.
func TestPDFWiden(t *testing.T) {
	w := []float64{10, 50, 50, 15, 20}
	need := []float64{14, 20, 20, 15, 25}
	floor := []float64{14, 20, 20, 15, 25}
	text := []bool{false, true, true, true, false}
	pdfWiden(w, need, floor, text)
	want := []float64{14, 45.5, 45.5, 15, 25}
	for i := range w {
		if math.Abs(w[i]-want[i]) > 1e-9 {
			t.Fatalf("widths %v, want %v", w, want)
		}
	}
	// Not enough to take: every narrow column gets the same share.
	w = []float64{10, 22, 10}
	pdfWiden(w, []float64{20, 20, 20}, []float64{20, 20, 20}, []bool{true, true, true})
	if math.Abs(w[0]-11) > 1e-9 || math.Abs(w[1]-20) > 1e-9 || math.Abs(w[2]-11) > 1e-9 {
		t.Errorf("widths %v, want [11 20 11]", w)
	}
}

// pdfPages writes d and returns the text of each page and their count.
func pdfPages(t *testing.T, d *document.Document) ([]string, int) {
	t.Helper()
	var buf bytes.Buffer
	if err := WritePDF(&buf, d); err != nil {
		t.Fatalf("WritePDF: %v", err)
	}
	pages := testpdf.Pages(t, buf.Bytes())
	return pages, len(pages)
}

// textFixture is pdfFixture with two sections of prose, the second long
// enough to run over a page.
func textFixture() *document.Document {
	d := pdfFixture()
	long := strings.Repeat("Il dirigente responsabile riferisce che l’obiettivo è stato rinviato al 2027. ", 12)
	d.Text = []document.TextSection{
		{Title: "Presentazione e sintesi per i cittadini", Paragraphs: []string{
			"Nel 2026 la performance organizzativa dell’ente, calcolata come media degli ambiti strategici, è pari al 99,83%.",
			"Il risultato più basso è quello dell’obiettivo O.1.1.1 «Coordinamento» (75%)."}},
		{Title: "Scostamenti e motivazioni", Paragraphs: []string{long, long, long, long, long, long, long, long}},
	}
	return d
}

// TestWritePDFText: the sections of prose come after the cover and before
// the tree, each title a heading, every paragraph in the text.
func TestWritePDFText(t *testing.T) {
	testpdf.Need(t)
	d := textFixture()
	pages, n := pdfPages(t, d)
	if n < 6 {
		t.Fatalf("%d pages", n)
	}
	second := strings.Join(strings.Fields(pages[1]), " ")
	if !strings.Contains(second, "Presentazione e sintesi per i cittadini") || !strings.Contains(second, "è pari al 99,83%.") ||
		!strings.Contains(second, "«Coordinamento» (75%)") {
		t.Errorf("page 2 is not the text:\n%s", pages[1])
	}
	all := strings.Join(pages, "\f")
	text, tree := strings.Index(all, "Scostamenti e motivazioni"), strings.Index(all, "Albero della performance")
	if text < 0 || tree < 0 || text > tree {
		t.Errorf("the text (%d) must come before the tree (%d)", text, tree)
	}
	if c := strings.Count(strings.Join(strings.Fields(all), " "), "rinviato al 2027."); c != 8*12 {
		t.Errorf("%d sentences of the long section in the text, want %d", c, 8*12)
	}
}
