package server

import (
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/piao-performance/piao/internal/auth"
	"github.com/piao-performance/piao/internal/evidence"
	"github.com/piao-performance/piao/internal/itfmt"
	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/plan"
	"github.com/piao-performance/piao/internal/scorecard"
	"github.com/piao-performance/piao/internal/scoring"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/internal/workflow"
	"github.com/piao-performance/piao/templates"
)

// Limits of the entry forms.
const (
	maxReason    = workflow.MaxReason
	maxNote      = workflow.MaxNote
	maxEntryBody = evidence.MaxFiles*evidence.MaxSize + 1<<20
	maxGridBody  = 1 << 20
)

// planAndPeriod loads the plan of the URL and the period named by ?periodo
// (default: the oldest open one, the period people are reporting on).
func (s *Server) planAndPeriod(r *http.Request) (model.PlanHeader, model.Period, []model.Period, error) {
	h := planFrom(r)
	periods, err := s.store.Periods(r.Context(), h.ID)
	if err != nil {
		return h, model.Period{}, nil, err
	}
	if len(periods) == 0 {
		return h, model.Period{}, nil, store.ErrNotFound
	}
	if ref := clean(r.URL.Query().Get("periodo")); ref != "" {
		for _, p := range periods {
			if scorecard.Ref(p) == ref {
				return h, p, periods, nil
			}
		}
		return h, model.Period{}, nil, store.ErrNotFound
	}
	for _, p := range periods {
		if !p.Closed() {
			return h, p, periods, nil
		}
	}
	return h, periods[len(periods)-1], periods, nil
}

// entryKey is the indicator key of the URL ("O.3.3.1/1").
func entryKey(r *http.Request) string {
	code, n := param(r, "code"), param(r, "n")
	if code == "" || n == "" {
		return ""
	}
	return code + "/" + n
}

func ownerResource(h model.PlanHeader, owners []int64) auth.Resource {
	return auth.Resource{EnteID: h.EnteID, Owners: owners}
}

// worklistFilter reads the worklist's filter from the query; the position
// filter (the cockpit's links) applies only to those who see every indicator.
func worklistFilter(r *http.Request, u *auth.User) templates.WorklistFilter {
	q := r.URL.Query()
	f := templates.WorklistFilter{Status: clean(q.Get("stato")), Objective: clean(q.Get("obiettivo"))}
	if u.PositionID == 0 {
		if id, err := strconv.ParseInt(q.Get("posizione"), 10, 64); err == nil && id > 0 {
			f.Position = id
		}
	}
	return f
}

// worklistItems is the user's worklist: the indicators of the user's
// position, or of the position filter for those who see every indicator.
func (s *Server) worklistItems(r *http.Request, h model.PlanHeader, p model.Period, f templates.WorklistFilter) ([]model.WorkItem, error) {
	position := auth.FromContext(r.Context()).PositionID
	if position == 0 {
		position = f.Position
	}
	return s.store.Worklist(r.Context(), h, p, position)
}

// worklist is "Le mie misurazioni": the indicators of the user's position, or
// every indicator for those who review or read the whole ente.
func (s *Server) worklist(w http.ResponseWriter, r *http.Request) error {
	h, p, periods, err := s.planAndPeriod(r)
	if err != nil {
		return err
	}
	u := auth.FromContext(r.Context())
	f := worklistFilter(r, u)
	items, err := s.worklistItems(r, h, p, f)
	if err != nil {
		return err
	}
	d := templates.WorklistData{Plan: h, Period: p, Periods: periods, Status: f.Status, Objective: f.Objective,
		Position: f.Position, Everyone: u.PositionID == 0, Total: len(items),
		Progress: map[string]templates.ObjectiveProgress{}, Today: time.Now()}
	if saved, err := strconv.Atoi(r.URL.Query().Get("salvate")); err == nil && saved > 0 && saved <= len(items) {
		sent, _ := strconv.Atoi(r.URL.Query().Get("inviate"))
		d.Outcome = templates.GridOutcome(saved, min(max(sent, 0), saved))
	}
	for _, it := range items {
		st := it.Entry.Status
		pr := d.Progress[it.ObjectiveCode]
		pr.Total++
		if st != workflow.ToFill {
			pr.Filled++
		}
		if st == workflow.Submitted || st == workflow.Approved {
			pr.Sent++
		}
		d.Progress[it.ObjectiveCode] = pr
		if st == workflow.ToFill || st == workflow.Draft || st == workflow.Returned {
			d.Missing++
		}
		if f.Match(it) {
			d.Items = append(d.Items, it)
		}
	}
	return s.page(w, r, http.StatusOK, templates.WorklistPage(d))
}

