-- Back to one installation-wide chain, sealed by any writer, with the
-- writer's time (000009).
CREATE OR REPLACE FUNCTION audit_seal() RETURNS integer LANGUAGE plpgsql SECURITY INVOKER AS $$
DECLARE
    r audit_events;
    last audit_events;
    n integer := 0;
BEGIN
    PERFORM pg_advisory_xact_lock(7403541, 1);
    SELECT * INTO last FROM audit_events WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1;
    FOR r IN SELECT * FROM audit_events WHERE seq IS NULL ORDER BY id FOR UPDATE LOOP
        r.seq := coalesce(last.seq, 0) + 1;
        r.prev_hash := last.hash;
        r.hash := audit_event_hash(r.prev_hash, r);
        UPDATE audit_events SET seq = r.seq, prev_hash = r.prev_hash, hash = r.hash WHERE id = r.id;
        last := r;
        n := n + 1;
    END LOOP;
    RETURN n;
END $$;
ALTER FUNCTION audit_seal() RESET search_path;
GRANT EXECUTE ON FUNCTION audit_seal() TO PUBLIC;

CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.seq IS NULL AND NEW.seq IS NOT NULL AND NEW.hash IS NOT NULL
       AND (OLD.id, OLD.at, OLD.actor, OLD.action, OLD.ente_id, OLD.object_type, OLD.object_key, OLD.reason, OLD.detail)
           IS NOT DISTINCT FROM (NEW.id, NEW.at, NEW.actor, NEW.action, NEW.ente_id, NEW.object_type, NEW.object_key, NEW.reason, NEW.detail) THEN
        RETURN NEW; -- sealing
    END IF;
    RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE OR REPLACE FUNCTION audit_events_unsealed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.seq := NULL;
    NEW.prev_hash := NULL;
    NEW.hash := NULL;
    RETURN NEW;
END $$;

ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update;
UPDATE audit_events SET seq = NULL, prev_hash = NULL, hash = NULL;
ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update;
DROP INDEX audit_events_chain_seq_idx;
CREATE UNIQUE INDEX audit_events_seq_idx ON audit_events (seq);
SELECT audit_seal();
