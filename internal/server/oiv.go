package server

import (
	"errors"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/piao-performance/piao/internal/auth"
	"github.com/piao-performance/piao/internal/evidence"
	"github.com/piao-performance/piao/internal/itfmt"
	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/templates"
)

// Limits of the OIV forms.
const (
	maxObservation = 4000
	maxOIVBody     = evidence.MaxSize + 1<<20
)

// oivPage is the OIV's desk for a plan.
func (s *Server) oivPage(w http.ResponseWriter, r *http.Request) error {
	h := planFrom(r)
	d, err := s.oivData(r, h)
	if err != nil {
		return err
	}
	switch r.URL.Query().Get("registrato") {
	case "osservazione":
		d.Saved = "Osservazione registrata."
	case "validazione":
		d.Saved = "Validazione registrata."
	case "revoca":
		d.Saved = "Validazione revocata: l'anno non è più validato; la decisione revocata resta nello storico con il motivo."
	}
	return s.page(w, r, http.StatusOK, templates.OIVPage(d))
}

// oivData gathers the OIV page; obsYear is taken from ?anno or the first year.
func (s *Server) oivData(r *http.Request, h model.PlanHeader) (templates.OIVData, error) {
	ctx := r.Context()
	d := templates.OIVData{Plan: h, ObsYear: h.StartYear,
		CanObserve: s.can(r, auth.Observe, auth.Resource{EnteID: h.EnteID})}
	if y, err := strconv.Atoi(r.URL.Query().Get("anno")); err == nil && y >= h.StartYear && y <= h.EndYear {
		d.ObsYear = y
	}
	validations, err := s.store.Validations(ctx, h.ID)
	if err != nil {
		return d, err
	}
	completeness, err := s.store.YearsCompleteness(ctx, h.ID)
	if err != nil {
		return d, err
	}
	history, err := s.store.ValidationHistory(ctx, h.ID, false)
	if err != nil {
		return d, err
	}
	for y := h.StartYear; y <= h.EndYear; y++ {
		ys := templates.YearStatus{Year: y, History: history[y]}
		if v, ok := validations[y]; ok {
			ys.Validation = &v
		}
		if c, ok := completeness[y]; ok {
			ys.Completeness = &c
		}
		d.Years = append(d.Years, ys)
	}
	obs, err := s.store.Observations(ctx, h.ID, d.ObsYear)
	if err != nil {
		return d, err
	}
	d.Observations = obs
	items, err := s.store.ObservableItems(ctx, h.ID)
	if err != nil {
		return d, err
	}
	d.Choices = []templates.TargetChoice{{Value: "", Label: "Scegli l'obiettivo o l'indicatore"}}
	for _, it := range items {
		if it.Indicator == "" {
			d.Choices = append(d.Choices, templates.TargetChoice{Value: it.Objective, Label: "Obiettivo " + it.Objective + " — " + itfmt.Truncate(it.Title, 90)})
		} else {
			d.Choices = append(d.Choices, templates.TargetChoice{Value: it.Objective + "|" + it.Indicator, Label: "   Indicatore " + it.Indicator + " — " + itfmt.Truncate(it.Title, 80)})
		}
	}
	d.Obs.Year = strconv.Itoa(d.ObsYear)
	d.Val.Year = strconv.Itoa(h.StartYear)
	return d, nil
}

// verifyChain seals the pending audit events and checks the whole chain.
func (s *Server) verifyChain(w http.ResponseWriter, r *http.Request) error {
	h := planFrom(r)
	if _, err := s.store.SealAudit(r.Context()); err != nil {
		return err
	}
	rep, err := s.store.VerifyAuditChain(r.Context(), h.EnteID)
	if err != nil {
		return err
	}
	d, err := s.oivData(r, h)
	if err != nil {
		return err
	}
	d.Chain, d.CheckedAt = &rep, time.Now()
	status := http.StatusOK
	if rep.BrokenAt != 0 {
		status = http.StatusConflict // the page explains; scripts see a non-2xx
	}
	return s.page(w, r, status, templates.OIVPage(d))
}

