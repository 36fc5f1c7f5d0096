package relazione

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/piao-performance/piao/internal/document"
	"github.com/piao-performance/piao/internal/itfmt"
	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/workflow"
)

// EvidenceIndex describes an attachment in an evidence pack: the file name
// inside the ZIP and its SHA-256, so the auditor can check each file.
type EvidenceIndex struct {
	Path      string
	Indicator string
	Period    string
	Filename  string
	Size      int
	SHA256    string
	By        string
	At        time.Time
}

// ObjectiveSheet is the sheet of an objective for its evidence pack: the
// objective as published, its indicators with baselines and targets, every
// measurement with its workflow, the full history of changes and the list of
// attachments.
func ObjectiveSheet(d model.ObjectiveDetail, ms []model.ObjectiveMeasurement, history map[string][]model.HistoryEvent, files []EvidenceIndex, now time.Time) *document.Document {
	doc := &document.Document{
		Title:     "Scheda dell'obiettivo " + d.Row.Code,
		Ente:      d.Plan.EnteName,
		Plan:      d.Plan.Title + " — " + d.Plan.RevisionLabel,
		Generated: now,
		Meta: []document.Meta{
			{Label: "Obiettivo", Value: d.Row.Code + " — " + d.Row.Title},
			{Label: "Responsabile", Value: d.OwnerText},
			{Label: "Unità coinvolte", Value: d.UnitsText},
		},
	}
	for _, m := range ms {
		if m.Demo {
			doc.Notice = DemoNotice
		}
	}
	info := document.Table{Slug: "obiettivo", Title: "Obiettivo", Columns: []document.Column{{Header: "Campo", Width: 1}, {Header: "Valore", Width: 4}}}
	for _, kv := range [][2]string{{"Codice", d.Row.Code}, {"Codice pubblicato", d.Row.CodeText}, {"Titolo", d.Row.Title},
		{"Ambito", d.AreaTitle}, {"Obiettivo strategico", d.ParentTitle}, {"Descrizione", d.Description},
		{"Stakeholder", d.Stakeholders}, {"Soggetti esterni", d.ExternalParties}, {"Risorse", d.Resources},
		{"Nota", d.Footnote}, {"Riga del documento sorgente", strconv.Itoa(d.SourceLine)}} {
		if kv[1] != "" {
			info.Rows = append(info.Rows, []document.Cell{text(kv[0]), text(kv[1])})
		}
	}
	inds := document.Table{Slug: "indicatori", Title: "Indicatori", Columns: []document.Column{{Header: "Indicatore", Width: 0.8},
		{Header: "Nome", Width: 2.5}, {Header: "Algoritmo", Width: 2.5}, {Header: "Baseline", Width: 1.3}, {Header: "Target", Width: 1.6}}}
	for _, in := range d.Indicators {
		var bs, ts []string
		for _, b := range in.Baselines {
			bs = append(bs, strconv.Itoa(b.Year)+": "+b.Text)
		}
		for _, t := range in.Targets {
			ts = append(ts, strconv.Itoa(t.Year)+": "+t.Text+" ("+t.Revision+")")
		}
		inds.Rows = append(inds.Rows, []document.Cell{text(in.Key), text(in.Name), text(in.Algorithm), text(strings.Join(bs, "; ")), text(strings.Join(ts, "; "))})
	}
	meas := document.Table{Slug: "misurazioni", Title: "Misurazioni", Columns: []document.Column{{Header: "Indicatore", Width: 0.8},
		{Header: "Periodo", Width: 1}, {Header: "Stato", Width: 0.8}, {Header: "Valore o dati", Width: 1.5}, {Header: "Inserito da", Width: 0.9},
		{Header: "Aggiornato il", Kind: document.Date, Width: 1}, {Header: "Inviato da", Width: 0.9}, {Header: "Esaminato da", Width: 0.9}, {Header: "Note e commenti", Width: 2}}}
	for _, m := range ms {
		meas.Rows = append(meas.Rows, []document.Cell{text(m.Indicator), text(itfmt.Date(m.EndsOn)), text(workflow.Label(m.Status)),
			text(measuredText(m)), text(m.Author), {Text: itfmt.DateTime(m.UpdatedAt), Time: m.UpdatedAt}, text(m.SubmittedBy), text(m.ReviewedBy),
			text(strings.TrimSpace(strings.Join([]string{m.Note, m.ReviewComment}, " ")))})
	}
	hist := document.Table{Slug: "storico", Title: "Storico delle modifiche", Intro: "Ogni evento del registro di audit sulle misurazioni di questi indicatori, dal più recente.",
		Columns: []document.Column{{Header: "Indicatore", Width: 0.8}, {Header: "Data e ora", Kind: document.Date, Width: 1}, {Header: "Utente", Width: 0.9},
			{Header: "Azione", Width: 1}, {Header: "Motivo", Width: 1.5}, {Header: "Prima e dopo", Width: 3.5}}}
	for _, in := range d.Indicators {
		for _, e := range history[in.Key] {
			detail, _ := json.Marshal(e.Detail)
			hist.Rows = append(hist.Rows, []document.Cell{text(in.Key), {Text: itfmt.DateTime(e.At), Time: e.At}, text(e.Actor), text(e.Action), text(e.Reason), text(string(detail))})
		}
	}
	att := document.Table{Slug: "allegati", Title: "Allegati", Intro: "I file sono nella cartella allegati/ dell'archivio; l'impronta SHA-256 ne prova l'integrità.",
		Columns: []document.Column{{Header: "File nell'archivio", Width: 2.2}, {Header: "Indicatore", Width: 0.8}, {Header: "Periodo", Width: 0.8},
			{Header: "Byte", Kind: document.Integer, Width: 0.7}, {Header: "Caricato da", Width: 0.9}, {Header: "Il", Kind: document.Date, Width: 1}, {Header: "SHA-256", Width: 2.6}}}
	sort.SliceStable(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	for _, f := range files {
		att.Rows = append(att.Rows, []document.Cell{text(f.Path), text(f.Indicator), text(f.Period), intCell(f.Size), text(f.By), {Text: itfmt.DateTime(f.At), Time: f.At}, text(f.SHA256)})
	}
	doc.Tables = []document.Table{info, inds, meas, hist, att}
	return doc
}

func measuredText(m model.ObjectiveMeasurement) string {
	if m.NotApplicable {
		return "non applicabile: " + m.Reason
	}
	var parts []string
	if m.Value != nil {
		parts = append(parts, itfmt.Number(*m.Value, 4))
	}
	keys := make([]string, 0, len(m.Inputs))
	for k := range m.Inputs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		parts = append(parts, k+" = "+itfmt.Number(m.Inputs[k], 4))
	}
	return strings.Join(parts, "; ")
}
