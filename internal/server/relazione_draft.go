package server

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/piao-performance/piao/internal/auth"
	"github.com/piao-performance/piao/internal/document"
	"github.com/piao-performance/piao/internal/itfmt"
	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/narrative"
	"github.com/piao-performance/piao/internal/relazione"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/templates"
)

// maxDraftText bounds the text of one section of the draft, in characters
// (the column allows more: migration 000036).
const maxDraftText = 20000

// maxDraftForm bounds the body of a section's form: maxDraftText characters
// percent-encoded take up to 9 bytes each (a 3-byte rune), plus the fields.
const maxDraftForm = maxDraftText*9 + 4<<10

// Messages of the refused draft writes.
const (
	msgDraftChanged = "Nel frattempo la bozza è stata modificata: la pagina mostra ora la versione attuale. Le tue modifiche non sono state salvate: riapplicale e salva di nuovo."
	msgDraftLocked  = "La bozza è stata inviata all'OIV o validata: non si può più modificare."
	msgDataChanged  = "I dati della Relazione sono cambiati dopo il confronto: controlla di nuovo le differenze prima di sostituire la sezione."
)

// draftYear is the {year} of the URL, within the plan; 404 otherwise.
func draftYear(r *http.Request, h model.PlanHeader) (int, error) {
	year, err := strconv.Atoi(param(r, "year"))
	if err != nil || year < h.StartYear || year > h.EndYear {
		return 0, errNotFound
	}
	return year, nil
}

// draftInput is what the draft of a year is written from: its Relazione
// (the reserved version, approved values) and, when previous is set and
// that year's final period is closed, the previous year's Relazione (only
// the summary compares the two: narrative.KeySummary).
func (s *Server) draftInput(r *http.Request, h model.PlanHeader, year int, previous bool) (narrative.Input, error) {
	ctx := r.Context()
	doc, err := relazione.Build(ctx, s.store, h, year, relazione.Options{Visibility: model.Approved})
	if errors.Is(err, relazione.ErrNoPeriod) {
		return narrative.Input{}, errNotFound
	}
	if err != nil {
		return narrative.Input{}, err
	}
	in := narrative.Input{Year: year, Doc: doc}
	if previous && year-1 >= h.StartYear {
		p, err := s.store.Period(ctx, h.ID, year-1, "final")
		switch {
		case err == nil && p.Closed():
			prev, err := relazione.Build(ctx, s.store, h, year-1, relazione.Options{Visibility: model.Approved})
			if err != nil {
				return narrative.Input{}, err
			}
			in.Previous = prev
		case err != nil && !errors.Is(err, store.ErrNotFound):
			return narrative.Input{}, err
		}
	}
	return in, nil
}

// draftParagraphs converts generated paragraphs to the stored shape.
func draftParagraphs(ps []narrative.Paragraph) []model.DraftParagraph {
	out := make([]model.DraftParagraph, len(ps))
	for i, p := range ps {
		for _, x := range p.Sentences {
			ds := model.DraftSentence{Text: x.Text}
			for _, src := range x.Sources {
				ds.Sources = append(ds.Sources, model.DraftSource{Table: src.Table, Rows: src.Rows})
			}
			out[i].Sentences = append(out[i].Sentences, ds)
		}
	}
	return out
}

func (s *Server) draftData(r *http.Request) (templates.DraftData, error) {
	h := planFrom(r)
	year, err := draftYear(r, h)
	if err != nil {
		return templates.DraftData{}, err
	}
	d := templates.DraftData{Plan: h, Year: year, CanWrite: s.can(r, auth.WriteRelazione, auth.Resource{EnteID: h.EnteID})}
	draft, err := s.store.RelazioneDraft(r.Context(), h.ID, year)
	switch {
	case err == nil && draftWithheld(r, draft):
		d.Withheld = true
	case err == nil:
		d.Draft = &draft
	case !errors.Is(err, store.ErrNotFound):
		return d, err
	}
	if d.Draft != nil && d.Draft.Status == model.DraftBozza {
		v, err := s.store.ValidationOf(r.Context(), h.ID, year)
		switch {
		case err == nil:
			d.YearValidated = v.Outcome != model.NotValidated
		case !errors.Is(err, store.ErrNotFound):
			return d, err
		}
	}
	return d, nil
}

