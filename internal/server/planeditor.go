package server

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/piao-performance/piao/internal/auth"
	"github.com/piao-performance/piao/internal/itfmt"
	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/plan"
	"github.com/piao-performance/piao/internal/planedit"
	"github.com/piao-performance/piao/internal/revision"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/templates"
)

// The plan editor: an administrator opens a revision as a draft, changes it
// with the forms (or a spreadsheet), compares it with the plan in force and
// adopts it in one transaction. Forms post the draft version they were built
// on; a stale one is answered with a conflict, never a silent overwrite.

const maxEditorForm = 256 << 10

func actor(r *http.Request) string { return auth.FromContext(r.Context()).Username }

// editorPage shows the draft (or the form that opens one).
func (s *Server) editorPage(w http.ResponseWriter, r *http.Request) error {
	h := planFrom(r)
	msg := map[string]string{"adottata": "Revisione adottata: il piano in vigore è aggiornato.", "scartata": "Bozza scartata.",
		"salvato": "Modifica salvata nella bozza.", "importato": "Foglio importato nella bozza: controlla le modifiche e adotta la revisione.",
		"letto":     "Bozza creata dal documento rivisto: controlla i punti incerti elencati sotto e le modifiche, poi adotta la revisione.",
		"annullata": "Lettura del documento annullata: la bozza non è cambiata."}[r.URL.Query().Get("esito")]
	return s.renderEditor(w, r, h, http.StatusOK, templates.EditorData{Message: msg})
}

func (s *Server) renderEditor(w http.ResponseWriter, r *http.Request, h model.PlanHeader, status int, d templates.EditorData) error {
	ctx := r.Context()
	d.Plan = h
	draft, err := s.store.DraftOf(ctx, h.ID)
	switch {
	case err == nil:
		d.Draft = &draft
		if d.Diff, err = s.draftDiff(r, h, draft); err != nil {
			return err
		}
	case !errors.Is(err, store.ErrNotFound):
		return err
	}
	if d.Reviews, err = s.store.PendingPlanImports(ctx, h.ID); err != nil {
		return err
	}
	return s.page(w, r, status, templates.EditorPage(d))
}

// draftDiff compares the draft with the revision in force.
func (s *Server) draftDiff(r *http.Request, h model.PlanHeader, d model.Draft) ([]revision.Difference, error) {
	cur, err := s.store.ExportPlan(r.Context(), h.EnteSlug, h.Slug)
	if err != nil {
		return nil, err
	}
	return revision.Diff(revision.FromDocument(cur), revision.FromDocument(d.Doc), nil), nil
}

// startDraft opens a revision. It carries no version: it only creates, and a
// stale "Avvia" while a draft is open gets 409 (ErrDraftExists), never a
// replaced draft.
func (s *Server) startDraft(w http.ResponseWriter, r *http.Request) error {
	h, err := s.editorForm(w, r)
	if err != nil {
		return err
	}
	f := templates.DraftForm{Label: r.PostForm.Get("etichetta"), InForce: r.PostForm.Get("vigore"), Adopted: r.PostForm.Get("adozione"),
		Act: r.PostForm.Get("atto"), Reason: r.PostForm.Get("motivo"), Errors: map[string]string{}}
	d := model.Draft{Label: limited(f.Errors, "etichetta", f.Label, 200, true), ActReference: limited(f.Errors, "atto", f.Act, 200, false),
		Reason: limited(f.Errors, "motivo", f.Reason, 2000, true)}
	if d.InForceFrom, err = time.Parse("02/01/2006", strings.TrimSpace(f.InForce)); err != nil ||
		d.InForceFrom.Year() < h.StartYear || d.InForceFrom.Year() > h.EndYear {
		f.Errors["vigore"] = "Scrivi la data come gg/mm/aaaa, dentro gli anni del piano."
	}
	if strings.TrimSpace(f.Adopted) != "" {
		t, err := time.Parse("02/01/2006", strings.TrimSpace(f.Adopted))
		if err != nil {
			f.Errors["adozione"] = "Scrivi la data come gg/mm/aaaa."
		}
		d.AdoptedOn = &t
	}
	if len(f.Errors) > 0 {
		return s.renderEditor(w, r, h, http.StatusUnprocessableEntity, templates.EditorData{Start: f})
	}
	err = s.store.StartDraft(r.Context(), h, d, actor(r))
	switch {
	case errors.Is(err, store.ErrDraftExists):
		return s.renderEditor(w, r, h, http.StatusConflict, templates.EditorData{Message: "Una bozza è già aperta per questo piano."})
	case err != nil:
		return err
	default:
		http.Redirect(w, r, string(templates.EditorURL(h.EnteSlug, h.Slug)), http.StatusSeeOther)
	}
	return nil
}