// addObservation records an OIV observation on an objective or indicator.
func (s *Server) addObservation(w http.ResponseWriter, r *http.Request) error {
	h := planFrom(r)
	if err := readForm(w, r, defaultBodyLimit); err != nil {
		return err
	}
	f := templates.ObservationForm{Year: r.PostForm.Get("anno"), Target: r.PostForm.Get("oggetto"),
		Body: strings.TrimSpace(r.PostForm.Get("osservazione")), Errors: map[string]string{}}
	year, err := strconv.Atoi(f.Year)
	if err != nil || year < h.StartYear || year > h.EndYear {
		f.Errors["anno"] = "Scegli un anno del piano."
	}
	code, key, _ := strings.Cut(f.Target, "|")
	if code == "" || !itfmt.ValidText(f.Target) || len(f.Target) > 200 {
		f.Errors["oggetto"] = "Scegli l'obiettivo o l'indicatore a cui si riferisce l'osservazione."
	}
	switch {
	case !itfmt.ValidText(f.Body):
		f.Errors["osservazione"] = "Il testo contiene caratteri non validi."
	case f.Body == "":
		f.Errors["osservazione"] = "Scrivi l'osservazione."
	case utf8.RuneCountInString(f.Body) > maxObservation:
		f.Errors["osservazione"] = "L'osservazione supera i 4.000 caratteri."
	}
	if len(f.Errors) == 0 {
		_, err = s.store.AddObservation(r.Context(), h, model.Observation{Year: year, Objective: code, Indicator: key, Body: f.Body},
			auth.FromContext(r.Context()).Username)
		switch {
		case errors.Is(err, store.ErrNotFound):
			f.Errors["oggetto"] = "L'obiettivo o l'indicatore scelto non esiste in questo piano."
		case err != nil:
			return err
		default:
			http.Redirect(w, r, string(templates.OIVURL(h.EnteSlug, h.Slug))+"?anno="+strconv.Itoa(year)+"&registrato=osservazione#osservazioni", http.StatusSeeOther)
			return nil
		}
	}
	d, err := s.oivData(r, h)
	if err != nil {
		return err
	}
	f.Body = itfmt.Truncate(f.Body, maxObservation)
	d.Obs = f
	return s.page(w, r, http.StatusUnprocessableEntity, templates.OIVPage(d))
}

