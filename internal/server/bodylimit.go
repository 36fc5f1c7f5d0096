package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
)

// defaultBodyLimit bounds the body of every route not listed in bodyLimit:
// plain forms are a few kB.
const defaultBodyLimit = 64 << 10

// maxSmallForm bounds the forms of a few fields (sign-in, accounts, rules):
// readForm refuses more, below the route's limit.
const maxSmallForm = 16 << 10

// bodyLimit is the largest body a route accepts, and whether it is an upload
// route (a long read deadline; the handler reads the body as a stream).
// Keyed on the route's pattern so that no handler can forget its limit.
func bodyLimit(method, pattern string) (limit int64, upload bool) {
	if method == http.MethodGet || method == http.MethodHead {
		return defaultBodyLimit, false
	}
	switch {
	case strings.HasSuffix(pattern, "/misurazioni/{code}/{n}"):
		return maxEntryBody, true
	case strings.HasSuffix(pattern, "/modifica/importa"), strings.HasSuffix(pattern, "/modifica/leggi-piao"):
		return maxTemplate + 1<<20, true
	case strings.HasSuffix(pattern, "/oiv/validazione"):
		return maxOIVBody, true
	case strings.HasSuffix(pattern, "/modifica/leggi-piao/{id}"), strings.HasSuffix(pattern, "/modifica/leggi-piao/{id}/bozza"):
		return maxReviewForm, false
	case strings.HasSuffix(pattern, "/misurazioni/griglia"):
		return maxGridBody, false
	case strings.Contains(pattern, "/modifica"):
		return maxEditorForm, false
	case strings.HasSuffix(pattern, "/bozza/sezioni/{section}"):
		return maxDraftForm, false
	}
	return defaultBodyLimit, false
}

// longDownload tells the routes whose response may be large enough to take
// minutes on a slow connection: the write deadline is then the upload one.
func longDownload(pattern string) bool {
	return strings.HasSuffix(pattern, "/evidenze.zip") || strings.HasPrefix(pattern, "/allegati/") ||
		strings.HasSuffix(pattern, "/validazione") || strings.HasSuffix(pattern, "/validazione/{id}")
}

// limitBodies runs before anything else (sessions, authorization): it finds
// the route, sets the connection's read deadline (short for ordinary
// requests, long for uploads, so a slow upload is not cut), refuses a body
// declared larger than the route's limit with 413, and for ordinary routes
// reads the small body at once so that one too large gets 413 and the
// Italian page whatever the handler does with it.
func (s *Server) limitBodies(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		pattern := s.router.Find(chi.NewRouteContext(), r.Method, r.URL.Path)
		limit, upload := bodyLimit(r.Method, pattern)
		rc := http.NewResponseController(w)
		now := time.Now()
		read := s.limits.ReadTimeout
		if upload {
			read = s.limits.UploadTimeout
		}
		// The deadline bounds the body only. net/http keeps reading the
		// connection while the handler runs (to notice a client that leaves)
		// and cancels the request's context when that read fails, a deadline
		// included: so a request without a body gets none, and the deadline
		// is lifted as soon as the body has been read, or a handler slower
		// than the deadline would be cancelled half way.
		// ErrNotSupported only in tests that call the handler directly.
		if r.Body != nil && r.Body != http.NoBody {
			_ = rc.SetReadDeadline(now.Add(read))
		}
		if upload || longDownload(pattern) {
			_ = rc.SetWriteDeadline(now.Add(s.limits.UploadTimeout + 2*time.Minute))
		}
		if r.ContentLength > limit {
			s.bodyTooLarge(w, r, limit)
			return
		}
		if r.Body == nil || r.Body == http.NoBody {
			next.ServeHTTP(w, r)
			return
		}
		r.Body = &liftAtEOF{ReadCloser: http.MaxBytesReader(w, r.Body, limit), rc: rc}
		if !upload {
			body, err := io.ReadAll(r.Body)
			if err != nil {
				s.bodyError(w, r, err, limit)
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		next.ServeHTTP(w, r)
	})
}

// liftAtEOF lifts the connection's read deadline once the whole body has
// been read: from then on only the client leaving may end the request.
type liftAtEOF struct {
	io.ReadCloser
	rc     *http.ResponseController
	lifted bool
}

func (b *liftAtEOF) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF && !b.lifted {
		b.lifted = true
		_ = b.rc.SetReadDeadline(time.Time{})
	}
	return n, err
}

// bodyError answers a body that could not be read: too large (413), too
// slow (408, said plainly, not "too large"), or broken (400).
func (s *Server) bodyError(w http.ResponseWriter, r *http.Request, err error, limit int64) {
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		s.bodyTooLarge(w, r, tooLarge.Limit)
	case errors.Is(err, os.ErrDeadlineExceeded):
		// net/http cancels the request's context when a read fails; the
		// page is still rendered and sent
		r = r.WithContext(context.WithoutCancel(r.Context()))
		s.log.WarnContext(r.Context(), "request body too slow", "path", r.URL.Path, "limit", limit)
		w.Header().Set("Connection", "close")
		s.errorPage(w, r, http.StatusRequestTimeout, "Caricamento interrotto",
			"Il caricamento è stato interrotto perché troppo lento: la connessione non ha inviato i dati entro il tempo consentito. "+
				"Nulla è stato salvato. Riprova da una connessione più veloce o con un file più piccolo.")
	default:
		s.errorPage(w, r, http.StatusBadRequest, "Richiesta non valida", "Il modulo inviato non è leggibile: nulla è stato salvato.")
	}
}

func (s *Server) bodyTooLarge(w http.ResponseWriter, r *http.Request, limit int64) {
	w.Header().Set("Connection", "close") // the rest of the body is not read
	s.errorPage(w, r, http.StatusRequestEntityTooLarge, "Richiesta troppo grande",
		"Il modulo inviato supera il limite di "+sizeText(limit)+" per questa pagina: nulla è stato salvato.")
}

// sizeText writes a limit as "64 kB" or "51 MB".
func sizeText(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%d MB", (n+1<<20-1)>>20)
	}
	return fmt.Sprintf("%d kB", (n+1<<10-1)>>10)
}

// uploadError is the response to an upload whose body could not be parsed
// because it was cut by the read deadline or the route's limit (413 or 408);
// nil for other errors, which the handler answers in its own words.
func uploadError(err error) error {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) || errors.Is(err, os.ErrDeadlineExceeded) {
		return &bodyReadError{err: err}
	}
	return nil
}

// readForm parses the posted form of a handler's request, read through at
// most limit bytes (limitBodies already bounds every route; a form may ask
// for less). A body that cannot be parsed, or is larger than limit, is a 400
// with the Italian message. Upload routes parse their multipart body
// themselves and pass its error to uploadError.
func readForm(w http.ResponseWriter, r *http.Request, limit int64) error {
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	if err := r.ParseForm(); err != nil {
		return badRequest("Il modulo inviato non è leggibile o è troppo grande.")
	}
	return nil
}