// limited trims a text field and records an Italian message when it is
// missing, too long or not valid UTF-8.
func limited(errs map[string]string, field, v string, max int, required bool) string {
	v = strings.TrimSpace(v)
	switch {
	case !itfmt.ValidText(v):
		errs[field] = "Il testo contiene caratteri non validi."
	case required && v == "":
		errs[field] = "Campo obbligatorio."
	case utf8.RuneCountInString(v) > max:
		errs[field] = "Al massimo " + strconv.Itoa(max) + " caratteri."
	}
	return v
}

// editorForm reads the plan and a small form body.
func (s *Server) editorForm(w http.ResponseWriter, r *http.Request) (model.PlanHeader, error) {
	return planFrom(r), readForm(w, r, maxEditorForm)
}

// draftForm reads the plan, the form and the draft it was built on.
func (s *Server) draftForm(w http.ResponseWriter, r *http.Request) (model.PlanHeader, model.Draft, error) {
	h, err := s.editorForm(w, r)
	if err != nil {
		return h, model.Draft{}, err
	}
	for _, vs := range r.PostForm { // the editor's checks (package planedit) accept NUL, the draft's jsonb does not
		for _, v := range vs {
			if strings.ContainsRune(v, 0) {
				return h, model.Draft{}, badRequest("Il modulo contiene caratteri non ammessi: nulla è stato salvato.")
			}
		}
	}
	d, err := s.store.DraftOf(r.Context(), h.ID)
	if errors.Is(err, store.ErrNotFound) {
		return h, d, written(s.renderEditor(w, r, h, http.StatusConflict, templates.EditorData{Message: "Non c'è una bozza aperta: apri una revisione prima di modificare il piano."}))
	}
	if err != nil {
		return h, d, err
	}
	if r.Method == http.MethodPost && r.PostForm.Get("versione") != strconv.Itoa(d.Version) {
		return h, d, written(s.renderEditor(w, r, h, http.StatusConflict, templates.EditorData{Message: "La bozza è cambiata nel frattempo (un'altra scheda o un'altra persona): la modifica non è stata salvata. Riaprila e ripeti."}))
	}
	return h, d, nil
}

// draftFor reads the plan and its draft for a form page: with the posted
// form and its version check on POST, for reading on GET.
func (s *Server) draftFor(w http.ResponseWriter, r *http.Request) (model.PlanHeader, model.Draft, error) {
	if r.Method == http.MethodPost {
		return s.draftForm(w, r)
	}
	return s.draftForRead(w, r)
}

// draftForRead reads the plan and its draft for a form page (GET).
func (s *Server) draftForRead(w http.ResponseWriter, r *http.Request) (model.PlanHeader, model.Draft, error) {
	h := planFrom(r)
	d, err := s.store.DraftOf(r.Context(), h.ID)
	if errors.Is(err, store.ErrNotFound) {
		http.Redirect(w, r, string(templates.EditorURL(h.EnteSlug, h.Slug)), http.StatusSeeOther)
		return h, d, errWritten
	}
	return h, d, err
}

