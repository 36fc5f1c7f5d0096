package server

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/templates"
)

// render writes a component with status; rendering into a buffer first means
// a failing component never leaves a half-written page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	buf, _ := s.bufs.Get().(*bytes.Buffer)
	if buf == nil {
		buf = new(bytes.Buffer)
	}
	defer func() {
		if buf.Cap() <= 1<<20 { // a rare huge page is not kept
			buf.Reset()
			s.bufs.Put(buf)
		}
	}()
	ctx := r.Context()
	if m := s.menu(r); m != nil { // the signed-in menu line of the layout
		ctx = templates.WithMenu(ctx, m)
	}
	if err := c.Render(ctx, buf); err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, status int, title, msg string) {
	var buf bytes.Buffer
	if err := templates.ErrorPage(status, title, msg).Render(r.Context(), &buf); err != nil {
		http.Error(w, title, status)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.errorPage(w, r, http.StatusNotFound, "Pagina non trovata",
		"La pagina richiesta non esiste o è stata spostata. Controlla l'indirizzo.")
}

func (s *Server) methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	s.errorPage(w, r, http.StatusMethodNotAllowed, "Operazione non consentita",
		"Questo indirizzo non accetta il metodo "+r.Method+".")
}

// serverError logs err and answers 503 when the database cannot be reached,
// 500 otherwise; the visitor sees an Italian page, never the error text.
func (s *Server) serverError(w http.ResponseWriter, r *http.Request, err error) {
	if unavailable(err) {
		s.log.LogAttrs(r.Context(), slog.LevelWarn, "database unavailable", slogString("request_id", reqID(r)), slogString("error", err.Error()))
		w.Header().Set("Retry-After", "30")
		s.errorPage(w, r, http.StatusServiceUnavailable, "Servizio temporaneamente non disponibile",
			"Il servizio non riesce a raggiungere la base dati. Riprova tra qualche istante.")
		return
	}
	s.log.LogAttrs(r.Context(), slog.LevelError, "server error", slogString("request_id", reqID(r)), slogString("error", err.Error()))
	s.errorPage(w, r, http.StatusInternalServerError, "Errore del server",
		"Si è verificato un errore imprevisto. Il problema è stato registrato con il codice "+reqID(r)+".")
}

// storeError maps store errors: not found → 404, anything else → serverError.
func (s *Server) storeError(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r)
		return
	}
	s.serverError(w, r, err)
}

func unavailable(err error) bool {
	var ce *pgconn.ConnectError
	var ne net.Error
	if errors.As(err, &ce) || errors.As(err, &ne) || errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	// 08: connection exception; 57P01-03: the server is shutting down, crashed
	// or is starting up (a pooled connection ended by pg_ctl stop -m fast)
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (strings.HasPrefix(pe.Code, "08") || pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03")
}

func slogString(k, v string) slog.Attr                 { return slog.String(k, v) }
func slogInt(k string, v int) slog.Attr                { return slog.Int(k, v) }
func slogDuration(k string, v time.Duration) slog.Attr { return slog.Duration(k, v) }

func levelFor(status int) slog.Level {
	switch {
	case status >= 500:
		return slog.LevelError
	case status >= 400:
		return slog.LevelWarn
	}
	return slog.LevelInfo
}
