package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/piao-performance/piao/internal/auth"
	"github.com/piao-performance/piao/internal/dashboard"
	"github.com/piao-performance/piao/internal/itfmt"
	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/scorecard"
	"github.com/piao-performance/piao/internal/scores"
	"github.com/piao-performance/piao/internal/scoring"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/templates"
)

// fpCache keeps what the dashboard builds, checked on every read against
// the plan's version (migration 000026: bumped at commit by every write to
// what the dashboard shows — measurements of any status, periods, rules,
// targets, revisions, the benchmarks' plans), so every write is seen at once
// and by every replica. The dashboards are keyed by plan, period, reader
// visibility and filters: the cache saves the snapshot, the scoring and a
// dozen queries per view. The cockpit's counts, corrective actions and
// approval queue are keyed by plan and period: three queries over every
// indicator of the plan, the costliest part of a signed-in dashboard on a
// large plan.
type fpCache[T any] struct {
	mu sync.Mutex
	m  map[string]fpEntry[T]
}

type dashCache = fpCache[templates.DashboardData]

type fpEntry[T any] struct {
	fp   string
	data T
}

const dashCacheMax = 512 // entries; filters multiply them, so the map is bounded

func (c *fpCache[T]) get(key, fp string) (T, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[key]
	return e.data, ok && e.fp == fp
}

// has says whether key has an entry, of any fingerprint.
func (c *fpCache[T]) has(key string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.m[key]
	return ok
}

func (c *fpCache[T]) put(key, fp string, d T) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= dashCacheMax {
		c.m = map[string]fpEntry[T]{}
	}
	c.m[key] = fpEntry[T]{fp: fp, data: d}
}

// cockpitParts is what the cockpit reads from the store for a period.
type cockpitParts struct {
	total      model.CollectionCount
	byPosition []model.CollectionCount
	actions    map[string]string
	queue      []model.WorkItem
}

// cockpitParts returns the cockpit's data of period p, from the cache while
// the plan's version is fp.
func (s *Server) cockpitParts(r *http.Request, h model.PlanHeader, p model.Period, fp string) (cockpitParts, error) {
	ctx := r.Context()
	key := fmt.Sprintf("%d|%d", h.ID, p.ID)
	if c, ok := s.cockpits.get(key, fp); ok {
		return c, nil
	}
	var (
		c   cockpitParts
		err error
	)
	if c.total, c.byPosition, err = s.store.Collection(ctx, h, p); err != nil {
		return c, err
	}
	if p.Kind == "midyear" {
		if c.actions, err = s.store.CorrectiveActions(ctx, h, p); err != nil {
			return c, err
		}
	}
	if c.queue, err = s.store.Submitted(ctx, h, p); err != nil {
		return c, err
	}
	s.cockpits.put(key, fp, c)
	return c, nil
}

// planHead is a plan's header and periods with the version they were read at.
type planHead struct {
	header  model.PlanHeader
	periods model.PlanPeriods
	version int64
}

// planHead returns the header and periods of the plan named by ente and plan
// slugs. Both are kept, filed under the plan's id and public version, which
// every change to what they are read from bumps (migration 000026): a view
// then costs one short query for the version instead of three. A plan
// replaced by an import has a new id, so its old entry is never served.
func (s *Server) planHead(ctx context.Context, ente, slug string) (planHead, error) {
	key := ente + "/" + slug
	if s.heads.has(key) {
		v, err := s.publicVersion(ctx, ente, slug)
		if err != nil {
			return planHead{}, err
		}
		if head, ok := s.heads.get(key, headFingerprint(v.PlanID, v.Version)); ok {
			return head, nil
		}
	}
	h, pp, version, err := s.store.PlanHeaderAndPeriods(ctx, ente, slug)
	if err != nil {
		return planHead{}, err
	}
	head := planHead{header: h, periods: pp, version: version}
	s.heads.put(key, headFingerprint(h.ID, version), head)
	return head, nil
}

func headFingerprint(planID, version int64) string {
	return strconv.FormatInt(planID, 10) + ":" + strconv.FormatInt(version, 10)
}

// dashboardPage is the Segretario Generale's view of a plan's period. The
// public sees the closed periods with data (the latest by default); the
// ente's signed-in users may pick any period, the current one by default
// (store.CurrentPeriod), and see on top the collection of the period and,
// with auth.Approve, the approval queue.
func (s *Server) dashboardPage(w http.ResponseWriter, r *http.Request) error {
	bulk := templates.BulkForm{Message: bulkOutcome(r.URL.Query().Get("esito"))}
	bulk.Success = bulk.Message != ""
	return s.renderDashboard(w, r, http.StatusOK, bulk)
}

// romeToday is today's date in Rome, the date deadlines and periods are in.
func romeToday() time.Time { return time.Now().In(itfmt.Rome()) }

