package server

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/piaoparse"
	"github.com/piao-performance/piao/internal/plan"
	"github.com/piao-performance/piao/internal/planxlsx"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/templates"
)

// exportJSON serves the whole plan with its state as `piao export` writes it:
// the backup an administrator keeps or moves to another installation.
func (s *Server) exportJSON(w http.ResponseWriter, r *http.Request) error {
	doc, err := s.store.ExportPlan(r.Context(), param(r, "ente"), param(r, "plan"))
	if err != nil {
		return err
	}
	b, err := plan.Encode(doc)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+doc.Ente.Slug+"_"+doc.Plan.Slug+`.json"`)
	privateDownload(w)
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	_, _ = w.Write(b)
	return nil
}

// planTemplate serves the plan (the draft, when one is open) as the XLSX
// template an office fills and loads back.
func (s *Server) planTemplate(w http.ResponseWriter, r *http.Request) error {
	h := planFrom(r)
	var doc *plan.Document
	d, err := s.store.DraftOf(r.Context(), h.ID)
	switch {
	case err == nil:
		doc = d.Doc
	case errors.Is(err, store.ErrNotFound):
		if doc, err = s.store.ExportPlan(r.Context(), h.EnteSlug, h.Slug); err != nil {
			return err
		}
		doc.State = nil
	default:
		return err
	}
	var buf bytes.Buffer
	if err := planxlsx.Write(&buf, doc); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="`+h.EnteSlug+"_"+h.Slug+`_modello.xlsx"`)
	privateDownload(w)
	_, _ = buf.WriteTo(w)
	return nil
}

// importTemplate loads a filled template into the draft: every problem is
// listed by sheet, row and column and nothing is written; a clean file
// replaces the draft's content, and the plan changes only when the draft is
// adopted.
func (s *Server) importTemplate(w http.ResponseWriter, r *http.Request) error {
	h := planFrom(r)
	d, name, data, err := s.draftUpload(w, r, h, "foglio", templateUpload())
	if err != nil {
		return err
	}
	doc, problems, err := planxlsx.Read(bytes.NewReader(data))
	var msgs []string
	var limit *planxlsx.LimitError
	switch {
	case errors.As(err, &limit):
		msgs = []string{limit.Message + ": nulla è stato importato."}
	case err != nil:
		msgs = []string{"Il file non è un foglio XLSX valido."}
	case len(problems) > 0:
		for _, p := range problems {
			msgs = append(msgs, p.String())
		}
	case doc.Ente.Slug != h.EnteSlug || doc.Plan.Slug != h.Slug:
		msgs = []string{"Il foglio è di un altro piano (" + doc.Ente.Slug + "/" + doc.Plan.Slug + "): nel foglio «Piano» ente e piano devono essere " + h.EnteSlug + "/" + h.Slug + "."}
	case doc.Plan.StartYear != h.StartYear || doc.Plan.EndYear != h.EndYear:
		msgs = []string{"Il foglio cambia gli anni del piano: per un nuovo ciclo usa «Crea il piano del prossimo ciclo»."}
	}
	if len(msgs) > 0 {
		return s.renderEditor(w, r, h, http.StatusUnprocessableEntity, templates.EditorData{Problems: msgs})
	}
	doc.Plan.History = d.Doc.Plan.History
	doc.Plan.Revision = d.Doc.Plan.Revision
	err = s.store.SaveDraft(r.Context(), h, doc, d.Version, map[string]any{"import": name, "objectives": len(doc.Objectives)}, actor(r))
	if errors.Is(err, store.ErrDraftChanged) {
		return s.renderEditor(w, r, h, http.StatusConflict, templates.EditorData{Message: templateUpload().stale})
	} else if err != nil {
		return err
	}
	return uploaded(w, r, string(templates.EditorURL(h.EnteSlug, h.Slug))+"?esito=importato")
}

// maxTemplate bounds an uploaded template (planxlsx refuses more anyway).
const maxTemplate = 32 << 20

// importPublished reads the performance section of a published PIAO (PDF,
// DOCX or text) and keeps what piaoparse recognises (areas, objectives,
// indicators, targets, individual objectives, every uncertain cell with its
// source text) as a review (plan_imports_review.go): the draft changes only
// when the administrator, on the review page, creates the draft from it.
func (s *Server) importPublished(w http.ResponseWriter, r *http.Request) error {
	h := planFrom(r)
	_, name, data, err := s.draftUpload(w, r, h, "piao", publishedUpload())
	if err != nil {
		return err
	}
	text, err := piaoparse.Extract(r.Context(), data)
	var msg string
	switch {
	case errors.Is(err, piaoparse.ErrFormat):
		msg = "Il file non è un PDF, un documento Word (DOCX) o un testo."
	case errors.Is(err, piaoparse.ErrNoPdftotext):
		msg = "Per leggere un PDF il server ha bisogno di pdftotext (pacchetto poppler-utils): carica il documento in DOCX o in testo."
	case err != nil:
		s.log.WarnContext(r.Context(), "published PIAO not readable", "err", err)
		msg = "Il testo del documento non è leggibile."
	}
	if msg != "" {
		return s.renderEditor(w, r, h, http.StatusUnprocessableEntity, templates.EditorData{Problems: []string{msg}})
	}
	res := piaoparse.Parse(text, piaoparse.Options{Ente: h.EnteSlug, Plan: h.Slug, Title: h.Title, StartYear: h.StartYear, EndYear: h.EndYear})
	if !res.Found() {
		return s.renderEditor(w, r, h, http.StatusUnprocessableEntity, templates.EditorData{Problems: []string{
			"Nel documento non è stato riconosciuto nessun ambito, obiettivo o indicatore della sezione performance: nulla è stato scritto."}})
	}
	// the cleaned name: a raw one may hold bytes PostgreSQL's jsonb refuses
	name = fileName(name)
	res.Doc.SourceTitle = name
	id, err := s.store.CreatePlanImport(r.Context(), h, name, res.Doc, importProblems(res.Problems), actor(r))
	if err != nil {
		return err
	}
	return uploaded(w, r, string(templates.ImportReviewURL(h.EnteSlug, h.Slug, id)))
}

// uploadTexts are the editor's messages for one kind of upload.
type uploadTexts struct {
	choose, noDraft, stale string
}

// templateUpload and publishedUpload are the texts of the XLSX template and
// of the published PIAO.
func templateUpload() uploadTexts {
	return uploadTexts{choose: "Scegli il file XLSX da importare.",
		noDraft: "Apri una revisione prima di importare un foglio.",
		stale:   "La bozza è cambiata nel frattempo: il foglio non è stato importato. Riprova."}
}

func publishedUpload() uploadTexts {
	return uploadTexts{choose: "Scegli il documento del PIAO da leggere (PDF, DOCX o testo).",
		noDraft: "Apri una revisione prima di leggere un documento.",
		stale:   "La bozza è cambiata nel frattempo: il documento non è stato letto. Riprova."}
}

// draftUpload reads what both editor uploads start with: the multipart body
// (limited, with its deadline, by limitBodies), the open draft at the version
// the form was built from, and the one file of field (at most maxTemplate
// bytes). A refusal is written as the editor page with its message and
// returned as errWritten.
func (s *Server) draftUpload(w http.ResponseWriter, r *http.Request, h model.PlanHeader, field string, t uploadTexts) (model.Draft, string, []byte, error) {
	refuse := func(status int, d templates.EditorData) (model.Draft, string, []byte, error) {
		return model.Draft{}, "", nil, written(s.renderEditor(w, r, h, status, d))
	}
	if err := r.ParseMultipartForm(4 << 20); errors.Is(err, http.ErrNotMultipart) {
		return refuse(http.StatusUnprocessableEntity, templates.EditorData{Problems: []string{t.choose}})
	} else if uploadError(err) != nil {
		return model.Draft{}, "", nil, uploadError(err)
	} else if err != nil {
		return refuse(http.StatusRequestEntityTooLarge, templates.EditorData{Problems: []string{"Il file supera i 32 MB o il modulo non è leggibile."}})
	}
	defer r.MultipartForm.RemoveAll()
	d, err := s.store.DraftOf(r.Context(), h.ID)
	if errors.Is(err, store.ErrNotFound) {
		return refuse(http.StatusConflict, templates.EditorData{Message: t.noDraft})
	} else if err != nil {
		return model.Draft{}, "", nil, err
	}
	if r.PostForm.Get("versione") != strconv.Itoa(d.Version) {
		return refuse(http.StatusConflict, templates.EditorData{Message: t.stale})
	}
	files := r.MultipartForm.File[field]
	if len(files) != 1 {
		return refuse(http.StatusUnprocessableEntity, templates.EditorData{Problems: []string{t.choose}})
	}
	f, err := files[0].Open()
	if err != nil {
		return refuse(http.StatusUnprocessableEntity, templates.EditorData{Problems: []string{"Il file non è leggibile."}})
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxTemplate))
	if err != nil {
		return refuse(http.StatusUnprocessableEntity, templates.EditorData{Problems: []string{"Il file non è leggibile."}})
	}
	return d, files[0].Filename, data, nil
}

// uploaded sends the editor to next after an upload: htmx (the progress bar)
// gets HX-Redirect, a plain form a 303.
func uploaded(w http.ResponseWriter, r *http.Request, next string) error {
	if r.Header.Get("HX-Request") == "true" {
		w.Header().Set("HX-Redirect", next)
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}