// setValidation records the OIV's validation of a year's Relazione with its document.
func (s *Server) setValidation(w http.ResponseWriter, r *http.Request) error {
	h := planFrom(r)
	// the body is limited and its deadline set by limitBodies
	err := r.ParseMultipartForm(2 << 20)
	switch {
	case uploadError(err) != nil:
		return uploadError(err)
	case errors.Is(err, http.ErrNotMultipart): // a form without the file: answered with the messages
		if err := r.ParseForm(); err != nil {
			return badRequest("Il modulo inviato non è leggibile.")
		}
		r.MultipartForm = &multipart.Form{}
	case err != nil:
		return &httpError{status: http.StatusRequestEntityTooLarge, title: "Richiesta non valida",
			msg: "Il modulo inviato non è leggibile o il documento supera i 10 MB."}
	default:
		defer r.MultipartForm.RemoveAll()
	}
	get := func(k string) string { return strings.TrimSpace(r.PostForm.Get(k)) }
	f := templates.ValidationForm{Year: get("anno"), Outcome: get("esito"), DecidedOn: get("data"), ActReference: get("atto"),
		Notes: get("motivazione"), Correction: get("motivo-correzione"), Errors: map[string]string{}}
	v := model.Validation{Outcome: f.Outcome, ActReference: f.ActReference, Notes: f.Notes, Correction: f.Correction}
	var err2 error
	if v.Year, err2 = strconv.Atoi(f.Year); err2 != nil || v.Year < h.StartYear || v.Year > h.EndYear {
		f.Errors["anno"] = "Scegli un anno del piano."
	}
	switch f.Outcome {
	case model.Validated, model.ValidatedWithReserve, model.NotValidated:
	default:
		f.Errors["esito"] = "Scegli l'esito: validata, validata con riserva o non validata."
	}
	today := time.Now().In(itfmt.Rome()).Format("2006-01-02") // dates are Rome dates
	if v.DecidedOn, err2 = time.Parse("02/01/2006", f.DecidedOn); err2 != nil || v.DecidedOn.Year() < h.StartYear || v.DecidedOn.Format("2006-01-02") > today {
		f.Errors["data"] = "Scrivi la data della decisione come gg/mm/aaaa, non futura."
	}
	// the year's final period must be closed and the decision not precede its
	// close; checked here to answer next to the fields, and again by the store
	// under lock
	if f.Errors["anno"] == "" {
		fp, err := s.store.Period(r.Context(), h.ID, v.Year, "final")
		switch {
		case errors.Is(err, store.ErrNotFound) || err == nil && !fp.Closed():
			f.Errors["anno"] = yearOpenMessage(v.Year)
		case err != nil:
			return err
		case f.Errors["data"] == "" && v.DecidedOn.Format("2006-01-02") < fp.ClosedAt.In(itfmt.Rome()).Format("2006-01-02"):
			f.Errors["data"] = validationDateMessage(fp.ClosedAt.In(itfmt.Rome()))
		}
	}
	if !itfmt.ValidText(f.ActReference) || utf8.RuneCountInString(f.ActReference) > 200 {
		f.Errors["atto"] = "Il riferimento all'atto supera i 200 caratteri o contiene caratteri non validi."
	}
	switch {
	case !itfmt.ValidText(f.Notes) || utf8.RuneCountInString(f.Notes) > 4000:
		f.Errors["motivazione"] = "La motivazione supera i 4.000 caratteri o contiene caratteri non validi."
	case f.Outcome != model.Validated && f.Notes == "":
		f.Errors["motivazione"] = "Con riserva o senza validazione occorre scrivere la motivazione."
	}
	// replacing the current decision is a correction: it says why
	if !itfmt.ValidText(f.Correction) || utf8.RuneCountInString(f.Correction) > 4000 {
		f.Errors["motivo-correzione"] = "Il motivo della correzione supera i 4.000 caratteri o contiene caratteri non validi."
	} else if f.Errors["anno"] == "" && f.Correction == "" {
		// only when the form saw that decision: a stale form is a conflict, answered below
		cur, err := s.store.ValidationOf(r.Context(), h.ID, v.Year)
		switch {
		case err == nil && r.PostForm.Get("visto-"+f.Year) == cur.Stamp():
			f.Errors["motivo-correzione"] = correctionMessage(cur)
		case err != nil && !errors.Is(err, store.ErrNotFound):
			return err
		}
	}
	files := r.MultipartForm.File["documento"]
	if len(files) != 1 {
		f.Errors["documento"] = "Allega il documento di validazione (un file PDF, ODT o DOCX)."
	} else if data, err := readUpload(files[0]); err != nil {
		f.Errors["documento"] = "Documento non accettato: " + err.Error() + "."
	} else if ct, msg := evidence.Check(files[0].Filename, data); msg != "" {
		f.Errors["documento"] = "Documento non accettato: " + msg + "."
	} else if !strings.HasPrefix(ct, "application/") {
		f.Errors["documento"] = "Il documento di validazione deve essere un PDF, ODT o DOCX."
	} else {
		v.Document, v.DocumentType, v.DocumentName = data, ct, evidence.SafeName(files[0].Filename, ct)
	}
	// the validation of each year as the form saw it; a form without it is stale
	f.Seen = map[int]string{}
	for k, vs := range r.PostForm {
		if y, err := strconv.Atoi(strings.TrimPrefix(k, "visto-")); err == nil && strings.HasPrefix(k, "visto-") && len(vs) == 1 && len(vs[0]) <= 20 {
			f.Seen[y] = vs[0]
		}
	}
	status := http.StatusUnprocessableEntity
	if len(f.Errors) == 0 {
		seen, ok := f.Seen[v.Year]
		if !ok {
			seen = "assente"
		}
		err := s.store.SetValidation(r.Context(), h, v, seen, auth.FromContext(r.Context()).Username)
		var dateErr *store.ValidationDateError
		switch {
		case errors.Is(err, store.ErrYearOpen):
			f.Errors["anno"] = yearOpenMessage(v.Year)
		case errors.As(err, &dateErr):
			f.Errors["data"] = validationDateMessage(dateErr.ClosedOn)
		case errors.Is(err, store.ErrCorrectionReason):
			f.Errors["motivo-correzione"] = "La Relazione " + f.Year + " ha già una validazione: per sostituirla scrivi il motivo della correzione."
		case errors.Is(err, store.ErrValidationChanged):
			status = http.StatusConflict
			f.Conflict = "La validazione del " + f.Year + " è cambiata da quando hai aperto la pagina (vedi la tabella qui sopra): la tua non è stata registrata. " +
				"I tuoi dati sono ancora nel modulo: allega di nuovo il documento e registra per sostituire quella attuale."
			if cur, err := s.store.ValidationOf(r.Context(), h.ID, v.Year); err == nil {
				f.Seen[v.Year] = cur.Stamp() // registering again replaces it, knowingly
			} else {
				delete(f.Seen, v.Year)
			}
		case err != nil:
			return err
		default:
			http.Redirect(w, r, string(templates.OIVURL(h.EnteSlug, h.Slug))+"?registrato=validazione", http.StatusSeeOther)
			return nil
		}
	}
	d, err := s.oivData(r, h)
	if err != nil {
		return err
	}
	f.Notes = itfmt.Truncate(f.Notes, 4000)
	f.Correction = itfmt.Truncate(f.Correction, 4000)
	f.ActReference = itfmt.Truncate(f.ActReference, 200)
	d.Val = f
	return s.page(w, r, status, templates.OIVPage(d))
}

