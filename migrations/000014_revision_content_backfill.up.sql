-- Revisions recorded before revisions kept their content (migration 000010)
-- get it rebuilt from the plan as the database holds it: the objectives'
-- texts as they are now and, per indicator, the targets in force at that
-- revision. Databases loaded before then have one revision per plan, whose
-- content this gives exactly; the editor, the diff and the export need it.
UPDATE revisions r SET content = (
    SELECT jsonb_build_object('objectives', coalesce(jsonb_agg(
        jsonb_build_object('code', o.code, 'kind', o.kind, 'title', o.title, 'description', o.description,
            'indicators', coalesce((
                SELECT jsonb_agg(jsonb_build_object('key', i.key, 'name', i.name,
                    'targets', coalesce((
                        SELECT jsonb_agg(jsonb_build_object('year', t.year, 'operator', t.operator, 'value', t.value, 'text', t.text)
                            ORDER BY t.year)
                        FROM (SELECT DISTINCT ON (t.year) t.year, t.operator, t.value, t.text
                              FROM targets t JOIN revisions tr ON tr.id = t.revision_id
                              WHERE t.indicator_id = i.id AND tr.seq <= r.seq
                              ORDER BY t.year, tr.seq DESC) t), '[]'::jsonb))
                    ORDER BY i.position)
                FROM indicators i WHERE i.objective_id = o.id), '[]'::jsonb))
        ORDER BY o.position), '[]'::jsonb))
    FROM objectives o WHERE o.plan_id = r.plan_id)
WHERE r.content IS NULL;
