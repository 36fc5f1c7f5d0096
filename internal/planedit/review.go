package planedit

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/piao-performance/piao/internal/plan"
)

// The review of a published PIAO read in the editor (issue 19): one form with
// every area, objective and indicator the parser found, prefilled, which the
// administrator corrects before the document becomes the draft. The form
// mirrors the document it was built from: one block per area, objective and
// indicator, in the document's order (adding and removing is the editor's
// job once the draft exists). Field names are built here, for the page and
// for the handler that reads it back.

// ReviewForm is the review form as typed.
type ReviewForm struct {
	Areas      []ReviewArea
	Objectives []ReviewObjective
}

// ReviewArea is an area's row.
type ReviewArea struct{ Number, Title string }

// ReviewObjective is an objective's block with its indicators.
type ReviewObjective struct {
	Code, Kind, Area, Parent, Title string
	Indicators                      []ReviewIndicator
}

// ReviewIndicator is an indicator's block: a target row per plan year and
// the baselines read, plus one empty row to add a baseline.
type ReviewIndicator struct {
	Name, Algorithm, Source, Unit string
	Baselines                     []BaselineForm
	Targets                       []TargetForm
}

// Renames are the objective codes and indicator keys a review changed, old → new.
type Renames struct {
	Objectives, Indicators map[string]string
}

// AreaField, ObjectiveField, IndicatorField, BaselineField and TargetField
// name the review form's fields: "a0-titolo", "o3-codice", "o3-i1-nome",
// "o3-i1-b0-valore", "o3-i1-t2024-op".
func AreaField(i int, f string) string { return "a" + strconv.Itoa(i) + "-" + f }

// ObjectiveField names a field of the i-th objective; f "" names its block.
func ObjectiveField(i int, f string) string {
	if f == "" {
		return "o" + strconv.Itoa(i)
	}
	return "o" + strconv.Itoa(i) + "-" + f
}

// IndicatorField names a field of the j-th indicator of the i-th objective.
func IndicatorField(i, j int, f string) string {
	return ObjectiveField(i, "i"+strconv.Itoa(j)+"-"+f)
}

// BaselineField names a field of the k-th baseline row of an indicator.
func BaselineField(i, j, k int, f string) string {
	return IndicatorField(i, j, "b"+strconv.Itoa(k)+"-"+f)
}

// TargetField names a field of an indicator's target of year.
func TargetField(i, j, year int, f string) string {
	return IndicatorField(i, j, "t"+strconv.Itoa(year)+"-"+f)
}

// ReviewFormOf fills the review form from a document.
func ReviewFormOf(d *plan.Document) ReviewForm {
	var f ReviewForm
	for _, a := range d.Areas {
		f.Areas = append(f.Areas, ReviewArea{Number: strconv.Itoa(a.Number), Title: a.Title})
	}
	for _, o := range d.Objectives {
		of := FormOf(o)
		ro := ReviewObjective{Code: of.Code, Kind: of.Kind, Area: of.Area, Parent: of.Parent, Title: of.Title}
		for _, in := range o.Indicators {
			inf := IndicatorFormOf(d, in)
			ro.Indicators = append(ro.Indicators, ReviewIndicator{Name: in.Name, Algorithm: in.Algorithm, Source: in.Source, Unit: in.Unit,
				Baselines: inf.Baselines, Targets: inf.Targets})
		}
		f.Objectives = append(f.Objectives, ro)
	}
	return f
}

