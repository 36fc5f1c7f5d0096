package server

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/piao-performance/piao/templates"
)

// home lists the enti and their plans.
func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	enti, err := s.store.ListEnti(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, templates.Home(enti))
}

// planPage shows the performance tree of a plan.
func (s *Server) planPage(w http.ResponseWriter, r *http.Request) {
	t, err := s.store.PlanTree(r.Context(), chi.URLParam(r, "ente"), chi.URLParam(r, "plan"))
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, templates.PlanPage(t))
}

// objectivePage shows one objective with its indicators.
func (s *Server) objectivePage(w http.ResponseWriter, r *http.Request) {
	d, err := s.store.Objective(r.Context(), chi.URLParam(r, "ente"), chi.URLParam(r, "plan"), chi.URLParam(r, "code"))
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, templates.ObjectivePage(d))
}

// rolePage shows a manager's individual objectives.
func (s *Server) rolePage(w http.ResponseWriter, r *http.Request) {
	d, err := s.store.Role(r.Context(), chi.URLParam(r, "ente"), chi.URLParam(r, "plan"), chi.URLParam(r, "role"))
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, templates.RolePage(d))
}

// notesPage lists the data-quality notes of a plan.
func (s *Server) notesPage(w http.ResponseWriter, r *http.Request) {
	h, notes, err := s.store.Notes(r.Context(), chi.URLParam(r, "ente"), chi.URLParam(r, "plan"))
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, templates.NotesPage(h, notes))
}
