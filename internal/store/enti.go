package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/plan"
)

// ErrEnteExists is returned when an ente's slug is taken.
var ErrEnteExists = errors.New("ente already exists")

// CreateEnte adds an administration.
func (s *Store) CreateEnte(ctx context.Context, e plan.Ente, actor string) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		var id int64
		err := tx.QueryRow(ctx, `INSERT INTO enti (slug, name, short_name) VALUES ($1, $2, $3) RETURNING id`,
			e.Slug, strings.TrimSpace(e.Name), strings.TrimSpace(e.ShortName)).Scan(&id)
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Code == "23505" {
			return ErrEnteExists
		}
		if err != nil {
			return fmt.Errorf("create ente %s: %w", e.Slug, err)
		}
		return appendAudit(ctx, tx, AuditEvent{Actor: actor, Action: "ente.create", EnteID: &id, ObjectType: "ente", ObjectKey: e.Slug,
			Detail: map[string]any{"name": e.Name, "short_name": e.ShortName}})
	})
}

// Ente returns an ente by slug, or ErrNotFound.
func (s *Store) Ente(ctx context.Context, slug string) (model.EnteInfo, error) {
	var e model.EnteInfo
	var id int64
	err := s.pool.QueryRow(ctx, `SELECT id, slug, name, short_name FROM enti WHERE slug = $1`, slug).Scan(&id, &e.Slug, &e.Name, &e.ShortName)
	if errors.Is(err, pgx.ErrNoRows) {
		return e, ErrNotFound
	}
	if err != nil {
		return e, fmt.Errorf("ente %s: %w", slug, err)
	}
	rows, err := s.pool.Query(ctx, `SELECT key, title FROM roles WHERE ente_id = $1 ORDER BY id`, id)
	if err != nil {
		return e, fmt.Errorf("positions: %w", err)
	}
	if e.Positions, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (plan.Role, error) {
		var x plan.Role
		return x, r.Scan(&x.Key, &x.Title)
	}); err != nil {
		return e, fmt.Errorf("positions: %w", err)
	}
	enti, err := s.ListEnti(ctx)
	if err != nil {
		return e, err
	}
	for _, x := range enti {
		if x.Slug == slug {
			e.Plans = x.Plans
		}
	}
	return e, nil
}

// CreateEmptyPlan starts a plan with no content for an ente: its first
// version is written by adopting the first draft (see ApplyRevision).
func (s *Store) CreateEmptyPlan(ctx context.Context, e plan.Ente, info plan.Info, actor string) error {
	info.Revision = plan.Revision{Label: "Prima versione (in preparazione)", Reason: "Piano creato nel browser"}
	_, err := s.LoadPlan(ctx, &plan.Document{Ente: e, Plan: info, SourceTitle: "Redatto nell'applicazione"}, LoadOptions{Actor: actor})
	return err
}
