package templates

import (
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/plan"
	"github.com/piao-performance/piao/internal/planedit"
)

// ImportReviewData is the review of a published PIAO read in the editor:
// the document as read (Import.Doc: its structure names the fields), the
// form as shown or typed, and the draft the review will become.
type ImportReviewData struct {
	Plan         model.PlanHeader
	Import       model.PlanImport
	Form         planedit.ReviewForm
	Errors       map[string]string
	Message      string // a success, announced
	Alert        string // a conflict or a refusal of the whole document
	DraftVersion int    // the open draft's version; 0 when none is open
}

// reviewCells are the parser's uncertain cells placed on the review form:
// by field name (or objective block, planedit.ObjectiveField(i, "")), and
// those that belong to no field.
type reviewCells struct {
	byField map[string][]model.ImportProblem
	general []model.ImportProblem
}

func (c reviewCells) at(field string) []model.ImportProblem { return c.byField[field] }

// count is the number of uncertain cells of the i-th objective, its
// indicators included.
func (c reviewCells) count(i int) int {
	n := 0
	prefix := planedit.ObjectiveField(i, "")
	for f, ps := range c.byField {
		if f == prefix || strings.HasPrefix(f, prefix+"-") {
			n += len(ps)
		}
	}
	return n
}

// reviewCellsOf places each problem on the field it is about: a baseline or
// a target by its published text, a wrong parent on the parent, a code read
// with a typo or repeated on the code, an area that contradicts the section
// on the area; other problems of an objective go to its block, and those of
// no objective to the list at the top.
func reviewCellsOf(imp model.PlanImport) reviewCells {
	c := reviewCells{byField: map[string][]model.ImportProblem{}}
	d := imp.Doc
	for _, p := range imp.Problems {
		field := problemField(d, p)
		if field == "" {
			c.general = append(c.general, p)
			continue
		}
		c.byField[field] = append(c.byField[field], p)
	}
	return c
}

func problemField(d *plan.Document, p model.ImportProblem) string {
	if d == nil || p.Objective == "" {
		return ""
	}
	for i, o := range d.Objectives {
		if o.Code != p.Objective {
			continue
		}
		if p.Indicator != "" {
			for j, in := range o.Indicators {
				if in.Key != p.Indicator {
					continue
				}
				switch p.Kind {
				case "text_baseline":
					for k, b := range in.Baselines {
						if strings.TrimSpace(b.Text) == strings.TrimSpace(p.Text) {
							return planedit.BaselineField(i, j, k, "valore")
						}
					}
				case "bare_number_target":
					for _, t := range in.Targets {
						if strings.TrimSpace(t.Text) == strings.TrimSpace(p.Text) {
							return planedit.TargetField(i, j, t.Year, "valore")
						}
					}
				}
				return planedit.IndicatorField(i, j, "nome")
			}
		}
		switch p.Kind {
		case "wrong_parent":
			return planedit.ObjectiveField(i, "padre")
		case "typo", "repeated_code":
			return planedit.ObjectiveField(i, "codice")
		case "inconsistency":
			return planedit.ObjectiveField(i, "ambito")
		}
		return planedit.ObjectiveField(i, "")
	}
	return ""
}

