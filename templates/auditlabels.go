package templates

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"

	"github.com/piao-performance/piao/internal/plan"
)

// auditActions are the Italian labels of the audit register's action codes.
var auditActions = map[string]string{
	"auth.lockout":                 "Blocco dell'utenza per troppi tentativi",
	"auth.sign_in":                 "Accesso",
	"auth.sign_in_failed":          "Accesso non riuscito",
	"auth.sign_out":                "Uscita",
	"auth.sign_out_everywhere":     "Uscita da tutti i dispositivi",
	"auth.sso_bind":                "Collegamento all'accesso unico (SSO)",
	"auth.unlock":                  "Sblocco dell'utenza",
	"behaviour.set":                "Impostazione dei comportamenti",
	"ente.create":                  "Creazione dell'ente",
	"ente.legal":                   "Testi legali dell'ente modificati",
	"ente.restore":                 "Ente ripristinato da backup",
	"measurement.approve":          "Misurazione approvata",
	"measurement.import":           "Misurazione importata",
	"measurement.reopen":           "Misurazione riaperta",
	"measurement.return":           "Misurazione restituita per correzione",
	"measurement.save":             "Misurazione salvata",
	"measurement.submit":           "Misurazione inviata",
	"measurements.import":          "Importazione di misurazioni",
	"notification.retry":           "Nuovo invio di una notifica",
	"oiv.observation":              "Osservazione dell'OIV",
	"oiv.validation":               "Validazione dell'OIV",
	"oiv.validation.withdraw":      "Validazione dell'OIV ritirata",
	"relazione.draft.create":       "Bozza della Relazione creata",
	"relazione.draft.edit":         "Sezione della bozza della Relazione modificata",
	"relazione.draft.regenerate":   "Sezione della bozza della Relazione rigenerata",
	"relazione.draft.send":         "Bozza della Relazione inviata all'OIV",
	"period.close":                 "Periodo chiuso",
	"period.deadline":              "Scadenza del periodo modificata",
	"period.reopen":                "Periodo riaperto",
	"plan.draft.discard":           "Bozza del piano scartata",
	"plan.draft.edit":              "Bozza del piano modificata",
	"plan.draft.start":             "Bozza del piano avviata",
	"plan.import.apply":            "PIAO pubblicato riportato nella bozza",
	"plan.import.discard":          "Lettura del PIAO pubblicato annullata",
	"plan.import.edit":             "Lettura del PIAO pubblicato rivista",
	"plan.import.read":             "PIAO pubblicato letto",
	"plan.load":                    "Piano caricato",
	"plan.replace":                 "Piano sostituito",
	"plan.revision":                "Nuova versione del piano",
	"rules.set":                    "Regole di calcolo modificate",
	"rules.show_submitted_midyear": "Visibilità delle misurazioni inviate a metà anno",
	"user.create":                  "Utente creato",
	"user.disable":                 "Utente disattivato",
	"user.enable":                  "Utente riattivato",
	"user.notifications":           "Preferenze di notifica modificate",
	"user.password":                "Password modificata",
}

// AuditActionLabel is the Italian label of an audit action code, or the code
// itself when it has none.
func AuditActionLabel(action string) string {
	if l, ok := auditActions[action]; ok {
		return l
	}
	return action
}

// auditKeys are the Italian names of the usual keys of an audit detail.
var auditKeys = map[string]string{
	"new": "dopo", "old": "prima", "before": "prima", "after": "dopo",
	"indicator": "indicatore", "period": "periodo", "outcome": "esito",
	"decided_on":    "deciso il",
	"act_reference": "estremi dell'atto", "version": "versione", "value": "valore",
	"subject": "oggetto", "status": "stato", "rows": "righe", "revision": "revisione",
	"objectives": "obiettivi", "notes": "note", "not_applicable": "non applicabile",
	"method": "metodo", "label": "etichetta", "indicators": "indicatori",
	"in_force_from": "in vigore dal", "from": "da", "to": "a", "expected": "atteso",
	"address": "indirizzo", "what": "cosa", "targets": "target", "target": "target",
	"source": "fonte", "reason": "motivo", "state": "stato",
	"conformity": "stato di conformità", "feedback_contact": "recapito per le segnalazioni",
	"agid_form_url": "modulo del Difensore civico",
	// ente.restore (store.ImportEnte)
	"original_head": "catena originale fino a", "restored_head": "catena ripristinata fino a",
	"events": "eventi", "backup_created_at": "backup creato il", "schema_version": "versione dello schema",
}

// AuditDetailLine is one "name: value" line of an audit detail.
type AuditDetailLine struct {
	Name, Value string
}

// AuditDetail turns the JSON detail of an audit event into readable lines,
// keys in Italian where known, sorted by key. A detail that is not a JSON
// object is one line with the text as is.
func AuditDetail(detail string) []AuditDetailLine {
	detail = strings.TrimSpace(detail)
	if detail == "" || detail == "{}" || detail == "null" {
		return nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal([]byte(detail), &obj); err != nil {
		return []AuditDetailLine{{Value: detail}}
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	lines := make([]AuditDetailLine, 0, len(keys))
	for _, k := range keys {
		name := k
		if l, ok := auditKeys[k]; ok {
			name = l
		} else if l, ok := formulaInputLabel(k); ok {
			name = l
		}
		lines = append(lines, AuditDetailLine{Name: name, Value: auditValue(obj[k])})
	}
	return lines
}

// formulaInputLabel names an input of a computed indicator (numerator,
// denominator…) as the formula table does.
func formulaInputLabel(key string) (string, bool) {
	for _, f := range plan.Formulas() {
		for _, in := range plan.FormulaInputs(f) {
			if in.Key == key {
				return strings.ToLower(in.Label), true
			}
		}
	}
	return "", false
}

// auditValue is a JSON value as text: strings without quotes, true/false in
// Italian, null as a dash, anything else as compact JSON.
func auditValue(raw json.RawMessage) string {
	switch strings.TrimSpace(string(raw)) {
	case "true":
		return "sì"
	case "false":
		return "no"
	case "null":
		return "—"
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil {
		return strings.TrimSpace(string(raw))
	}
	return b.String()
}
