package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/piao-performance/piao/internal/model"
)

// publicVersionSQL reads the plan id, version and last change of the plan
// named by ente and plan slugs ($1, $2); no row when there is no such plan.
const publicVersionSQL = `SELECT p.id, coalesce(sum(v.version), 0)::bigint, coalesce(max(v.changed_at), 'epoch')
	FROM plans p JOIN enti e ON e.id = p.ente_id LEFT JOIN public_versions v ON v.plan_id = p.id
	WHERE e.slug = $1 AND p.slug = $2 GROUP BY p.id`

// PublicVersion returns the public version of the plan identified by ente
// and plan slugs, or ErrNotFound: one primary-key lookup, cheap enough for
// every request. Triggers keep it current (migration 000026): the sum of
// the plan's slots, each bumped by the transactions whose id falls in it.
func (s *Store) PublicVersion(ctx context.Context, ente, slug string) (model.PublicVersion, error) {
	var v model.PublicVersion
	err := s.pool.QueryRow(ctx, publicVersionSQL, ente, slug).Scan(&v.PlanID, &v.Version, &v.ChangedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return v, ErrNotFound
	}
	if err != nil {
		return v, fmt.Errorf("public version of %s/%s: %w", ente, slug, err)
	}
	return v, nil
}
