package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/piao-performance/piao/internal/model"
)

// ObjectiveMeasurements lists every measurement of an objective's indicators,
// indicator then period order.
func (s *Store) ObjectiveMeasurements(ctx context.Context, h model.PlanHeader, code string) ([]model.ObjectiveMeasurement, error) {
	rows, err := s.pool.Query(ctx, `SELECT i.key, p.year, p.kind, p.ends_on, m.status, m.value::float8, m.inputs,
			m.not_applicable, m.reason, m.note, m.author, m.updated_at, m.submitted_by, m.reviewed_by, m.review_comment, m.demo
		FROM measurements m JOIN indicators i ON i.id = m.indicator_id JOIN objectives o ON o.id = i.objective_id
		JOIN periods p ON p.id = m.period_id
		WHERE o.plan_id = $1 AND o.code = $2 ORDER BY i.position, p.ends_on`, h.ID, code)
	if err != nil {
		return nil, fmt.Errorf("objective measurements: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.ObjectiveMeasurement, error) {
		var m model.ObjectiveMeasurement
		return m, r.Scan(&m.Indicator, &m.Year, &m.Kind, &m.EndsOn, &m.Status, &m.Value, &m.Inputs, &m.NotApplicable, &m.Reason,
			&m.Note, &m.Author, &m.UpdatedAt, &m.SubmittedBy, &m.ReviewedBy, &m.ReviewComment, &m.Demo)
	})
	if err != nil {
		return nil, fmt.Errorf("objective measurements: %w", err)
	}
	return out, nil
}

// ObjectiveEvidence lists the attachments of the objective's measurements,
// without their content.
func (s *Store) ObjectiveEvidence(ctx context.Context, h model.PlanHeader, code string) ([]model.EvidenceFile, error) {
	rows, err := s.pool.Query(ctx, `SELECT a.id, a.filename, a.content_type, a.size, a.uploaded_by, a.uploaded_at,
			i.key, p.year, p.kind, a.sha256
		FROM measurement_attachments a JOIN measurements m ON m.id = a.measurement_id
		JOIN indicators i ON i.id = m.indicator_id JOIN objectives o ON o.id = i.objective_id JOIN periods p ON p.id = m.period_id
		WHERE o.plan_id = $1 AND o.code = $2 ORDER BY i.position, p.ends_on, a.id`, h.ID, code)
	if err != nil {
		return nil, fmt.Errorf("objective evidence: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.EvidenceFile, error) {
		var f model.EvidenceFile
		return f, r.Scan(&f.ID, &f.Filename, &f.ContentType, &f.Size, &f.UploadedBy, &f.UploadedAt, &f.Indicator, &f.Year, &f.Kind, &f.SHA256)
	})
	if err != nil {
		return nil, fmt.Errorf("objective evidence: %w", err)
	}
	return out, nil
}
