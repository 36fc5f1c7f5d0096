package server

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/piao-performance/piao/internal/auth"
	"github.com/piao-performance/piao/internal/itfmt"
	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/scorecard"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/internal/workflow"
	"github.com/piao-performance/piao/templates"
)

// maxBulk bounds the entries of one bulk step (the queue of a large plan fits).
const maxBulk = 2000

// bulkApprovals approves or returns the selected submitted entries of a
// period, with one comment, all or nothing: the first POST shows a
// confirmation stating the count, the second (conferma=1) acts. Every entry
// is checked as the single step checks it (permission, version, state); if
// any is stale nothing changes and the page names the stale rows.
func (s *Server) bulkApprovals(w http.ResponseWriter, r *http.Request) error {
	h, p, _, err := s.planAndPeriod(r)
	if err != nil {
		return err
	}
	if err := readForm(w, r, defaultBodyLimit); err != nil {
		return err
	}
	// the cockpit re-rendered below shows this period
	q := r.URL.Query()
	q.Set("periodo", scorecard.Ref(p))
	r.URL.RawQuery = q.Encode()

	form := templates.BulkForm{Selected: map[string]bool{}, Errors: map[string]string{}}
	form.Comment = strings.TrimSpace(r.PostForm.Get("commento"))
	if utf8.RuneCountInString(form.Comment) > maxReason || !itfmt.ValidText(form.Comment) {
		form.Errors["commento"] = "Il commento deve essere un testo di al massimo " + strconv.Itoa(maxReason) + " caratteri."
		form.Comment = ""
	}
	action := r.PostForm.Get("azione")
	act := map[string]workflow.Action{"approva": workflow.Approve, "restituisci": workflow.Return}[action]
	if act == "" {
		return badRequest("Azione sconosciuta.")
	}
	keys := r.PostForm["voce"]
	if len(keys) > maxBulk {
		return badRequest("Troppe misurazioni selezionate in una volta.")
	}
	var entries []store.BulkEntry
	var items []model.WorkItem
	queue, err := s.store.Submitted(r.Context(), h, p)
	if err != nil {
		return err
	}
	byKey := map[string]model.WorkItem{}
	for _, it := range queue {
		byKey[it.Key] = it
	}
	var unknown []string
	for _, k := range keys {
		k = clean(k)
		if k == "" || form.Selected[k] {
			continue
		}
		form.Selected[k] = true
		version, err := strconv.Atoi(r.PostForm.Get("versione-" + k))
		if err != nil {
			version = -1 // never matches: reported as stale
		}
		// an entry still waiting carries its indicator; one that left the
		// queue meanwhile is looked up, and reported stale by the store
		it, queued := byKey[k]
		ind := model.EntryIndicator{ID: it.IndicatorID, Key: it.Key, Name: it.Name, Unit: it.Unit, Formula: it.Formula,
			Scale: it.Scale, Inputs: it.Inputs, ObjectiveCode: it.ObjectiveCode, ObjectiveTitle: it.ObjectiveTitle, Owners: it.Owners}
		if !queued {
			ind, err = s.store.EntryIndicator(r.Context(), h, k, p.Year)
			if errors.Is(err, store.ErrNotFound) {
				unknown = append(unknown, k)
				continue
			}
			if err != nil {
				return err
			}
		}
		// the same rule as the single step, entry by entry
		if !s.can(r, auth.Approve, ownerResource(h, ind.Owners)) {
			return forbidden("Il tuo profilo non permette questa operazione.")
		}
		if act == workflow.Approve && queued {
			if ind.DeviationRequired, err = s.deviationRequired(r, h, p, ind, it.Entry); err != nil {
				return err
			}
		}
		entries = append(entries, store.BulkEntry{Indicator: ind, Version: version})
		if queued {
			it.Entry.Version = version // the confirmation carries the version the user saw
			items = append(items, it)
		}
	}
	if len(unknown) > 0 {
		form.Message = "Indicatori sconosciuti: " + strings.Join(unknown, ", ") + ". Nessuna misurazione è stata modificata."
		return s.renderDashboard(w, r, http.StatusUnprocessableEntity, form)
	}
	if len(entries) == 0 {
		form.Errors["voci"] = "Seleziona almeno una misurazione."
	}
	if workflow.CheckReason(act, form.Comment) != nil && form.Errors["commento"] == "" {
		form.Errors["commento"] = "Per restituire scrivi un commento (almeno 3 caratteri): il dirigente lo leggerà."
	}
	if len(form.Errors) > 0 {
		form.Message = "Controlla i campi segnalati: nessuna misurazione è stata modificata."
		return s.renderDashboard(w, r, http.StatusUnprocessableEntity, form)
	}
	if r.PostForm.Get("conferma") != "1" {
		if len(items) == len(entries) { // every selected entry is still waiting: ask to confirm
			form.Confirm = &templates.BulkConfirm{Action: action, Items: items}
			return s.renderDashboard(w, r, http.StatusOK, form)
		}
	}
	_, err = s.store.TransitionMany(r.Context(), h, p, entries, act, form.Comment, *auth.FromContext(r.Context()))
	var stale *store.StaleEntriesError
	var unexplained *store.UnexplainedDeviationsError
	switch {
	case errors.As(err, &stale):
		form.Message = "Nessuna misurazione è stata modificata: queste sono cambiate nel frattempo (nuova versione o non più in attesa di approvazione): " +
			strings.Join(stale.Keys, ", ") + ". Controlla l'elenco aggiornato e ripeti l'operazione."
		for _, k := range stale.Keys {
			delete(form.Selected, k)
		}
		return s.renderDashboard(w, r, http.StatusConflict, form)
	case errors.As(err, &unexplained):
		form.Message = "Nessuna misurazione è stata approvata: queste non hanno la motivazione completa dello scostamento " +
			"(cosa è successo, perché, azione correttiva), richiesta al periodo finale per gli indicatori non pienamente raggiunti o non applicabili: " +
			strings.Join(unexplained.Keys, ", ") + ". Restituiscile ai dirigenti o toglile dalla selezione."
		for _, k := range unexplained.Keys {
			delete(form.Selected, k)
		}
		return s.renderDashboard(w, r, http.StatusUnprocessableEntity, form)
	case errors.Is(err, store.ErrPeriodClosed):
		form.Message = "Il periodo è chiuso: nessuna misurazione è stata modificata."
		return s.renderDashboard(w, r, http.StatusConflict, form)
	case err != nil:
		return err
	}
	http.Redirect(w, r, string(templates.DashboardURL(h.EnteSlug, h.Slug))+"?periodo="+scorecard.Ref(p)+
		"&esito="+action+"-"+strconv.Itoa(len(entries))+"#approvazioni", http.StatusSeeOther)
	return nil
}

// bulkOutcome is the message of a completed bulk step (?esito=approva-3).
func bulkOutcome(v string) string {
	action, n, ok := strings.Cut(v, "-")
	count, err := strconv.Atoi(n)
	if !ok || err != nil || count <= 0 || count > maxBulk {
		return ""
	}
	what := " misurazioni approvate."
	switch {
	case action == "approva" && count == 1:
		what = " misurazione approvata."
	case action == "restituisci" && count == 1:
		what = " misurazione restituita con il commento."
	case action == "restituisci":
		what = " misurazioni restituite con il commento."
	case action != "approva":
		return ""
	}
	return strconv.Itoa(count) + what
}