// placeInWorklist fills in the entry page's place in the filtered worklist
// and the next indicator after it (the next one passing the filter after this
// indicator in the whole list, so that an item leaving the filter once saved
// still leads on).
func (s *Server) placeInWorklist(r *http.Request, d *templates.EntryPageData) error {
	d.Filter = worklistFilter(r, auth.FromContext(r.Context()))
	items, err := s.worklistItems(r, d.Plan, d.Period, d.Filter)
	if err != nil {
		return err
	}
	after := false
	for _, it := range items {
		in := d.Filter.Match(it)
		if in {
			d.Count++
		}
		switch {
		case it.Key == d.Indicator.Key:
			after = true
			if in {
				d.Place = d.Count
			}
		case after && in && d.Next == "":
			d.Next = it.Key
		}
	}
	return nil
}

// entryPage shows the entry form of an indicator for a period.
func (s *Server) entryPage(w http.ResponseWriter, r *http.Request) error {
	h, p, periods, err := s.planAndPeriod(r)
	if err != nil {
		return err
	}
	ind, err := s.store.EntryIndicator(r.Context(), h, entryKey(r), p.Year)
	if err != nil {
		return err
	}
	e, err := s.store.Entry(r.Context(), ind.ID, p.ID)
	if err != nil {
		return err
	}
	d := templates.EntryPageData{Plan: h, Period: p, Periods: periods, Indicator: ind, Entry: e, Form: formOf(ind, e),
		Saved: r.URL.Query().Get("salvato") == "1"}
	if prev := clean(r.URL.Query().Get("salvato_prima")); prev != "" && len(prev) <= 60 {
		d.SavedPrev = prev
	}
	kept, err := s.takeExpiredForm(r)
	if err != nil {
		return err
	}
	if kept != nil { // typed before the session expired: back in the form, not saved
		d.Form, _ = decodeEntry(ind, kept.Get, func(f string) bool { _, ok := kept[f]; return ok })
		d.Restored = restoredNotice
		d.Saved = false
	}
	return s.renderEntry(w, r, http.StatusOK, d)
}

// renderEntry fills in permissions, the resulting score and the history.
func (s *Server) renderEntry(w http.ResponseWriter, r *http.Request, status int, d templates.EntryPageData) error {
	res := ownerResource(d.Plan, d.Indicator.Owners)
	editable := !d.Period.Closed() && d.Indicator.Formula != plan.FormulaDerived &&
		(d.Entry.Status == workflow.ToFill || d.Entry.Status == workflow.Draft || d.Entry.Status == workflow.Returned)
	d.CanEnter = editable && s.can(r, auth.EnterValue, res)
	d.CanSubmit = d.CanEnter && s.can(r, auth.SubmitValue, res)
	d.CanReview = s.can(r, auth.Approve, auth.Resource{EnteID: d.Plan.EnteID})
	d.MaxAttachments, d.MaxAttachmentBytes = s.limits.AttachmentsPerMeasurement, s.limits.AttachmentBytesPerMeasurement
	if d.Entry.Version > 0 {
		res, trace, err := s.preview(r, d.Plan, d.Period, d.Indicator, d.Entry)
		if err != nil {
			return err
		}
		d.Result, d.Trace = res, trace
		req, err := s.deviationRequired(r, d.Plan, d.Period, d.Indicator, d.Entry)
		if err != nil {
			return err
		}
		d.DeviationRequired = req
	}
	hist, err := s.store.EntryHistory(r.Context(), d.Plan, d.Indicator.Key)
	if err != nil {
		return err
	}
	d.History = hist
	if err := s.placeInWorklist(r, &d); err != nil {
		return err
	}
	return s.page(w, r, status, templates.EntryPage(d))
}

// preview scores the period with this entry as it stands (even a draft), so
// the form shows the resulting achievement and its explanation.
func (s *Server) preview(r *http.Request, h model.PlanHeader, p model.Period, ind model.EntryIndicator, e model.Entry) (*scoring.IndicatorResult, *scoring.Trace, error) {
	card, err := s.card(r, h, p, model.Approved)
	if err != nil {
		return nil, nil, err
	}
	i := card.Model.IndicatorIndex(ind.Key)
	if i < 0 {
		return nil, nil, nil
	}
	acts := append([]scoring.Actual(nil), card.Result.Actuals...)
	acts[i] = actualOf(ind.Formula, e)
	res := card.Model.Score(acts, nil)
	res.Provenance = append([]string(nil), card.Result.Provenance...) // cards may be shared: never write into them
	if len(res.Provenance) > i {
		res.Provenance[i] = "inserito da " + e.Author + " (" + strings.ToLower(e.Status.Label()) + ")"
	}
	out, trace := res.Indicators[i], res.ExplainIndicator(i)
	return &out, &trace, nil
}