// saveDraft stores the edited draft and goes back to next.
func (s *Server) saveDraft(w http.ResponseWriter, r *http.Request, h model.PlanHeader, d model.Draft, what map[string]any, next string) error {
	err := s.store.SaveDraft(r.Context(), h, d.Doc, d.Version, what, actor(r))
	switch {
	case errors.Is(err, store.ErrDraftChanged):
		return s.renderEditor(w, r, h, http.StatusConflict, templates.EditorData{Message: "La bozza è cambiata nel frattempo: la modifica non è stata salvata. Riaprila e ripeti."})
	case err != nil:
		return err
	default:
		http.Redirect(w, r, next, http.StatusSeeOther)
	}
	return nil
}

// adoptDraft makes the draft the plan's new revision: the first post (the
// editor's button) shows the confirmation, with the counts and the
// differences above the button; only the confirmation posted from there,
// with its box ticked and the draft version it showed, adopts. A draft
// changed after the confirmation was shown is refused with the fresh diff.
func (s *Server) adoptDraft(w http.ResponseWriter, r *http.Request) error {
	h, d, confirming, err := s.confirmedDraft(w, r)
	if err != nil {
		return err
	}
	if r.PostForm.Get("versione") != strconv.Itoa(d.Version) {
		if confirming {
			return s.renderAdoptConfirm(w, r, h, d, http.StatusConflict, templates.AdoptConfirmData{Stale: staleAfterConfirmation})
		}
		return s.renderEditor(w, r, h, http.StatusConflict, templates.EditorData{Message: draftChangedMessage})
	}
	if r.PostForm.Get("conferma") != "1" {
		msg, status := "", http.StatusOK
		if confirming {
			msg, status = "Per adottare la revisione spunta la conferma.", http.StatusUnprocessableEntity
		}
		return s.renderAdoptConfirm(w, r, h, d, status, templates.AdoptConfirmData{Message: msg})
	}
	_, err = s.store.AdoptDraft(r.Context(), h, d.Version, actor(r))
	var lost *store.ErrHasMeasurements
	var gone *store.ErrTargetRemoved
	var invalid *store.InvalidPlanError
	switch {
	case errors.Is(err, store.ErrDraftChanged): // changed between the check and the adoption
		return s.staleDraft(w, r, h, func(fresh model.Draft) error {
			return s.renderAdoptConfirm(w, r, h, fresh, http.StatusConflict, templates.AdoptConfirmData{Stale: staleAfterConfirmation})
		})
	case errors.Is(err, store.ErrNotFound):
		return s.renderEditor(w, r, h, http.StatusConflict, templates.EditorData{Message: draftChangedMessage})
	case errors.As(err, &lost):
		return s.renderEditor(w, r, h, http.StatusConflict, templates.EditorData{Message: "Revisione non adottata: l'indicatore " + lost.Indicator +
			" (obiettivo " + lost.Objective + ") ha misurazioni registrate: non può essere eliminato (si può modificarne il target o il testo). Nulla è cambiato."})
	case errors.As(err, &gone):
		return s.renderEditor(w, r, h, http.StatusConflict, templates.EditorData{Message: fmt.Sprintf("Revisione non adottata: il target %d dell'indicatore %s "+
			"non può essere eliminato in una revisione: modificalo. Nulla è cambiato.", gone.Year, gone.Indicator)})
	case errors.As(err, &invalid):
		return s.renderEditor(w, r, h, http.StatusUnprocessableEntity, templates.EditorData{Message: "Revisione non adottata: il piano della bozza non è coerente (" + invalid.Err.Error() + "). Nulla è cambiato."})
	case err != nil:
		return err
	default:
		http.Redirect(w, r, string(templates.EditorURL(h.EnteSlug, h.Slug))+"?esito=adottata", http.StatusSeeOther)
	}
	return nil
}

// confirmedDraft reads the plan, the form and the current draft of an
// adoption or discard; confirming tells whether the form was posted from the
// confirmation page. Without a draft the editor says so (409).
func (s *Server) confirmedDraft(w http.ResponseWriter, r *http.Request) (h model.PlanHeader, d model.Draft, confirming bool, err error) {
	if h, err = s.editorForm(w, r); err != nil {
		return h, d, false, err
	}
	d, err = s.store.DraftOf(r.Context(), h.ID)
	if errors.Is(err, store.ErrNotFound) {
		return h, d, false, written(s.renderEditor(w, r, h, http.StatusConflict, templates.EditorData{Message: "Non c'è una bozza aperta: è già stata adottata o scartata. Nulla è stato modificato."}))
	}
	if err != nil {
		return h, d, false, err
	}
	return h, d, r.PostForm.Get("passo") == "conferma", nil
}

