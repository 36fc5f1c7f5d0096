// Package store is the PostgreSQL access layer: one file per aggregate, every
// state change in a transaction together with its audit event. Handlers never
// build SQL; they call these methods.
package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/piao-performance/piao/internal/notify"
)

// ErrNotFound is returned when the requested row does not exist.
var ErrNotFound = errors.New("not found")

// ErrPlanExists is returned when loading a plan whose ente/slug is already there.
var ErrPlanExists = errors.New("plan already exists")

// Store wraps a pgx pool.
type Store struct {
	pool *pgxpool.Pool
	site notify.Site // absolute links in the e-mail notifications it enqueues

	planKeys *planKeyCache // plan and ente ids by slugs, for PublicVersion
}

// Option configures a Store.
type Option func(*Store)

// WithBaseURL sets the address the links of e-mail notifications start with
// (PIAO_BASE_URL); the default is http://127.0.0.1:8080.
func WithBaseURL(u string) Option {
	return func(s *Store) {
		if u != "" {
			s.site.BaseURL = u
		}
	}
}

// New returns a Store on pool.
func New(pool *pgxpool.Pool, opts ...Option) *Store {
	s := &Store{pool: pool, site: notify.Site{BaseURL: "http://127.0.0.1:8080"}, planKeys: &planKeyCache{}}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		return fmt.Errorf("ping database: %w", err)
	}
	return nil
}

// inTx runs fn in a transaction, committing when fn returns nil.
func (s *Store) inTx(ctx context.Context, fn func(pgx.Tx) error) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // no-op after commit
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// AuditEvent is one entry of the append-only audit trail.
type AuditEvent struct {
	Actor      string
	Action     string
	EnteID     *int64
	ObjectType string
	ObjectKey  string
	Reason     string
	Detail     map[string]any
}

// appendAudit writes ev inside tx, so the change and its record commit together.
func appendAudit(ctx context.Context, tx pgx.Tx, ev AuditEvent) error {
	detail := ev.Detail
	if detail == nil {
		detail = map[string]any{}
	}
	_, err := tx.Exec(ctx, `INSERT INTO audit_events (actor, action, ente_id, object_type, object_key, reason, detail)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		ev.Actor, ev.Action, ev.EnteID, ev.ObjectType, ev.ObjectKey, ev.Reason, detail)
	if err != nil {
		return fmt.Errorf("append audit event %s: %w", ev.Action, err)
	}
	return nil
}

// countable lists the tables Count may read: the name is spliced into SQL.
var countable = map[string]bool{
	"enti": true, "plans": true, "revisions": true, "objectives": true, "indicators": true, "baselines": true,
	"targets": true, "individual_objectives": true, "individual_indicators": true, "quality_notes": true,
	"audit_events": true, "units": true, "roles": true, "areas": true, "measurements": true, "plan_drafts": true,
}

// Count returns the number of rows of a table, for checks and tests.
func (s *Store) Count(ctx context.Context, table string) (int, error) {
	if !countable[table] {
		return 0, fmt.Errorf("count: table %q not allowed", table)
	}
	var n int
	if err := s.pool.QueryRow(ctx, "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		return 0, fmt.Errorf("count %s: %w", table, err)
	}
	return n, nil
}
