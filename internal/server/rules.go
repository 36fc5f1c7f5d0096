package server

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/piao-performance/piao/internal/itfmt"
	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/scoring"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/templates"
)

// rulesPage shows the versions of the plan's scoring rules (the method of
// the performance measurement system) and adds one from a chosen year
// onwards: administrators.
func (s *Server) rulesPage(w http.ResponseWriter, r *http.Request) error {
	h := planFrom(r)
	d, err := s.rulesData(r, h)
	if err != nil {
		return err
	}
	if r.URL.Query().Get("esito") == "salvato" {
		d.Message = "Nuova versione delle regole salvata: vale dall'anno scelto in poi; gli anni precedenti restano con le regole di prima."
	}
	if r.Method != http.MethodPost {
		return s.page(w, r, http.StatusOK, templates.RulesPage(d))
	}
	if err := readForm(w, r, maxSmallForm); err != nil {
		return err
	}
	p := r.PostForm
	d.Form = templates.RulesForm{Cap: p.Get("tetto"), Min: p.Get("soglia"), LTE: p.Get("regola-lte"), Objective: p.Get("regola-obiettivo"),
		Full: p.Get("raggiunto"), Partial: p.Get("parziale"), Results: p.Get("risultati"), Behaviour: p.Get("comportamenti"), Bands: p.Get("fasce"),
		From: strings.TrimSpace(p.Get("dal")), Reason: strings.TrimSpace(p.Get("motivo")),
		Version: -1} // a form without a valid version is stale by definition
	if v, err := strconv.Atoi(p.Get("versione")); err == nil && v > 0 {
		d.Form.Version = v
	}
	rules, errs := parseRules(d.Form)
	from, ferr := strconv.Atoi(d.Form.From)
	switch {
	case d.Form.From == "":
		errs["dal"] = "Scegli l'anno da cui valgono le nuove regole."
	case ferr != nil || from < 2000 || from > 2100:
		errs["dal"] = "Scegli uno degli anni proposti."
	}
	if len(d.Form.Reason) > 2000 || !itfmt.ValidText(d.Form.Reason) {
		errs["motivo"] = "Scrivi il motivo in al massimo 2.000 caratteri, senza caratteri di controllo."
	}
	if len(errs) == 0 {
		err = s.store.SetScoringRules(r.Context(), h, rules, from, d.Form.Reason, d.Form.Version, actor(r))
		var conflict *store.RulesConflictError
		var yearErr *store.RulesYearError
		switch {
		case errors.As(err, &conflict):
			now := templates.RulesFormOf(conflict.Current, conflict.Version)
			d.Conflict = &now
			d.Form.Version = conflict.Version // saving again adds them, knowingly
			return s.page(w, r, http.StatusConflict, templates.RulesPage(d))
		case errors.As(err, &yearErr):
			errs["dal"] = rulesYearMessage(yearErr)
		case err != nil:
			return err
		}
	}
	if len(errs) > 0 {
		d.Errors = errs
		return s.page(w, r, http.StatusUnprocessableEntity, templates.RulesPage(d))
	}
	http.Redirect(w, r, string(templates.RulesURL(h.EnteSlug, h.Slug))+"?esito=salvato", http.StatusSeeOther)
	return nil
}

// rulesData reads the versions of the rules, the one in force for each plan
// year and the years a change may apply from; the form starts from the rules
// of the latest version, from the first year it may apply from.
func (s *Server) rulesData(r *http.Request, h model.PlanHeader) (templates.RulesData, error) {
	d := templates.RulesData{Plan: h, Errors: map[string]string{}}
	versions, form, err := s.store.RuleVersions(r.Context(), h.ID)
	if err != nil {
		return d, err
	}
	validated, err := s.store.LatestValidatedYear(r.Context(), h.ID)
	if err != nil {
		return d, err
	}
	frozen, err := s.store.FrozenYears(r.Context(), h.ID)
	if err != nil {
		return d, err
	}
	d.Versions, d.Validated = versions, validated
	d.FromYears = store.RulesFromYears(h, validated)
	for y := h.StartYear; y <= h.EndYear; y++ {
		v, _ := store.RulesForYear(versions, y)
		d.Years = append(d.Years, templates.RulesYear{Year: y, Version: v, Validated: frozen[y]})
	}
	latest := scoring.DefaultRules()
	if len(versions) > 0 {
		latest = versions[len(versions)-1].Rules
	}
	d.Form = templates.RulesFormOf(latest, form)
	if len(d.FromYears) > 0 {
		d.Form.From = strconv.Itoa(d.FromYears[0])
	}
	return d, nil
}

