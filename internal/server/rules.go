package server

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/piao-performance/piao/internal/itfmt"
	"github.com/piao-performance/piao/internal/scoring"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/templates"
)

// rulesPage shows and changes the plan's scoring rules (the method of the
// performance measurement system): administrators.
func (s *Server) rulesPage(w http.ResponseWriter, r *http.Request) {
	h, err := s.store.PlanHeader(r.Context(), param(r, "ente"), param(r, "plan"))
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	cur, version, err := s.store.VersionedRules(r.Context(), h.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d := templates.RulesData{Plan: h, Form: templates.RulesFormOf(cur, version), Errors: map[string]string{}}
	if r.URL.Query().Get("esito") == "salvato" {
		d.Message = "Regole salvate: valgono per tutti i punteggi del piano."
	}
	if r.Method != http.MethodPost {
		s.render(w, r, http.StatusOK, templates.RulesPage(d))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		s.errorPage(w, r, http.StatusBadRequest, "Richiesta non valida", "Il modulo inviato non è leggibile o è troppo grande.")
		return
	}
	p := r.PostForm
	d.Form = templates.RulesForm{Cap: p.Get("tetto"), Min: p.Get("soglia"), LTE: p.Get("regola-lte"), Objective: p.Get("regola-obiettivo"),
		Full: p.Get("raggiunto"), Partial: p.Get("parziale"), Results: p.Get("risultati"), Behaviour: p.Get("comportamenti"), Bands: p.Get("fasce"),
		Version: -1} // a form without a valid version is stale by definition
	if v, err := strconv.Atoi(p.Get("versione")); err == nil && v > 0 {
		d.Form.Version = v
	}
	rules, errs := parseRules(d.Form)
	if len(errs) > 0 {
		d.Errors = errs
		s.render(w, r, http.StatusUnprocessableEntity, templates.RulesPage(d))
		return
	}
	err = s.store.SetScoringRules(r.Context(), h, rules, d.Form.Version, actor(r))
	var conflict *store.RulesConflictError
	switch {
	case errors.As(err, &conflict):
		now := templates.RulesFormOf(conflict.Current, conflict.Version)
		d.Conflict = &now
		d.Form.Version = conflict.Version // saving again replaces them, knowingly
		s.render(w, r, http.StatusConflict, templates.RulesPage(d))
		return
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, string(templates.PlanURL(h.EnteSlug, h.Slug))+"/regole?esito=salvato", http.StatusSeeOther)
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
		if !ok || msg != "" || label == "" || len(label) > 60 || !validText(label) {
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