// draftWithheld reports whether the draft's text is kept from the signed-in
// user: the OIV reads what the Segretario Generale sends it (README,
// "Relazione in forma di testo": Invia all'OIV, then the OIV reads it), not
// the text while it is still being written — nor a bozza given back by a
// non validata or a withdrawal, until it is sent again.
func draftWithheld(r *http.Request, d model.RelazioneDraft) bool {
	u := auth.FromContext(r.Context())
	return d.Status == model.DraftBozza && u != nil && u.Role == auth.OIV
}

// relazioneDraftPage shows a year's draft (GET) to the ente's auditors.
func (s *Server) relazioneDraftPage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.draftData(r)
	if err != nil {
		return err
	}
	switch r.URL.Query().Get("esito") {
	case "creata":
		d.Message = "Bozza creata dai dati della Relazione."
	case "salvata":
		d.Message = "Sezione salvata."
	case "rigenerata":
		d.Message = "Sezione sostituita con il testo generato dai dati."
	case "inviata":
		d.Message = "Bozza inviata all'OIV."
	}
	return s.page(w, r, http.StatusOK, templates.DraftPage(d))
}

func (s *Server) draftRedirect(w http.ResponseWriter, r *http.Request, h model.PlanHeader, year int, outcome, anchor string) error {
	u := string(templates.RelazioneDraftURL(h.EnteSlug, h.Slug, year)) + "?esito=" + outcome
	if anchor != "" {
		u += "#sezione-" + anchor
	}
	http.Redirect(w, r, u, http.StatusSeeOther)
	return nil
}

// createRelazioneDraft generates the draft of a year (POST); a draft that
// exists already is kept and shown.
func (s *Server) createRelazioneDraft(w http.ResponseWriter, r *http.Request) error {
	if err := readForm(w, r, defaultBodyLimit); err != nil {
		return err
	}
	h := planFrom(r)
	year, err := draftYear(r, h)
	if err != nil {
		return err
	}
	in, err := s.draftInput(r, h, year, true)
	if err != nil {
		return err
	}
	secs := narrative.Generate(in)
	ds := make([]model.DraftSection, len(secs))
	for i, sec := range secs {
		ds[i] = model.DraftSection{Key: sec.Key, Free: sec.Free, Generated: draftParagraphs(sec.Paragraphs)}
	}
	err = s.store.CreateRelazioneDraft(r.Context(), h, year, ds, actor(r))
	if errors.Is(err, store.ErrRelazioneDraftExists) {
		d, err := s.draftData(r)
		if err != nil {
			return err
		}
		d.Error = "La bozza di quest'anno esiste già: la pagina la mostra. Per aggiornare una sezione dai dati usa «Rigenera»."
		return written(s.page(w, r, http.StatusConflict, templates.DraftPage(d)))
	}
	if err != nil {
		return err
	}
	return s.draftRedirect(w, r, h, year, "creata", "")
}

// postedVersion is the form's versione; −1 (never current) when missing or bad.
func postedVersion(r *http.Request) int {
	v, err := strconv.Atoi(r.PostForm.Get("versione"))
	if err != nil || v < 1 {
		return -1
	}
	return v
}

// refusalMessage is what the pages say of the store's refusal of a draft
// write: a stale version or a locked draft; ok is false for other errors.
func refusalMessage(err error) (msg string, ok bool) {
	switch {
	case errors.Is(err, store.ErrRelazioneDraftChanged):
		return msgDraftChanged, true
	case errors.Is(err, store.ErrRelazioneDraftLocked):
		return msgDraftLocked, true
	}
	return "", false
}

// draftRefusal shows the draft page with the store's refusal: 409 for a
// stale version or a locked draft.
func (s *Server) draftRefusal(w http.ResponseWriter, r *http.Request, err error) error {
	msg, ok := refusalMessage(err)
	if !ok {
		return err
	}
	d, derr := s.draftData(r)
	if derr != nil {
		return derr
	}
	d.Error = msg
	return written(s.page(w, r, http.StatusConflict, templates.DraftPage(d)))
}

// sendRelazioneDraft sends the draft to the OIV (POST).
func (s *Server) sendRelazioneDraft(w http.ResponseWriter, r *http.Request) error {
	if err := readForm(w, r, defaultBodyLimit); err != nil {
		return err
	}
	h := planFrom(r)
	year, err := draftYear(r, h)
	if err != nil {
		return err
	}
	err = s.store.SendDraftToOIV(r.Context(), h, year, postedVersion(r), *auth.FromContext(r.Context()))
	if errors.Is(err, store.ErrNotFound) {
		return s.noDraft(w, r, errNoDraft)
	}
	if err != nil {
		return s.draftRefusal(w, r, err)
	}
	return s.draftRedirect(w, r, h, year, "inviata", "")
}

