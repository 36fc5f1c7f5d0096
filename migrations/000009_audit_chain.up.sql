-- The audit trail becomes tamper-evident: every event gets a sequence number,
-- the hash of the previous event and its own hash. Writers only append; the
-- chain is sealed right after commit by audit_seal() (the server calls it
-- every second, `piao audit verify` before checking), so a write never waits
-- on a global lock. UPDATE, DELETE and TRUNCATE are refused by triggers,
-- whatever the role, except sealing an unsealed event without touching it.
ALTER TABLE audit_events ADD COLUMN seq bigint, ADD COLUMN prev_hash bytea, ADD COLUMN hash bytea;
CREATE UNIQUE INDEX audit_events_seq_idx ON audit_events (seq);
CREATE INDEX audit_events_unsealed_idx ON audit_events (id) WHERE seq IS NULL;

-- The canonical text of an event: every field, in a fixed order and format.
CREATE FUNCTION audit_event_hash(prev bytea, e audit_events) RETURNS bytea
LANGUAGE sql IMMUTABLE AS $$
    SELECT sha256(coalesce(prev, ''::bytea) || convert_to(concat_ws(E'\x1f',
        e.seq::text, e.id::text, to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        e.actor, e.action, coalesce(e.ente_id::text, '-'), e.object_type, e.object_key, e.reason, e.detail::text), 'UTF8'))
$$;

-- Seals the committed, unsealed events in id order after the last sealed one;
-- returns how many. The advisory lock lets one sealer run at a time.
CREATE FUNCTION audit_seal() RETURNS integer LANGUAGE plpgsql AS $$
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

-- A writer cannot choose its own place in the chain.
CREATE FUNCTION audit_events_unsealed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.seq := NULL;
    NEW.prev_hash := NULL;
    NEW.hash := NULL;
    RETURN NEW;
END $$;

CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.seq IS NULL AND NEW.seq IS NOT NULL AND NEW.hash IS NOT NULL
       AND (OLD.id, OLD.at, OLD.actor, OLD.action, OLD.ente_id, OLD.object_type, OLD.object_key, OLD.reason, OLD.detail)
           IS NOT DISTINCT FROM (NEW.id, NEW.at, NEW.actor, NEW.action, NEW.ente_id, NEW.object_type, NEW.object_key, NEW.reason, NEW.detail) THEN
        RETURN NEW; -- sealing
    END IF;
    RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER audit_events_unsealed BEFORE INSERT ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_unsealed();
CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();

-- Existing events are sealed now, in id order.
SELECT audit_seal();
