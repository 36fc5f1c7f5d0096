-- The audit trail becomes tamper-evident: every event stores the hash of the
-- previous one (by seq) and its own, computed by the database so no writer can
-- forget it; UPDATE, DELETE and TRUNCATE are refused by triggers, whatever the
-- role. Verification recomputes the chain (piao audit verify).
ALTER TABLE audit_events ADD COLUMN seq bigint, ADD COLUMN prev_hash bytea, ADD COLUMN hash bytea;

-- The canonical text of an event: every field, in a fixed order and format.
CREATE FUNCTION audit_event_hash(prev bytea, e audit_events) RETURNS bytea
LANGUAGE sql IMMUTABLE AS $$
    SELECT sha256(coalesce(prev, ''::bytea) || convert_to(concat_ws(E'\x1f',
        e.seq::text, e.id::text, to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        e.actor, e.action, coalesce(e.ente_id::text, '-'), e.object_type, e.object_key, e.reason, e.detail::text), 'UTF8'))
$$;

-- Chains a new event after the last one. The transaction-scoped advisory lock
-- makes writers take turns for the few microseconds to commit, so two
-- concurrent events never claim the same predecessor.
CREATE FUNCTION audit_events_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    last audit_events;
BEGIN
    PERFORM pg_advisory_xact_lock(7403541, 1);
    SELECT * INTO last FROM audit_events WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1;
    NEW.seq := coalesce(last.seq, 0) + 1;
    NEW.prev_hash := last.hash;
    NEW.hash := audit_event_hash(NEW.prev_hash, NEW);
    RETURN NEW;
END $$;

CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;

-- Existing events are chained in id order.
DO $$
DECLARE
    r audit_events;
    prev bytea;
    n bigint := 0;
BEGIN
    FOR r IN SELECT * FROM audit_events ORDER BY id LOOP
        n := n + 1;
        r.seq := n;
        r.prev_hash := prev;
        prev := audit_event_hash(prev, r);
        UPDATE audit_events SET seq = n, prev_hash = r.prev_hash, hash = prev WHERE id = r.id;
    END LOOP;
END $$;

ALTER TABLE audit_events ALTER COLUMN seq SET NOT NULL, ALTER COLUMN hash SET NOT NULL;
CREATE UNIQUE INDEX audit_events_seq_idx ON audit_events (seq);

CREATE TRIGGER audit_events_chain BEFORE INSERT ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_chain();
CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
