package templates

import (
	"sort"
	"strings"
)

// fieldRef names a form field for an error summary: the error key a handler
// uses, the element id the link moves to, and the label a person reads.
type fieldRef struct{ key, id, label string }

// summarise lists errs in the order of refs; keys not in refs follow, in
// order, linked by the rules of unknownField.
func summarise(errs map[string]string, refs []fieldRef, unknownField func(key string) (id, label string)) []FieldError {
	var out []FieldError
	seen := map[string]bool{}
	for _, r := range refs {
		if msg := errs[r.key]; msg != "" && !seen[r.key] {
			seen[r.key] = true
			out = append(out, FieldError{Field: r.id, Label: r.label, Message: msg})
		}
	}
	var rest []string
	for k, msg := range errs {
		if k != "" && msg != "" && !seen[k] {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	for _, k := range rest {
		id, label := k, k
		if unknownField != nil {
			id, label = unknownField(k)
		}
		out = append(out, FieldError{Field: id, Label: label, Message: errs[k]})
	}
	return out
}

// oivErrors lists the OIV page's form errors (validation, withdrawal, observation).
func oivErrors(d OIVData) []FieldError {
	out := summarise(d.Val.Errors, []fieldRef{
		{"anno", "val-anno", "Validazione: anno"}, {"esito", "val-esito", "Validazione: esito"},
		{"data", "val-data", "Validazione: data della decisione"}, {"atto", "val-atto", "Validazione: atto"},
		{"motivazione", "motivazione", "Validazione: motivazione"}, {"motivo-correzione", "motivo-correzione", "Validazione: motivo della correzione"},
		{"documento", "val-documento", "Validazione: documento"},
	}, nil)
	out = append(out, summarise(d.Withdraw.Errors, []fieldRef{
		{"anno", "rev-anno", "Revoca: anno"}, {"motivo-revoca", "motivo-revoca", "Revoca: motivo"},
	}, nil)...)
	return append(out, summarise(d.Obs.Errors, []fieldRef{
		{"anno", "oss-anno", "Osservazione: anno"}, {"oggetto", "oss-oggetto", "Osservazione: obiettivo o indicatore"},
		{"osservazione", "osservazione", "Osservazione: testo"},
	}, nil)...)
}

// oivErrorTitle heads the OIV page's error summary, "" when no form was refused.
func oivErrorTitle(d OIVData) string {
	if len(d.Val.Errors)+len(d.Withdraw.Errors)+len(d.Obs.Errors) == 0 {
		return ""
	}
	return "Il modulo ha errori: nulla è stato registrato."
}

// editorFields are the plan editor's fields: objective, indicator, area and revision forms.
var editorFields = []fieldRef{
	{"etichetta", "rev-etichetta", "Nome della revisione"}, {"vigore", "rev-vigore", "In vigore dal"},
	{"adozione", "rev-adozione", "Adottata il"}, {"atto", "rev-atto", "Atto di adozione"},
	{"codice", "ob-codice", "Codice"}, {"tipo", "ob-tipo", "Tipo"}, {"ambito", "ob-ambito", "Ambito strategico"},
	{"padre", "ob-padre", "Obiettivo strategico"}, {"numero", "ar-numero", "Numero"}, {"titolo", "ob-titolo", "Titolo"},
	{"descrizione", "descrizione", "Descrizione"}, {"sezione", "ob-sezione", "Sezione del piano"},
	{"stakeholder", "ob-stakeholder", "Stakeholder"}, {"responsabile", "ob-responsabile", "Dirigente responsabile"},
	{"responsabili", "responsabili-0", "Responsabili"}, {"unita-testo", "ob-unita-testo", "Unità organizzative (testo)"},
	{"unita", "unita-0", "Unità organizzative"}, {"esterni", "ob-esterni", "Soggetti esterni"}, {"risorse", "ob-risorse", "Risorse economiche"},
	{"nome", "in-nome", "Nome"}, {"algoritmo", "algoritmo", "Algoritmo"}, {"fonte", "in-fonte", "Fonte del dato"},
	{"unita-misura", "in-unita", "Unità di misura"}, {"polarita", "in-polarita", "Direzione"}, {"formula", "in-formula", "Come si ottiene il valore"},
	{"scala", "in-scala", "Scala del rapporto"}, {"peso", "in-peso", "Peso"}, {"allerta", "in-allerta", "Allerta"},
	{"motivo", "motivo", "Motivo"}, {"nota", "nota", "Nota"},
}

// editorField links the editor's numbered fields (targets, baselines, inputs).
func editorField(key string) (id, label string) {
	switch {
	case strings.HasPrefix(key, "target-"):
		y := strings.TrimPrefix(key, "target-")
		return "t-val-" + y, "Target " + y
	case strings.HasPrefix(key, "baseline-"):
		return "b-val-" + strings.TrimPrefix(key, "baseline-"), "Baseline"
	case strings.HasPrefix(key, "dato-"):
		return "in-" + key, "Dato " + strings.TrimPrefix(key, "dato-")
	}
	return key, key
}

// editorErrors lists an editor form's errors, each linked to its field.
func editorErrors(errs map[string]string) []FieldError {
	return summarise(errs, editorFields, editorField)
}
