package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/piao-performance/piao/internal/model"
)

// AuditFilter selects audit events. Zero fields do not filter.
type AuditFilter struct {
	EnteID *int64    // the ente's events only
	From   time.Time // at or after
	Before time.Time // strictly before
	Actor  string    // exact username
	Object string    // substring of the object type or key, case-insensitive
	Action string    // prefix of the action ("measurement.", "oiv.")
	Limit  int       // 0: no limit
	Offset int       // events skipped (newest first), for the pages of the register
}

// AuditEvents calls fn for each event matching f, newest first, streaming the
// rows so an export of the whole trail keeps memory flat.
func (s *Store) AuditEvents(ctx context.Context, f AuditFilter, fn func(model.AuditRow) error) error {
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if f.EnteID != nil {
		where = append(where, "ente_id = "+arg(*f.EnteID))
	}
	if !f.From.IsZero() {
		where = append(where, "at >= "+arg(f.From))
	}
	if !f.Before.IsZero() {
		where = append(where, "at < "+arg(f.Before))
	}
	if f.Actor != "" {
		where = append(where, "actor = "+arg(f.Actor))
	}
	if f.Object != "" {
		p := arg("%" + likeEscape(f.Object) + "%")
		where = append(where, "(object_type ILIKE "+p+" OR object_key ILIKE "+p+")")
	}
	if f.Action != "" {
		where = append(where, "action LIKE "+arg(likeEscape(f.Action)+"%"))
	}
	q := `SELECT id, seq, at, actor, action, object_type, object_key, reason, detail::text, coalesce(encode(hash, 'hex'), '') FROM audit_events`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY id DESC"
	if f.Limit > 0 {
		q += " LIMIT " + arg(f.Limit)
	}
	if f.Offset > 0 {
		q += " OFFSET " + arg(f.Offset)
	}
	rows, err := s.pool.Query(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("audit events: %w", err)
	}
	var r model.AuditRow
	_, err = pgx.ForEachRow(rows, []any{&r.ID, &r.Seq, &r.At, &r.Actor, &r.Action, &r.ObjectType, &r.ObjectKey, &r.Reason, &r.Detail, &r.Hash},
		func() error { return fn(r) })
	if err != nil {
		return fmt.Errorf("audit events: %w", err)
	}
	return nil
}

// likeEscape makes s match literally inside a LIKE pattern.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// AuditActors returns the usernames that appear in an ente's trail, for the
// export form's choices.
func (s *Store) AuditActors(ctx context.Context, enteID *int64) ([]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT DISTINCT actor FROM audit_events WHERE $1::bigint IS NULL OR ente_id = $1 ORDER BY actor`, enteID)
	if err != nil {
		return nil, fmt.Errorf("audit actors: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("audit actors: %w", err)
	}
	return out, nil
}
