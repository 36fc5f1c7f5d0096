package server

import (
	"net/http"
	"strings"

	"github.com/a-h/templ"

	"github.com/piao-performance/piao/internal/auth"
	"github.com/piao-performance/piao/templates"
)

// menu is the main menu of the header. Signed-in users get the links their
// role allows, for the ente and plan of the page when they are the user's,
// otherwise for their ente's latest plan; everybody gets the public entries
// (Amministrazione trasparente › Performance for the plan of the page, open data).
func (s *Server) menu(r *http.Request) *templates.Menu {
	u := auth.FromContext(r.Context())
	m := &templates.Menu{Private: u != nil}
	add := func(label string, url templ.SafeURL) {
		path, _, _ := strings.Cut(string(url), "#")
		m.Links = append(m.Links, templates.MenuLink{Label: label, URL: url, Current: path == r.URL.Path && !strings.Contains(string(url), "#")})
	}
	ente, planSlug := param(r, "ente"), param(r, "plan")
	if u == nil {
		if ente != "" && planSlug != "" {
			add("Piano", templates.PlanURL(ente, planSlug))
			add("Trasparenza", templates.TransparencyURL(ente, planSlug))
		}
		add("Open data", templates.OpenDataIndexURL())
		return m
	}
	if ente == "" || planSlug == "" || (!u.Global() && ente != u.EnteSlug) {
		ente, planSlug = "", ""
		if u.EnteID != 0 {
			var err error
			if ente, planSlug, err = s.store.LatestPlan(r.Context(), u.EnteID); err != nil {
				ente, planSlug = "", "" // no plan yet (or unreadable): the menu keeps what needs none
			}
		}
	}
	res := auth.Resource{EnteID: u.EnteID}
	if ente != "" {
		if s.can(r, auth.ViewPrivate, res) {
			add("Le mie misurazioni", templates.WorklistURL(ente, planSlug))
		}
		if s.can(r, auth.Approve, res) {
			add("Approvazioni", templates.DashboardURL(ente, planSlug)+"#approvazioni")
			add("Ritardi", templates.LateURL(ente, planSlug))
		}
		if s.can(r, auth.ViewPrivate, res) {
			add("Periodi", templates.PeriodsURL(ente, planSlug))
			add("Cruscotto", templates.DashboardURL(ente, planSlug))
		}
		if s.can(r, auth.Audit, res) {
			add("Relazione/OIV", templates.OIVURL(ente, planSlug))
			add("Registro", templates.AuditURL(ente, planSlug))
		}
		add("Piano", templates.PlanURL(ente, planSlug))
	}
	switch {
	case u.Global():
		add("Amministrazione", templates.AdminEntiURL())
	case s.can(r, auth.ManageUsers, res):
		add("Amministrazione", templates.AdminEnteURL(u.EnteSlug))
	}
	if ente != "" {
		add("Trasparenza", templates.TransparencyURL(ente, planSlug))
	}
	add("Open data", templates.OpenDataIndexURL())
	return m
}
