package planxlsx

import (
	"fmt"

	"github.com/xuri/excelize/v2"

	"github.com/piao-performance/piao/internal/plan"
)

// generalRules are the Istruzioni's opening rows: label, explanation.
func generalRules() [][2]string {
	return [][2]string{
		{"Fogli", "Ogni foglio è una tabella: la prima riga contiene le intestazioni, ogni riga successiva è un elemento del piano. Non rinominare i fogli né le intestazioni; l'ordine delle colonne si può cambiare, le colonne in più sono ignorate. Il foglio Piano ha una riga per voce."},
		{"Ordine", "L'ordine delle righe è l'ordine del piano: obiettivi, indicatori, baseline, target e obiettivi individuali restano nell'ordine in cui compaiono nei fogli."},
		{"Collegamenti", "Le righe si collegano tra loro per codice o chiave, non per posizione: un indicatore cita il codice del suo obiettivo, una baseline o un target la chiave del suo indicatore, un obiettivo le chiavi dei suoi ruoli e delle sue unità. Se cambi un codice o una chiave, cambiali ovunque siano citati."},
		{"Numeri", "Anni, valori, pesi e scale vanno nelle celle numeriche del foglio di calcolo. Si accettano anche numeri scritti come testo all'italiana: virgola per i decimali, punto per le migliaia (1.234,5; 61,24). Le percentuali sono numeri: 61,24 vuol dire 61,24%."},
		{"Sì/no", "Le colonne sì/no accettano sì o no (anche si, true, false, 1, 0, senza distinzione tra maiuscole e minuscole); una cella vuota vale no."},
		{"Elenchi", "Le colonne che contengono più chiavi le separano con una virgola."},
		{"Valori codificati", "Le colonne codificate hanno un elenco a discesa; i valori ammessi e il loro significato sono elencati qui sotto, foglio per foglio."},
		{"Righe vuote e formule", "Le righe vuote sono ignorate. Una formula vale per il risultato salvato nel file: è più sicuro scrivere il valore."},
		{"Caricamento", "Al caricamento l'anteprima elenca ogni problema trovato, con foglio, riga e colonna. Nulla viene salvato finché l'anteprima non mostra alcun errore."},
		{"Non incluso", "Lo storico delle revisioni (le revisioni precedenti e le modifiche di ciascuna) e lo stato del piano in uso (regole di valutazione, periodi, misurazioni, valutazioni dei comportamenti) non fanno parte del modello: li porta l'esportazione JSON del piano. Un piano letto da questo modello non ha storico né stato."},
	}
}

// writeInstructions fills the first sheet from the same specs the table
// sheets use, so every column is explained and every code listed.
func writeInstructions(f *excelize.File, st styles, doc *plan.Document, specs []sheetSpec) error {
	type line struct {
		label, text string
		style       int // of the label
	}
	lines := []line{{"Modello del piano", doc.Ente.Name + " — " + doc.Plan.Title, st.title}, {}}
	for _, r := range generalRules() {
		lines = append(lines, line{r[0], r[1], st.label})
	}
	addCodes := func(cs []code) {
		for _, c := range cs {
			lines = append(lines, line{"    " + c.value, c.meaning, st.text})
		}
	}
	lines = append(lines, line{}, line{sheetPlan, "Una riga per voce: scrivi il valore nella colonna Valore.", st.heading})
	for _, fd := range planFields() {
		lines = append(lines, line{fd.header, fd.help, st.label})
	}
	for _, sp := range specs {
		lines = append(lines, line{}, line{sp.name, sp.help, st.heading})
		for _, c := range sp.cols {
			lines = append(lines, line{c.header, c.help, st.label})
			if len(c.codes) > 0 && c.kind != kindBool {
				addCodes(c.codes)
			}
		}
	}

	sw, err := f.NewStreamWriter(sheetInstructions)
	if err != nil {
		return fmt.Errorf("stream writer: %w", err)
	}
	if err := sw.SetColWidth(2, 2, 110); err != nil { // B before A: see writeSheet
		return fmt.Errorf("column width: %w", err)
	}
	if err := sw.SetColWidth(1, 1, 34); err != nil {
		return fmt.Errorf("column width: %w", err)
	}
	for i, l := range lines {
		textStyle := st.text
		if l.style == st.heading {
			textStyle = st.heading
		}
		var cells []any
		if l.label != "" || l.text != "" {
			cells = []any{excelize.Cell{StyleID: l.style, Value: l.label}, excelize.Cell{StyleID: textStyle, Value: l.text}}
		}
		if err := sw.SetRow(cellName(1, i+1), cells); err != nil {
			return fmt.Errorf("row %d: %w", i+1, err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("flush: %w", err)
	}
	return nil
}
