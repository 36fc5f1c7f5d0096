// Package narrative writes the draft of the Relazione sulla performance as
// Italian prose from the tables the relazione package builds (the same scored
// final period; nothing is scored again here). Every sentence names the
// table and rows it came from, so a page can link it to its data, and a
// section without data is left to the Segretario's free text: the generator
// never states a fact the tables do not hold.
//
// The output is deterministic: the order of sections, paragraphs and
// sentences follows the tables' order, and numbers use package itfmt.
package narrative

import (
	"math"
	"strconv"
	"strings"

	"github.com/piao-performance/piao/internal/document"
	"github.com/piao-performance/piao/internal/itfmt"
)

// Table slugs read here; they are the relazione package's section slugs
// (internal/relazione/relazione.go), repeated to keep this package pure.
const (
	tSummary        = "sintesi"
	tAreas          = "ambiti"
	tStrategic      = "obiettivi-strategici"
	tCommon         = "obiettivi-comuni"
	tOperationalAr  = "operativi-per-ambito"
	tOperationalDir = "operativi-per-dirigente"
	tTransversal    = "obiettivi-trasversali"
	tExtraordinary  = "obiettivi-straordinari"
	tOrganisational = "obiettivi-organizzativi"
	tDeviations     = "scostamenti"
	tIndividual     = "schede-individuali"
	tNotes          = "qualita-dati"
	tExplain        = "come-e-calcolato"
	tObservations   = "osservazioni-oiv"
	tTree           = "albero"          // the document's performance tree
	tMeta           = "frontespizio"    // the document's labelled values
	tPrevious       = "anno-precedente" // the Relazione of the year before
)

// Section keys, stable: they name stored sections and page anchors.
const (
	KeySummary        = "sintesi"
	KeyContext        = "contesto-risorse"
	KeyTree           = "albero"
	KeyStrategic      = "strategici"
	KeyCommon         = "comuni"
	KeyOperational    = "operativi"
	KeyTransversal    = "trasversali"
	KeyExtraordinary  = "straordinari"
	KeyOrganisational = "organizzativi"
	KeyDeviations     = "scostamenti"
	KeyIndividual     = "individuale"
	KeyEquality       = "pari-opportunita"
	KeyQuality        = "qualita-dati"
	KeyProcess        = "processo"
)

// Source is where a sentence comes from: a table of the Relazione (its slug)
// and the rows it read, named by their code ("2.3", "2.3/1", "Ente").
type Source struct {
	Table string
	Rows  []string
}

// Label is the source in Italian, for a footnote.
func (s Source) Label() string {
	name := TableTitle(s.Table)
	if len(s.Rows) == 0 {
		return "tabella «" + name + "»"
	}
	return "tabella «" + name + "», " + rowsWord(len(s.Rows)) + " " + strings.Join(s.Rows, ", ")
}

func rowsWord(n int) string {
	if n == 1 {
		return "riga"
	}
	return "righe"
}

// TableTitle is the Italian title of a source table.
func TableTitle(slug string) string {
	switch slug {
	case tSummary:
		return "Sintesi"
	case tAreas:
		return "Ambiti strategici"
	case tStrategic:
		return "Obiettivi strategici"
	case tCommon:
		return "Obiettivi comuni"
	case tOperationalAr:
		return "Obiettivi operativi per ambito"
	case tOperationalDir:
		return "Obiettivi operativi per dirigente"
	case tTransversal:
		return "Obiettivi trasversali"
	case tExtraordinary:
		return "Obiettivi trasversali straordinari"
	case tOrganisational:
		return "Obiettivi organizzativi"
	case tDeviations:
		return "Scostamenti e motivazioni"
	case tIndividual:
		return "Schede di valutazione individuale"
	case tNotes:
		return "Note sulla qualità dei dati"
	case tExplain:
		return "Come è calcolato"
	case tObservations:
		return "Osservazioni dell'OIV"
	case tTree:
		return "Albero della performance"
	case tMeta:
		return "Frontespizio"
	case tPrevious:
		return "Relazione dell'anno precedente: ambiti strategici"
	}
	return slug
}

// Sentence is one generated sentence with its sources.
type Sentence struct {
	Text    string
	Sources []Source
}

// Paragraph is a run of sentences.
type Paragraph struct{ Sentences []Sentence }

