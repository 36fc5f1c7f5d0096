package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/piao-performance/piao/internal/auth"
	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/templates"
)

// Session keys.
const (
	sessUserID = "user_id"
	sessEpoch  = "epoch"
	sessSeen   = "seen" // last activity, for the idle timeout
)

// Default idle timeout of a signed-in session, and how often activity is recorded:
// once a minute at most, so reading pages does not write the session each time.
const (
	idleTimeout = time.Hour
	seenEvery   = time.Minute
)

// resolver finds the resource a request acts on; ok false means it does not
// exist. It may return the request with what it loaded in the context.
type resolver func(s *Server, r *http.Request) (rr *http.Request, res auth.Resource, ok bool, err error)

// none: the route acts on no particular ente.
func none(_ *Server, r *http.Request) (*http.Request, auth.Resource, bool, error) {
	return r, auth.Resource{}, true, nil
}

// enteParam: the ente named by the {ente} URL parameter.
func enteParam(s *Server, r *http.Request) (*http.Request, auth.Resource, bool, error) {
	// a user's own ente was read with the user on this request: no second query
	if u := auth.FromContext(r.Context()); u != nil && u.EnteID != 0 && u.EnteSlug == param(r, "ente") {
		return r, auth.Resource{EnteID: u.EnteID}, true, nil
	}
	id, err := s.store.EnteID(r.Context(), param(r, "ente"))
	if errors.Is(err, store.ErrNotFound) {
		return r, auth.Resource{}, false, nil
	}
	return r, auth.Resource{EnteID: id}, err == nil, err
}

type planKey struct{}

// planParam: the plan named by {ente}/{plan}, loaded once for the policy
// (its ente) and for the handler, which reads it with planFrom. A plan that
// does not exist in an existing ente is still judged by the policy first (a
// visitor is sent to sign in, as for any private page), then answered 404.
func planParam(s *Server, r *http.Request) (*http.Request, auth.Resource, bool, error) {
	h, err := s.store.PlanHeader(r.Context(), param(r, "ente"), param(r, "plan"))
	switch {
	case errors.Is(err, store.ErrNotFound):
		r = r.WithContext(context.WithValue(r.Context(), planKey{}, (*model.PlanHeader)(nil)))
		return enteParam(s, r)
	case err != nil:
		return r, auth.Resource{}, false, fmt.Errorf("loading plan %q of %q: %w", param(r, "plan"), param(r, "ente"), err)
	}
	return r.WithContext(context.WithValue(r.Context(), planKey{}, &h)), auth.Resource{EnteID: h.EnteID}, true, nil
}

// planFrom is the plan planParam loaded for this request. Only handlers of
// routes registered with planParam call it: guard answered 404 before them
// when the plan does not exist.
func planFrom(r *http.Request) model.PlanHeader {
	if h, _ := r.Context().Value(planKey{}).(*model.PlanHeader); h != nil {
		return *h
	}
	return model.PlanHeader{}
}

// planMissing: planParam looked for the plan and found none.
func planMissing(r *http.Request) bool {
	h, set := r.Context().Value(planKey{}).(*model.PlanHeader)
	return set && h == nil
}

// guard enforces the policy before h runs.
// A form posted to a keepsForm route after the session expired is kept
// (keepExpiredForm) and the user is sent to sign in and back to it.
func (s *Server) guard(action auth.Action, res resolver, h http.HandlerFunc, keep bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		r, resource, ok, err := res(s, r)
		switch {
		case err != nil:
			s.serverError(w, r, err)
			return
		case !ok:
			s.notFound(w, r)
			return
		}
		switch auth.Decide(auth.FromContext(r.Context()), action, resource) {
		case auth.Allow:
			if planMissing(r) {
				s.notFound(w, r)
				return
			}
			h(w, r)
		case auth.NeedSignIn:
			if r.Method == http.MethodGet || r.Method == http.MethodHead {
				http.Redirect(w, r, string(templates.SignInReturnURL(r.URL.RequestURI())), http.StatusSeeOther)
				return
			}
			if keep && s.keepExpiredForm(w, r) {
				return
			}
			s.errorPage(w, r, http.StatusUnauthorized, "Accesso richiesto", "Per questa operazione occorre accedere.")
		case auth.Hidden:
			s.notFound(w, r)
		default:
			s.errorPage(w, r, http.StatusForbidden, "Operazione non consentita",
				"Il tuo profilo non permette questa operazione. Se pensi che sia un errore, rivolgiti all'amministratore.")
		}
	}
}

// can tells a handler whether the current user may do action on res, for
// parts of a page (such as an individual evaluation) that not everyone sees.
func (s *Server) can(r *http.Request, action auth.Action, res auth.Resource) bool {
	return auth.Decide(auth.FromContext(r.Context()), action, res) == auth.Allow
}

// authenticate puts the signed-in user in the request context. A session of a
// disabled account, or one ended by "sign out everywhere" or a password
// change (an older epoch), is dropped.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		id := s.sessions.GetInt64(ctx, sessUserID)
		if id == 0 {
			next.ServeHTTP(w, r)
			return
		}
		// the session store read the account with the session, in the same
		// query; a session written before that column existed is read here
		var u auth.User
		var err error
		if su := store.SessionUserFrom(ctx); su != nil && su.User.ID == id {
			u = su.User
		} else {
			u, err = s.store.ActiveUser(ctx, id)
		}
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			s.serverError(w, r, err)
			return
		}
		now := time.Now()
		// seconds since the epoch: a plain int needs no gob registration
		seen := time.Unix(s.sessions.GetInt64(ctx, sessSeen), 0)
		if err != nil || u.Epoch != s.sessions.GetInt(ctx, sessEpoch) || now.Sub(seen) > s.idle {
			if err := s.endSession(r); err != nil {
				s.serverError(w, r, err)
				return
			}
			next.ServeHTTP(w, r)
			return
		}
		if now.Sub(seen) > seenEvery {
			s.sessions.Put(ctx, sessSeen, now.Unix())
		}
		next.ServeHTTP(w, r.WithContext(auth.WithUser(ctx, &u)))
	})
}

// endSession forgets the user: a new token, no data.
func (s *Server) endSession(r *http.Request) error {
	if err := s.sessions.RenewToken(r.Context()); err != nil {
		return err
	}
	s.sessions.Remove(r.Context(), sessUserID)
	s.sessions.Remove(r.Context(), sessEpoch)
	s.sessions.Remove(r.Context(), sessSeen)
	return nil
}
