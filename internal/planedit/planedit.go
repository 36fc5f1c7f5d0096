// Package planedit changes a plan document the way the administrator's forms
// ask: areas, objectives, indicators with their targets and baselines,
// individual objectives. Every function checks what it is given and answers
// with Italian messages by form field, changing nothing when there is one;
// after a change the whole document is checked again (plan.Validate), so a
// draft is never saved in a state the database would refuse. It does no I/O.
package planedit

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/piao-performance/piao/internal/itfmt"
	"github.com/piao-performance/piao/internal/plan"
)

// Errors are messages by form field; empty when the change was made.
type Errors map[string]string

func (e Errors) add(field, msg string) {
	if _, ok := e[field]; !ok {
		e[field] = msg
	}
}

var codeRe = regexp.MustCompile(`^[A-Za-z0-9._-]{1,40}$`)

// text checks a free-text field: valid UTF-8, at most max characters, and
// present when required.
func text(errs Errors, field, v string, max int, required bool) string {
	v = strings.TrimSpace(v)
	switch {
	case !utf8.ValidString(v):
		errs.add(field, "Il testo contiene caratteri non validi.")
	case required && v == "":
		errs.add(field, "Campo obbligatorio.")
	case utf8.RuneCountInString(v) > max:
		errs.add(field, fmt.Sprintf("Al massimo %s caratteri.", itfmt.Number(float64(max), 0)))
	}
	return v
}