// Text is the paragraph's sentences joined by a space.
func (p Paragraph) Text() string {
	parts := make([]string, len(p.Sentences))
	for i, s := range p.Sentences {
		parts[i] = s.Text
	}
	return strings.Join(parts, " ")
}

// Section is a section of the Relazione. Free sections carry no generated
// text: the Segretario writes them (context, resources, gender).
type Section struct {
	Key, Title string
	Free       bool
	Paragraphs []Paragraph
}

// Text is the section's generated text: paragraphs separated by a blank line.
func (s Section) Text() string {
	parts := make([]string, len(s.Paragraphs))
	for i, p := range s.Paragraphs {
		parts[i] = p.Text()
	}
	return strings.Join(parts, "\n\n")
}

// Outline lists the sections in the order of the official structure, with
// their titles; free tells which ones the Segretario writes.
func Outline() []Section {
	return []Section{
		{Key: KeySummary, Title: "Presentazione e sintesi per i cittadini"},
		{Key: KeyContext, Title: "Contesto e risorse", Free: true},
		{Key: KeyTree, Title: "Performance organizzativa: l'albero della performance"},
		{Key: KeyStrategic, Title: "Obiettivi strategici"},
		{Key: KeyCommon, Title: "Obiettivi comuni"},
		{Key: KeyOperational, Title: "Obiettivi operativi"},
		{Key: KeyTransversal, Title: "Obiettivi trasversali"},
		{Key: KeyExtraordinary, Title: "Obiettivi trasversali straordinari"},
		{Key: KeyOrganisational, Title: "Obiettivi organizzativi e stato di salute dell'ente"},
		{Key: KeyDeviations, Title: "Scostamenti e motivazioni"},
		{Key: KeyIndividual, Title: "Performance individuale"},
		{Key: KeyEquality, Title: "Pari opportunità e bilancio di genere", Free: true},
		{Key: KeyQuality, Title: "Avvertenze sulla qualità dei dati"},
		{Key: KeyProcess, Title: "Processo di redazione della Relazione"},
	}
}

// Title is the title of the outline's section key; ok is false for a key
// not in the outline.
func Title(key string) (title string, ok bool) {
	for _, s := range Outline() {
		if s.Key == key {
			return s.Title, true
		}
	}
	return "", false
}

// Known reports whether key names a section of the outline.
func Known(key string) bool {
	_, ok := Title(key)
	return ok
}

// PublicIndividual is the whole individual section of the published
// Relazione: the individual scorecards are personal data (README,
// "Amministrazione trasparente › Performance"), so the published version
// carries none of their results, not even in aggregate.
const PublicIndividual = "La versione pubblica della Relazione non riporta i risultati delle schede di valutazione individuale."

// Input is what the draft is written from.
type Input struct {
	Year int
	Doc  *document.Document // the Relazione of Year (relazione.Build)
	// Previous is the Relazione of Year−1 when the plan has one; nil otherwise.
	Previous *document.Document
}

// Generate writes every section of the outline; free sections stay empty.
func Generate(in Input) []Section {
	g := gen{in: in, d: in.Doc}
	out := Outline()
	for i := range out {
		if out[i].Free {
			continue
		}
		out[i].Paragraphs = g.section(out[i].Key)
	}
	return out
}

// GenerateSection writes one section (for "rigenera"); ok is false for an
// unknown key.
func GenerateSection(in Input, key string) (Section, bool) {
	for _, s := range Generate(in) {
		if s.Key == key {
			return s, true
		}
	}
	return Section{}, false
}

type gen struct {
	in Input
	d  *document.Document
}

func (g gen) section(key string) []Paragraph {
	switch key {
	case KeySummary:
		return g.summary()
	case KeyTree:
		return g.tree()
	case KeyStrategic:
		return g.strategic()
	case KeyCommon:
		return g.kind(tCommon, "obiettivo comune", "obiettivi comuni")
	case KeyOperational:
		return g.operational()
	case KeyTransversal:
		return g.kind(tTransversal, "obiettivo trasversale", "obiettivi trasversali")
	case KeyExtraordinary:
		return g.kind(tExtraordinary, "obiettivo trasversale straordinario", "obiettivi trasversali straordinari")
	case KeyOrganisational:
		return g.organisational()
	case KeyDeviations:
		return g.deviations()
	case KeyIndividual:
		return g.individual()
	case KeyQuality:
		return g.quality()
	case KeyProcess:
		return g.process()
	}
	return nil
}