// deviationRequired applies the rule of the scostamenti
// (workflow.DeviationRequired) to an entry as it stands: at the final period,
// not applicable or not fully achieved.
func (s *Server) deviationRequired(r *http.Request, h model.PlanHeader, p model.Period, ind model.EntryIndicator, e model.Entry) (bool, error) {
	if p.Kind != "final" || e.Version == 0 || ind.Formula == plan.FormulaDerived {
		return false, nil
	}
	if e.NotApplicable {
		return true, nil
	}
	res, _, err := s.preview(r, h, p, ind, e)
	if err != nil || res == nil {
		return false, err
	}
	return workflow.DeviationRequired(true, false, res.HasActual, !res.NoTarget, res.Met), nil
}

func actualOf(formula plan.Formula, e model.Entry) scoring.Actual {
	switch {
	case e.NotApplicable:
		return scoring.Actual{State: scoring.NotApplicable}
	case e.Value != nil:
		return scoring.Actual{State: scoring.Entered, Value: *e.Value}
	}
	a := scoring.Actual{State: scoring.Entered}
	a.A, a.B = formula.Operands(e.Inputs)
	return a
}

// formOf fills the form from a stored entry.
func formOf(ind model.EntryIndicator, e model.Entry) templates.EntryForm {
	f := templates.EntryForm{Values: map[string]string{}, NA: e.NotApplicable, Reason: e.Reason, Note: e.Note, Version: e.Version,
		DevWhat: e.Deviation.What, DevWhy: e.Deviation.Why, DevAction: e.Deviation.Action}
	switch {
	case e.Value != nil && ind.Formula == plan.FormulaYesNo:
		f.Values["valore"] = itfmt.Value(*e.Value, plan.UnitYesNo)
	case e.Value != nil:
		f.Values["valore"] = itfmt.Number(*e.Value, 6)
	}
	for k, v := range e.Inputs {
		f.Values["in_"+k] = itfmt.Number(v, 6)
	}
	return f
}

// decodeEntry reads an entry form for an indicator (workflow.DecodeEntry)
// into the form as typed and what to store.
func decodeEntry(ind model.EntryIndicator, get func(string) string, sent func(string) bool) (templates.EntryForm, store.EntryInput) {
	f, e := workflow.DecodeEntry(ind.Formula, ind.Inputs, get, sent)
	in := store.EntryInput{Indicator: ind, Value: e.Value, Inputs: e.Inputs, NotApplicable: e.NotApplicable,
		Reason: e.Reason, Note: e.Note, Version: e.Version}
	if e.Deviation != nil {
		in.Deviation = &model.Deviation{What: e.Deviation[0], Why: e.Deviation[1], Action: e.Deviation[2]}
	}
	return f, in
}

