package server

import (
	"fmt"
	"io/fs"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/piao-performance/piao/internal/itfmt"
)

// crossOrigin refuses cross-origin state-changing requests before any handler
// runs. It sits inside the router's middleware so that a refusal gets the
// request id, the request log and the security headers like any response,
// is logged with the origin that sent it, and shows the Italian error page.
func (s *Server) crossOrigin(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.log.LogAttrs(r.Context(), slog.LevelWarn, "cross-origin request refused",
			slogString("request_id", reqID(r)), slogString("method", r.Method), slogString("path", r.URL.Path),
			slogString("origin", itfmt.Truncate(r.Header.Get("Origin"), 200)),
			slogString("sec_fetch_site", itfmt.Truncate(r.Header.Get("Sec-Fetch-Site"), 40)))
		s.errorPage(w, r, http.StatusForbidden, "Richiesta da un altro sito rifiutata",
			"La richiesta non proviene da una pagina di questo servizio ed è stata rifiutata per proteggere i tuoi dati. "+
				"Apri il servizio dal suo indirizzo e ripeti l'operazione.")
	}))
	return cop.Handler(next)
}

// cleanURL keeps text with a NUL byte or invalid UTF-8 (%FF, overlong
// encodings such as %C0%AE) away from every handler, filter and database
// query: such a path names no page (the Italian 404), such a query
// parameter gets 400 with the Italian error page.
func (s *Server) cleanURL(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !cleanText(r.URL.Path) {
			s.notFound(w, r)
			return
		}
		if !cleanQuery(r.URL.RawQuery) {
			s.errorPage(w, r, http.StatusBadRequest, "Indirizzo non valido",
				"L'indirizzo della pagina contiene caratteri non validi (un carattere nullo o una sequenza non UTF-8). "+
					"Correggi i filtri o l'indirizzo e riprova.")
			return
		}
		next.ServeHTTP(w, r)
	})
}

func cleanText(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

// cleanQuery checks every decoded key and value; a malformed pair (a bad
// escape) is skipped by the handlers' own parsing, so it is not refused here.
func cleanQuery(raw string) bool {
	if raw == "" {
		return true
	}
	vals, _ := url.ParseQuery(raw)
	for k, vs := range vals {
		if !cleanText(k) {
			return false
		}
		for _, v := range vs {
			if !cleanText(v) {
				return false
			}
		}
	}
	return true
}

// staticFiles serves the embedded assets under /static/; a folder is a 404,
// never a listing of its files. A client that accepts gzip gets the text
// assets compressed, each once, at its first such request (Bootstrap
// Italia's stylesheet: 598 KiB as it is).
func (s *Server) staticFiles(files fs.FS) handler {
	serve := http.StripPrefix("/static/", http.FileServerFS(files))
	zipped := map[string]*lazyGzip{}
	err := fs.WalkDir(files, ".", func(name string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && compressible(mime.TypeByExtension(path.Ext(name))) {
			zipped[name] = &lazyGzip{}
		}
		return err
	})
	if err != nil {
		panic(fmt.Errorf("static files: %w", err)) // the embedded folder is fixed at build time
	}
	return func(w http.ResponseWriter, r *http.Request) error {
		name := strings.TrimPrefix(r.URL.Path, "/static/")
		if name == "" || strings.HasSuffix(name, "/") {
			return errNotFound
		}
		if st, err := fs.Stat(files, path.Clean(name)); err != nil || st.IsDir() {
			return errNotFound
		}
		w.Header().Set("Cache-Control", "public, max-age=86400") // browsers keep the assets for a day
		if z := zipped[name]; z != nil {
			w.Header().Add("Vary", "Accept-Encoding")
			ctype := mime.TypeByExtension(path.Ext(name))
			read := func() []byte {
				b, _ := fs.ReadFile(files, name) // stat just above
				return b
			}
			if r.Header.Get("Range") == "" && acceptsGzip(r.Header.Get("Accept-Encoding")) {
				if gz := z.get(read, ctype); gz != nil {
					hdr := w.Header()
					hdr.Set("Content-Type", ctype)
					hdr.Set("Content-Encoding", "gzip")
					hdr.Set("Content-Length", strconv.Itoa(len(gz)))
					w.WriteHeader(http.StatusOK)
					if r.Method != http.MethodHead {
						_, _ = w.Write(gz)
					}
					return nil
				}
			}
		}
		serve.ServeHTTP(w, r)
		return nil
	}
}