// errNoDraft: the year has no draft yet; the handlers send to its page.
var errNoDraft = errors.New("no relazione draft for the year")

// noDraft answers a form of a draft that does not exist with its page, where
// the Segretario creates it.
func (s *Server) noDraft(w http.ResponseWriter, r *http.Request, err error) error {
	if !errors.Is(err, errNoDraft) {
		return err
	}
	h := planFrom(r)
	year, _ := draftYear(r, h)
	http.Redirect(w, r, string(templates.RelazioneDraftURL(h.EnteSlug, h.Slug, year)), http.StatusSeeOther)
	return nil
}

// draftSection loads the draft and the {section} of the URL.
func (s *Server) draftSection(r *http.Request) (model.PlanHeader, int, model.RelazioneDraft, model.DraftSection, error) {
	h := planFrom(r)
	year, err := draftYear(r, h)
	if err != nil {
		return h, 0, model.RelazioneDraft{}, model.DraftSection{}, err
	}
	key := param(r, "section")
	if !narrative.Known(key) {
		return h, year, model.RelazioneDraft{}, model.DraftSection{}, errNotFound
	}
	d, err := s.store.RelazioneDraft(r.Context(), h.ID, year)
	if errors.Is(err, store.ErrNotFound) {
		return h, year, d, model.DraftSection{}, errNoDraft
	}
	if err != nil {
		return h, year, d, model.DraftSection{}, err
	}
	sec := d.Section(key)
	if sec == nil {
		return h, year, d, model.DraftSection{}, errNotFound
	}
	return h, year, d, *sec, nil
}

// relazioneDraftSection shows (GET) and saves (POST) one section's text.
func (s *Server) relazioneDraftSection(w http.ResponseWriter, r *http.Request) error {
	if r.Method == http.MethodPost {
		if err := readForm(w, r, maxDraftForm); err != nil {
			return err
		}
	}
	h, year, draft, sec, err := s.draftSection(r)
	if err != nil {
		return s.noDraft(w, r, err)
	}
	fd := templates.DraftSectionData{Plan: h, Year: year, Draft: draft, Section: sec, Text: sec.Text(), Version: draft.Version}
	if draft.Status != model.DraftBozza {
		fd.Error = msgDraftLocked
		return written(s.page(w, r, http.StatusConflict, templates.DraftSectionPage(fd)))
	}
	if r.Method != http.MethodPost {
		return s.page(w, r, http.StatusOK, templates.DraftSectionPage(fd))
	}
	version := postedVersion(r)
	var text *string
	switch r.PostForm.Get("azione") {
	case "ripristina":
		if sec.Free {
			return badRequest("Questa sezione non ha un testo generato.")
		}
	case "salva", "":
		t := strings.TrimSpace(strings.ReplaceAll(r.PostForm.Get("testo"), "\r\n", "\n"))
		fd.Text, fd.Version = t, version
		switch {
		case !itfmt.ValidText(t):
			fd.Errors = append(fd.Errors, templates.FieldError{Field: "testo", Label: "Testo della sezione", Message: "Il testo contiene caratteri non validi."})
		case utf8.RuneCountInString(t) > maxDraftText:
			fd.Errors = append(fd.Errors, templates.FieldError{Field: "testo", Label: "Testo della sezione",
				Message: "Il testo supera i " + itfmt.Number(maxDraftText, 0) + " caratteri."})
		case t == "" && !sec.Free:
			fd.Errors = append(fd.Errors, templates.FieldError{Field: "testo", Label: "Testo della sezione",
				Message: "Scrivi il testo della sezione, oppure torna al testo generato."})
		}
		if len(fd.Errors) > 0 {
			return written(s.page(w, r, http.StatusUnprocessableEntity, templates.DraftSectionPage(fd)))
		}
		// the generated text saved unchanged stays the generated one (with
		// its sources), not an edit
		if sec.Free || t != sec.GeneratedText() {
			text = &t
		}
	default:
		return badRequest("Azione sconosciuta.")
	}
	err = s.store.SaveDraftSection(r.Context(), h, year, sec.Key, text, version, actor(r))
	if msg, ok := refusalMessage(err); ok {
		cur, lerr := s.store.RelazioneDraft(r.Context(), h.ID, year)
		if lerr != nil {
			return lerr
		}
		fd.Draft, fd.Version = cur, cur.Version
		if c := cur.Section(sec.Key); c != nil {
			fd.Section = *c
		}
		fd.Error = msg
		return written(s.page(w, r, http.StatusConflict, templates.DraftSectionPage(fd)))
	}
	if err != nil {
		return err
	}
	return s.draftRedirect(w, r, h, year, "salvata", sec.Key)
}

