package piaoparse

import (
	"fmt"
	"strings"

	"github.com/piao-performance/piao/internal/plan"
)

// Render writes a plan as the text a published PIAO's performance section
// extracts to: the headings, objective sheets and KPI tables of the usual
// skeleton, cells separated by tabs. Parse(Render(doc)) gives doc's structure
// back; tests and benchmarks use it to make documents of any size.
func Render(doc *plan.Document) string {
	var b strings.Builder
	w := func(cells ...string) { b.WriteString(strings.Join(cells, "\t")); b.WriteByte('\n') }
	blank := func() { b.WriteByte('\n') }
	title := doc.Plan.Title
	if title == "" {
		title = "PIANO INTEGRATO DI ATTIVITÀ E ORGANIZZAZIONE"
	}
	w(title)
	blank()
	w("4.3 VALORE PUBBLICO, PERFORMANCE E ANTICORRUZIONE")
	blank()
	w("Obiettivi strategici")
	blank()
	areaTitle := map[int]string{}
	for _, a := range doc.Areas {
		areaTitle[a.Number] = a.Title
	}
	byCode := map[string]*plan.Objective{}
	for i := range doc.Objectives {
		byCode[doc.Objectives[i].Code] = &doc.Objectives[i]
	}
	area := -1
	for _, o := range doc.Objectives {
		if o.Kind != plan.KindStrategic && o.Kind != plan.KindCommon {
			continue
		}
		if o.Area != area {
			area = o.Area
			w(fmt.Sprintf("AMBITO STRATEGICO %d: %s", area, areaTitle[area]))
			blank()
		}
		if o.Kind == plan.KindCommon {
			w("Obiettivi Comuni")
			blank()
			w("Obiettivo Comuni "+strings.TrimPrefix(o.Code, "C."), o.Title)
		} else {
			w("Obiettivo strategico "+o.Code, o.Title)
		}
		renderFields(w, o)
		renderTable(w, o, true)
		blank()
	}
	w("4.3.2 Performance operativa")
	blank()
	area = -1
	group := ""
	org := false
	for _, o := range doc.Objectives {
		switch o.Kind {
		case plan.KindStrategic, plan.KindCommon:
			continue
		case plan.KindOperational:
			if o.Area != area {
				area = o.Area
				w(fmt.Sprintf("AMBITO STRATEGICO %d: %s", area, areaTitle[area]))
				blank()
			}
		case plan.KindOrganisational:
			if !org {
				org = true
				w("Obiettivi operativi di performance organizzativa")
				blank()
			}
		}
		if o.Group != "" && o.Group != group {
			group = o.Group
			w(group)
			blank()
		}
		label := o.CodeText
		if label == "" {
			label = o.Code
		}
		w(label)
		blank()
		if o.Parent != "" {
			pt := ""
			if p := byCode[o.Parent]; p != nil {
				pt = p.Title
			}
			w("Obiettivo strategico "+o.Parent, pt)
		}
		w("Obiettivo operativo", o.Title)
		renderFields(w, o)
		renderTable(w, o, true)
		blank()
	}
	w("4.3.4 Performance individuale")
	blank()
	role := ""
	titles := map[string]string{}
	for _, r := range doc.Roles {
		titles[r.Key] = r.Title
	}
	group = ""
	for _, in := range doc.Individual {
		if in.Role != role {
			role = in.Role
			t := titles[role]
			if t == "" {
				t = role
			}
			w("Obiettivi " + t)
			blank()
			group = ""
		}
		if in.Group != group {
			group = in.Group
			w(group)
			blank()
		}
		w(in.Code)
		blank()
		w("Obiettivo individuale", in.Title)
		year := doc.Plan.StartYear
		w("Indicatore", "Algoritmo", fmt.Sprintf("Target %d", year))
		for _, ii := range in.Indicators {
			w(ii.Name, ii.Algorithm, ii.TargetText)
		}
		blank()
	}
	return b.String()
}

func renderFields(w func(...string), o plan.Objective) {
	field := func(label, v string) {
		if v != "" {
			w(label, v)
		}
	}
	field("Descrizione", o.Description)
	field("Programma (D.M. 27/03/2013)", o.Programme)
	if o.Kind == plan.KindStrategic || o.Kind == plan.KindCommon {
		field("A chi è rivolto (stakeholders)", o.Stakeholders)
		return
	}
	field("Dirigente Responsabile", o.OwnerText)
	field("Stakeholder", o.Stakeholders)
	field("Unità organizzative coinvolte", o.UnitsText)
	field("Soggetti esterni coinvolti", o.ExternalParties)
	field("Risorse economiche", o.Resources)
}

// renderTable writes the KPI table: one column per baseline year and per
// target year of the objective's indicators.
func renderTable(w func(...string), o plan.Objective, source bool) {
	var byears, tyears []int
	seen := map[int]bool{}
	tseen := map[int]bool{}
	for _, ind := range o.Indicators {
		for _, bl := range ind.Baselines {
			if !seen[bl.Year] {
				seen[bl.Year] = true
				byears = append(byears, bl.Year)
			}
		}
		for _, t := range ind.Targets {
			if !tseen[t.Year] {
				tseen[t.Year] = true
				tyears = append(tyears, t.Year)
			}
		}
	}
	head := []string{"Indicatore", "Algoritmo"}
	if source {
		head = append(head, "Fonte")
	}
	years := []string{}
	for range head {
		years = append(years, "")
	}
	for _, y := range byears {
		head = append(head, "Baseline")
		years = append(years, fmt.Sprintf("Anno %d", y))
	}
	for i, y := range tyears {
		if i == 0 {
			head = append(head, "Target")
		} else {
			head = append(head, "")
		}
		years = append(years, fmt.Sprintf("Anno %d", y))
	}
	w(head...)
	w(years...)
	for _, ind := range o.Indicators {
		name := ind.Name
		if ind.CodeText != "" {
			name = ind.CodeText + " " + name
		}
		row := []string{name, ind.Algorithm}
		if source {
			row = append(row, ind.Source)
		}
		for _, y := range byears {
			v := ""
			for _, bl := range ind.Baselines {
				if bl.Year == y {
					v = bl.Text
				}
			}
			row = append(row, v)
		}
		for _, y := range tyears {
			v := ""
			for _, t := range ind.Targets {
				if t.Year == y {
					v = t.Text
				}
			}
			row = append(row, v)
		}
		w(row...)
	}
	if o.Footnote != "" {
		w("")
		w(o.Footnote)
	}
}
