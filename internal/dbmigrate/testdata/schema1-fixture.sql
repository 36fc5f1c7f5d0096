-- A plan as the first migration (000001_plan_schema) stored it: the fixture
-- of the upgrade test (TestUpgradeFromFirstSchemaKeepsData).
INSERT INTO enti (slug, name, short_name) VALUES ('cciaa-prima-versione', 'Camera di Commercio della Prima Versione', 'CCIAA Prima');
INSERT INTO plans (ente_id, slug, title, start_year, end_year, source_title)
    SELECT id, 'piao-2023-2025', 'PIAO 2023–2025', 2023, 2025, 'Delibera n. 1/2023' FROM enti;
INSERT INTO revisions (plan_id, seq, label, adopted_on, act_reference, reason)
    SELECT id, 1, 'Versione iniziale', '2023-01-31', 'Delibera n. 1/2023', '' FROM plans;
INSERT INTO units (ente_id, key, name) SELECT id, 'area-ef', 'Area Economico-Finanziaria' FROM enti;
INSERT INTO roles (ente_id, key, title, unit_id) SELECT e.id, 'dir-ef', 'Dirigente Area Economico-Finanziaria', u.id FROM enti e, units u;
INSERT INTO areas (plan_id, number, title) SELECT id, 1, 'Competitività delle imprese' FROM plans;
INSERT INTO objectives (plan_id, kind, code, title, area_id, position)
    SELECT p.id, 'strategic', '1.1', 'Sostenere la digitalizzazione delle imprese', a.id, 1 FROM plans p, areas a;
INSERT INTO objectives (plan_id, kind, code, title, area_id, parent_id, position)
    SELECT p.id, 'operational', 'O.1.1.1', 'Sportello digitale', a.id, o.id, 2 FROM plans p, areas a, objectives o WHERE o.code = '1.1';
INSERT INTO objective_owners (objective_id, role_id) SELECT o.id, r.id FROM objectives o, roles r WHERE o.code = 'O.1.1.1';
INSERT INTO objective_units (objective_id, unit_id) SELECT o.id, u.id FROM objectives o, units u WHERE o.code = 'O.1.1.1';
INSERT INTO indicators (plan_id, objective_id, key, code, name, algorithm, source, unit, polarity, formula, position)
    SELECT plan_id, id, 'O.1.1.1/1', 'KPI 1', 'Imprese assistite', 'Numero di imprese assistite', 'Registro interno', 'count', 'higher_better', 'direct', 1
    FROM objectives WHERE code = 'O.1.1.1';
INSERT INTO baselines (indicator_id, year, value, text, footnote) SELECT id, 2022, 36, '36', '* Relazione 2022' FROM indicators;
INSERT INTO targets (indicator_id, plan_id, revision_id, year, operator, value, text)
    SELECT i.id, i.plan_id, r.id, y, '>=', 40 + (y - 2023) * 5, '≥ ' || (40 + (y - 2023) * 5)
    FROM indicators i, revisions r, generate_series(2023, 2025) y;
INSERT INTO individual_objectives (plan_id, role_id, objective_id, title, weight, position)
    SELECT o.plan_id, r.id, o.id, 'Sportello digitale', 30, 1 FROM objectives o, roles r WHERE o.code = 'O.1.1.1';
