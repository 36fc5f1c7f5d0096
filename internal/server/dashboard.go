package server

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/piao-performance/piao/internal/dashboard"
	"github.com/piao-performance/piao/internal/scorecard"
	"github.com/piao-performance/piao/internal/scoring"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/templates"
)

// dashboardPage is the Segretario Generale's view of a plan's period.
func (s *Server) dashboardPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	h, err := s.store.PlanHeader(ctx, param(r, "ente"), param(r, "plan"))
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	vis := s.visibility(r, h)
	card, periods, err := scorecard.Select(ctx, s.store, h, clean(r.URL.Query().Get("periodo")), vis)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	tree, err := s.store.PlanTree(ctx, h.EnteSlug, h.Slug)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	data := templates.DashboardData{Plan: h, Periods: periods, Tree: tree}
	if card == nil {
		s.render(w, r, http.StatusOK, templates.DashboardPage(data))
		return
	}
	q := r.URL.Query()
	f := dashboard.Filters{Kind: clean(q.Get("tipo")), Dirigente: clean(q.Get("dirigente")), Status: clean(q.Get("stato"))}
	if a, err := strconv.Atoi(q.Get("ambito")); err == nil && a > 0 && a < 100 {
		f.Area = a
	}
	var prev *scorecard.Card
	if p, err := s.store.Period(ctx, h.ID, card.Period.Year-1, card.Period.Kind); err == nil {
		if prev, err = scorecard.Load(ctx, s.store, h, p, vis); err != nil {
			s.serverError(w, r, err)
			return
		}
		if prev.Measured == 0 {
			prev = nil
		}
	} else if !errors.Is(err, store.ErrNotFound) {
		s.serverError(w, r, err)
		return
	}
	baselines, err := s.store.LatestBaselines(ctx, h.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	late, err := s.store.Late(ctx, h, card.Period)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	var roles []dashboard.Role
	for _, x := range tree.Roles {
		roles = append(roles, dashboard.Role{Key: x.Key, Title: x.Title})
	}
	d := dashboard.Build(dashboard.Input{Card: card, Previous: prev, Baselines: baselines, Late: late, Roles: roles, Filters: f})
	data.Dashboard = &d
	s.render(w, r, http.StatusOK, templates.DashboardPage(data))
}

// indicatorPage shows an indicator over the years: baselines, targets and
// actuals on one chart, every monitoring period, and how the latest score is
// computed. The public sees closed periods only.
func (s *Server) indicatorPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	h, err := s.store.PlanHeader(ctx, param(r, "ente"), param(r, "plan"))
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	key := entryKey(r)
	ind, obj, err := s.store.IndicatorDetail(ctx, h, key)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	vis := s.visibility(r, h)
	periods, err := s.store.PeriodsWithData(ctx, h.ID, vis)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d := templates.IndicatorPageData{Plan: h, Indicator: ind, Objective: obj, Private: vis == store.Approved}
	for _, p := range periods {
		card, err := scorecard.Load(ctx, s.store, h, p, vis)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		res, i := card.Indicator(key)
		if i < 0 {
			continue
		}
		pv := templates.PeriodValue{Period: p, Result: res, NotApplicable: card.Result.Actuals[i].State == scoring.NotApplicable, Demo: card.Demo}
		if res.HasActual || pv.NotApplicable {
			trace := card.Result.ExplainIndicator(i)
			pv.Trace = &trace
		}
		d.Values = append(d.Values, pv)
	}
	s.render(w, r, http.StatusOK, templates.IndicatorPage(d))
}