// staleDraft reads the draft again after the store found it changed and
// hands it to show; without a draft any more the editor says so.
func (s *Server) staleDraft(w http.ResponseWriter, r *http.Request, h model.PlanHeader, show func(model.Draft) error) error {
	fresh, err := s.store.DraftOf(r.Context(), h.ID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return s.renderEditor(w, r, h, http.StatusConflict, templates.EditorData{Message: draftChangedMessage})
	case err != nil:
		return err
	}
	return show(fresh)
}

// draftChangedMessage answers a form built on an older draft.
const draftChangedMessage = "La bozza è cambiata nel frattempo (un'altra scheda o un'altra persona): nulla è stato modificato. Controlla la bozza qui sotto e ripeti se serve."

// discardDraft deletes the draft after a confirmation that says what is
// lost, and only the draft the confirmation was built on: a stale "Scarta"
// must not delete a draft changed (or opened again) since.
func (s *Server) discardDraft(w http.ResponseWriter, r *http.Request) error {
	h, d, confirming, err := s.confirmedDraft(w, r)
	if err != nil {
		return err
	}
	if r.PostForm.Get("versione") != strconv.Itoa(d.Version) {
		if confirming {
			return s.renderDiscardConfirm(w, r, h, d, http.StatusConflict, templates.DiscardConfirmData{Stale: staleAfterConfirmation})
		}
		return s.renderEditor(w, r, h, http.StatusConflict, templates.EditorData{Message: draftChangedMessage})
	}
	if r.PostForm.Get("conferma") != "1" {
		msg, status := "", http.StatusOK
		if confirming {
			msg, status = "Per scartare la bozza spunta la conferma.", http.StatusUnprocessableEntity
		}
		return s.renderDiscardConfirm(w, r, h, d, status, templates.DiscardConfirmData{Message: msg})
	}
	err = s.store.DiscardDraft(r.Context(), h, d.Version, actor(r))
	switch {
	case errors.Is(err, store.ErrDraftChanged):
		return s.staleDraft(w, r, h, func(fresh model.Draft) error {
			return s.renderDiscardConfirm(w, r, h, fresh, http.StatusConflict, templates.DiscardConfirmData{Stale: staleAfterConfirmation})
		})
	case err != nil && !errors.Is(err, store.ErrNotFound): // already discarded: nothing newer to lose
		return err
	}
	http.Redirect(w, r, string(templates.EditorURL(h.EnteSlug, h.Slug))+"?esito=scartata", http.StatusSeeOther)
	return nil
}

func findObjective(d *plan.Document, code string) *plan.Objective {
	for i := range d.Objectives {
		if d.Objectives[i].Code == code {
			return &d.Objectives[i]
		}
	}
	return nil
}

// editObjective shows or saves an objective of the draft ({code} "nuovo" adds one).
func (s *Server) editObjective(w http.ResponseWriter, r *http.Request) error {
	h, d, err := s.draftFor(w, r)
	if err != nil {
		return err
	}
	code := param(r, "code")
	data := templates.ObjectiveEditData{Plan: h, Doc: d.Doc, Version: d.Version, Errors: map[string]string{}}
	if code != "nuovo" {
		o := findObjective(d.Doc, code)
		if o == nil {
			return errNotFound
		}
		data.Original, data.Current, data.Form = code, o, planedit.FormOf(*o)
	} else {
		data.Form.Kind = r.URL.Query().Get("tipo")
	}
	if r.Method != http.MethodPost {
		return s.page(w, r, http.StatusOK, templates.ObjectiveEditPage(data))
	}
	p := r.PostForm
	data.Form = planedit.ObjectiveForm{Code: p.Get("codice"), Kind: p.Get("tipo"), Area: p.Get("ambito"), Parent: p.Get("padre"),
		Group: p.Get("sezione"), Title: p.Get("titolo"), Description: p.Get("descrizione"), Stakeholders: p.Get("stakeholder"),
		OwnerText: p.Get("responsabile"), UnitsText: p.Get("unita-testo"), ExternalParties: p.Get("esterni"), Resources: p.Get("risorse"),
		Owners: p["responsabili"], Units: p["unita"]}
	if code != "nuovo" {
		data.Form.Programme = data.Current.Programme
	}
	if errs := planedit.SetObjective(d.Doc, data.Original, data.Form); len(errs) > 0 {
		data.Errors = errs
		return s.page(w, r, http.StatusUnprocessableEntity, templates.ObjectiveEditPage(data))
	}
	return s.saveDraft(w, r, h, d, map[string]any{"objective": strings.TrimSpace(data.Form.Code)},
		string(templates.EditObjectiveURL(h.EnteSlug, h.Slug, strings.TrimSpace(data.Form.Code)))+"?esito=salvato")
}

