package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/revision"
)

// Revisions returns a plan's revisions, oldest first.
func (s *Store) Revisions(ctx context.Context, planID int64) ([]model.RevisionInfo, error) {
	rows, err := s.pool.Query(ctx, `SELECT seq, label, adopted_on, in_force_from, in_force_text, act_reference, reason,
			reconstructed, changes, content IS NOT NULL
		FROM revisions WHERE plan_id = $1 ORDER BY seq`, planID)
	if err != nil {
		return nil, fmt.Errorf("revisions: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.RevisionInfo, error) {
		var ri model.RevisionInfo
		var changes []byte
		if err := r.Scan(&ri.Seq, &ri.Label, &ri.AdoptedOn, &ri.InForceFrom, &ri.InForceText, &ri.ActReference, &ri.Reason,
			&ri.Reconstructed, &changes, &ri.HasContent); err != nil {
			return ri, err
		}
		return ri, json.Unmarshal(changes, &ri.Changes)
	})
	if err != nil {
		return nil, fmt.Errorf("revisions: %w", err)
	}
	return out, nil
}

// ErrNoContent is returned when a revision predates the recording of contents.
var ErrNoContent = errors.New("revision content not recorded")

// RevisionDiff lists the differences from revision from to revision to (in
// either order; the older is always the "old" side) with the reasons the
// revisions in between state.
func (s *Store) RevisionDiff(ctx context.Context, planID int64, from, to int) ([]revision.Difference, error) {
	if from > to {
		from, to = to, from
	}
	revs, err := s.Revisions(ctx, planID)
	if err != nil {
		return nil, err
	}
	var steps []revision.Step
	found := 0
	for _, r := range revs {
		if r.Seq == from || r.Seq == to {
			found++
			if !r.HasContent {
				return nil, fmt.Errorf("revision %d: %w", r.Seq, ErrNoContent)
			}
		}
		if r.Seq > from && r.Seq <= to {
			steps = append(steps, revision.Step{Label: r.Label, Reason: r.Reason, Changes: r.Changes})
		}
	}
	if found < 2 && !(from == to && found == 1) {
		return nil, ErrNotFound
	}
	old, err := s.revisionContent(ctx, planID, from)
	if err != nil {
		return nil, err
	}
	neu, err := s.revisionContent(ctx, planID, to)
	if err != nil {
		return nil, err
	}
	return revision.Diff(old, neu, steps), nil
}

func (s *Store) revisionContent(ctx context.Context, planID int64, seq int) (revision.Content, error) {
	var c revision.Content
	var raw []byte
	err := s.pool.QueryRow(ctx, `SELECT content FROM revisions WHERE plan_id = $1 AND seq = $2`, planID, seq).Scan(&raw)
	if err != nil {
		return c, fmt.Errorf("revision %d content: %w", seq, err)
	}
	if err := json.Unmarshal(raw, &c); err != nil {
		return c, fmt.Errorf("revision %d content: %w", seq, err)
	}
	return c, nil
}
