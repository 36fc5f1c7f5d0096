-- A reopened period keeps who reopened it, when and why, next to its state,
-- so the periods page shows the reason (issue 14, "reopening keeps its
-- reason"); the audit trail keeps every reopening, this column the latest.
ALTER TABLE periods
    ADD COLUMN reopened_at timestamptz,
    ADD COLUMN reopened_by text NOT NULL DEFAULT '',
    ADD COLUMN reopen_reason text NOT NULL DEFAULT '';

-- Periods reopened before this migration: the latest reopening recorded in
-- the audit trail (its object key is "ente/plan dd/mm/yyyy (kind)").
UPDATE periods p SET reopened_at = e.at, reopened_by = e.actor, reopen_reason = e.reason
FROM (
    SELECT DISTINCT ON (object_key) object_key, at, actor, reason
    FROM audit_events WHERE action = 'period.reopen' AND object_type = 'period'
    ORDER BY object_key, id DESC
) e, plans pl, enti en
WHERE pl.id = p.plan_id AND en.id = pl.ente_id
  AND e.object_key = en.slug || '/' || pl.slug || ' ' || to_char(p.ends_on, 'DD/MM/YYYY') || ' ('
      || CASE p.kind WHEN 'midyear' THEN 'monitoraggio infrannuale' ELSE 'consuntivo annuale' END || ')';