// check runs the whole-document validation after a change; a failure undoes
// the change (restore) and becomes a message under the form's general field.
func check(d *plan.Document, errs Errors, restore func()) Errors {
	if err := plan.Validate(d); err != nil {
		restore()
		errs.add("", "La modifica renderebbe il piano incoerente: "+firstLine(err.Error()))
	}
	return errs
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func clone(d *plan.Document) plan.Document {
	c := *d
	c.Areas = slices.Clone(d.Areas)
	c.Objectives = make([]plan.Objective, len(d.Objectives))
	for i, o := range d.Objectives {
		o.Indicators = slices.Clone(o.Indicators)
		o.Owners = slices.Clone(o.Owners)
		o.Units = slices.Clone(o.Units)
		c.Objectives[i] = o
	}
	c.Individual = slices.Clone(d.Individual)
	for i := range c.Individual {
		c.Individual[i].Indicators = slices.Clone(c.Individual[i].Indicators)
	}
	c.Notes = slices.Clone(d.Notes)
	return c
}

// SetArea changes an area's title, or adds area number when it is new.
func SetArea(d *plan.Document, number int, title string) Errors {
	errs := Errors{}
	title = text(errs, "titolo", title, 300, true)
	if number < 1 || number > 99 {
		errs.add("numero", "Il numero dell'ambito va da 1 a 99.")
	}
	if len(errs) > 0 {
		return errs
	}
	saved := clone(d)
	if i := slices.IndexFunc(d.Areas, func(a plan.Area) bool { return a.Number == number }); i >= 0 {
		d.Areas[i].Title = title
	} else {
		d.Areas = append(d.Areas, plan.Area{Number: number, Title: title})
		slices.SortFunc(d.Areas, func(a, b plan.Area) int { return a.Number - b.Number })
	}
	return check(d, errs, func() { *d = saved })
}

// RemoveArea removes an area that no objective belongs to.
func RemoveArea(d *plan.Document, number int) Errors {
	for _, o := range d.Objectives {
		if o.Area == number {
			return Errors{"": fmt.Sprintf("L'ambito %d ha obiettivi (per esempio %s): spostali o eliminali prima.", number, o.Code)}
		}
	}
	d.Areas = slices.DeleteFunc(d.Areas, func(a plan.Area) bool { return a.Number == number })
	return Errors{}
}

// ObjectiveForm is the objective form as typed.
type ObjectiveForm struct {
	Code, Kind, Area, Parent, Group, Title, Description, Programme, Stakeholders string
	OwnerText, UnitsText, ExternalParties, Resources                             string
	Owners, Units                                                                []string
}

// FormOf fills the objective form from an objective.
func FormOf(o plan.Objective) ObjectiveForm {
	f := ObjectiveForm{Code: o.Code, Kind: o.Kind, Parent: o.Parent, Group: o.Group, Title: o.Title, Description: o.Description,
		Programme: o.Programme, Stakeholders: o.Stakeholders, OwnerText: o.OwnerText, UnitsText: o.UnitsText,
		ExternalParties: o.ExternalParties, Resources: o.Resources, Owners: o.Owners, Units: o.Units}
	if o.Area != 0 {
		f.Area = strconv.Itoa(o.Area)
	}
	return f
}

// SetObjective changes the objective with code original, or adds one when
// original is empty. Changing the code of an objective is refused: codes are
// its identity across revisions and in the measurements.
func SetObjective(d *plan.Document, original string, f ObjectiveForm) Errors {
	errs := Errors{}
	o := plan.Objective{Code: strings.TrimSpace(f.Code), Kind: f.Kind, Parent: strings.TrimSpace(f.Parent)}
	o.Title = text(errs, "titolo", f.Title, 500, true)
	o.Description = text(errs, "descrizione", f.Description, 10000, false)
	o.Group = text(errs, "sezione", f.Group, 200, false)
	o.Programme = text(errs, "programma", f.Programme, 500, false)
	o.Stakeholders = text(errs, "stakeholder", f.Stakeholders, 500, false)
	o.OwnerText = text(errs, "responsabile", f.OwnerText, 500, false)
	o.UnitsText = text(errs, "unita-testo", f.UnitsText, 500, false)
	o.ExternalParties = text(errs, "esterni", f.ExternalParties, 500, false)
	o.Resources = text(errs, "risorse", f.Resources, 500, false)
	if original != "" && o.Code != original {
		errs.add("codice", "Il codice di un obiettivo esistente non si cambia.")
	}
	if !codeRe.MatchString(o.Code) {
		errs.add("codice", "Codice non valido: lettere, cifre, punto, trattino o trattino basso, fino a 40 caratteri.")
	} else if original == "" && slices.ContainsFunc(d.Objectives, func(x plan.Objective) bool { return x.Code == o.Code }) {
		errs.add("codice", "Esiste già un obiettivo con il codice "+o.Code+".")
	}
	if !slices.Contains(plan.Kinds, o.Kind) {
		errs.add("tipo", "Scegli il tipo di obiettivo.")
	}
	needsArea := o.Kind == plan.KindStrategic || o.Kind == plan.KindCommon || o.Kind == plan.KindOperational
	if f.Area != "" {
		n, err := strconv.Atoi(f.Area)
		if err != nil || !slices.ContainsFunc(d.Areas, func(a plan.Area) bool { return a.Number == n }) {
			errs.add("ambito", "Scegli un ambito del piano.")
		}
		o.Area = n
	} else if needsArea {
		errs.add("ambito", "Un obiettivo strategico, comune od operativo appartiene a un ambito.")
	}
	needsParent := o.Kind == plan.KindCommon || o.Kind == plan.KindOperational
	switch {
	case needsParent && o.Parent == "":
		errs.add("padre", "Scegli l'obiettivo strategico da cui discende.")
	case !needsParent && o.Parent != "":
		errs.add("padre", "Solo gli obiettivi operativi e comuni discendono da un obiettivo strategico.")
	case o.Parent != "" && !slices.ContainsFunc(d.Objectives, func(x plan.Objective) bool { return x.Code == o.Parent && x.Kind == plan.KindStrategic }):
		errs.add("padre", "L'obiettivo padre deve essere un obiettivo strategico del piano.")
	}
	for _, k := range f.Owners {
		if !slices.ContainsFunc(d.Roles, func(r plan.Role) bool { return r.Key == k }) {
			errs.add("responsabili", "Responsabile sconosciuto: "+k+".")
		}
	}
	for _, k := range f.Units {
		if !slices.ContainsFunc(d.Units, func(u plan.Unit) bool { return u.Key == k }) {
			errs.add("unita", "Unità organizzativa sconosciuta: "+k+".")
		}
	}
	o.Owners, o.Units = slices.Clone(f.Owners), slices.Clone(f.Units)
	if len(errs) > 0 {
		return errs
	}
	saved := clone(d)
	if original == "" {
		d.Objectives = append(d.Objectives, o)
	} else {
		i := slices.IndexFunc(d.Objectives, func(x plan.Objective) bool { return x.Code == original })
		if i < 0 {
			return Errors{"": "Obiettivo " + original + " non trovato."}
		}
		if d.Objectives[i].Kind == plan.KindStrategic && o.Kind != plan.KindStrategic &&
			slices.ContainsFunc(d.Objectives, func(x plan.Objective) bool { return x.Parent == original }) {
			return Errors{"tipo": "Altri obiettivi discendono da questo: resta strategico."}
		}
		keep := d.Objectives[i]
		o.CodeText, o.ParentText, o.Footnote, o.SourceLine, o.Indicators = keep.CodeText, keep.ParentText, keep.Footnote, keep.SourceLine, keep.Indicators
		d.Objectives[i] = o
	}
	return check(d, errs, func() { *d = saved })
}

// RemoveObjective removes an objective with its indicators, the individual
// objectives that repeat it and the data-quality notes about it. One that
// other objectives descend from, or that a derived indicator counts, stays.
func RemoveObjective(d *plan.Document, code string) Errors {
	i := slices.IndexFunc(d.Objectives, func(x plan.Objective) bool { return x.Code == code })
	if i < 0 {
		return Errors{"": "Obiettivo " + code + " non trovato."}
	}
	for _, o := range d.Objectives {
		if o.Parent == code {
			return Errors{"": "L'obiettivo " + o.Code + " discende da " + code + ": eliminalo o spostalo prima."}
		}
	}
	gone := map[string]bool{}
	for _, in := range d.Objectives[i].Indicators {
		gone[in.Key] = true
	}
	if msg := derivedUse(d, code, gone); msg != "" {
		return Errors{"": msg}
	}
	d.Objectives = slices.Delete(d.Objectives, i, i+1)
	d.Individual = slices.DeleteFunc(d.Individual, func(iv plan.Individual) bool { return iv.Objective == code })
	d.Notes = slices.DeleteFunc(d.Notes, func(n plan.QualityNote) bool { return n.Objective == code || gone[n.Indicator] })
	return Errors{}
}

// derivedUse says which derived indicator counts the objective or one of the
// indicators, or "".
func derivedUse(d *plan.Document, code string, inds map[string]bool) string {
	for _, o := range d.Objectives {
		for _, in := range o.Indicators {
			if in.Derived == nil {
				continue
			}
			if code != "" && slices.Contains(in.Derived.Objectives, code) {
				return "L'indicatore derivato " + in.Key + " conta l'obiettivo " + code + ": modificalo prima."
			}
			for _, k := range in.Derived.Indicators {
				if inds[k] && !inds[in.Key] {
					return "L'indicatore derivato " + in.Key + " conta l'indicatore " + k + ": modificalo prima."
				}
			}
		}
	}
	return ""
}
