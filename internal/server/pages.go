package server

import (
	"net/http"
	"unicode"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"github.com/piao-performance/piao/internal/auth"
	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/templates"
)

// home lists the enti and their plans.
func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	enti, err := s.store.ListEnti(r.Context())
	if err != nil {
		return err
	}
	recent := s.recentObjectives(r)
	links := make([]templates.RecentLink, 0, len(recent))
	for _, o := range recent {
		links = append(links, templates.RecentLink{Ente: o.Ente, Plan: o.Plan, Code: o.Code, Title: o.Title})
	}
	return s.page(w, r, http.StatusOK, templates.Home(enti, links))
}

// planPage shows the performance tree of a plan.
func (s *Server) planPage(w http.ResponseWriter, r *http.Request) error {
	t, err := s.store.PlanTree(r.Context(), param(r, "ente"), param(r, "plan"))
	if err != nil {
		return err
	}
	sc, err := s.scores(r, t.Plan)
	if err != nil {
		return err
	}
	return s.page(w, r, http.StatusOK, templates.PlanPage(t, sc))
}

// objectivePage shows one objective with its indicators.
func (s *Server) objectivePage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.store.Objective(r.Context(), param(r, "ente"), param(r, "plan"), param(r, "code"))
	if err != nil {
		return err
	}
	sc, err := s.scores(r, d.Plan)
	if err != nil {
		return err
	}
	s.rememberObjective(w, r, RecentObjective{Ente: d.Plan.EnteSlug, Plan: d.Plan.Slug, Code: d.Row.Code, Title: d.Row.Title})
	return s.page(w, r, http.StatusOK, templates.ObjectivePage(d, sc))
}

// rolePage shows a manager's individual objectives.
func (s *Server) rolePage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.store.Role(r.Context(), param(r, "ente"), param(r, "plan"), param(r, "role"))
	if err != nil {
		return err
	}
	sc, err := s.scores(r, d.Plan)
	if err != nil {
		return err
	}
	// An individual evaluation is personal data: only those the policy allows see it.
	sc.ShowEvaluation = s.can(r, auth.ViewEvaluation, auth.Resource{EnteID: d.Plan.EnteID, Evaluated: d.Role.ID})
	return s.page(w, r, http.StatusOK, templates.RolePage(d, sc))
}

// notesPage lists the data-quality notes of a plan.
func (s *Server) notesPage(w http.ResponseWriter, r *http.Request) error {
	h, notes, err := s.store.Notes(r.Context(), param(r, "ente"), param(r, "plan"))
	if err != nil {
		return err
	}
	return s.page(w, r, http.StatusOK, templates.NotesPage(h, notes))
}

// scores loads the period named by ?periodo (default: the latest with data)
// with what the reader may see: the public sees approved measurements of
// closed periods; the ente's own signed-in users see approved ones of open
// periods too.
func (s *Server) scores(r *http.Request, h model.PlanHeader) (templates.Scores, error) {
	vis := s.visibility(r, h)
	card, periods, err := s.selectCard(r, h, clean(r.URL.Query().Get("periodo")), vis)
	if err != nil {
		return templates.Scores{}, err
	}
	return templates.Scores{Card: card, Periods: periods, Private: vis != model.Public}, nil
}

// visibility is what the current reader may see of a plan's measurements.
func (s *Server) visibility(r *http.Request, h model.PlanHeader) model.Visibility {
	if s.can(r, auth.ViewPrivate, auth.Resource{EnteID: h.EnteID}) {
		return model.Approved
	}
	return model.Public
}

// param returns a URL parameter, or "" when it is not a plausible identifier
// (invalid UTF-8, control characters, overlong): such requests end in a 404
// without reaching the database.
func param(r *http.Request, name string) string {
	return clean(chi.URLParam(r, name))
}

// clean returns v, or "" when it is not a plausible identifier.
func clean(v string) string {
	if len(v) > 200 || !utf8.ValidString(v) {
		return ""
	}
	for _, c := range v {
		if unicode.IsControl(c) {
			return ""
		}
	}
	return v
}

// accessibilityPage is the accessibility statement of the footer.
func (s *Server) accessibilityPage(w http.ResponseWriter, r *http.Request) error {
	return s.page(w, r, http.StatusOK, templates.AccessibilityPage(templates.LegalData{}))
}

// privacyPage is the privacy notice of the footer.
func (s *Server) privacyPage(w http.ResponseWriter, r *http.Request) error {
	return s.page(w, r, http.StatusOK, templates.PrivacyPage(templates.LegalData{}))
}

// legalNotesPage is the legal notes of the footer.
func (s *Server) legalNotesPage(w http.ResponseWriter, r *http.Request) error {
	return s.page(w, r, http.StatusOK, templates.LegalNotesPage(templates.LegalData{}))
}