// saveEntry handles the entry form: checks, attachments, optimistic version,
// then back to the page with the new score (or the form with its messages).
func (s *Server) saveEntry(w http.ResponseWriter, r *http.Request) error {
	h, p, periods, err := s.planAndPeriod(r)
	if err != nil {
		return err
	}
	ind, err := s.store.EntryIndicator(r.Context(), h, entryKey(r), p.Year)
	if err != nil {
		return err
	}
	res := ownerResource(h, ind.Owners)
	if !s.can(r, auth.EnterValue, res) {
		return forbidden("Puoi inserire valori solo per gli obiettivi della tua area.")
	}
	// the body is limited and its deadline set by limitBodies
	if err := r.ParseMultipartForm(2 << 20); err != nil {
		if err := uploadError(err); err != nil {
			return err
		}
		if r.URL.Query().Get("calcola") == "1" || !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
			if err := r.ParseForm(); err != nil {
				return badRequest("Il modulo inviato non è leggibile o è troppo grande.")
			}
		} else {
			return &httpError{status: http.StatusRequestEntityTooLarge, title: "Richiesta non valida",
				msg: "Il modulo inviato non è leggibile o supera i limiti (5 file da 10 MB)."}
		}
	}
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	form, in := decodeEntry(ind, r.FormValue, func(f string) bool { _, ok := r.Form[f]; return ok })
	if r.URL.Query().Get("calcola") == "1" {
		return s.liveResult(w, r, h, p.Year, ind, form, in)
	}
	in.Period = p
	submit := r.FormValue("azione") == "invia"
	if submit && !s.can(r, auth.SubmitValue, res) {
		return forbidden("L'invio al Segretario Generale spetta al dirigente responsabile.")
	}
	in.Submit = submit
	if r.MultipartForm != nil {
		files := r.MultipartForm.File["allegati"]
		if len(files) > evidence.MaxFiles {
			form.Errors["allegati"] = "al massimo 5 file per volta"
		}
		for _, fh := range files {
			if len(form.Errors) > 0 {
				break
			}
			data, err := readUpload(fh)
			if err != nil {
				form.Errors["allegati"] = fh.Filename + ": " + err.Error()
				break
			}
			ct, msg := evidence.Check(fh.Filename, data)
			if msg != "" {
				form.Errors["allegati"] = evidence.CleanName(fh.Filename) + ": " + msg
				break
			}
			in.Attachments = append(in.Attachments, store.NewAttachment{Filename: evidence.SafeName(fh.Filename, ct), ContentType: ct, Data: data})
		}
	}
	// the stored entry is needed only to show the form again
	current := func() (model.Entry, error) { return s.store.Entry(r.Context(), ind.ID, p.ID) }
	d := templates.EntryPageData{Plan: h, Period: p, Periods: periods, Indicator: ind, Form: form}
	if len(form.Errors) > 0 {
		if d.Entry, err = current(); err != nil {
			return err
		}
		if form.Message == "" {
			form.Message = "Controlla i campi segnalati: nulla è stato salvato."
		}
		d.Form = form
		return s.renderEntry(w, r, http.StatusUnprocessableEntity, d)
	}
	in.MaxAttachments, in.MaxAttachmentBytes = s.limits.AttachmentsPerMeasurement, s.limits.AttachmentBytesPerMeasurement
	_, err = s.store.SaveEntry(r.Context(), h, in, *auth.FromContext(r.Context()))
	var conflict *store.ConflictError
	var locked *store.LockedError
	var tooMany *store.AttachmentLimitError
	switch {
	case errors.As(err, &tooMany):
		form.Errors["allegati"], _ = entryErrorText(tooMany)
		form.Message = "Controlla i campi segnalati: nulla è stato salvato."
		d.Form = form
		if d.Entry, err = current(); err != nil {
			return err
		}
		return s.renderEntry(w, r, http.StatusUnprocessableEntity, d)
	case errors.As(err, &conflict):
		d.Conflict = &conflict.Current
		d.Entry = conflict.Current
		form.Version = conflict.Current.Version // saving again replaces it, knowingly
		d.Form = form
		return s.renderEntry(w, r, http.StatusConflict, d)
	case errors.As(err, &locked), errors.Is(err, store.ErrPeriodClosed), errors.Is(err, store.ErrDerived):
		form.Message, _ = entryErrorText(err)
		d.Form = form
		if d.Entry, err = current(); err != nil {
			return err
		}
		return s.renderEntry(w, r, http.StatusConflict, d)
	case err != nil:
		return err
	}
	redirect := func(to string) {
		if r.Header.Get("HX-Request") == "true" { // an upload sent by htmx (its progress shown): a full page load after it
			w.Header().Set("HX-Redirect", to)
			w.WriteHeader(http.StatusNoContent)
			return
		}
		http.Redirect(w, r, to, http.StatusSeeOther)
	}
	if r.FormValue("azione") == "avanti" {
		d.Indicator = ind
		if err := s.placeInWorklist(r, &d); err != nil {
			return err
		}
		if d.Next != "" {
			next := string(templates.EntryURL(h.EnteSlug, h.Slug, d.Next)) + "?periodo=" + scorecard.Ref(p) + d.Filter.Query() +
				"&salvato_prima=" + url.QueryEscape(ind.Key)
			redirect(next)
			return nil
		}
	}
	redirect(string(templates.EntryURL(h.EnteSlug, h.Slug, ind.Key)) + "?periodo=" + scorecard.Ref(p) +
		worklistFilter(r, auth.FromContext(r.Context())).Query() + "&salvato=1")
	return nil
}

// readUpload reads an uploaded file, refusing more than evidence.MaxSize.
func readUpload(fh *multipart.FileHeader) ([]byte, error) {
	if fh.Size > evidence.MaxSize {
		return nil, errors.New("il file supera i 10 MB")
	}
	f, err := fh.Open()
	if err != nil {
		return nil, errors.New("file non leggibile")
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, evidence.MaxSize+1))
	if err != nil {
		return nil, errors.New("file non leggibile")
	}
	return data, nil
}