// correctionMessage asks for the reason of a correction of the current decision.
func correctionMessage(cur model.Validation) string {
	return "La Relazione " + strconv.Itoa(cur.Year) + " è già " + strings.ToLower(model.OutcomeLabel(cur.Outcome)) + " (decisione del " +
		itfmt.Date(cur.DecidedOn) + "): per sostituire la decisione scrivi il motivo della correzione; quella attuale resta nello storico."
}

// withdrawValidation withdraws the current validation of a year, with a
// mandatory reason: the year is no longer validated.
func (s *Server) withdrawValidation(w http.ResponseWriter, r *http.Request) error {
	h := planFrom(r)
	if err := r.ParseForm(); err != nil {
		return badRequest("Il modulo inviato non è leggibile o è troppo grande.")
	}
	get := func(k string) string { return strings.TrimSpace(r.PostForm.Get(k)) }
	f := templates.WithdrawForm{Year: get("anno"), Reason: get("motivo-revoca"), Errors: map[string]string{}}
	year, err := strconv.Atoi(f.Year)
	if err != nil || year < h.StartYear || year > h.EndYear {
		f.Errors["anno"] = "Scegli l'anno della validazione da revocare."
	}
	switch {
	case !itfmt.ValidText(f.Reason) || utf8.RuneCountInString(f.Reason) > 4000:
		f.Errors["motivo-revoca"] = "Il motivo della revoca supera i 4.000 caratteri o contiene caratteri non validi."
	case f.Reason == "":
		f.Errors["motivo-revoca"] = "Scrivi il motivo della revoca: è registrato e pubblicato con la data."
	}
	seen := map[int]string{}
	for k, vs := range r.PostForm {
		if y, err := strconv.Atoi(strings.TrimPrefix(k, "visto-")); err == nil && strings.HasPrefix(k, "visto-") && len(vs) == 1 && len(vs[0]) <= 20 {
			seen[y] = vs[0]
		}
	}
	status := http.StatusUnprocessableEntity
	if len(f.Errors) == 0 {
		stamp, ok := seen[year]
		if !ok {
			stamp = "assente"
		}
		err := s.store.WithdrawValidation(r.Context(), h, year, stamp, f.Reason, auth.FromContext(r.Context()).Username)
		switch {
		case errors.Is(err, store.ErrNoValidation):
			f.Errors["anno"] = "Il " + f.Year + " non ha una validazione da revocare."
		case errors.Is(err, store.ErrValidationChanged):
			status = http.StatusConflict
			f.Conflict = "La validazione del " + f.Year + " è cambiata da quando hai aperto la pagina (vedi la tabella qui sopra): nulla è stato revocato. Controlla e invia di nuovo."
		case err != nil:
			return err
		default:
			http.Redirect(w, r, string(templates.OIVURL(h.EnteSlug, h.Slug))+"?registrato=revoca", http.StatusSeeOther)
			return nil
		}
	}
	d, err := s.oivData(r, h)
	if err != nil {
		return err
	}
	f.Reason = itfmt.Truncate(f.Reason, 4000)
	d.Withdraw = f
	return s.page(w, r, status, templates.OIVPage(d))
}

