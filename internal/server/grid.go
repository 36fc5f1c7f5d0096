package server

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/piao-performance/piao/internal/auth"
	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/scorecard"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/internal/workflow"
	"github.com/piao-performance/piao/templates"
)

// gridItems is the user's worklist reduced to what he may enter now.
func (s *Server) gridItems(r *http.Request, h model.PlanHeader, p model.Period) ([]model.WorkItem, error) {
	u := auth.FromContext(r.Context())
	items, err := s.store.Worklist(r.Context(), h, p, u.PositionID)
	if err != nil {
		return nil, err
	}
	var out []model.WorkItem
	for _, it := range items {
		st := it.Entry.Status
		if (st == workflow.ToFill || st == workflow.Draft || st == workflow.Returned) &&
			s.can(r, auth.EnterValue, ownerResource(h, it.Owners)) {
			out = append(out, it)
		}
	}
	return out, nil
}

func entryIndicatorOf(it model.WorkItem) model.EntryIndicator {
	return model.EntryIndicator{ID: it.IndicatorID, Key: it.Key, Name: it.Name, Unit: it.Unit, Formula: it.Formula,
		Scale: it.Scale, Inputs: it.Inputs, ObjectiveCode: it.ObjectiveCode, ObjectiveTitle: it.ObjectiveTitle, Owners: it.Owners}
}

// gridPage shows every indicator the user may enter in one form.
func (s *Server) gridPage(w http.ResponseWriter, r *http.Request) error {
	h, p, _, err := s.planAndPeriod(r)
	if err != nil {
		return err
	}
	if p.Closed() {
		http.Redirect(w, r, string(templates.WorklistURL(h.EnteSlug, h.Slug))+"?periodo="+scorecard.Ref(p), http.StatusSeeOther)
		return nil
	}
	items, err := s.gridItems(r, h, p)
	if err != nil {
		return err
	}
	d := templates.GridData{Plan: h, Period: p}
	for i, it := range items {
		d.Rows = append(d.Rows, templates.GridRow{Item: it, Form: formOf(entryIndicatorOf(it), it.Entry), Index: i})
		d.CanSubmit = d.CanSubmit || s.can(r, auth.SubmitValue, ownerResource(h, it.Owners))
	}
	kept, err := s.takeExpiredForm(r)
	if err != nil {
		return err
	}
	if kept != nil { // typed before the session expired: back in the grid, not saved
		byKey := map[string]int{}
		for i, it := range items {
			byKey[it.Key] = i
		}
		for n := range items {
			prefix := "r" + strconv.Itoa(n) + "."
			i, ok := byKey[kept.Get(prefix+"chiave")]
			if !ok {
				continue
			}
			get := func(f string) string { return kept.Get(prefix + f) }
			if rowTouched(get, d.Rows[i].Form) {
				form, _ := decodeEntry(entryIndicatorOf(items[i]), get, func(f string) bool { _, ok := kept[prefix+f]; return ok })
				d.Rows[i].Form = form
			}
		}
		d.Restored = restoredNotice
	}
	return s.page(w, r, http.StatusOK, templates.GridPage(d))
}