// ReviewFormFrom reads the posted review of d: get returns a field's value
// ("" when absent).
func ReviewFormFrom(d *plan.Document, get func(string) string) ReviewForm {
	var f ReviewForm
	for i := range d.Areas {
		f.Areas = append(f.Areas, ReviewArea{Number: get(AreaField(i, "numero")), Title: get(AreaField(i, "titolo"))})
	}
	for i, o := range d.Objectives {
		ro := ReviewObjective{Code: get(ObjectiveField(i, "codice")), Kind: get(ObjectiveField(i, "tipo")), Area: get(ObjectiveField(i, "ambito")),
			Parent: get(ObjectiveField(i, "padre")), Title: get(ObjectiveField(i, "titolo"))}
		for j, in := range o.Indicators {
			ri := ReviewIndicator{Name: get(IndicatorField(i, j, "nome")), Algorithm: get(IndicatorField(i, j, "algoritmo")),
				Source: get(IndicatorField(i, j, "fonte")), Unit: get(IndicatorField(i, j, "unita"))}
			for k := 0; k <= len(in.Baselines); k++ {
				ri.Baselines = append(ri.Baselines, BaselineForm{Year: get(BaselineField(i, j, k, "anno")),
					Value: get(BaselineField(i, j, k, "valore")), Text: get(BaselineField(i, j, k, "testo"))})
			}
			for y := d.Plan.StartYear; y <= d.Plan.EndYear; y++ {
				ri.Targets = append(ri.Targets, TargetForm{Year: y, Operator: get(TargetField(i, j, y, "op")), Value: get(TargetField(i, j, y, "valore"))})
			}
			ro.Indicators = append(ro.Indicators, ri)
		}
		f.Objectives = append(f.Objectives, ro)
	}
	return f
}

// Units are the units of measure an indicator may have.
var units = []string{plan.UnitCount, plan.UnitPercent, plan.UnitDays, plan.UnitRatio, plan.UnitYesNo, plan.UnitScore, plan.UnitEuro}

// ApplyReview checks the review form of d field by field and, when nothing
// is wrong, writes it into d: areas, objectives (a changed code follows into
// the indicator keys, the parents, the individual objectives, the derived
// indicators and the notes) and indicators. The whole plan is not checked
// here (a review may be saved half done); plan.Validate runs when the review
// becomes the draft. With errors d is unchanged.
func ApplyReview(d *plan.Document, f ReviewForm) (Renames, Errors) {
	errs := Errors{}
	rn := Renames{Objectives: map[string]string{}, Indicators: map[string]string{}}
	if len(f.Areas) != len(d.Areas) || len(f.Objectives) != len(d.Objectives) {
		return rn, Errors{"": "Il modulo non corrisponde al documento letto: ricarica la pagina."}
	}
	c := clone(d)
	areas := map[int]bool{}
	for i, a := range f.Areas {
		n, err := strconv.Atoi(strings.TrimSpace(a.Number))
		switch {
		case err != nil || n < 1 || n > 99:
			errs.add(AreaField(i, "numero"), "Il numero dell'ambito va da 1 a 99.")
		case areas[n]:
			errs.add(AreaField(i, "numero"), fmt.Sprintf("L'ambito %d è ripetuto.", n))
		}
		areas[n] = true
		c.Areas[i] = plan.Area{Number: n, Title: text(errs, AreaField(i, "titolo"), a.Title, 300, true)}
	}
	codes := map[string]bool{}
	for i, of := range f.Objectives {
		code := strings.TrimSpace(of.Code)
		switch {
		case !codeRe.MatchString(code):
			errs.add(ObjectiveField(i, "codice"), "Codice non valido: lettere, cifre, punto, trattino o trattino basso, fino a 40 caratteri.")
		case codes[code]:
			errs.add(ObjectiveField(i, "codice"), "Esiste già un obiettivo con il codice "+code+".")
		}
		codes[code] = true
		if old := d.Objectives[i].Code; old != code {
			rn.Objectives[old] = code
		}
	}
	for i, of := range f.Objectives {
		o := &c.Objectives[i]
		old := d.Objectives[i]
		o.Code = strings.TrimSpace(of.Code)
		if !slices.Contains(plan.Kinds, of.Kind) {
			errs.add(ObjectiveField(i, "tipo"), "Scegli il tipo di obiettivo.")
		}
		o.Kind = of.Kind
		o.Area = 0
		if a := strings.TrimSpace(of.Area); a != "" {
			n, err := strconv.Atoi(a)
			if err != nil || !areas[n] {
				errs.add(ObjectiveField(i, "ambito"), "Scegli un ambito del piano.")
			}
			o.Area = n
		}
		parent := strings.TrimSpace(of.Parent)
		if !codes[parent] {
			if renamed, ok := rn.Objectives[parent]; ok {
				parent = renamed
			}
		}
		switch {
		case parent == "":
		case parent == o.Code:
			errs.add(ObjectiveField(i, "padre"), "Un obiettivo non discende da sé stesso.")
		case !codes[parent]:
			errs.add(ObjectiveField(i, "padre"), "Scrivi il codice di un obiettivo del documento, o lascia vuoto.")
		}
		o.Parent = parent
		o.Title = text(errs, ObjectiveField(i, "titolo"), of.Title, 500, true)
		if len(of.Indicators) != len(old.Indicators) {
			return rn, Errors{"": "Il modulo non corrisponde al documento letto: ricarica la pagina."}
		}
		for j, rf := range of.Indicators {
			in := &o.Indicators[j]
			oldIn := old.Indicators[j]
			if _, n, ok := strings.Cut(oldIn.Key, "/"); ok && o.Code != old.Code {
				in.Key = o.Code + "/" + n
				rn.Indicators[oldIn.Key] = in.Key
			}
			in.Name = text(errs, IndicatorField(i, j, "nome"), rf.Name, 500, true)
			in.Algorithm = text(errs, IndicatorField(i, j, "algoritmo"), rf.Algorithm, 1000, false)
			in.Source = text(errs, IndicatorField(i, j, "fonte"), rf.Source, 300, false)
			if !slices.Contains(units, rf.Unit) {
				errs.add(IndicatorField(i, j, "unita"), "Scegli l'unità di misura.")
			}
			in.Unit = rf.Unit
			te := Errors{}
			in.Targets = targets(te, d, &oldIn, rf.Targets)
			for k, msg := range te {
				y, _ := strings.CutPrefix(k, "target-")
				n, _ := strconv.Atoi(y)
				errs.add(TargetField(i, j, n, "valore"), msg)
			}
			for _, t := range oldIn.Targets { // a target read as text only has no row value: it stays while its row is empty
				if t.Value == nil && !slices.ContainsFunc(in.Targets, func(x plan.Target) bool { return x.Year == t.Year }) &&
					slices.ContainsFunc(rf.Targets, func(r TargetForm) bool {
						return r.Year == t.Year && r.Operator == "" && strings.TrimSpace(r.Value) == ""
					}) {
					in.Targets = append(in.Targets, t)
				}
			}
			slices.SortFunc(in.Targets, func(a, b plan.Target) int { return a.Year - b.Year })
			be := Errors{}
			in.Baselines = baselines(be, rf.Baselines)
			for k, msg := range be {
				s, _ := strings.CutPrefix(k, "baseline-")
				n, _ := strconv.Atoi(s)
				errs.add(BaselineField(i, j, n, "valore"), msg)
			}
			for b := range in.Baselines {
				for _, ob := range oldIn.Baselines {
					if ob.Year == in.Baselines[b].Year {
						in.Baselines[b].Footnote = ob.Footnote
					}
				}
			}
		}
	}
	if len(errs) > 0 {
		return Renames{}, errs
	}
	renameRefs(&c, rn)
	*d = c
	return rn, errs
}

