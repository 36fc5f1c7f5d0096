package server

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/revision"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/templates"
)

// Confirmations of irreversible steps (adopting or discarding a draft
// revision, disabling an account): the first post shows what will change,
// above the button; only the post from that page, with the box ticked and
// the version it was built on, is executed. A crafted post without the
// confirmation is answered with the page, never executed.

// staleAfterConfirmation answers a confirmation built on an older draft.
const staleAfterConfirmation = "La bozza è cambiata dopo la conferma: rivedi le differenze. Qui sotto c'è la bozza com'è adesso; nulla è stato modificato."

// draftChanges compares the draft with the plan in force: the differences,
// their counts and the individual objectives added, removed and changed.
func (s *Server) draftChanges(ctx context.Context, h model.PlanHeader, d model.Draft) (diff []revision.Difference, sum revision.Summary, ia, ir, ic int, err error) {
	cur, err := s.store.ExportPlan(ctx, h.EnteSlug, h.Slug)
	if err != nil {
		return nil, sum, 0, 0, 0, fmt.Errorf("plan in force: %w", err)
	}
	diff = revision.Diff(revision.FromDocument(cur), revision.FromDocument(d.Doc), nil)
	ia, ir, ic = revision.IndividualChanges(cur.Individual, d.Doc.Individual)
	return diff, revision.Summarize(diff), ia, ir, ic, nil
}

// renderAdoptConfirm is the confirmation before adopting the draft d;
// c carries the messages.
func (s *Server) renderAdoptConfirm(w http.ResponseWriter, r *http.Request, h model.PlanHeader, d model.Draft, status int, c templates.AdoptConfirmData) error {
	ctx := r.Context()
	var err error
	c.Plan, c.Draft = h, d
	if c.Diff, c.Summary, c.IndividualAdded, c.IndividualRemoved, c.IndividualChanged, err = s.draftChanges(ctx, h, d); err != nil {
		return err
	}
	if c.Orphaned, err = s.store.MeasurementsOf(ctx, h.ID, c.Summary.RemovedIndicators, c.Summary.RemovedObjectives); err != nil {
		return err
	}
	periods, err := s.store.Periods(ctx, h.ID)
	if err != nil {
		return err
	}
	years := map[int]bool{}
	for _, y := range c.Summary.TargetYears {
		years[y] = true
	}
	seen := map[int]bool{}
	for _, p := range periods {
		// a period is scored against the revision in force at its end
		if p.EndsOn.Before(d.InForceFrom) || !years[p.Year] {
			continue
		}
		c.Periods = append(c.Periods, p)
		if !seen[p.Year] {
			seen[p.Year] = true
			c.ScoreYears = append(c.ScoreYears, p.Year)
		}
	}
	return s.page(w, r, status, templates.AdoptConfirmPage(c))
}

// renderDiscardConfirm is the confirmation before discarding the draft d.
func (s *Server) renderDiscardConfirm(w http.ResponseWriter, r *http.Request, h model.PlanHeader, d model.Draft, status int, c templates.DiscardConfirmData) error {
	ctx := r.Context()
	var err error
	c.Plan, c.Draft = h, d
	if c.Diff, c.Summary, c.IndividualAdded, c.IndividualRemoved, c.IndividualChanged, err = s.draftChanges(ctx, h, d); err != nil {
		return err
	}
	if c.Edits, err = s.store.DraftEdits(ctx, h); err != nil {
		return err
	}
	return s.page(w, r, status, templates.DiscardConfirmPage(c))
}

// renderDisableUser is the confirmation before disabling an account.
func (s *Server) renderDisableUser(w http.ResponseWriter, r *http.Request, ente string, u model.UserImpact, status int, c templates.DisableUserData) error {
	e, err := s.store.Ente(r.Context(), ente)
	if err != nil {
		return err
	}
	c.Ente, c.User = e, u
	if c.Sessions, err = s.liveSessions(r.Context(), u.UserID, u.Epoch); err != nil {
		return err
	}
	return s.page(w, r, status, templates.DisableUserPage(c))
}

// liveSessions counts the sessions of an account that still authenticate:
// its id, its current epoch and not idle for longer than the idle timeout.
// Only the sessions that may be the account's are read and decoded
// (store.SessionStore.OfUserCtx), not every session of the installation.
func (s *Server) liveSessions(ctx context.Context, userID int64, epoch int) (int, error) {
	ss, ok := s.sessions.Store.(*store.SessionStore)
	if !ok {
		return 0, fmt.Errorf("sessions of user %d: the session store is %T, not the application's", userID, s.sessions.Store)
	}
	all, err := ss.OfUserCtx(ctx, userID)
	if err != nil {
		return 0, err
	}
	n := 0
	now := time.Now()
	for _, data := range all {
		_, values, err := s.sessions.Codec.Decode(data)
		if err != nil {
			continue // unreadable: it cannot authenticate either
		}
		id, _ := values[sessUserID].(int64)
		ep, _ := values[sessEpoch].(int)
		seen, _ := values[sessSeen].(int64)
		if id == userID && ep == epoch && now.Sub(time.Unix(seen, 0)) <= s.idle {
			n++
		}
	}
	return n, nil
}