// reviewLabels names every field of the review form for the error summary.
func reviewLabels(d *plan.Document) map[string]string {
	out := map[string]string{}
	if d == nil {
		return out
	}
	for i, a := range d.Areas {
		n := "Ambito " + strconv.Itoa(a.Number)
		out[planedit.AreaField(i, "numero")] = n + ": numero"
		out[planedit.AreaField(i, "titolo")] = n + ": titolo"
	}
	for i, o := range d.Objectives {
		n := "Obiettivo " + o.Code
		for _, f := range [][2]string{{"codice", "codice"}, {"tipo", "tipo"}, {"ambito", "ambito"}, {"padre", "obiettivo padre"}, {"titolo", "titolo"}} {
			out[planedit.ObjectiveField(i, f[0])] = n + ": " + f[1]
		}
		for j, in := range o.Indicators {
			m := "Indicatore " + in.Key
			for _, f := range [][2]string{{"nome", "nome"}, {"algoritmo", "algoritmo"}, {"fonte", "fonte"}, {"unita", "unità di misura"}} {
				out[planedit.IndicatorField(i, j, f[0])] = m + ": " + f[1]
			}
			for k := 0; k <= len(in.Baselines); k++ {
				out[planedit.BaselineField(i, j, k, "valore")] = m + ": baseline"
			}
			for y := d.Plan.StartYear; y <= d.Plan.EndYear; y++ {
				out[planedit.TargetField(i, j, y, "valore")] = m + ": target " + strconv.Itoa(y)
			}
		}
	}
	return out
}

// reviewErrors lists the review's errors in the form's order, each linked to its field.
func reviewErrors(d ImportReviewData) []FieldError {
	labels := reviewLabels(d.Import.Doc)
	var refs []fieldRef
	doc := d.Import.Doc
	if doc != nil {
		for i := range doc.Areas {
			for _, f := range []string{"numero", "titolo"} {
				k := planedit.AreaField(i, f)
				refs = append(refs, fieldRef{k, k, labels[k]})
			}
		}
		for i, o := range doc.Objectives {
			for _, f := range []string{"codice", "tipo", "ambito", "padre", "titolo"} {
				k := planedit.ObjectiveField(i, f)
				refs = append(refs, fieldRef{k, k, labels[k]})
			}
			for j, in := range o.Indicators {
				for _, f := range []string{"nome", "algoritmo", "fonte", "unita"} {
					k := planedit.IndicatorField(i, j, f)
					refs = append(refs, fieldRef{k, k, labels[k]})
				}
				for k := 0; k <= len(in.Baselines); k++ {
					f := planedit.BaselineField(i, j, k, "valore")
					refs = append(refs, fieldRef{f, f, labels[f]})
				}
				for y := doc.Plan.StartYear; y <= doc.Plan.EndYear; y++ {
					f := planedit.TargetField(i, j, y, "valore")
					refs = append(refs, fieldRef{f, f, labels[f]})
				}
			}
		}
	}
	return summarise(d.Errors, refs, nil)
}

// reviewErrorTitle heads the review's error summary.
func reviewErrorTitle(errs map[string]string) string {
	if msg := errs[""]; msg != "" {
		return msg
	}
	if len(errs) > 0 {
		return "Il modulo ha errori: sono indicati accanto ai campi. Nulla è stato salvato."
	}
	return ""
}

// describedByIDs joins the ids of the texts that describe a field: its
// error and the source text of its uncertain cell.
func describedByIDs(ids ...string) templ.Attributes {
	var keep []string
	for _, id := range ids {
		if id != "" {
			keep = append(keep, id)
		}
	}
	if len(keep) == 0 {
		return templ.Attributes{}
	}
	return templ.Attributes{"aria-describedby": strings.Join(keep, " ")}
}

// problemKindLabel says in Italian what kind of uncertainty a cell has.
func problemKindLabel(kind string) string {
	switch kind {
	case "text_baseline":
		return "baseline scritta come testo"
	case "bare_number_target":
		return "target senza operatore"
	case "wrong_parent":
		return "obiettivo padre diverso dal codice"
	case "typo":
		return "refuso nel codice"
	case "repeated_code":
		return "codice ripetuto"
	case "inconsistency":
		return "ambito incoerente"
	case "repeated_year_header":
		return "anno ripetuto nell'intestazione"
	case "ambiguous":
		return "lettura incerta"
	}
	return strings.ToLower(NoteKindLabel(kind)) // the data-quality notes' label, never the code
}

func originID(field string, ps []model.ImportProblem) string {
	if len(ps) > 0 {
		return field + "-origine"
	}
	return ""
}
