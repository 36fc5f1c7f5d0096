package server

import (
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/templates"
)

// restoreParam carries the token of a kept form through sign-in.
const restoreParam = "ripristino"

// keepsForm tells the routes whose form, posted after the session expired,
// is kept and given back after sign-in: the entry form and the grid, whose
// GET at the same path shows the form again.
func keepsForm(method, pattern string) bool {
	return method == http.MethodPost &&
		(strings.HasSuffix(pattern, "/misurazioni/{code}/{n}") || strings.HasSuffix(pattern, "/misurazioni/griglia"))
}

// keepExpiredForm keeps the text values of a form posted without a session
// (files are not kept) and sends the user to sign in, then back to the same
// page with ?ripristino=TOKEN, where the form comes back filled. It reports
// false when there is nothing to keep (the caller answers 401 as before).
func (s *Server) keepExpiredForm(w http.ResponseWriter, r *http.Request) bool {
	if r.URL.Query().Get("calcola") == "1" { // the live result of htmx: nothing typed is lost
		return false
	}
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		err = r.ParseMultipartForm(1 << 20)
		if r.MultipartForm != nil {
			defer r.MultipartForm.RemoveAll()
		}
	} else {
		err = r.ParseForm()
	}
	if err != nil || len(r.PostForm) == 0 {
		return false
	}
	token, err := s.store.KeepForm(r.Context(), r.URL.Path, r.PostForm)
	if err != nil {
		if !errors.Is(err, store.ErrFormTooLarge) {
			s.log.ErrorContext(r.Context(), "keeping an expired form", slog.Any("err", err))
		}
		return false
	}
	q := r.URL.Query()
	q.Del(restoreParam)
	q.Del("salvato")
	q.Set(restoreParam, token)
	http.Redirect(w, r, string(templates.SignInReturnURL(r.URL.Path+"?"+q.Encode())), http.StatusSeeOther)
	return true
}

// takeExpiredForm returns the form kept for this page under ?ripristino=,
// once; nil when there is none (or it was taken already).
func (s *Server) takeExpiredForm(r *http.Request) (url.Values, error) {
	token := r.URL.Query().Get(restoreParam)
	if token == "" || len(token) > 64 {
		return nil, nil
	}
	form, err := s.store.TakeForm(r.Context(), token, r.URL.Path)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	return form, err
}

// restoredNotice is what a page restored after sign-in says.
const restoredNotice = "La sessione era scaduta: hai effettuato di nuovo l'accesso e i valori che avevi inserito sono stati ripristinati. " +
	"Nulla è ancora salvato: controllali e salva. Gli allegati vanno scelti di nuovo."
