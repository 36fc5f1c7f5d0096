package workflow

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/piao-performance/piao/internal/itfmt"
	"github.com/piao-performance/piao/internal/plan"
)

// Limits of an entry's free text, in characters.
const (
	MaxReason = 500  // why an indicator is not applicable, or a return/reopen reason
	MaxNote   = 2000 // the dirigente's note
)

// EntryForm is an entry form as the user typed it, with the messages to
// show beside its fields. Fields: "valore" (direct and SI/NO values),
// "in_<input key>" (a formula's inputs), "na", "motivo", "nota", "versione".
type EntryForm struct {
	Values map[string]string // by field: "valore" or "in_<input key>"
	NA     bool
	Reason string
	Note   string
	// the motivazione of a scostamento: fields "scost_cosa", "scost_perche",
	// "scost_azione"
	DevWhat, DevWhy, DevAction string
	Version                    int
	Errors                     map[string]string
	Message                    string
}

// Entry is what a decoded form asks to store.
type Entry struct {
	Value         *float64           // direct and SI/NO indicators (1 = SI)
	Inputs        map[string]float64 // computed indicators, by input key
	NotApplicable bool
	Reason        string // only when not applicable
	// Note is nil when the form has no note field (the grid): the stored
	// note stays. A pointer to "" clears it.
	Note *string
	// Deviation is nil when the form has no motivazione fields: the stored
	// one stays.
	Deviation *[3]string // what happened, why, corrective action
	Version   int        // the version the user edited
}

// MaxDeviation is the limit of each part of a motivazione, in characters.
const MaxDeviation = 2000

// DeviationRequired is the rule of the scostamenti: at the final period an
// indicator not applicable, or with an actual that does not fully meet its
// target, needs a complete motivazione before its value can be approved.
func DeviationRequired(finalPeriod, notApplicable, hasActual, hasTarget, met bool) bool {
	if !finalPeriod {
		return false
	}
	return notApplicable || (hasActual && hasTarget && !met)
}

// DecodeEntry reads an entry form for an indicator with the given formula
// and inputs, checking each field: the form's Errors is empty when the entry
// can be saved. get returns a field's value; sent reports whether the form
// carried the field at all (an emptied field is sent as ""), so that fields a
// form does not have keep their stored value.
func DecodeEntry(formula plan.Formula, inputs []plan.Input, get func(string) string, sent func(string) bool) (EntryForm, Entry) {
	f := EntryForm{Values: map[string]string{}, Errors: map[string]string{}}
	var e Entry
	f.NA = get("na") == "1"
	f.Reason = strings.TrimSpace(get("motivo"))
	f.Note = strings.TrimSpace(get("nota"))
	f.DevWhat = strings.TrimSpace(get("scost_cosa"))
	f.DevWhy = strings.TrimSpace(get("scost_perche"))
	f.DevAction = strings.TrimSpace(get("scost_azione"))
	if v, err := strconv.Atoi(get("versione")); err == nil && v >= 0 {
		f.Version = v
	} else if get("versione") != "" {
		f.Errors["versione"] = "versione non valida"
		f.Message = "Il modulo è stato alterato: ricarica la pagina."
	}
	for field, max := range map[string]int{"motivo": MaxReason, "nota": MaxNote, "scost_cosa": MaxDeviation,
		"scost_perche": MaxDeviation, "scost_azione": MaxDeviation} {
		if v := get(field); !itfmt.ValidText(v) || utf8.RuneCountInString(v) > max {
			f.Errors[field] = "testo troppo lungo (al massimo " + strconv.Itoa(max) + " caratteri) o non valido"
		}
	}
	readNumber := func(field string) (float64, bool) {
		raw := strings.TrimSpace(get(field))
		f.Values[field] = itfmt.Truncate(raw, 40)
		if raw == "" {
			f.Errors[field] = "campo obbligatorio"
			return 0, false
		}
		v, msg := itfmt.ParseNumber(raw)
		if msg != "" {
			f.Errors[field] = msg
			return 0, false
		}
		return v, true
	}
	if f.NA {
		if f.Reason == "" {
			f.Errors["motivo"] = "indica perché l'indicatore non è applicabile"
		}
		fields := []string{"valore"}
		for _, in := range inputs {
			fields = append(fields, "in_"+in.Key)
		}
		for _, field := range fields {
			if strings.TrimSpace(get(field)) != "" {
				f.Values[field] = itfmt.Truncate(get(field), 40)
				f.Errors[field] = "un indicatore non applicabile non ha valori: svuota il campo o togli la spunta"
			}
		}
	} else {
		switch formula {
		case plan.FormulaYesNo:
			switch v := get("valore"); v {
			case "SI", "NO":
				f.Values["valore"] = v
				x := 0.0
				if v == "SI" {
					x = 1
				}
				e.Value = &x
			default:
				f.Errors["valore"] = "scegli SI o NO"
			}
		case plan.FormulaDirect:
			if v, ok := readNumber("valore"); ok {
				e.Value = &v
			}
		default:
			e.Inputs = map[string]float64{}
			for _, in := range inputs {
				if v, ok := readNumber("in_" + in.Key); ok {
					e.Inputs[in.Key] = v
				}
			}
			for _, fi := range plan.FormulaInputs(formula) {
				if d, ok := e.Inputs[fi.Key]; ok && fi.NonZero && d == 0 {
					f.Errors["in_"+fi.Key] = zeroInputMessage(formula)
				}
			}
		}
	}
	e.NotApplicable, e.Reason, e.Version = f.NA, f.Reason, f.Version
	if sent("nota") { // the grid has no note field: the stored note stays
		note := f.Note
		e.Note = &note
	}
	if sent("scost_cosa") || sent("scost_perche") || sent("scost_azione") {
		e.Deviation = &[3]string{f.DevWhat, f.DevWhy, f.DevAction}
	}
	if f.NA {
		e.Value, e.Inputs = nil, nil
	} else {
		e.Reason = ""
	}
	return f, e
}

// zeroInputMessage says why the formula's divisor input
// (plan.FormulaInput.NonZero) cannot be zero.
func zeroInputMessage(f plan.Formula) string {
	if f == plan.FormulaRatioPrevious {
		return "il valore dell'anno precedente non può essere zero"
	}
	return "il denominatore non può essere zero: se non c'è nulla da misurare, segna «non applicabile»"
}