func (s *Server) renderDashboard(w http.ResponseWriter, r *http.Request, status int, bulk templates.BulkForm) error {
	ctx := r.Context()
	// the plan's version comes first: anything cached is filed under the
	// version read before it, so a cache never serves a state older than
	// the version it is filed under
	head, err := s.planHead(ctx, param(r, "ente"), param(r, "plan"))
	if err != nil {
		return err
	}
	h, all, version := head.header, head.periods, head.version
	vis := s.visibility(r, h)
	periods := all.WithData(vis)
	var every []model.Period
	var p model.Period
	var found bool
	// signed-in readers choose among every period, landing on the current
	// one; the public among the closed periods with data, landing on the latest
	choices := periods
	if vis == model.Approved {
		every = all.All() // read with the header: one round trip less
		choices = every
		p, found = store.CurrentPeriod(every, romeToday())
	} else if len(periods) > 0 {
		p, found = periods[len(periods)-1], true
	}
	ref := clean(r.URL.Query().Get("periodo"))
	for _, x := range choices {
		if scorecard.Ref(x) == ref {
			p = x
		}
	}
	if !found {
		return s.page(w, r, http.StatusOK, templates.DashboardPage(templates.DashboardData{Plan: h, Periods: periods}))
	}
	fp := strconv.FormatInt(version, 10)
	data, err := s.dashboardData(r, h, p, vis, periods, fp)
	if err != nil {
		return err
	}
	data.Period, data.AllPeriods, data.Private = p, every, vis == model.Approved
	if data.Private {
		c := templates.CockpitData{Today: romeToday(), CanApprove: s.can(r, auth.Approve, auth.Resource{EnteID: h.EnteID}), Bulk: bulk}
		parts, err := s.cockpitParts(r, h, p, fp)
		if err != nil {
			return err
		}
		c.Total, c.ByPosition, c.Actions = parts.total, parts.byPosition, parts.actions
		if c.CanApprove {
			c.Queue = parts.queue
		}
		data.Cockpit = &c
	}
	return s.page(w, r, status, templates.DashboardPage(data))
}

// dashboardData is the scored part of the dashboard, from the cache while
// the plan's version is fp.
func (s *Server) dashboardData(r *http.Request, h model.PlanHeader, p model.Period, vis model.Visibility, periods []model.Period, fp string) (templates.DashboardData, error) {
	ctx := r.Context()
	q := r.URL.Query()
	f := dashboard.Filters{Kind: clean(q.Get("tipo")), Dirigente: clean(q.Get("dirigente")), Status: clean(q.Get("stato"))}
	if a, err := strconv.Atoi(q.Get("ambito")); err == nil && a > 0 && a < 100 {
		f.Area = a
	}
	// the periods with data are part of the page (its period navigation)
	key := fmt.Sprintf("%d|%d|%d|%+v|%d", h.ID, p.ID, vis, f, len(periods))
	if data, ok := s.dashboards.get(key, fp); ok {
		return data, nil
	}
	data, err := s.buildDashboard(r, h, p, vis, f)
	if err != nil {
		return templates.DashboardData{}, err
	}
	data.Periods = periods
	// the body is rendered once and kept: the page around it differs per user
	var buf bytes.Buffer
	if err := templates.DashboardBody(data).Render(ctx, &buf); err != nil {
		return templates.DashboardData{}, err
	}
	data.Body = buf.String()
	s.dashboards.put(key, fp, data)
	return data, nil
}

func (s *Server) buildDashboard(r *http.Request, h model.PlanHeader, p model.Period, vis model.Visibility, f dashboard.Filters) (templates.DashboardData, error) {
	ctx := r.Context()
	card, err := scores.Load(ctx, s.store, h, p, vis)
	if err != nil {
		return templates.DashboardData{}, err
	}
	tree, err := s.store.PlanTree(ctx, h.EnteSlug, h.Slug)
	if err != nil {
		return templates.DashboardData{}, err
	}
	var prev *scorecard.Card
	switch prevPeriod, err := s.store.Period(ctx, h.ID, p.Year-1, p.Kind); {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return templates.DashboardData{}, err
	default:
		if prev, err = scores.Load(ctx, s.store, h, prevPeriod, vis); err != nil {
			return templates.DashboardData{}, err
		}
		if prev.Measured == 0 {
			prev = nil
		}
	}
	baselines, err := s.store.LatestBaselines(ctx, h.ID)
	if err != nil {
		return templates.DashboardData{}, err
	}
	late, err := s.store.Late(ctx, h, p)
	if err != nil {
		return templates.DashboardData{}, err
	}
	var roles []dashboard.Role
	for _, x := range tree.Roles {
		roles = append(roles, dashboard.Role{Key: x.Key, Title: x.Title})
	}
	d := dashboard.Build(dashboard.Input{Card: card, Previous: prev, Baselines: baselines, Late: late, Roles: roles, Filters: f})
	return templates.DashboardData{Plan: h, Tree: tree, Dashboard: &d}, nil
}

// indicatorPage shows an indicator over the years: baselines, targets and
// actuals on one chart, every monitoring period, and how the latest score is
// computed. The public sees closed periods only.
func (s *Server) indicatorPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	h := planFrom(r)
	key := entryKey(r)
	ind, obj, err := s.store.IndicatorDetail(ctx, h, key)
	if err != nil {
		return err
	}
	vis := s.visibility(r, h)
	periods, err := s.store.PeriodsWithData(ctx, h.ID, vis)
	if err != nil {
		return err
	}
	d := templates.IndicatorPageData{Plan: h, Indicator: ind, Objective: obj, Private: vis == model.Approved}
	for _, p := range periods {
		card, err := s.card(r, h, p, vis)
		if err != nil {
			return err
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
	return s.page(w, r, http.StatusOK, templates.IndicatorPage(d))
}
