package server

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/piao-performance/piao/internal/auth"
	"github.com/piao-performance/piao/internal/evidence"
	"github.com/piao-performance/piao/internal/itfmt"
	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/scorecard"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/templates"
)

// periodsPage lists the monitoring periods with their state.
func (s *Server) periodsPage(w http.ResponseWriter, r *http.Request) error {
	h := planFrom(r)
	return s.renderPeriods(w, r, h, http.StatusOK, "")
}

func (s *Server) renderPeriods(w http.ResponseWriter, r *http.Request, h model.PlanHeader, status int, msg string) error {
	periods, err := s.store.Periods(r.Context(), h.ID)
	if err != nil {
		return err
	}
	return s.page(w, r, status, templates.PeriodsPage(templates.PeriodsData{Plan: h, Periods: periods, Message: msg, Today: time.Now(),
		CanClose:    s.can(r, auth.Approve, auth.Resource{EnteID: h.EnteID}),
		CanDeadline: s.can(r, auth.EditPlan, auth.Resource{EnteID: h.EnteID})}))
}

// periodForm reads the plan and period a period form is posted to, and the
// form (at most limit bytes).
func (s *Server) periodForm(w http.ResponseWriter, r *http.Request, limit int64) (model.PlanHeader, model.Period, error) {
	h := planFrom(r)
	year, kind, ok := scorecard.ParseRef(param(r, "periodo"))
	if !ok {
		return h, model.Period{}, errNotFound
	}
	p, err := s.store.Period(r.Context(), h.ID, year, kind)
	if err != nil {
		return h, p, err
	}
	if err := readForm(w, r, limit); err != nil {
		return h, p, err
	}
	// the store checks the version the form was built from, not the one just read
	p.Version = -1 // a form without a valid version is stale
	if v, err := strconv.Atoi(r.PostForm.Get("versione")); err == nil && v > 0 {
		p.Version = v
	}
	return h, p, nil
}

// periodChanged answers a period form built before the period last changed.
func (s *Server) periodChanged(w http.ResponseWriter, r *http.Request, h model.PlanHeader, p model.Period, what string) error {
	return s.renderPeriods(w, r, h, http.StatusConflict, "Il periodo "+p.Label()+" è cambiato nel frattempo (chiuso, riaperto o con una nuova scadenza) da quando hai aperto la pagina: "+
		what+" non è stata applicata e nulla è cambiato. Controlla qui sotto lo stato attuale e ripeti se serve.")
}

// setPeriod closes a period, or reopens it with a reason.
func (s *Server) setPeriod(w http.ResponseWriter, r *http.Request) error {
	h, p, err := s.periodForm(w, r, defaultBodyLimit)
	if err != nil {
		return err
	}
	reason := strings.TrimSpace(r.PostForm.Get("motivo"))
	if !itfmt.ValidText(reason) || utf8.RuneCountInString(reason) > maxReason {
		if r.PostForm.Get("passo") == "conferma" && r.PostForm.Get("azione") == "chiudi" { // on the confirmation page, next to the note
			return s.renderClosePeriod(w, r, h, p, http.StatusUnprocessableEntity, templates.ClosePeriodData{Reason: itfmt.Truncate(reason, maxReason),
				ReasonError: "La nota è troppo lunga (al massimo " + strconv.Itoa(maxReason) + " caratteri) o contiene caratteri non ammessi."})
		}
		return s.renderPeriods(w, r, h, http.StatusUnprocessableEntity, "Il motivo è troppo lungo (al massimo "+strconv.Itoa(maxReason)+" caratteri).")
	}
	var closed bool
	switch r.PostForm.Get("azione") {
	case "chiudi":
		closed = true
	case "riapri":
	default:
		return badRequest("Azione sconosciuta.")
	}
	if closed && !p.Closed() && !p.EndedBy(time.Now()) {
		return s.renderPeriods(w, r, h, http.StatusUnprocessableEntity, notEndedMessage(p))
	}
	// closing is irreversible for the public: it first shows what is still
	// missing and closes only on the explicit confirmation posted from there
	if closed && !p.Closed() && r.PostForm.Get("conferma") != "1" {
		msg, status := "", http.StatusOK
		if r.PostForm.Get("passo") == "conferma" {
			msg, status = "Per chiudere il periodo spunta la conferma.", http.StatusUnprocessableEntity
		}
		return s.renderClosePeriod(w, r, h, p, status, templates.ClosePeriodData{Reason: reason, Message: msg})
	}
	err = s.store.SetPeriodClosed(r.Context(), h, p, closed, reason, *auth.FromContext(r.Context()))
	if errors.Is(err, store.ErrPeriodNotEnded) {
		return s.renderPeriods(w, r, h, http.StatusUnprocessableEntity, notEndedMessage(p))
	}
	if errors.Is(err, store.ErrPeriodChanged) {
		what := "la chiusura"
		if !closed {
			what = "la riapertura"
		}
		return s.periodChanged(w, r, h, p, what)
	}
	if errors.Is(err, store.ErrReopenReason) {
		return s.renderPeriods(w, r, h, http.StatusUnprocessableEntity, "Per riaprire il periodo "+p.Label()+" indica il motivo.")
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, string(templates.PeriodsURL(h.EnteSlug, h.Slug)), http.StatusSeeOther)
	return nil
}

