package planxlsx

import (
	"strings"

	"github.com/piao-performance/piao/internal/plan"
)

// The rows of each sheet, as cell values in column order: nil for an empty
// cell, string, int or float64.

func planRows(d *plan.Document) []any {
	r := d.Plan.Revision
	return []any{
		d.Ente.Slug, d.Ente.Name, d.Ente.ShortName,
		d.Plan.Slug, d.Plan.Title, d.Plan.StartYear, d.Plan.EndYear,
		r.Label, r.AdoptedOn, r.InForceFrom, r.InForceText, r.ActReference, r.Reason,
		yesNo(r.Reconstructed), d.SourceTitle,
	}
}

func tableRows(d *plan.Document, sheet string) [][]any {
	var rows [][]any
	add := func(cells ...any) { rows = append(rows, cells) }
	switch sheet {
	case sheetUnits:
		for _, u := range d.Units {
			add(u.Key, u.Name, u.Parent)
		}
	case sheetRoles:
		for _, r := range d.Roles {
			add(r.Key, r.Title, r.Unit, yesNo(r.RPCT))
		}
	case sheetAreas:
		for _, a := range d.Areas {
			add(a.Number, a.Title)
		}
	case sheetObjectives:
		for _, o := range d.Objectives {
			add(o.Code, o.CodeText, o.Kind, o.Group, nonZeroInt(o.Area), o.Parent, o.ParentText,
				o.Title, o.Description, o.Programme, o.Stakeholders,
				o.OwnerText, strings.Join(o.Owners, ", "), o.UnitsText, strings.Join(o.Units, ", "),
				o.ExternalParties, o.Resources, o.Footnote, o.SourceLine)
		}
	case sheetIndicators:
		for _, o := range d.Objectives {
			for _, in := range o.Indicators {
				var fn, kinds, objs, inds string
				if dv := in.Derived; dv != nil {
					fn, kinds = dv.Function, strings.Join(dv.Kinds, ", ")
					objs, inds = strings.Join(dv.Objectives, ", "), strings.Join(dv.Indicators, ", ")
				}
				add(o.Code, in.Key, in.Code, in.CodeText, in.Name, in.Algorithm, in.Source,
					in.Unit, in.Polarity, string(in.Formula), nonZero(in.Scale), formatInputs(in.Inputs),
					fn, kinds, objs, inds, yesNo(in.Component), nonZero(in.Weight), yesNo(in.Cumulative), benchmarkText(in.Benchmark), in.Note)
			}
		}
	case sheetBaselines:
		for _, o := range d.Objectives {
			for _, in := range o.Indicators {
				for _, b := range in.Baselines {
					add(in.Key, b.Year, optional(b.Value), b.Text, b.Footnote)
				}
			}
		}
	case sheetTargets:
		for _, o := range d.Objectives {
			for _, in := range o.Indicators {
				for _, t := range in.Targets {
					add(in.Key, t.Year, t.Operator, optional(t.Value), t.Text)
				}
			}
		}
	case sheetIndividual:
		n := occurrences(d.Individual)
		for i, iv := range d.Individual {
			add(iv.Role, iv.Code, n[i], iv.Group, iv.Title, iv.Objective, optional(iv.Weight), iv.SourceLine)
		}
	case sheetIndivInds:
		n := occurrences(d.Individual)
		for i, iv := range d.Individual {
			for _, ii := range iv.Indicators {
				add(iv.Role, iv.Code, n[i], ii.Indicator, ii.Name, ii.Algorithm, ii.TargetText)
			}
		}
	case sheetNotes:
		for _, n := range d.Notes {
			add(n.Kind, n.Objective, n.Indicator, nonZeroInt(n.SourceLine), n.SourceText, n.Interpretation)
		}
	}
	return rows
}

// occurrences numbers the individual objectives that share role and code
// (1, 2, …): the reference plan repeats codes such as "001" within a role, so
// role and code alone do not identify one.
func occurrences(ivs []plan.Individual) []int {
	seen := map[[2]string]int{}
	out := make([]int, len(ivs))
	for i, iv := range ivs {
		k := [2]string{iv.Role, iv.Code}
		seen[k]++
		out[i] = seen[k]
	}
	return out
}

func formatInputs(in []plan.Input) string {
	parts := make([]string, len(in))
	for i, p := range in {
		parts[i] = p.Key + "=" + p.Label
	}
	return strings.Join(parts, "; ")
}

func yesNo(b bool) string {
	if b {
		return "sì"
	}
	return "no"
}

// nonZero leaves the cell empty for 0, which the document uses for "not set".
func nonZero(v float64) any {
	if v == 0 {
		return nil
	}
	return v
}

func nonZeroInt(v int) any {
	if v == 0 {
		return nil
	}
	return v
}

func optional(v *float64) any {
	if v == nil {
		return nil
	}
	return *v
}

// benchmarkText writes a benchmark reference as ente/piano/indicatore.
func benchmarkText(b *plan.BenchmarkRef) string {
	if b == nil {
		return ""
	}
	return b.Ente + "/" + b.Plan + "/" + b.Indicator
}