// fingerprint identifies a generated text, so that the replacement confirmed
// is the one whose difference was shown.
func fingerprint(ps []model.DraftParagraph) string {
	sum := sha256.Sum256([]byte(model.ParagraphsText(ps)))
	return hex.EncodeToString(sum[:])
}

// relazioneDraftRegenerate shows the difference between a section and a new
// generation (GET) and replaces it after confirmation (POST).
func (s *Server) relazioneDraftRegenerate(w http.ResponseWriter, r *http.Request) error {
	if r.Method == http.MethodPost {
		if err := readForm(w, r, defaultBodyLimit); err != nil {
			return err
		}
	}
	h, year, draft, sec, err := s.draftSection(r)
	if err != nil {
		return s.noDraft(w, r, err)
	}
	if sec.Free {
		return errNotFound
	}
	rd := templates.DraftRegenerateData{Plan: h, Year: year, Section: sec, Version: draft.Version}
	if draft.Status != model.DraftBozza {
		// nothing to generate: the draft can no longer change
		rd.Error, rd.Locked = msgDraftLocked, true
		return written(s.page(w, r, http.StatusConflict, templates.DraftRegeneratePage(rd)))
	}
	in, err := s.draftInput(r, h, year, sec.Key == narrative.KeySummary)
	if err != nil {
		return err
	}
	gen, _ := narrative.GenerateSection(in, sec.Key) // a known key: draftSection checked it
	fresh := draftParagraphs(gen.Paragraphs)
	newText := model.ParagraphsText(fresh)
	rd.Diff, rd.Unchanged, rd.Fingerprint = narrative.Diff(sec.Text(), newText), sec.Edited == nil && sec.Text() == newText, fingerprint(fresh)
	if r.Method != http.MethodPost {
		return s.page(w, r, http.StatusOK, templates.DraftRegeneratePage(rd))
	}
	if r.PostForm.Get("impronta") != rd.Fingerprint {
		rd.Error = msgDataChanged
		return written(s.page(w, r, http.StatusConflict, templates.DraftRegeneratePage(rd)))
	}
	err = s.store.RegenerateDraftSection(r.Context(), h, year, sec.Key, fresh, postedVersion(r), actor(r))
	if msg, ok := refusalMessage(err); ok {
		cur, lerr := s.store.RelazioneDraft(r.Context(), h.ID, year)
		if lerr != nil {
			return lerr
		}
		if c := cur.Section(sec.Key); c != nil {
			rd.Section = *c
			rd.Diff = narrative.Diff(c.Text(), newText)
		}
		rd.Version = cur.Version
		rd.Error, rd.Locked = msg, errors.Is(err, store.ErrRelazioneDraftLocked)
		return written(s.page(w, r, http.StatusConflict, templates.DraftRegeneratePage(rd)))
	}
	if err != nil {
		return err
	}
	return s.draftRedirect(w, r, h, year, "rigenerata", sec.Key)
}

// addDraftText puts the year's draft, section by section, before the tables
// of a Relazione download: the current text (the Segretario's, or the
// generated one) of every section that has one. The published version carries
// it only once the OIV's validation froze it, and without the individual
// results.
func (s *Server) addDraftText(r *http.Request, h model.PlanHeader, doc *document.Document, public bool) error {
	year, err := draftYear(r, h)
	if err != nil {
		return err
	}
	d, err := s.store.RelazioneDraft(r.Context(), h.ID, year)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if public && d.Status != model.DraftValidata || draftWithheld(r, d) {
		return nil
	}
	for _, sec := range d.Sections {
		text := sec.Text()
		if public && sec.Key == narrative.KeyIndividual {
			// written from the individual scorecards, generated or edited: the
			// published version leaves them out, as its tables do
			text = narrative.PublicIndividual
		}
		ps := itfmt.Paragraphs(text)
		if len(ps) == 0 {
			continue
		}
		title, _ := narrative.Title(sec.Key)
		doc.Text = append(doc.Text, document.TextSection{Title: title, Paragraphs: ps})
	}
	return nil
}
