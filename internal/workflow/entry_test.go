package workflow

import (
	"strings"
	"testing"

	"github.com/piao-performance/piao/internal/plan"
)

// form is a submitted form: fields sent, with their values.
type form map[string]string

func (f form) get(k string) string { return f[k] }

func (f form) sent(k string) bool { _, ok := f[k]; return ok }

func TestDecodeEntry(t *testing.T) {
	ratio := []plan.Input{{Key: "numerator", Label: "Pratiche evase"}, {Key: "denominator", Label: "Pratiche ricevute"}}
	previous := []plan.Input{{Key: "current", Label: "Anno"}, {Key: "previous", Label: "Anno precedente"}}
	cases := []struct {
		name    string
		formula plan.Formula
		inputs  []plan.Input
		form    form
		errs    map[string]string // field → part of its message; nil: no errors
		check   func(t *testing.T, e Entry)
	}{
		{"direct, Italian number", plan.FormulaDirect, nil, form{"valore": "1.234,5", "versione": "3", "nota": " fonte: registro "}, nil,
			func(t *testing.T, e Entry) {
				if e.Value == nil || *e.Value != 1234.5 || e.Version != 3 || e.Note == nil || *e.Note != "fonte: registro" || e.Inputs != nil {
					t.Errorf("%+v", e)
				}
			}},
		{"motivazione, trimmed", plan.FormulaDirect, nil, form{"valore": "3", "scost_cosa": " Tre su quattro ", "scost_perche": "",
			"scost_azione": "Calendario"}, nil,
			func(t *testing.T, e Entry) {
				if e.Deviation == nil || *e.Deviation != [3]string{"Tre su quattro", "", "Calendario"} {
					t.Errorf("%+v", e.Deviation)
				}
			}},
		{"motivazione too long", plan.FormulaDirect, nil, form{"valore": "3", "scost_perche": strings.Repeat("x", MaxDeviation+1)},
			map[string]string{"scost_perche": "troppo lungo"}, nil},
		{"SI", plan.FormulaYesNo, nil, form{"valore": "SI"}, nil,
			func(t *testing.T, e Entry) {
				if e.Value == nil || *e.Value != 1 || e.Note != nil || e.Deviation != nil {
					t.Errorf("%+v", e)
				}
			}},
		{"NO", plan.FormulaYesNo, nil, form{"valore": "NO"}, nil,
			func(t *testing.T, e Entry) {
				if e.Value == nil || *e.Value != 0 {
					t.Errorf("%+v", e)
				}
			}},
		{"SI/NO anything else", plan.FormulaYesNo, nil, form{"valore": "forse"}, map[string]string{"valore": "scegli SI o NO"}, nil},
		{"ratio", plan.FormulaRatio, ratio, form{"in_numerator": "41", "in_denominator": "57"}, nil,
			func(t *testing.T, e Entry) {
				if e.Value != nil || e.Inputs["numerator"] != 41 || e.Inputs["denominator"] != 57 {
					t.Errorf("%+v", e)
				}
			}},
		{"zero denominator", plan.FormulaRatio, ratio, form{"in_numerator": "0", "in_denominator": "0"},
			map[string]string{"in_denominator": "il denominatore non può essere zero"}, nil},
		{"zero previous year", plan.FormulaRatioPrevious, previous, form{"in_current": "5", "in_previous": "0"},
			map[string]string{"in_previous": "anno precedente non può essere zero"}, nil},
		{"missing and malformed inputs", plan.FormulaRatio, ratio, form{"in_numerator": "", "in_denominator": "dodici"},
			map[string]string{"in_numerator": "campo obbligatorio", "in_denominator": ""}, nil},
		{"not applicable with its reason", plan.FormulaRatio, ratio, form{"na": "1", "motivo": "lavoro agile non attivato"}, nil,
			func(t *testing.T, e Entry) {
				if !e.NotApplicable || e.Reason != "lavoro agile non attivato" || e.Value != nil || e.Inputs != nil {
					t.Errorf("%+v", e)
				}
			}},
		{"not applicable without a reason, with a value", plan.FormulaRatio, ratio, form{"na": "1", "in_numerator": "3"},
			map[string]string{"motivo": "non è applicabile", "in_numerator": "non ha valori"}, nil},
		{"a reason without not applicable is dropped", plan.FormulaDirect, nil, form{"valore": "7", "motivo": "resto"}, nil,
			func(t *testing.T, e Entry) {
				if e.Reason != "" || e.NotApplicable {
					t.Errorf("%+v", e)
				}
			}},
		{"tampered version", plan.FormulaDirect, nil, form{"valore": "7", "versione": "-1"}, map[string]string{"versione": "versione non valida"}, nil},
		{"note too long", plan.FormulaDirect, nil, form{"valore": "7", "nota": strings.Repeat("è", MaxNote+1)}, map[string]string{"nota": "al massimo 2000"}, nil},
		{"NUL in the reason", plan.FormulaDirect, nil, form{"na": "1", "motivo": "a\x00b"}, map[string]string{"motivo": "non valido"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, e := DecodeEntry(c.formula, c.inputs, c.form.get, c.form.sent)
			if len(f.Errors) != len(c.errs) {
				t.Fatalf("errors %v, want fields %v", f.Errors, c.errs)
			}
			for field, part := range c.errs {
				if msg, ok := f.Errors[field]; !ok || !strings.Contains(msg, part) {
					t.Errorf("%s: %q, want %q", field, msg, part)
				}
			}
			if c.check != nil {
				c.check(t, e)
			}
		})
	}
}

// TestDecodeEntryKeepsWhatWasTyped: a refused form shows the user's text,
// cut to 40 characters, never the parsed number.
func TestDecodeEntryKeepsWhatWasTyped(t *testing.T) {
	typed := "12,5 pratiche " + strings.Repeat("x", 60)
	f, _ := DecodeEntry(plan.FormulaDirect, nil, form{"valore": typed}.get, form{}.sent)
	if got := f.Values["valore"]; got != string([]rune(typed)[:40]) || f.Errors["valore"] == "" {
		t.Errorf("value %q, errors %v", got, f.Errors)
	}
}