// deleteObjective removes an objective from the draft.
func (s *Server) deleteObjective(w http.ResponseWriter, r *http.Request) error {
	h, d, err := s.draftForm(w, r)
	if err != nil {
		return err
	}
	code := param(r, "code")
	if errs := planedit.RemoveObjective(d.Doc, code); len(errs) > 0 {
		return s.renderEditor(w, r, h, http.StatusConflict, templates.EditorData{Message: errs[""]})
	}
	return s.saveDraft(w, r, h, d, map[string]any{"objective_removed": code}, string(templates.EditorURL(h.EnteSlug, h.Slug))+"?esito=salvato")
}

// editIndicator shows or saves an indicator of the draft ({n} "nuovo" adds one).
func (s *Server) editIndicator(w http.ResponseWriter, r *http.Request) error {
	h, d, err := s.draftFor(w, r)
	if err != nil {
		return err
	}
	o := findObjective(d.Doc, param(r, "code"))
	if o == nil {
		return errNotFound
	}
	data := templates.IndicatorEditData{Plan: h, Doc: d.Doc, Version: d.Version, Objective: *o, Errors: map[string]string{}}
	n := param(r, "n")
	if n != "nuovo" {
		key := o.Code + "/" + n
		var in *plan.Indicator
		for i := range o.Indicators {
			if o.Indicators[i].Key == key {
				in = &o.Indicators[i]
			}
		}
		if in == nil {
			return errNotFound
		}
		data.Key, data.Form, data.Derived = key, planedit.IndicatorFormOf(d.Doc, *in), in.Derived
	} else {
		data.Form = planedit.IndicatorFormOf(d.Doc, plan.Indicator{Formula: plan.FormulaDirect})
	}
	if r.Method != http.MethodPost {
		return s.page(w, r, http.StatusOK, templates.IndicatorEditPage(data))
	}
	f := indicatorForm(r, d.Doc)
	if data.Derived != nil {
		f.Formula = string(plan.FormulaDerived)
	}
	key, errs := planedit.SetIndicator(d.Doc, o.Code, data.Key, f)
	if len(errs) > 0 {
		data.Form, data.Errors = f, errs
		return s.page(w, r, http.StatusUnprocessableEntity, templates.IndicatorEditPage(data))
	}
	return s.saveDraft(w, r, h, d, map[string]any{"indicator": key},
		string(templates.EditIndicatorURL(h.EnteSlug, h.Slug, o.Code, indicatorNumberOf(key)))+"?esito=salvato")
}

func indicatorNumberOf(key string) string {
	_, n, _ := strings.Cut(key, "/")
	return n
}