// renameRefs makes the references to renamed objectives and indicators follow.
func renameRefs(d *plan.Document, rn Renames) {
	if len(rn.Objectives) == 0 {
		return
	}
	obj := func(s string) string {
		if n, ok := rn.Objectives[s]; ok {
			return n
		}
		return s
	}
	ind := func(s string) string {
		if n, ok := rn.Indicators[s]; ok {
			return n
		}
		return s
	}
	for i := range d.Objectives {
		for j := range d.Objectives[i].Indicators {
			if dv := d.Objectives[i].Indicators[j].Derived; dv != nil {
				c := *dv
				c.Objectives = slices.Clone(dv.Objectives)
				c.Indicators = slices.Clone(dv.Indicators)
				for k := range c.Objectives {
					c.Objectives[k] = obj(c.Objectives[k])
				}
				for k := range c.Indicators {
					c.Indicators[k] = ind(c.Indicators[k])
				}
				d.Objectives[i].Indicators[j].Derived = &c
			}
		}
	}
	for i := range d.Individual {
		d.Individual[i].Objective = obj(d.Individual[i].Objective)
		for k := range d.Individual[i].Indicators {
			d.Individual[i].Indicators[k].Indicator = ind(d.Individual[i].Indicators[k].Indicator)
		}
	}
	for i := range d.Notes {
		d.Notes[i].Objective = obj(d.Notes[i].Objective)
		d.Notes[i].Indicator = ind(d.Notes[i].Indicator)
	}
}
