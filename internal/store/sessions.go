package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/piao-performance/piao/internal/auth"
)

// SessionStore keeps the scs sessions in the sessions table, as scs's
// pgxstore does, and reads a session's account in the same statement: every
// commit writes the account the session is signed in as (userOf its data)
// to sessions.user_id (migration 000039), and FindCtx joins it and leaves the
// active account in the request's SessionUser. A signed-in request then
// costs one round trip for its session and its account, not two (issue 17).
// The account is read live on every request, as ActiveUser reads it: a
// deactivation or a role change takes effect at the next request.
type SessionStore struct {
	pool   *pgxpool.Pool
	userOf func(data []byte) int64 // the account id in a session's data, 0 when signed out
	stop   chan struct{}
	done   chan struct{}
}

// NewSessionStore returns the store; every cleanup it deletes expired rows
// (none when cleanup is zero) until Stop, logging a failure to log (nil:
// nowhere).
func NewSessionStore(pool *pgxpool.Pool, userOf func(data []byte) int64, cleanup time.Duration, log *slog.Logger) *SessionStore {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &SessionStore{pool: pool, userOf: userOf, stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		if cleanup <= 0 {
			<-s.stop
			return
		}
		t := time.NewTicker(cleanup)
		defer t.Stop()
		for {
			select {
			case <-s.stop:
				return
			case <-t.C:
				if _, err := pool.Exec(context.Background(), `DELETE FROM sessions WHERE expiry < current_timestamp`); err != nil {
					log.Error("deleting expired sessions", "err", err)
				}
			}
		}
	}()
	return s
}

// Stop ends the cleanup.
func (s *SessionStore) Stop() {
	close(s.stop)
	<-s.done
}

// SessionUser is where FindCtx leaves the active account of the session it
// read (ID 0: none).
type SessionUser struct {
	User auth.User
}

type sessionUserKey struct{}

// WithSessionUser gives the request a place for the account of its session:
// put it in the context before the session is loaded.
func WithSessionUser(ctx context.Context) (context.Context, *SessionUser) {
	su := &SessionUser{}
	return context.WithValue(ctx, sessionUserKey{}, su), su
}

// SessionUserFrom is the place WithSessionUser made, or nil.
func SessionUserFrom(ctx context.Context) *SessionUser {
	su, _ := ctx.Value(sessionUserKey{}).(*SessionUser)
	return su
}

// sessionFind reads a session and the active account it names: the account's
// columns are those of userColumns, empty when there is none.
var sessionFind = `SELECT coalesce(x.id, 0), coalesce(x.ente_id, 0), coalesce(x.ente_slug, ''), coalesce(x.username, ''),
	coalesce(x.display_name, ''), coalesce(x.email, ''), coalesce(x.access_role, ''), coalesce(x.position_id, 0),
	coalesce(x.position_key, ''), coalesce(x.session_epoch, 0), s.data
	FROM sessions s LEFT JOIN LATERAL (SELECT ` + userColumns + ` ` + userFrom + ` WHERE u.id = s.user_id AND u.active) x ON true
	WHERE s.token = $1 AND current_timestamp < s.expiry`

// FindCtx implements scs.CtxStore.
func (s *SessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var data []byte
	u, err := scanUser(s.pool.QueryRow(ctx, sessionFind, token), &data)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("session: %w", err)
	}
	if su := SessionUserFrom(ctx); su != nil {
		su.User = u
	}
	return data, true, nil
}

// CommitCtx implements scs.CtxStore.
func (s *SessionStore) CommitCtx(ctx context.Context, token string, data []byte, expiry time.Time) error {
	var user *int64
	if id := s.userOf(data); id != 0 {
		user = &id
	}
	if _, err := s.pool.Exec(ctx, `INSERT INTO sessions (token, data, expiry, user_id) VALUES ($1, $2, $3, $4)
		ON CONFLICT (token) DO UPDATE SET data = EXCLUDED.data, expiry = EXCLUDED.expiry, user_id = EXCLUDED.user_id`,
		token, data, expiry, user); err != nil {
		return fmt.Errorf("save session: %w", err)
	}
	return nil
}

// DeleteCtx implements scs.CtxStore.
func (s *SessionStore) DeleteCtx(ctx context.Context, token string) error {
	if _, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE token = $1`, token); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// Find, Commit and Delete implement scs.Store; scs calls the Ctx forms.
func (s *SessionStore) Find(token string) ([]byte, bool, error) {
	return s.FindCtx(context.Background(), token)
}

func (s *SessionStore) Commit(token string, data []byte, expiry time.Time) error {
	return s.CommitCtx(context.Background(), token, data, expiry)
}

func (s *SessionStore) Delete(token string) error {
	return s.DeleteCtx(context.Background(), token)
}

// AllCtx implements scs.IterableCtxStore: the sessions not expired, by token
// (the administrators' count of a user's sessions iterates them).
func (s *SessionStore) AllCtx(ctx context.Context) (map[string][]byte, error) {
	rows, err := s.pool.Query(ctx, `SELECT token, data FROM sessions WHERE current_timestamp < expiry`)
	if err != nil {
		return nil, fmt.Errorf("sessions: %w", err)
	}
	out := map[string][]byte{}
	var token string
	var data []byte
	if _, err := pgx.ForEachRow(rows, []any{&token, &data}, func() error {
		out[token] = bytes.Clone(data) // the scan may reuse its buffer
		return nil
	}); err != nil {
		return nil, fmt.Errorf("sessions: %w", err)
	}
	return out, nil
}

// OfUserCtx returns the data of the sessions not expired that may be
// signed in as account userID: those whose user_id says so, and those written
// before migration 000039, which have none (the caller decodes them to
// tell). Index sessions_user_id_idx (migration 000041) finds them without
// reading every session.
func (s *SessionStore) OfUserCtx(ctx context.Context, userID int64) ([][]byte, error) {
	rows, err := s.pool.Query(ctx, `SELECT data FROM sessions
		WHERE (user_id = $1 OR user_id IS NULL) AND current_timestamp < expiry`, userID)
	if err != nil {
		return nil, fmt.Errorf("sessions of user %d: %w", userID, err)
	}
	var out [][]byte
	var data []byte
	if _, err := pgx.ForEachRow(rows, []any{&data}, func() error {
		out = append(out, bytes.Clone(data)) // the scan may reuse its buffer
		return nil
	}); err != nil {
		return nil, fmt.Errorf("sessions of user %d: %w", userID, err)
	}
	return out, nil
}

// All implements scs.IterableStore.
func (s *SessionStore) All() (map[string][]byte, error) { return s.AllCtx(context.Background()) }
