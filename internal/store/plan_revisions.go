package store

import (
	"context"
	"fmt"
	"slices"

	"github.com/piao-performance/piao/internal/plan"
	"github.com/piao-performance/piao/internal/revision"
)

// loadedRevision is a revision being loaded with its content.
type loadedRevision struct {
	id      int64
	meta    plan.Revision
	targets map[string][]revision.Target // indicator key → targets the revision states
}

// insertRevisions writes the document's revision and its history. The
// earlier contents are rebuilt backwards from the changes each later revision
// states (revision.Before), so a history entry carries only its metadata.
func (l *loader) insertRevisions(ctx context.Context) error {
	p := l.doc.Plan
	metas := append(slices.Clone(p.History), p.Revision)
	contents := make([]revision.Content, len(metas))
	contents[len(metas)-1] = revision.FromDocument(l.doc)
	for k := len(metas) - 1; k > 0; k-- {
		before, err := revision.Before(contents[k], metas[k].Changes)
		if err != nil {
			return fmt.Errorf("rebuild revision %q: %w", metas[k-1].Label, err)
		}
		contents[k-1] = before
	}
	for k, m := range metas {
		var id int64
		err := l.tx.QueryRow(ctx, `INSERT INTO revisions (plan_id, seq, label, adopted_on, in_force_from, in_force_text,
				act_reference, reason, reconstructed, content, changes)
			VALUES ($1, $2, $3, $4::date, $5::date, $6, $7, $8, $9, $10, $11) RETURNING id`,
			l.planID, k+1, m.Label, nullIfEmpty(m.AdoptedOn), nullIfEmpty(m.InForceFrom), m.InForceText,
			m.ActReference, m.Reason, m.Reconstructed, contents[k], nonNil(m.Changes)).Scan(&id)
		if err != nil {
			return fmt.Errorf("insert revision %q of %s: %w", m.Label, p.Slug, err)
		}
		lr := loadedRevision{id: id, meta: m, targets: map[string][]revision.Target{}}
		for _, o := range contents[k].Objectives {
			for _, in := range o.Indicators {
				lr.targets[in.Key] = in.Targets
			}
		}
		l.revisions = append(l.revisions, lr)
	}
	return nil
}

// insertTargets writes an indicator's targets: each revision records the
// targets it set or changed, so the target in force for a revision is the
// latest row not after it and every change keeps its history. An unknown
// earlier target is not written: that revision has no usable target.
func (l *loader) insertTargets(ctx context.Context, indicatorID int64, key string) error {
	for k, r := range l.revisions {
		for _, t := range r.targets[key] {
			if t.Unknown || t.Value == nil {
				continue
			}
			if k > 0 && slices.ContainsFunc(l.revisions[k-1].targets[key], func(p revision.Target) bool {
				return !p.Unknown && p.Year == t.Year && p.Operator == t.Operator && p.Text == t.Text && p.Value != nil && *p.Value == *t.Value
			}) {
				continue // unchanged: the earlier revision's row stays in force
			}
			if _, err := l.tx.Exec(ctx, `INSERT INTO targets (indicator_id, plan_id, revision_id, year, operator, value, text)
				VALUES ($1, $2, $3, $4, $5, $6, $7)`, indicatorID, l.planID, r.id, t.Year, t.Operator, *t.Value, t.Text); err != nil {
				return fmt.Errorf("indicator %s target %d (%s): %w", key, t.Year, r.meta.Label, err)
			}
		}
	}
	return nil
}

func nullIfEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

// benchmarkColumns spreads a benchmark reference over its three columns.
func benchmarkColumns(b *plan.BenchmarkRef) (ente, planSlug, indicator *string) {
	if b == nil {
		return nil, nil, nil
	}
	return &b.Ente, &b.Plan, &b.Indicator
}