// indicatorForm reads the indicator form: a target row per plan year and the
// baseline rows the page showed.
func indicatorForm(r *http.Request, d *plan.Document) planedit.IndicatorForm {
	p := r.PostForm
	f := planedit.IndicatorForm{Name: p.Get("nome"), Algorithm: p.Get("algoritmo"), Source: p.Get("fonte"), Unit: p.Get("unita-misura"),
		Polarity: p.Get("polarita"), Formula: p.Get("formula"), Scale: p.Get("scala"), Weight: p.Get("peso"), Note: p.Get("nota"),
		Cumulative: p.Get("cumulativo") == "1", EarlyWarning: p.Get("allerta")}
	for i := range plan.FormulaInputs(plan.Formula(f.Formula)) {
		f.InputLabels = append(f.InputLabels, p.Get("dato-"+strconv.Itoa(i)))
	}
	for y := d.Plan.StartYear; y <= d.Plan.EndYear; y++ {
		ys := strconv.Itoa(y)
		f.Targets = append(f.Targets, planedit.TargetForm{Year: y, Operator: p.Get("op-" + ys), Value: p.Get("val-" + ys)})
	}
	for i := 0; i < 20; i++ {
		is := strconv.Itoa(i)
		if !p.Has("b-anno-" + is) {
			break
		}
		f.Baselines = append(f.Baselines, planedit.BaselineForm{Year: p.Get("b-anno-" + is), Value: p.Get("b-val-" + is), Text: p.Get("b-testo-" + is)})
	}
	return f
}

// deleteIndicator removes an indicator from the draft.
func (s *Server) deleteIndicator(w http.ResponseWriter, r *http.Request) error {
	h, d, err := s.draftForm(w, r)
	if err != nil {
		return err
	}
	key := param(r, "code") + "/" + param(r, "n")
	if errs := planedit.RemoveIndicator(d.Doc, key); len(errs) > 0 {
		return s.renderEditor(w, r, h, http.StatusConflict, templates.EditorData{Message: errs[""]})
	}
	return s.saveDraft(w, r, h, d, map[string]any{"indicator_removed": key},
		string(templates.EditObjectiveURL(h.EnteSlug, h.Slug, param(r, "code")))+"?esito=salvato")
}

// editArea shows or saves an area of the draft ({n} "nuovo" adds one).
func (s *Server) editArea(w http.ResponseWriter, r *http.Request) error {
	h, d, err := s.draftFor(w, r)
	if err != nil {
		return err
	}
	data := templates.AreaEditData{Plan: h, Version: d.Version, Errors: map[string]string{}}
	n := param(r, "n")
	number := 0
	if n != "nuovo" {
		var err error
		if number, err = strconv.Atoi(n); err != nil {
			return errNotFound
		}
		found := false
		for _, a := range d.Doc.Areas {
			if a.Number == number {
				data.Number, data.Title, found = n, a.Title, true
			}
		}
		if !found {
			return errNotFound
		}
	}
	if r.Method != http.MethodPost {
		return s.page(w, r, http.StatusOK, templates.AreaEditPage(data))
	}
	data.Title = r.PostForm.Get("titolo")
	if n == "nuovo" {
		var err error
		if number, err = strconv.Atoi(strings.TrimSpace(r.PostForm.Get("numero"))); err != nil {
			number = -1
		}
		for _, a := range d.Doc.Areas {
			if a.Number == number {
				data.Errors["numero"] = "Esiste già l'ambito " + strconv.Itoa(number) + "."
			}
		}
	}
	if len(data.Errors) == 0 {
		data.Errors = planedit.SetArea(d.Doc, number, data.Title)
	}
	if len(data.Errors) > 0 {
		return s.page(w, r, http.StatusUnprocessableEntity, templates.AreaEditPage(data))
	}
	return s.saveDraft(w, r, h, d, map[string]any{"area": number}, string(templates.EditorURL(h.EnteSlug, h.Slug))+"?esito=salvato")
}

// deleteArea removes an area from the draft.
func (s *Server) deleteArea(w http.ResponseWriter, r *http.Request) error {
	h, d, err := s.draftForm(w, r)
	if err != nil {
		return err
	}
	number, err := strconv.Atoi(param(r, "n"))
	if err != nil {
		return errNotFound
	}
	if errs := planedit.RemoveArea(d.Doc, number); len(errs) > 0 {
		return s.renderEditor(w, r, h, http.StatusConflict, templates.EditorData{Message: errs[""]})
	}
	return s.saveDraft(w, r, h, d, map[string]any{"area_removed": number}, string(templates.EditorURL(h.EnteSlug, h.Slug))+"?esito=salvato")
}

