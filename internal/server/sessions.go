package server

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/alexedwards/scs/pgxstore"
	"github.com/alexedwards/scs/v2"
	"github.com/jackc/pgx/v5/pgxpool"
)

// SessionOptions configures the session cookie.
type SessionOptions struct {
	Secure bool // send the cookie only over HTTPS
}

// NewSessions returns a session manager storing sessions in PostgreSQL. The
// cookie is HttpOnly and SameSite=Lax; sessions end twelve hours after they
// start. The one-hour idle timeout is enforced by authenticate, not by scs:
// scs would rewrite the session row on every request to move its expiry.
// stop ends the expired-session sweeper.
func NewSessions(pool *pgxpool.Pool, opt SessionOptions) (sm *scs.SessionManager, stop func()) {
	store := pgxstore.NewWithCleanupInterval(pool, 30*time.Minute)
	sm = scs.New()
	sm.Store = store
	sm.Lifetime = 12 * time.Hour
	sm.Cookie.Name = "piao_session"
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = opt.Secure
	sm.Cookie.Path = "/"
	return sm, store.StopCleanup
}

// RecentObjective is an objective the visitor opened, for "Visti di recente".
type RecentObjective struct {
	Ente  string `json:"e"`
	Plan  string `json:"p"`
	Code  string `json:"c"`
	Title string `json:"t"`
}

const (
	recentKey = "recent_objectives"
	recentMax = 6
)

// recentObjectives reads the visitor's recently opened objectives, newest first.
func (s *Server) recentObjectives(ctx context.Context) []RecentObjective {
	var out []RecentObjective
	if raw := s.sessions.GetString(ctx, recentKey); raw != "" {
		_ = json.Unmarshal([]byte(raw), &out) // a stale or foreign value just starts a new list
	}
	return out
}

// rememberObjective puts o first in the visitor's recent list.
func (s *Server) rememberObjective(ctx context.Context, o RecentObjective) {
	list := []RecentObjective{o}
	for _, x := range s.recentObjectives(ctx) {
		if x != o && len(list) < recentMax {
			list = append(list, x)
		}
	}
	b, err := json.Marshal(list)
	if err != nil {
		return
	}
	s.sessions.Put(ctx, recentKey, string(b))
}
