// Package server is the HTTP layer: the chi router, middleware and one handler
// file per feature. Handlers decode and authorize, call the store, and render
// templ components; they never build SQL.
package server

import (
	"io/fs"
	"log/slog"
	"net/http"

	"github.com/alexedwards/scs/v2"
	"github.com/go-chi/chi/v5"

	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/web"
)

// Server holds the dependencies of the handlers.
type Server struct {
	store    *store.Store
	sessions *scs.SessionManager
	log      *slog.Logger
}

// New returns the application's HTTP handler.
func New(st *store.Store, sessions *scs.SessionManager, log *slog.Logger) http.Handler {
	s := &Server{store: st, sessions: sessions, log: log}
	r := chi.NewRouter()
	r.Use(requestID, s.logRequests, s.recoverPanics, securityHeaders)
	r.NotFound(s.notFound)
	r.MethodNotAllowed(s.methodNotAllowed)

	r.Get("/healthz", s.healthz)
	r.Get("/readyz", s.readyz)
	static, err := fs.Sub(web.Static, "static")
	if err != nil {
		panic(err) // the embedded folder is fixed at build time
	}
	r.Handle("/static/*", http.StripPrefix("/static/", cacheStatic(http.FileServerFS(static))))

	// Pages carry a server-side session; health checks, assets and open-data files do not.
	r.Group(func(r chi.Router) {
		r.Use(sessions.LoadAndSave)
		r.Get("/", s.home)
		r.Route("/enti/{ente}/piani/{plan}", func(r chi.Router) {
			r.Get("/", s.planPage)
			r.Get("/obiettivi/{code}", s.objectivePage)
			r.Get("/dirigenti/{role}", s.rolePage)
			r.Get("/qualita-dati", s.notesPage)
		})
		r.Get("/opendata", s.openDataIndex)
	})
	r.Get("/opendata/{ente}/{plan}/{file}", s.openDataFile)

	// Cross-origin state-changing requests are refused before any handler runs.
	return http.NewCrossOriginProtection().Handler(r)
}