// editIndividual lists and adds a role's individual objectives in the draft.
func (s *Server) editIndividual(w http.ResponseWriter, r *http.Request) error {
	h, d, err := s.draftFor(w, r)
	if err != nil {
		return err
	}
	data := templates.IndividualEditData{Plan: h, Doc: d.Doc, Version: d.Version, Errors: map[string]string{}}
	found := false
	for _, role := range d.Doc.Roles {
		if role.Key == param(r, "role") {
			data.Role, found = role, true
		}
	}
	if !found {
		return errNotFound
	}
	if r.Method != http.MethodPost {
		return s.page(w, r, http.StatusOK, templates.IndividualEditPage(data))
	}
	p := r.PostForm
	data.Form = planedit.IndividualForm{Code: p.Get("codice"), Title: p.Get("titolo"), Objective: p.Get("obiettivo"), Weight: p.Get("peso")}
	if errs := planedit.AddIndividual(d.Doc, data.Role.Key, data.Form); len(errs) > 0 {
		data.Errors = errs
		return s.page(w, r, http.StatusUnprocessableEntity, templates.IndividualEditPage(data))
	}
	return s.saveDraft(w, r, h, d, map[string]any{"individual": data.Role.Key + " " + strings.TrimSpace(data.Form.Code)},
		string(templates.EditIndividualURL(h.EnteSlug, h.Slug, data.Role.Key))+"?esito=salvato")
}

// deleteIndividual removes one of a role's individual objectives from the draft.
func (s *Server) deleteIndividual(w http.ResponseWriter, r *http.Request) error {
	h, d, err := s.draftForm(w, r)
	if err != nil {
		return err
	}
	role, code := param(r, "role"), r.PostForm.Get("codice")
	if errs := planedit.RemoveIndividual(d.Doc, role, code); len(errs) > 0 {
		return s.renderEditor(w, r, h, http.StatusConflict, templates.EditorData{Message: errs[""]})
	}
	return s.saveDraft(w, r, h, d, map[string]any{"individual_removed": role + " " + code}, string(templates.EditIndividualURL(h.EnteSlug, h.Slug, role)))
}

// editOrganisation lists and changes the units and manager roles in the draft.
func (s *Server) editOrganisation(w http.ResponseWriter, r *http.Request) error {
	h, d, err := s.draftFor(w, r)
	if err != nil {
		return err
	}
	data := templates.OrganisationEditData{Plan: h, Doc: d.Doc, Version: d.Version, Errors: map[string]string{}}
	if r.Method != http.MethodPost {
		return s.page(w, r, http.StatusOK, templates.OrganisationEditPage(data))
	}
	p := r.PostForm
	var what map[string]any
	switch p.Get("azione") {
	case "unita":
		data.UnitKey, data.UnitName, data.UnitParent = p.Get("unita-chiave"), p.Get("unita-nome"), p.Get("unita-padre")
		data.Errors = planedit.SetUnit(d.Doc, data.UnitKey, data.UnitName, data.UnitParent)
		what = map[string]any{"unit": strings.TrimSpace(data.UnitKey)}
	case "ruolo":
		data.RoleKey, data.RoleTitle, data.RoleUnit, data.RoleRPCT = p.Get("ruolo-chiave"), p.Get("ruolo-titolo"), p.Get("ruolo-unita"), p.Get("ruolo-rpct") == "1"
		data.Errors = planedit.SetRole(d.Doc, data.RoleKey, data.RoleTitle, data.RoleUnit, data.RoleRPCT)
		what = map[string]any{"role": strings.TrimSpace(data.RoleKey)}
	default:
		data.Errors = planedit.Errors{"": "Modulo non riconosciuto."}
	}
	if len(data.Errors) > 0 {
		return s.page(w, r, http.StatusUnprocessableEntity, templates.OrganisationEditPage(data))
	}
	return s.saveDraft(w, r, h, d, what, string(templates.OrganisationURL(h.EnteSlug, h.Slug)))
}
