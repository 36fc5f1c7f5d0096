package server

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/a-h/templ"

	"github.com/piao-performance/piao/internal/itfmt"
	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/templates"
)

// maxLegalText bounds each long text of the legal form (in characters), so
// the whole form stays below the route's body limit.
const maxLegalText = 8000

// legalData loads an ente's footer texts for its public pages.
func (s *Server) legalData(r *http.Request) (templates.LegalData, error) {
	e, err := s.store.Ente(r.Context(), param(r, "ente"))
	if err != nil {
		return templates.LegalData{}, err
	}
	id, err := s.store.EnteID(r.Context(), e.Slug)
	if err != nil {
		return templates.LegalData{}, err
	}
	l, err := s.store.EnteLegal(r.Context(), id)
	if err != nil {
		return templates.LegalData{}, err
	}
	return templates.LegalData{EnteSlug: e.Slug, EnteName: e.Name, Legal: l}, nil
}

// enteLegalPage serves one of an ente's footer pages.
func (s *Server) enteLegalPage(c func(templates.LegalData) templ.Component) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		d, err := s.legalData(r)
		if err != nil {
			return err
		}
		return s.page(w, r, http.StatusOK, c(d))
	}
}

// adminLegal shows (GET) and saves (POST) the ente's footer texts; a stale
// form answers 409 with the current texts, bad input 422 with the values kept.
func (s *Server) adminLegal(w http.ResponseWriter, r *http.Request) error {
	d, err := s.legalData(r)
	if err != nil {
		return err
	}
	id, err := s.store.EnteID(r.Context(), d.EnteSlug)
	if err != nil {
		return err
	}
	fd := templates.LegalFormData{EnteSlug: d.EnteSlug, EnteName: d.EnteName, Form: legalFormOf(d.Legal)}
	if r.Method != http.MethodPost {
		if r.URL.Query().Get("esito") == "salvato" {
			fd.Message = "Testi legali salvati."
		}
		return s.page(w, r, http.StatusOK, templates.LegalFormPage(fd))
	}
	if err := readForm(w, r, defaultBodyLimit); err != nil {
		return err
	}
	form, l, version := parseLegalForm(r.PostForm)
	if len(form.Errors) > 0 {
		fd.Form = form
		return s.page(w, r, http.StatusUnprocessableEntity, templates.LegalFormPage(fd))
	}
	err = s.store.SaveEnteLegal(r.Context(), id, d.EnteSlug, l, version, actor(r))
	if errors.Is(err, store.ErrLegalChanged) {
		fd.Error = "Nel frattempo un altro amministratore ha modificato i testi legali: il modulo mostra ora la versione attuale. Le tue modifiche non sono state salvate: riapplicale e salva di nuovo."
		return s.page(w, r, http.StatusConflict, templates.LegalFormPage(fd))
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, string(templates.AdminLegalURL(d.EnteSlug))+"?esito=salvato", http.StatusSeeOther)
	return nil
}

// legalFormOf fills the form with the stored texts.
func legalFormOf(l model.EnteLegal) templates.LegalForm {
	date := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return itfmt.Date(*t)
	}
	return templates.LegalForm{Conformity: l.Conformity, NonAccessible: l.NonAccessible, Method: l.Method,
		PreparedOn: date(l.PreparedOn), ReviewedOn: date(l.ReviewedOn), FeedbackContact: l.FeedbackContact,
		AgIDFormURL: l.AgIDFormURL, Privacy: l.Privacy, LegalNotes: l.LegalNotes, Version: l.Version}
}

// parseLegalForm reads the posted form; Errors names each bad field in Italian.
func parseLegalForm(v url.Values) (templates.LegalForm, model.EnteLegal, int) {
	f := templates.LegalForm{Conformity: strings.TrimSpace(v.Get("conformita")), NonAccessible: strings.TrimSpace(v.Get("non-accessibili")),
		Method: strings.TrimSpace(v.Get("metodo")), PreparedOn: strings.TrimSpace(v.Get("redazione")), ReviewedOn: strings.TrimSpace(v.Get("riesame")),
		FeedbackContact: strings.TrimSpace(v.Get("recapito")), AgIDFormURL: strings.TrimSpace(v.Get("modulo-agid")),
		Privacy: strings.TrimSpace(v.Get("privacy")), LegalNotes: strings.TrimSpace(v.Get("note-legali")), Errors: map[string]string{}}
	version, err := strconv.Atoi(v.Get("versione"))
	if err != nil || version < 0 {
		version = -1 // never matches: a form without a valid version is stale
	}
	f.Version = version
	l := model.EnteLegal{Conformity: f.Conformity, NonAccessible: f.NonAccessible, Method: f.Method, FeedbackContact: f.FeedbackContact,
		AgIDFormURL: f.AgIDFormURL, Privacy: f.Privacy, LegalNotes: f.LegalNotes}
	switch f.Conformity {
	case "", "conforme", "parziale", "non-conforme":
	default:
		f.Errors["conformita"] = "Scegli uno degli stati di conformità dell'elenco."
	}
	switch f.Method {
	case "", "autovalutazione", "terzi":
	default:
		f.Errors["metodo"] = "Scegli uno dei metodi di valutazione dell'elenco."
	}
	rome := itfmt.Rome()
	for _, d := range []struct {
		key, val string
		dst      **time.Time
	}{{"redazione", f.PreparedOn, &l.PreparedOn}, {"riesame", f.ReviewedOn, &l.ReviewedOn}} {
		if d.val == "" {
			continue
		}
		t, err := time.ParseInLocation("02/01/2006", d.val, rome)
		if err != nil {
			f.Errors[d.key] = "Scrivi la data come gg/mm/aaaa (per esempio 31/12/2024)."
			continue
		}
		*d.dst = &t
	}
	if l.PreparedOn != nil && l.ReviewedOn != nil && l.ReviewedOn.Before(*l.PreparedOn) {
		f.Errors["riesame"] = "La data dell'ultimo riesame precede quella di prima redazione."
	}
	if u, err := url.Parse(f.AgIDFormURL); f.AgIDFormURL != "" && (err != nil || u.Scheme != "https" || u.Host == "") {
		f.Errors["modulo-agid"] = "Scrivi un indirizzo web completo che inizia con https://, oppure lascia vuoto."
	}
	for _, t := range []struct {
		key, val string
		max      int
	}{{"recapito", f.FeedbackContact, 300}, {"modulo-agid", f.AgIDFormURL, 300},
		{"non-accessibili", f.NonAccessible, maxLegalText}, {"privacy", f.Privacy, maxLegalText}, {"note-legali", f.LegalNotes, maxLegalText}} {
		if !utf8.ValidString(t.val) || strings.ContainsRune(t.val, 0) {
			f.Errors[t.key] = "Il testo contiene caratteri non validi."
		} else if n := utf8.RuneCountInString(t.val); n > t.max {
			f.Errors[t.key] = "Testo troppo lungo: al massimo " + strconv.Itoa(t.max) + " caratteri (ora " + strconv.Itoa(n) + ")."
		}
	}
	return f, l, version
}

func (s *Server) enteAccessibilityPage(w http.ResponseWriter, r *http.Request) error {
	return s.enteLegalPage(templates.AccessibilityPage)(w, r)
}

func (s *Server) entePrivacyPage(w http.ResponseWriter, r *http.Request) error {
	return s.enteLegalPage(templates.PrivacyPage)(w, r)
}

func (s *Server) enteLegalNotesPage(w http.ResponseWriter, r *http.Request) error {
	return s.enteLegalPage(templates.LegalNotesPage)(w, r)
}
