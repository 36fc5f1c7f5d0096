package server

import (
	"cmp"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/piao-performance/piao/internal/evidence"
	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/piaoparse"
	"github.com/piao-performance/piao/internal/plan"
	"github.com/piao-performance/piao/internal/planedit"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/templates"
)

// The review of a published PIAO read in the editor (issue 19): the upload
// (importPublished in plan_files.go) keeps the parsed document as a pending
// review; the review page shows every area, objective and indicator found as
// one form, the uncertain cells marked beside their source text; the
// administrator saves it, discards it, or creates the draft from it through
// the same draft write as every editor form (store.ApplyPlanImport).

// maxReviewForm bounds the review form (bodyLimit gives the route as much):
// the reference plan's review is some 60 kB in 1,600 fields. Past 10,000
// fields net/url refuses the form anyway (a 400 from readForm).
const maxReviewForm = 1 << 20

const (
	reviewChanged = "La revisione è cambiata nel frattempo (un'altra scheda o un'altra persona): le modifiche non sono state salvate. Ricarica la pagina e ripeti."
	reviewNoDraft = "Non c'è una revisione aperta: aprila nella pagina di modifica del piano, poi crea la bozza. Le modifiche non sono state salvate."
	reviewStale   = "La bozza è cambiata dopo che questa pagina è stata aperta: la bozza non è stata creata. Ripeti «Crea bozza» per sostituirne il contenuto con questa revisione."
)

// importProblems turns the parser's problems into the stored review's.
func importProblems(ps []piaoparse.Problem) []model.ImportProblem {
	out := make([]model.ImportProblem, 0, len(ps))
	for _, p := range ps {
		out = append(out, model.ImportProblem{Line: p.Line, Kind: p.Kind, Objective: p.Objective, Indicator: p.Indicator,
			Text: p.Text, Chosen: p.Chosen, Unresolved: p.Unresolved})
	}
	return out
}

// fileName is an uploaded file's name as it may be stored and shown
// (evidence.CleanName: no path, control or formatting characters), or
// "documento" when nothing is left.
func fileName(name string) string { return cmp.Or(evidence.CleanName(name), "documento") }

// planImportFrom reads the review {id} of the plan: 404 when it is not a
// pending review of this plan.
func (s *Server) planImportFrom(r *http.Request, h model.PlanHeader) (model.PlanImport, error) {
	id, err := strconv.ParseInt(param(r, "id"), 10, 64)
	if err != nil || id <= 0 || param(r, "id") != strconv.FormatInt(id, 10) {
		return model.PlanImport{}, errNotFound
	}
	return s.store.PlanImportOf(r.Context(), h.ID, id)
}

// reviewData is the review page of imp with form f, and the open draft's version.
func (s *Server) reviewData(r *http.Request, h model.PlanHeader, imp model.PlanImport, f planedit.ReviewForm) (templates.ImportReviewData, error) {
	d := templates.ImportReviewData{Plan: h, Import: imp, Form: f, Errors: map[string]string{}}
	draft, err := s.store.DraftOf(r.Context(), h.ID)
	switch {
	case err == nil:
		d.DraftVersion = draft.Version
	case !errors.Is(err, store.ErrNotFound):
		return d, err
	}
	return d, nil
}

// renderReview shows the review page with status.
func (s *Server) renderReview(w http.ResponseWriter, r *http.Request, status int, d templates.ImportReviewData) error {
	return s.page(w, r, status, templates.ImportReviewPage(d))
}

// reviewPage shows (GET) or saves (POST, "Salva modifiche") a review.
func (s *Server) reviewPage(w http.ResponseWriter, r *http.Request) error {
	h := planFrom(r)
	if r.Method != http.MethodPost {
		imp, err := s.planImportFrom(r, h)
		if err != nil {
			return err
		}
		d, err := s.reviewData(r, h, imp, planedit.ReviewFormOf(imp.Doc))
		if err != nil {
			return err
		}
		if r.URL.Query().Get("esito") == "salvato" {
			d.Message = "Modifiche salvate nella revisione."
		}
		return s.renderReview(w, r, http.StatusOK, d)
	}
	imp, d, ok, err := s.postedReview(w, r, h)
	if err != nil || !ok {
		return err
	}
	err = s.store.SavePlanImport(r.Context(), h, imp.ID, imp.Version, imp.Doc, imp.Problems, map[string]any{"objectives": len(imp.Doc.Objectives)}, actor(r))
	if errors.Is(err, store.ErrImportChanged) {
		d.Alert = reviewChanged
		return s.renderReview(w, r, http.StatusConflict, d)
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, string(templates.ImportReviewURL(h.EnteSlug, h.Slug, imp.ID))+"?esito=salvato", http.StatusSeeOther)
	return nil
}

