package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/templates"
)

// handler is the shape of every route's handler, as in pkgsite: it writes
// the response and returns nil, or returns an error without having written
// anything, and serve turns the error into the response. A helper that wrote
// a page itself (a form shown again with its message) returns errWritten.
type handler func(w http.ResponseWriter, r *http.Request) error

// httpError is an error whose response is known: the status and the Italian
// page the visitor reads.
type httpError struct {
	status     int
	title, msg string
}

func (e *httpError) Error() string { return fmt.Sprintf("%d %s: %s", e.status, e.title, e.msg) }

// badRequest: 400 "Richiesta non valida" with msg.
func badRequest(msg string) error {
	return &httpError{status: http.StatusBadRequest, title: "Richiesta non valida", msg: msg}
}

// forbidden: 403 "Operazione non consentita" with msg.
func forbidden(msg string) error {
	return &httpError{status: http.StatusForbidden, title: "Operazione non consentita", msg: msg}
}

// errNotFound answers the "Pagina non trovata" page (store.ErrNotFound does too).
var errNotFound error = errPageNotFound

var errPageNotFound = &httpError{status: http.StatusNotFound, title: "Pagina non trovata",
	msg: "La pagina richiesta non esiste o è stata spostata. Controlla l'indirizzo."}

// errWritten is returned by a helper that has written the response itself
// (a page with the user's message, a redirect): the handler stops, and serve
// writes nothing more.
var errWritten = errors.New("response written")

// written is errWritten after a page rendered with err as its result.
func written(err error) error {
	if err != nil {
		return err
	}
	return errWritten
}

// bodyReadError is a body cut by the route's limit or the read deadline;
// it is answered by bodyError (413 or 408).
type bodyReadError struct{ err error }

func (e *bodyReadError) Error() string { return "reading the body: " + e.err.Error() }
func (e *bodyReadError) Unwrap() error { return e.err }

// serve adapts a handler to net/http: a returned error becomes the response.
func (s *Server) serve(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.handleError(w, r, err)
		}
	}
}

// handleError is the one place where an error becomes a response: typed
// errors carry their status and page, store.ErrNotFound is a 404, an
// unreachable database a 503, anything else a logged 500 with the request id.
func (s *Server) handleError(w http.ResponseWriter, r *http.Request, err error) {
	var (
		he *httpError
		be *bodyReadError
	)
	switch {
	case errors.Is(err, errWritten):
	case errors.As(err, &he):
		s.errorPage(w, r, he.status, he.title, he.msg)
	case errors.As(err, &be):
		s.bodyError(w, r, be.err, 0)
	case errors.Is(err, store.ErrNotFound):
		s.notFound(w, r)
	default:
		s.serverError(w, r, err)
	}
}

// page writes a component with status; rendering into a buffer first means
// a failing component never leaves a half-written page (the error is
// returned and nothing is written).
func (s *Server) page(w http.ResponseWriter, r *http.Request, status int, c templ.Component) error {
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
	if e := param(r, "ente"); e != "" { // a page of an ente: the footer links its legal pages
		ctx = templates.WithFooterEnte(ctx, e)
	}
	if err := c.Render(ctx, buf); err != nil {
		return fmt.Errorf("rendering the page: %w", err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	// The whole page is known: sent with its length, not in chunks, it takes
	// fewer writes here and less parsing in the browser's network stack.
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
	return nil
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
	s.errorPage(w, r, errPageNotFound.status, errPageNotFound.title, errPageNotFound.msg)
}

func (s *Server) methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	s.errorPage(w, r, http.StatusMethodNotAllowed, "Operazione non consentita",
		"Questo indirizzo non accetta il metodo "+r.Method+".")
}

// serverError logs err and answers 503 when the database cannot be reached,
// 500 otherwise; the visitor sees an Italian page, never the error text.
func (s *Server) serverError(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
		// the client left (closed the tab, lost the connection): nobody reads
		// the answer, and it is not the server's fault; 499 as in nginx's logs
		s.log.LogAttrs(r.Context(), slog.LevelInfo, "request abandoned by the client", slogString("request_id", reqID(r)), slogString("error", err.Error()))
		w.WriteHeader(499)
		return
	}
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