// rulesYearMessage says, in Italian, why the rules cannot change from a year.
func rulesYearMessage(e *store.RulesYearError) string {
	if e.Validated >= e.Year && e.Year > 0 {
		if e.Frozen {
			return "Il " + strconv.Itoa(e.Year) + " ha la Relazione validata: le regole di quell'anno non si possono cambiare."
		}
		return "Il " + strconv.Itoa(e.Validated) + " ha la Relazione validata: le regole possono cambiare solo dal " +
			strconv.Itoa(e.Validated+1) + " in poi, altrimenti cambierebbero anche quell'anno."
	}
	if len(e.Allowed) == 0 {
		return "Tutti gli anni del piano hanno la Relazione validata: le regole non si possono cambiare."
	}
	return "Scegli un anno dal " + strconv.Itoa(e.Allowed[0]) + " al " + strconv.Itoa(e.Allowed[len(e.Allowed)-1]) + "."
}

// parseRules reads the rules form with a message in Italian by field.
func parseRules(f templates.RulesForm) (scoring.Rules, map[string]string) {
	errs := map[string]string{}
	num := func(field, v string, lo, hi float64) float64 {
		x, msg := itfmt.ParseNumber(v)
		if msg != "" || x < lo || x > hi {
			errs[field] = "Scrivi un numero da " + itfmt.Number(lo, 2) + " a " + itfmt.Number(hi, 2) + "."
		}
		return x
	}
	r := scoring.Rules{Cap: num("tetto", f.Cap, 100, 1000), MinThreshold: num("soglia", f.Min, 0, 99.99),
		FullBand: num("raggiunto", f.Full, 0.01, 1000), PartialBand: num("parziale", f.Partial, 0.01, 1000),
		ResultsShare: num("risultati", f.Results, 0, 100), BehaviourShare: num("comportamenti", f.Behaviour, 0, 100),
		LTERule: f.LTE, ObjectiveRule: f.Objective}
	if r.LTERule != scoring.LTERatio && r.LTERule != scoring.LTELinear {
		errs["regola-lte"] = "Scegli la regola per i target «al massimo»."
	}
	if r.ObjectiveRule != scoring.WeightedMean && r.ObjectiveRule != scoring.AllTargetsMet {
		errs["regola-obiettivo"] = "Scegli come si calcola un obiettivo."
	}
	if errs["raggiunto"] == "" && errs["parziale"] == "" && errs["tetto"] == "" && !(r.PartialBand <= r.FullBand && r.FullBand <= r.Cap) {
		errs["parziale"] = "Deve valere: parzialmente raggiunto ≤ raggiunto ≤ tetto."
	}
	if errs["risultati"] == "" && errs["comportamenti"] == "" && r.ResultsShare+r.BehaviourShare != 100 {
		errs["comportamenti"] = "Risultati e comportamenti devono sommare 100."
	}
	for _, part := range strings.Split(f.Bands, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		n, label, ok := strings.Cut(part, " ")
		v, msg := itfmt.ParseNumber(n)
		label = strings.TrimSpace(label)
		if !ok || msg != "" || label == "" || len(label) > 60 || !itfmt.ValidText(label) {
			errs["fasce"] = "Scrivi le fasce come «90 Eccellente; 75 Buono; 60 Adeguato; 0 Non adeguato»."
			break
		}
		r.IndividualBands = append(r.IndividualBands, scoring.Band{Min: v, Label: label})
	}
	if len(errs) == 0 {
		if err := r.Validate(); err != nil {
			errs["fasce"] = "Le fasce vanno dalla soglia più alta alla più bassa, senza ripetizioni (" + strconv.Quote(err.Error()) + ")."
		}
	}
	return r, errs
}