// ---- reading the tables ----

func (g gen) table(slug string) *document.Table {
	if g.d == nil {
		return nil
	}
	return g.d.Table(slug)
}

// col is the index of the column with the header, or −1.
func col(t *document.Table, header string) int {
	for i, c := range t.Columns {
		if c.Header == header {
			return i
		}
	}
	return -1
}

func cell(r []document.Cell, i int) document.Cell {
	if i < 0 || i >= len(r) {
		return document.Cell{}
	}
	return r[i]
}

func (g gen) meta(label string) string {
	if g.d == nil {
		return ""
	}
	for _, m := range g.d.Meta {
		if m.Label == label {
			return m.Value
		}
	}
	return ""
}

// summaryCount reads a count of the summary table by its label.
func summaryCount(t *document.Table, label string) (int, bool) {
	if t == nil {
		return 0, false
	}
	for _, r := range t.Rows {
		if len(r) > 1 && r[0].Text == label && r[1].Has {
			return int(r[1].Value), true
		}
	}
	return 0, false
}

type indicator struct {
	Key, Name, Target, Value, Status string
	Score                            document.Cell
}

type objective struct {
	Code, Title, Lead string
	Score             document.Cell
	Indicators        []indicator
}

// full reports whether a score is fully achieved (100% or more).
func full(c document.Cell) bool { return c.Has && c.Value >= 100 }

// objectives reads an indicator table into its objectives, in table order; an
// objective listed under several leads (dirigenti) appears once per lead.
func objectives(t *document.Table) []objective {
	if t == nil {
		return nil
	}
	cCode, cTitle, cInd := col(t, "Obiettivo"), col(t, "Titolo dell'obiettivo"), col(t, "Indicatore")
	cTarget, cValue, cIndScore := col(t, "Target"), col(t, "Valore"), col(t, "Raggiungimento indicatore")
	cStatus, cObj := col(t, "Stato"), col(t, "Raggiungimento obiettivo")
	lead := -1
	if len(t.Columns) > 0 && (t.Columns[0].Header == "Ambito" || t.Columns[0].Header == "Dirigente") {
		lead = 0
	}
	var out []objective
	for _, r := range t.Rows {
		code := cell(r, cCode).Text
		l := ""
		if lead >= 0 {
			l = cell(r, lead).Text
		}
		if len(out) == 0 || out[len(out)-1].Code != code || out[len(out)-1].Lead != l {
			out = append(out, objective{Code: code, Title: cell(r, cTitle).Text, Lead: l, Score: cell(r, cObj)})
		}
		name := cell(r, cInd).Text
		if name == "—" {
			continue
		}
		o := &out[len(out)-1]
		o.Indicators = append(o.Indicators, indicator{Key: code + "/" + strconv.Itoa(len(o.Indicators)+1), Name: name,
			Target: cell(r, cTarget).Text, Value: cell(r, cValue).Text, Status: cell(r, cStatus).Text, Score: cell(r, cIndScore)})
	}
	return out
}

// ---- words ----

func pct(c document.Cell) string {
	if c.Has {
		return itfmt.Number(c.Value, 2) + "%"
	}
	return strings.ToLower(c.Text)
}

func ratio(n, of int) string {
	if of == 0 {
		return "n.d."
	}
	return itfmt.Number(math.Round(float64(n)*10000/float64(of))/100, 2) + "%"
}

// count writes n with the singular or the plural noun.
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// list joins items the Italian way: "a, b e c".
func list(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " e " + items[len(items)-1]
}

func quote(s string) string { return "«" + strings.TrimSpace(s) + "»" }

func sentence(text string, src ...Source) Sentence { return Sentence{Text: text, Sources: src} }

func src(table string, rows ...string) Source { return Source{Table: table, Rows: rows} }

func codes(os []objective) []string {
	out := make([]string, len(os))
	for i, o := range os {
		out[i] = o.Code
	}
	return out
}

// noData is the paragraph of a section whose table is missing or empty.
func noData(what string) []Paragraph {
	return []Paragraph{{Sentences: []Sentence{sentence("La Relazione non contiene " + what + " per l'anno: la sezione va completata a cura del Segretario Generale.")}}}
}
