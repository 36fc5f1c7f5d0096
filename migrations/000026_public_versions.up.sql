-- A version per plan of everything the public sees of it: the server builds
-- each public page and open-data file once per version and answers
-- conditional requests with it, and every replica checks it on each request,
-- so a write on one replica is seen at once by all. Triggers bump it at
-- commit (deferred), so a row is locked only while the transaction ends.
-- The version is the sum over 16 slots, and a transaction bumps the slot of
-- its id: concurrent saves to one plan rarely wait for each other's commit.
-- Every bump adds one and committed bumps only accumulate, so the sum names
-- what a reader can see.
CREATE TABLE public_versions (
    plan_id    bigint NOT NULL,
    slot       smallint NOT NULL CHECK (slot BETWEEN 0 AND 15),
    version    bigint NOT NULL DEFAULT 1,
    changed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (plan_id, slot)
);

INSERT INTO public_versions (plan_id, slot) SELECT id, 0 FROM plans;

-- bump_public_version bumps plan pid, and the plans whose indicators use its
-- values as benchmarks (found with indicators_benchmark_idx, migration 000012),
-- once per transaction.
CREATE FUNCTION bump_public_version(pid bigint) RETURNS void LANGUAGE plpgsql AS $$
DECLARE s smallint := (txid_current() % 16)::smallint;
BEGIN
    IF pid IS NULL OR current_setting('piao.public_version_' || pid, true) = '1' THEN
        RETURN;
    END IF;
    PERFORM set_config('piao.public_version_' || pid, '1', true);
    INSERT INTO public_versions AS v (plan_id, slot) VALUES (pid, s)
        ON CONFLICT (plan_id, slot) DO UPDATE SET version = v.version + 1, changed_at = now();
    INSERT INTO public_versions AS v (plan_id, slot)
        SELECT DISTINCT i.plan_id, s FROM plans p JOIN enti e ON e.id = p.ente_id
        JOIN indicators i ON i.benchmark_ente = e.slug AND i.benchmark_plan = p.slug
        WHERE p.id = pid AND i.benchmark_ente IS NOT NULL AND i.plan_id <> pid
        ON CONFLICT (plan_id, slot) DO UPDATE SET version = v.version + 1, changed_at = now();
END $$;

CREATE FUNCTION public_version_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM bump_public_version(OLD.plan_id);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM bump_public_version(NEW.plan_id);
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION public_version_plan() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'DELETE' THEN
        PERFORM bump_public_version(NEW.id);
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION public_version_ente() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM bump_public_version(p.id) FROM plans p WHERE p.ente_id = NEW.id;
    RETURN NULL;
END $$;

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['areas', 'behaviour_scores', 'indicator_objective_refs', 'indicator_refs', 'indicators',
        'individual_indicators', 'individual_objectives', 'measurements', 'objectives', 'oiv_observations', 'periods',
        'quality_notes', 'relazione_validations', 'revisions', 'scoring_rule_versions', 'scoring_rules', 'targets'] LOOP
        EXECUTE format('CREATE CONSTRAINT TRIGGER public_version AFTER INSERT OR UPDATE OR DELETE ON %I
            DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION public_version_row()', t);
    END LOOP;
END $$;

CREATE CONSTRAINT TRIGGER public_version AFTER INSERT OR UPDATE ON plans
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION public_version_plan();
CREATE CONSTRAINT TRIGGER public_version AFTER UPDATE ON enti
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION public_version_ente();