// postedReview reads a posted review form and applies it to the stored
// document (imp.Doc and imp.Problems then hold the reviewed ones). A form
// with errors, or one built on an older version of the review, is answered
// here (ok false) with the typed values kept; nothing is saved.
func (s *Server) postedReview(w http.ResponseWriter, r *http.Request, h model.PlanHeader) (model.PlanImport, templates.ImportReviewData, bool, error) {
	var d templates.ImportReviewData
	if err := readForm(w, r, maxReviewForm); err != nil {
		return model.PlanImport{}, d, false, err
	}
	for _, vs := range r.PostForm { // jsonb refuses NUL
		for _, v := range vs {
			if strings.ContainsRune(v, 0) {
				return model.PlanImport{}, d, false, badRequest("Il modulo contiene caratteri non ammessi: nulla è stato salvato.")
			}
		}
	}
	imp, err := s.planImportFrom(r, h)
	if err != nil {
		return imp, d, false, err
	}
	f := planedit.ReviewFormFrom(imp.Doc, r.PostForm.Get)
	if d, err = s.reviewData(r, h, imp, f); err != nil {
		return imp, d, false, err
	}
	if r.PostForm.Get("versione-lettura") != strconv.Itoa(imp.Version) {
		d.Alert = reviewChanged
		return imp, d, false, s.renderReview(w, r, http.StatusConflict, d)
	}
	reviewed := *imp.Doc
	rn, errs := planedit.ApplyReview(&reviewed, f)
	if len(errs) > 0 {
		d.Errors = errs
		return imp, d, false, s.renderReview(w, r, http.StatusUnprocessableEntity, d)
	}
	imp.Problems = renamedProblems(imp.Problems, rn)
	imp.Doc = &reviewed
	return imp, d, true, nil
}

// renamedProblems makes the problems follow the objectives and indicators
// whose code the review changed.
func renamedProblems(ps []model.ImportProblem, rn planedit.Renames) []model.ImportProblem {
	out := make([]model.ImportProblem, len(ps))
	for i, p := range ps {
		if n, ok := rn.Objectives[p.Objective]; ok {
			p.Objective = n
		}
		if n, ok := rn.Indicators[p.Indicator]; ok {
			p.Indicator = n
		}
		out[i] = p
	}
	return out
}

// reviewDraft ("Crea bozza") applies the posted review, checks the plan it
// makes with the draft's organisation (plan.Validate) and writes it as the
// draft's content, the review marked applied, in one transaction; then the
// editor shows the draft to adopt as usual. Nothing is saved when any step
// refuses.
func (s *Server) reviewDraft(w http.ResponseWriter, r *http.Request) error {
	h := planFrom(r)
	imp, d, ok, err := s.postedReview(w, r, h)
	if err != nil || !ok {
		return err
	}
	draft, err := s.store.DraftOf(r.Context(), h.ID)
	if errors.Is(err, store.ErrNotFound) {
		d.Alert = reviewNoDraft
		return s.renderReview(w, r, http.StatusConflict, d)
	} else if err != nil {
		return err
	}
	if r.PostForm.Get("versione") != strconv.Itoa(draft.Version) {
		d.Alert = reviewStale
		return s.renderReview(w, r, http.StatusConflict, d)
	}
	doc := publishedDraft(draft, imp.Doc, imp.FileName)
	if err := plan.Validate(doc); err != nil {
		d.Errors = map[string]string{"": "Il piano letto non è ancora coerente, correggilo e riprova: " + firstLine(err.Error())}
		return s.renderReview(w, r, http.StatusUnprocessableEntity, d)
	}
	err = s.store.ApplyPlanImport(r.Context(), h, imp.ID, imp.Version, imp.Doc, imp.Problems, doc, draft.Version,
		map[string]any{"published": imp.FileName, "import": imp.ID, "objectives": len(doc.Objectives), "notes": len(imp.Problems)}, actor(r))
	switch {
	case errors.Is(err, store.ErrImportChanged):
		d.Alert = reviewChanged
		return s.renderReview(w, r, http.StatusConflict, d)
	case errors.Is(err, store.ErrDraftChanged):
		d.Alert = reviewStale
		return s.renderReview(w, r, http.StatusConflict, d)
	case err != nil:
		return err
	}
	http.Redirect(w, r, string(templates.EditorURL(h.EnteSlug, h.Slug))+"?esito=letto#punti-incerti", http.StatusSeeOther)
	return nil
}

// publishedDraft is the draft's new content from a reviewed document: the
// areas, objectives, indicators, individual objectives and notes read, with
// the draft's ente, units and revision history, and its roles plus those
// the document named.
func publishedDraft(d model.Draft, read *plan.Document, name string) *plan.Document {
	doc := *read
	doc.Ente = d.Doc.Ente
	doc.Units = d.Doc.Units
	roles := append([]plan.Role(nil), d.Doc.Roles...)
	for _, pr := range read.Roles {
		known := false
		for _, r := range roles {
			known = known || r.Key == pr.Key
		}
		if !known {
			roles = append(roles, pr)
		}
	}
	doc.Roles = roles
	doc.SourceTitle = name
	doc.Plan.History = d.Doc.Plan.History
	doc.Plan.Revision = d.Doc.Plan.Revision
	doc.State = nil
	return &doc
}

// reviewDiscard ("Annulla la lettura") discards a review.
func (s *Server) reviewDiscard(w http.ResponseWriter, r *http.Request) error {
	h := planFrom(r)
	if err := readForm(w, r, maxSmallForm); err != nil {
		return err
	}
	imp, err := s.planImportFrom(r, h)
	if err != nil {
		return err
	}
	v, err := strconv.Atoi(r.PostForm.Get("versione-lettura"))
	if err != nil {
		v = -1
	}
	err = s.store.DiscardPlanImport(r.Context(), h, imp.ID, v, actor(r))
	if errors.Is(err, store.ErrImportChanged) {
		d, err := s.reviewData(r, h, imp, planedit.ReviewFormOf(imp.Doc))
		if err != nil {
			return err
		}
		d.Alert = "La revisione è cambiata nel frattempo: non è stata annullata. Controllala e ripeti."
		return s.renderReview(w, r, http.StatusConflict, d)
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, string(templates.EditorURL(h.EnteSlug, h.Slug))+"?esito=annullata", http.StatusSeeOther)
	return nil
}

// firstLine is the first line of a message.
func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
