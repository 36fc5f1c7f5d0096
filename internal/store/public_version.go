package store

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/jackc/pgx/v5"

	"github.com/piao-performance/piao/internal/model"
)

// publicVersionSQL reads the plan id, ente id, version and last change of the
// plan named by ente and plan slugs ($1, $2); no row when there is no such
// plan.
const publicVersionSQL = `SELECT p.id, p.ente_id, v.version, v.changed_at
	FROM enti e JOIN plans p ON p.ente_id = e.id
	CROSS JOIN LATERAL (SELECT coalesce(sum(version), 0)::bigint AS version, coalesce(max(changed_at), 'epoch') AS changed_at
		FROM public_versions WHERE plan_id = p.id) v
	WHERE e.slug = $1 AND p.slug = $2`

// publicVersionByIDSQL reads the version and last change of plan $1, and
// whether that plan still exists in ente $2 under slug $3, in one snapshot.
// It is the same read as publicVersionSQL once the ids are known, at about
// two thirds of PostgreSQL's time (pgbench, prepared): no lookup by slug, no
// join.
const publicVersionByIDSQL = `SELECT EXISTS (SELECT 1 FROM plans WHERE id = $1 AND ente_id = $2 AND slug = $3),
	coalesce(sum(version), 0)::bigint, coalesce(max(changed_at), 'epoch')
	FROM public_versions WHERE plan_id = $1`

// PublicVersion returns the public version of the plan identified by ente
// and plan slugs, or ErrNotFound: cheap enough for every request. Triggers
// keep it current (migration 000026): the sum of the plan's slots, each
// bumped by the transactions whose id falls in it.
//
// The plan's ids are remembered (planKeys) and checked in the same statement
// that reads the version: the plan must still exist with that ente id and
// slug. Ids are never reused (a replaced plan is deleted and inserted anew)
// and an ente's slug never changes (migration 000040 refuses it), so such a
// plan is the one the slugs name now; otherwise the slugs are looked up
// again.
func (s *Store) PublicVersion(ctx context.Context, ente, slug string) (model.PublicVersion, error) {
	var v model.PublicVersion
	if k, ok := s.planKeys.get(ente, slug); ok {
		var exists bool
		err := s.pool.QueryRow(ctx, publicVersionByIDSQL, k.plan, k.ente, slug).Scan(&exists, &v.Version, &v.ChangedAt)
		if err != nil {
			return v, fmt.Errorf("public version of %s/%s: %w", ente, slug, err)
		}
		if exists {
			v.PlanID = k.plan
			return v, nil
		}
		s.planKeys.drop(ente, slug) // deleted or replaced: look the slugs up again
		v = model.PublicVersion{}
	}
	var k planKey
	err := s.pool.QueryRow(ctx, publicVersionSQL, ente, slug).Scan(&k.plan, &k.ente, &v.Version, &v.ChangedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return v, ErrNotFound
	}
	if err != nil {
		return v, fmt.Errorf("public version of %s/%s: %w", ente, slug, err)
	}
	s.planKeys.put(ente, slug, k)
	v.PlanID = k.plan
	return v, nil
}

// planKey is a plan's id and its ente's.
type planKey struct{ plan, ente int64 }

// maxPlanKeys bounds planKeys: far more plans than an installation serves
// (600 enti with a few plans each); when full it starts again empty.
const maxPlanKeys = 8192

// planKeyCache remembers the ids of the plans PublicVersion has found by
// slug. Only existing plans are remembered, so unknown slugs cannot grow it.
type planKeyCache struct {
	mu sync.Mutex
	m  map[[2]string]planKey
}

func (c *planKeyCache) get(ente, slug string) (planKey, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	k, ok := c.m[[2]string{ente, slug}]
	return k, ok
}

func (c *planKeyCache) put(ente, slug string, k planKey) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxPlanKeys {
		c.m = make(map[[2]string]planKey)
	}
	c.m[[2]string{ente, slug}] = k
}

func (c *planKeyCache) drop(ente, slug string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, [2]string{ente, slug})
}