// liveResult answers the htmx request of a computed indicator's form with the
// result of the inputs typed so far; the server computes it again on save.
func (s *Server) liveResult(w http.ResponseWriter, r *http.Request, h model.PlanHeader, year int, ind model.EntryIndicator, form templates.EntryForm, in store.EntryInput) error {
	text := "Inserisci i dati per vedere il risultato."
	switch {
	case form.NA:
		text = "Indicatore non applicabile."
	case len(form.Errors) == 0 && in.Inputs != nil:
		v, ok := scoring.ComputeActual(ind.Formula, ind.Scale, actualOf(ind.Formula, model.Entry{Inputs: in.Inputs}))
		if ok {
			text = "Risultato calcolato: " + itfmt.Value(v, ind.Unit)
			if ind.Target != nil && ind.Target.Value != nil {
				// the rules in force for the period's year
				rv, err := s.store.RulesFor(r.Context(), h.ID, year)
				if err != nil {
					return err
				}
				a, _, _, _ := scoring.Achievement(ind.Target.Operator, *ind.Target.Value, v, rv.Rules)
				text += " — grado di raggiungimento " + itfmt.Number(a, 2) + "% (regole di misurazione " + rv.Label() + "; il punteggio definitivo dopo il salvataggio)"
			}
		}
	}
	return s.page(w, r, http.StatusOK, templates.ComputedResult(text))
}

// transition applies a workflow step: submit (dirigente), approve, return or
// reopen (Segretario Generale).
func (s *Server) transition(w http.ResponseWriter, r *http.Request) error {
	h, p, periods, err := s.planAndPeriod(r)
	if err != nil {
		return err
	}
	ind, err := s.store.EntryIndicator(r.Context(), h, entryKey(r), p.Year)
	if err != nil {
		return err
	}
	if err := readForm(w, r, defaultBodyLimit); err != nil {
		return err
	}
	actions := map[string]struct {
		act  workflow.Action
		need auth.Action
	}{
		"invia": {workflow.Submit, auth.SubmitValue}, "approva": {workflow.Approve, auth.Approve},
		"restituisci": {workflow.Return, auth.Approve}, "riapri": {workflow.Reopen, auth.Approve},
	}
	a, ok := actions[r.PostForm.Get("azione")]
	if !ok {
		return badRequest("Azione sconosciuta.")
	}
	if !s.can(r, a.need, ownerResource(h, ind.Owners)) {
		return forbidden("Il tuo profilo non permette questa operazione.")
	}
	version, _ := strconv.Atoi(r.PostForm.Get("versione"))
	reason := strings.TrimSpace(r.PostForm.Get("motivo"))
	if utf8.RuneCountInString(reason) > maxReason || !itfmt.ValidText(reason) {
		reason = ""
	}
	if a.act == workflow.Approve {
		cur, err := s.store.Entry(r.Context(), ind.ID, p.ID)
		if err != nil {
			return err
		}
		if ind.DeviationRequired, err = s.deviationRequired(r, h, p, ind, cur); err != nil {
			return err
		}
	}
	_, err = s.store.Transition(r.Context(), h, ind, p, version, a.act, reason, *auth.FromContext(r.Context()))
	var conflict *store.ConflictError
	if msg, ok := entryErrorText(err); ok {
		cur, cerr := s.store.Entry(r.Context(), ind.ID, p.ID)
		if cerr != nil {
			return cerr
		}
		d := templates.EntryPageData{Plan: h, Period: p, Periods: periods, Indicator: ind, Entry: cur, Form: formOf(ind, cur)}
		d.Form.Errors = map[string]string{"revisione": msg}
		d.Form.Message = msg
		if errors.As(err, &conflict) {
			d.Form.Message = "La misurazione è cambiata nel frattempo: controlla il valore attuale e ripeti l'operazione."
		}
		return s.renderEntry(w, r, http.StatusConflict, d)
	}
	if err != nil {
		return err
	}
	back := string(templates.EntryURL(h.EnteSlug, h.Slug, ind.Key))
	if r.PostForm.Get("ritorno") == "ritardi" { // approving from the list goes back to the list
		back = string(templates.LateURL(h.EnteSlug, h.Slug))
	}
	http.Redirect(w, r, back+"?periodo="+scorecard.Ref(p), http.StatusSeeOther)
	return nil
}
