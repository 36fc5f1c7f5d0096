package server

import (
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/alexedwards/scs/v2"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/piao-performance/piao/internal/itfmt"
	"github.com/piao-performance/piao/internal/store"
)

// SessionOptions configures the session cookie.
type SessionOptions struct {
	Secure bool         // send the cookie only over HTTPS
	Log    *slog.Logger // where the expired-session sweeper reports a failure (nil: nowhere)
}

// NewSessions returns a session manager storing sessions in PostgreSQL
// (store.SessionStore: a session and its account in one query). The cookie
// is HttpOnly and SameSite=Lax; sessions end twelve hours after they start.
// The one-hour idle timeout is enforced by authenticate, not by scs: scs
// would rewrite the session row on every request to move its expiry. stop
// ends the expired-session sweeper.
func NewSessions(pool *pgxpool.Pool, opt SessionOptions) (sm *scs.SessionManager, stop func()) {
	sm = scs.New()
	sm.Codec = sessionCodec{}
	codec := sm.Codec
	userOf := func(data []byte) int64 {
		_, values, err := codec.Decode(data)
		if err != nil {
			return 0
		}
		id, _ := values[sessUserID].(int64)
		return id
	}
	st := store.NewSessionStore(pool, userOf, 30*time.Minute, opt.Log)
	sm.Store = st
	sm.Lifetime = 12 * time.Hour
	sm.Cookie.Name = "piao_session"
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = opt.Secure
	sm.Cookie.Path = "/"
	return sm, st.Stop
}

// withSessionUser gives each request the place where the session store
// leaves the account of its session (store.WithSessionUser), for
// authenticate; it goes before the session is loaded.
func withSessionUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, _ := store.WithSessionUser(r.Context())
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// RecentObjective is an objective the visitor opened, for "Visti di recente".
type RecentObjective struct {
	Ente  string `json:"e"`
	Plan  string `json:"p"`
	Code  string `json:"c"`
	Title string `json:"t"`
}

// The recent list lives in a cookie of its own, not in the session: an
// anonymous visitor's page views must not create session rows (sessions are
// created at sign-in only). It is only ever shown back to the same browser.
const (
	recentCookie = "piao_recenti"
	recentMax    = 6
	recentTitle  = 80 // runes of a title kept, so the cookie stays small
)

// recentObjectives reads the visitor's recently opened objectives, newest first.
func (s *Server) recentObjectives(r *http.Request) []RecentObjective {
	c, err := r.Cookie(recentCookie)
	if err != nil || len(c.Value) > 4096 {
		return nil
	}
	b, err := base64.RawURLEncoding.DecodeString(c.Value)
	if err != nil {
		return nil
	}
	var list []RecentObjective
	if json.Unmarshal(b, &list) != nil { // a stale or foreign value just starts a new list
		return nil
	}
	out := list[:0]
	for _, o := range list {
		if len(out) < recentMax && itfmt.ValidText(o.Ente+o.Plan+o.Code+o.Title) && utf8.RuneCountInString(o.Title) <= recentTitle &&
			!strings.ContainsAny(o.Ente+o.Plan+o.Code, "/\\?#%") && o.Ente != "" && o.Plan != "" && o.Code != "" {
			out = append(out, o)
		}
	}
	return out
}

// rememberObjective puts o first in the visitor's recent list.
func (s *Server) rememberObjective(w http.ResponseWriter, r *http.Request, o RecentObjective) {
	o.Title = itfmt.Truncate(o.Title, recentTitle)
	if c, ok := w.(*publicCapture); ok { // kept with the cached page, for the next visitors
		c.recent = &o
	}
	list := []RecentObjective{o}
	for _, x := range s.recentObjectives(r) {
		if x != o && len(list) < recentMax {
			list = append(list, x)
		}
	}
	b, err := json.Marshal(list)
	if err != nil {
		return
	}
	http.SetCookie(w, &http.Cookie{Name: recentCookie, Value: base64.RawURLEncoding.EncodeToString(b), Path: "/",
		MaxAge: 30 * 24 * 3600, HttpOnly: true, Secure: s.sessions.Cookie.Secure, SameSite: http.SameSiteLaxMode})
}