// yearOpenMessage refuses the validation of a year whose final period is open.
func yearOpenMessage(year int) string {
	y := strconv.Itoa(year)
	return "Il periodo finale del " + y + " (31/12/" + y + ") non è ancora chiuso: la Relazione " + y +
		" si può validare solo dopo la chiusura del periodo, quando i valori dell'anno sono definitivi."
}

// validationDateMessage refuses a decision dated before the final period's close.
func validationDateMessage(closedOn time.Time) string {
	return "La data della decisione non può precedere la chiusura del periodo finale (" + itfmt.Date(closedOn) + ") né essere futura."
}

// validationDocument serves the OIV's validation document of a year: to the
// ente's auditors always, to everyone once the year is validated.
func (s *Server) validationDocument(w http.ResponseWriter, r *http.Request) error {
	return s.serveValidationDocument(w, r, false)
}

func (s *Server) publicValidationDocument(w http.ResponseWriter, r *http.Request) error {
	return s.serveValidationDocument(w, r, true)
}

func (s *Server) serveValidationDocument(w http.ResponseWriter, r *http.Request, public bool) error {
	h := planFrom(r)
	year, err := strconv.Atoi(param(r, "year"))
	if err != nil {
		return errNotFound
	}
	v, err := s.store.ValidationDocument(r.Context(), h.ID, year)
	if err != nil {
		return err
	}
	if public && (v.Outcome == model.NotValidated || !v.Public) {
		return errNotFound
	}
	return s.sendValidationDocument(w, r, h, v, public)
}

// decisionDocument serves the document of one decision of a year's history
// (current, corrected or withdrawn): to the ente's auditors always, to
// everyone when the decision met the rule for publication, as the public
// history lists it.
func (s *Server) decisionDocument(w http.ResponseWriter, r *http.Request) error {
	return s.serveDecisionDocument(w, r, false)
}

func (s *Server) publicDecisionDocument(w http.ResponseWriter, r *http.Request) error {
	return s.serveDecisionDocument(w, r, true)
}

func (s *Server) serveDecisionDocument(w http.ResponseWriter, r *http.Request, public bool) error {
	h := planFrom(r)
	year, err1 := strconv.Atoi(param(r, "year"))
	id, err2 := strconv.ParseInt(param(r, "id"), 10, 64)
	if err1 != nil || err2 != nil {
		return errNotFound
	}
	v, err := s.store.ValidationDecision(r.Context(), h.ID, year, id)
	if err != nil {
		return err
	}
	if public && !v.Public {
		return errNotFound
	}
	return s.sendValidationDocument(w, r, h, v, public)
}

func (s *Server) sendValidationDocument(w http.ResponseWriter, r *http.Request, h model.PlanHeader, v model.Validation, public bool) error {
	w.Header().Set("Content-Type", v.DocumentType)
	if !public {
		privateDownload(w)
	}
	w.Header().Set("Content-Disposition", attachmentHeader(evidence.SafeName(v.DocumentName, v.DocumentType)))
	w.Header().Set("Content-Length", strconv.FormatInt(v.DocumentSize, 10))
	if r.Method == http.MethodHead {
		return nil
	}
	if err := s.store.CopyValidationDocument(r.Context(), w, h.ID, v); err != nil {
		s.abortDownload(r, err)
	}
	return nil
}
