package planedit

import (
	"slices"
	"strings"

	"github.com/piao-performance/piao/internal/itfmt"
	"github.com/piao-performance/piao/internal/plan"
)

// IndividualForm is an individual objective as typed: the role's own code
// and title, the plan objective it repeats and its weight.
type IndividualForm struct {
	Code, Title, Objective, Weight string
}

// AddIndividual assigns an objective of the plan to a role: the individual
// objective repeats it with all its indicators, so one measurement feeds both.
func AddIndividual(d *plan.Document, role string, f IndividualForm) Errors {
	errs := Errors{}
	if !slices.ContainsFunc(d.Roles, func(r plan.Role) bool { return r.Key == role }) {
		return Errors{"": "Ruolo " + role + " sconosciuto."}
	}
	iv := plan.Individual{Role: role, Code: text(errs, "codice", f.Code, 40, true), Title: text(errs, "titolo", f.Title, 500, true),
		Objective: strings.TrimSpace(f.Objective)}
	oi := slices.IndexFunc(d.Objectives, func(o plan.Objective) bool { return o.Code == iv.Objective })
	if oi < 0 {
		errs.add("obiettivo", "Scegli l'obiettivo del piano che l'obiettivo individuale riprende.")
	}
	if slices.ContainsFunc(d.Individual, func(x plan.Individual) bool { return x.Role == role && x.Code == iv.Code }) {
		errs.add("codice", "Il ruolo ha già un obiettivo individuale con questo codice.")
	}
	if strings.TrimSpace(f.Weight) != "" {
		v, msg := itfmt.ParseNumber(f.Weight)
		if msg != "" || v <= 0 || v > 1000 {
			errs.add("peso", "Il peso è un numero positivo (fino a 1.000); vuoto per pesi uguali.")
		}
		iv.Weight = &v
	}
	if len(errs) > 0 {
		return errs
	}
	for _, in := range d.Objectives[oi].Indicators {
		t := ""
		for _, x := range in.Targets {
			t += x.Text + " (" + itfmt.Number(float64(x.Year), 0) + ") "
		}
		iv.Indicators = append(iv.Indicators, plan.IndividualIndicator{Indicator: in.Key, Name: in.Name, Algorithm: in.Algorithm,
			TargetText: strings.TrimSpace(t)})
	}
	saved := clone(d)
	d.Individual = append(d.Individual, iv)
	return check(d, errs, func() { *d = saved })
}

// RemoveIndividual removes the role's individual objective with that code.
func RemoveIndividual(d *plan.Document, role, code string) Errors {
	n := len(d.Individual)
	d.Individual = slices.DeleteFunc(d.Individual, func(x plan.Individual) bool { return x.Role == role && x.Code == code })
	if len(d.Individual) == n {
		return Errors{"": "Obiettivo individuale non trovato."}
	}
	return Errors{}
}
