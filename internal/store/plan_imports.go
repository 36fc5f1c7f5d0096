package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/plan"
)

// ErrImportChanged is returned when a review of a read document changed
// since the form was built (another tab or administrator).
var ErrImportChanged = errors.New("the review changed meanwhile")

// The reviews of published PIAOs read in the plan editor (migration 000033):
// the parser's document waits here, pending, until the administrator turns
// it into the draft or discards it.

// CreatePlanImport keeps a document read from a published PIAO for review
// and returns its id.
func (s *Store) CreatePlanImport(ctx context.Context, h model.PlanHeader, fileName string, doc *plan.Document, problems []model.ImportProblem, actor string) (int64, error) {
	if problems == nil {
		problems = []model.ImportProblem{}
	}
	var id int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO plan_imports (ente_id, plan_id, uploaded_by, file_name, document, problems)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, h.EnteID, h.ID, actor, fileName, doc, problems).Scan(&id)
		if err != nil {
			return fmt.Errorf("create plan import: %w", err)
		}
		return appendAudit(ctx, tx, importEvent(h, "plan.import.read", id, actor,
			map[string]any{"file": fileName, "objectives": len(doc.Objectives), "problems": len(problems)}))
	})
	return id, err
}

// PlanImportOf returns the pending review id of the plan, or ErrNotFound
// (also when it was applied, discarded or belongs to another plan).
func (s *Store) PlanImportOf(ctx context.Context, planID, id int64) (model.PlanImport, error) {
	return s.planImport(ctx, s.pool, planID, id, false)
}

func (s *Store) planImport(ctx context.Context, q interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}, planID, id int64, lock bool) (model.PlanImport, error) {
	p := model.PlanImport{ID: id, PlanID: planID}
	var doc, problems []byte
	sql := `SELECT file_name, document, problems, version, uploaded_by, created_at, updated_at
		FROM plan_imports WHERE id = $1 AND plan_id = $2 AND status = 'pending'`
	if lock {
		sql += ` FOR UPDATE`
	}
	err := q.QueryRow(ctx, sql, id, planID).Scan(&p.FileName, &doc, &problems, &p.Version, &p.UploadedBy, &p.CreatedAt, &p.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return p, ErrNotFound
	}
	if err != nil {
		return p, fmt.Errorf("plan import: %w", err)
	}
	p.Doc = new(plan.Document)
	if err := json.Unmarshal(doc, p.Doc); err != nil {
		return p, fmt.Errorf("plan import document: %w", err)
	}
	if err := json.Unmarshal(problems, &p.Problems); err != nil {
		return p, fmt.Errorf("plan import problems: %w", err)
	}
	return p, nil
}

// PendingPlanImports lists the plan's pending reviews, newest first, without
// their documents.
func (s *Store) PendingPlanImports(ctx context.Context, planID int64) ([]model.PlanImport, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, file_name, jsonb_array_length(problems), version, uploaded_by, created_at, updated_at
		FROM plan_imports WHERE plan_id = $1 AND status = 'pending' ORDER BY id DESC`, planID)
	if err != nil {
		return nil, fmt.Errorf("pending plan imports: %w", err)
	}
	defer rows.Close()
	var out []model.PlanImport
	for rows.Next() {
		p := model.PlanImport{PlanID: planID}
		var n int
		if err := rows.Scan(&p.ID, &p.FileName, &n, &p.Version, &p.UploadedBy, &p.CreatedAt, &p.UpdatedAt); err != nil {
			return nil, fmt.Errorf("pending plan imports: %w", err)
		}
		p.Problems = make([]model.ImportProblem, n)
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pending plan imports: %w", err)
	}
	return out, nil
}

// updateImport moves a pending review at version to its next version with
// doc, problems and status, or answers ErrNotFound (no such pending review)
// or ErrImportChanged (another version).
func updateImport(ctx context.Context, tx pgx.Tx, h model.PlanHeader, id int64, version int, doc *plan.Document, problems []model.ImportProblem, status string) error {
	var cur int
	err := tx.QueryRow(ctx, `SELECT version FROM plan_imports WHERE id = $1 AND plan_id = $2 AND status = 'pending' FOR UPDATE`, id, h.ID).Scan(&cur)
	if errors.Is(err, pgx.ErrNoRows) {
		return ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("lock plan import: %w", err)
	}
	if cur != version {
		return ErrImportChanged
	}
	if problems == nil {
		problems = []model.ImportProblem{}
	}
	if doc == nil {
		_, err = tx.Exec(ctx, `UPDATE plan_imports SET status = $2, version = version + 1, updated_at = now() WHERE id = $1`, id, status)
	} else {
		_, err = tx.Exec(ctx, `UPDATE plan_imports SET document = $2, problems = $3, status = $4, version = version + 1, updated_at = now()
			WHERE id = $1`, id, doc, problems, status)
	}
	if err != nil {
		return fmt.Errorf("update plan import: %w", err)
	}
	return nil
}

func importEvent(h model.PlanHeader, action string, id int64, actor string, detail map[string]any) AuditEvent {
	if detail == nil {
		detail = map[string]any{}
	}
	detail["import"] = id
	return AuditEvent{Actor: actor, Action: action, EnteID: &h.EnteID, ObjectType: "plan",
		ObjectKey: h.EnteSlug + "/" + h.Slug, Detail: detail}
}

// SavePlanImport stores the reviewed document of a pending review at version.
func (s *Store) SavePlanImport(ctx context.Context, h model.PlanHeader, id int64, version int, doc *plan.Document, problems []model.ImportProblem, what map[string]any, actor string) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		if err := updateImport(ctx, tx, h, id, version, doc, problems, "pending"); err != nil {
			return err
		}
		return appendAudit(ctx, tx, importEvent(h, "plan.import.edit", id, actor, what))
	})
}

// DiscardPlanImport discards a pending review at version.
func (s *Store) DiscardPlanImport(ctx context.Context, h model.PlanHeader, id int64, version int, actor string) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		if err := updateImport(ctx, tx, h, id, version, nil, nil, "discarded"); err != nil {
			return err
		}
		return appendAudit(ctx, tx, importEvent(h, "plan.import.discard", id, actor, nil))
	})
}

// ApplyPlanImport makes the reviewed document of a pending review (at
// version) the content of the plan's draft (at draftVersion), in one
// transaction: the review is stored as applied and the draft is written as
// SaveDraft writes it. ErrImportChanged, ErrNotFound (no pending review) or
// ErrDraftChanged (the draft changed, or there is none) change nothing.
func (s *Store) ApplyPlanImport(ctx context.Context, h model.PlanHeader, id int64, version int, reviewed *plan.Document, problems []model.ImportProblem,
	draft *plan.Document, draftVersion int, what map[string]any, actor string) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		if err := updateImport(ctx, tx, h, id, version, reviewed, problems, "applied"); err != nil {
			return err
		}
		if err := appendAudit(ctx, tx, importEvent(h, "plan.import.apply", id, actor, map[string]any{"objectives": len(draft.Objectives)})); err != nil {
			return err
		}
		return saveDraft(ctx, tx, h, draft, draftVersion, what, actor)
	})
}