// saveGrid saves every filled or changed row in one transaction: with any
// error, nothing is saved and the grid comes back with what was typed.
func (s *Server) saveGrid(w http.ResponseWriter, r *http.Request) error {
	h, p, _, err := s.planAndPeriod(r)
	if err != nil {
		return err
	}
	if err := readForm(w, r, maxGridBody); err != nil {
		return err
	}
	items, err := s.gridItems(r, h, p)
	if err != nil {
		return err
	}
	byKey := map[string]int{}
	for i, it := range items {
		byKey[it.Key] = i
	}
	action := r.PostForm.Get("azione")
	submit := action == "invia" || action == "invia-confermato"
	d := templates.GridData{Plan: h, Period: p}
	rows := make([]templates.GridRow, len(items))
	for i, it := range items {
		rows[i] = templates.GridRow{Item: it, Form: formOf(entryIndicatorOf(it), it.Entry), Index: i}
		d.CanSubmit = d.CanSubmit || s.can(r, auth.SubmitValue, ownerResource(h, it.Owners))
	}
	var inputs []store.EntryInput
	var rowOf []int
	bad := false
	// rows are posted as r<n>.<field>, n < len(items); a client may send only some
	for n := range items {
		prefix := "r" + strconv.Itoa(n) + "."
		key := r.PostForm.Get(prefix + "chiave")
		if key == "" {
			continue
		}
		i, ok := byKey[key]
		if !ok {
			d.Message = "Il modulo contiene un indicatore che non puoi inserire in questo periodo: ricarica la pagina."
			bad = true
			continue
		}
		get := func(f string) string { return r.PostForm.Get(prefix + f) }
		if !rowTouched(get, rows[i].Form) {
			if submit && sendable(items[i]) && s.can(r, auth.SubmitValue, ownerResource(h, items[i].Owners)) {
				// "Salva e invia tutto" sends the drafts already saved, as they are
				in := storedInput(items[i], p)
				if v, err := strconv.Atoi(get("versione")); err == nil {
					in.Version = v // the version the page showed: a change since then is a conflict
				}
				inputs = append(inputs, in)
				rowOf = append(rowOf, i)
				d.Drafts++
			}
			continue
		}
		ind := entryIndicatorOf(items[i])
		form, in := decodeEntry(ind, get, func(f string) bool { _, ok := r.PostForm[prefix+f]; return ok })
		rows[i].Form = form
		if len(form.Errors) > 0 {
			bad = true
			continue
		}
		in.Period = p
		in.Submit = submit && s.can(r, auth.SubmitValue, ownerResource(h, items[i].Owners))
		inputs = append(inputs, in)
		rowOf = append(rowOf, i)
	}
	d.Rows = rows
	if bad {
		if d.Message == "" {
			d.Message = "Alcune righe hanno errori, segnalati accanto ai campi: nessuna riga è stata salvata."
		}
		return s.page(w, r, http.StatusUnprocessableEntity, templates.GridPage(d))
	}
	if len(inputs) == 0 {
		d.Message = "Nessuna riga compilata o modificata: nulla da salvare."
		return s.page(w, r, http.StatusUnprocessableEntity, templates.GridPage(d))
	}
	sent := 0
	for _, in := range inputs {
		if in.Submit {
			sent++
		}
	}
	if action == "invia" {
		// say what will be sent before sending it: the rows typed now and the drafts saved before
		d.Confirm = &templates.GridConfirm{Typed: len(inputs) - d.Drafts, Drafts: d.Drafts, Sent: sent}
		return s.page(w, r, http.StatusOK, templates.GridPage(d))
	}
	_, errs, err := s.store.SaveEntries(r.Context(), h, inputs, *auth.FromContext(r.Context()))
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		for k, e := range errs {
			msg, ok := entryErrorText(e)
			if !ok {
				return e
			}
			var conflict *store.ConflictError
			if errors.As(e, &conflict) {
				msg = "modificata da " + conflict.Current.Author + " nel frattempo (valore attuale: " +
					templates.EntryValueText(&conflict.Current, items[rowOf[k]].Formula, items[rowOf[k]].Unit, items[rowOf[k]].Scale) +
					"): ricontrolla e salva di nuovo"
				rows[rowOf[k]].Form.Version = conflict.Current.Version
			}
			rows[rowOf[k]].Form.Message = msg
		}
		d.Message = "Alcune righe non si possono salvare, come indicato: nessuna riga è stata salvata."
		return s.page(w, r, http.StatusConflict, templates.GridPage(d))
	}
	http.Redirect(w, r, string(templates.WorklistURL(h.EnteSlug, h.Slug))+"?periodo="+scorecard.Ref(p)+
		"&salvate="+strconv.Itoa(len(inputs))+"&inviate="+strconv.Itoa(sent), http.StatusSeeOther)
	return nil
}

// sendable reports whether a grid row holds a saved draft that can be sent as it is.
func sendable(it model.WorkItem) bool {
	st := it.Entry.Status
	return it.Entry.Version > 0 && (st == workflow.Draft || st == workflow.Returned)
}

// storedInput is a saved draft as a save that sends it unchanged (the note is kept).
func storedInput(it model.WorkItem, p model.Period) store.EntryInput {
	e := it.Entry
	return store.EntryInput{Indicator: entryIndicatorOf(it), Period: p, Value: e.Value, Inputs: e.Inputs,
		NotApplicable: e.NotApplicable, Reason: e.Reason, Version: e.Version, Submit: true}
}

// rowTouched reports whether a grid row was filled or changed: untouched rows
// are not saved again (their version would change for nothing).
func rowTouched(get func(string) string, stored templates.EntryForm) bool {
	if (get("na") == "1") != stored.NA || strings.TrimSpace(get("motivo")) != stored.Reason {
		return true
	}
	for _, f := range []string{"valore", "in_numerator", "in_denominator", "in_value", "in_benchmark", "in_current", "in_previous"} {
		if strings.TrimSpace(get(f)) != stored.Values[f] {
			return true
		}
	}
	return false
}