// notEndedMessage refuses closing a period that has not ended yet.
func notEndedMessage(p model.Period) string {
	return "Il periodo " + p.Label() + " non è ancora terminato: potrà essere chiuso dal " +
		p.EndsOn.AddDate(0, 0, 1).Format("02/01/2006") + ". Nulla è cambiato."
}

// renderClosePeriod is the closing confirmation: per dirigente, the
// indicators still empty, in draft or returned, and submitted but not approved.
// d carries what was typed and the messages.
func (s *Server) renderClosePeriod(w http.ResponseWriter, r *http.Request, h model.PlanHeader, p model.Period, status int, d templates.ClosePeriodData) error {
	var err error
	if d.Gaps, err = s.store.ClosingGaps(r.Context(), h, p); err != nil {
		return err
	}
	d.Plan, d.Period = h, p
	return s.page(w, r, status, templates.ClosePeriodPage(d))
}

// latePage shows the Segretario Generale the entries to approve and who is late.
func (s *Server) latePage(w http.ResponseWriter, r *http.Request) error {
	h, p, periods, err := s.planAndPeriod(r)
	if err != nil {
		return err
	}
	late, err := s.store.Late(r.Context(), h, p)
	if err != nil {
		return err
	}
	sub, err := s.store.Submitted(r.Context(), h, p)
	if err != nil {
		return err
	}
	return s.page(w, r, http.StatusOK, templates.LatePage(templates.LateData{Plan: h, Period: p, Periods: periods, Late: late, Submitted: sub}))
}

// attachment downloads an evidence file: never rendered inline, whatever it
// contains, and only for the users of its ente.
func (s *Server) attachment(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(param(r, "id"), 10, 64)
	if err != nil || id <= 0 {
		return errNotFound
	}
	a, err := s.store.AttachmentFile(r.Context(), id)
	if err != nil {
		return err
	}
	if !s.can(r, auth.ViewPrivate, auth.Resource{EnteID: a.EnteID}) {
		return errNotFound
	}
	w.Header().Set("Content-Type", a.ContentType)
	w.Header().Set("Content-Disposition", attachmentHeader(evidence.SafeName(a.Filename, a.ContentType)))
	privateDownload(w)
	w.Header().Set("Content-Length", strconv.Itoa(a.Size))
	if r.Method == http.MethodHead {
		return nil
	}
	// streamed in slices: a download holds a bounded buffer, whatever the size
	if err := s.store.CopyAttachment(r.Context(), w, a.Attachment); err != nil {
		s.abortDownload(r, err)
	}
	return nil
}

// setDeadline changes a period's entry deadline (dd/mm/yyyy).
func (s *Server) setDeadline(w http.ResponseWriter, r *http.Request) error {
	h, p, err := s.periodForm(w, r, maxSmallForm)
	if err != nil {
		return err
	}
	raw := strings.TrimSpace(r.PostForm.Get("scadenza"))
	d, err := time.Parse("02/01/2006", raw)
	if err != nil || d.Before(p.EndsOn) || d.After(p.EndsOn.AddDate(1, 0, 0)) {
		return s.renderPeriods(w, r, h, http.StatusUnprocessableEntity, "Scadenza «"+itfmt.Truncate(raw, 20)+"» non valida per il periodo "+
			p.Label()+": scrivi una data gg/mm/aaaa non prima della fine del periodo e entro un anno.")
	}
	err = s.store.SetPeriodDeadline(r.Context(), h, p, d, auth.FromContext(r.Context()).Username)
	if errors.Is(err, store.ErrPeriodChanged) {
		return s.periodChanged(w, r, h, p, "la nuova scadenza «"+raw+"»")
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, string(templates.PeriodsURL(h.EnteSlug, h.Slug)), http.StatusSeeOther)
	return nil
}
