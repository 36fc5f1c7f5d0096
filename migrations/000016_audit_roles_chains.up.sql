-- The audit trail against its own application (see README "Accounts and
-- security"): the chain becomes per ente, the event time is stamped by the
-- database, and only audit_seal() can set the chain fields. The application
-- role (created and granted by `piao migrate`, not here: its name depends on
-- the installation) gets INSERT and SELECT only on audit_events.

-- The installation-wide chain built by 000009 is checked before it is
-- rebuilt: rebuilding a broken chain would hide the tampering for good, so
-- the migration refuses and the operator investigates (`piao audit verify`
-- on the previous release names the broken event).
DO $$
DECLARE
    r record;
    n bigint := 0;
    last bytea;
BEGIN
    FOR r IN SELECT e.seq, e.prev_hash, e.hash, audit_event_hash(e.prev_hash, e) AS recomputed
             FROM audit_events e WHERE e.seq IS NOT NULL ORDER BY e.seq LOOP
        n := n + 1;
        IF r.seq <> n OR r.prev_hash IS DISTINCT FROM last OR r.hash IS DISTINCT FROM r.recomputed THEN
            RAISE EXCEPTION 'audit chain broken at event % (run `piao audit verify` with the previous release): refusing to rebuild it per ente', r.seq;
        END IF;
        last := r.hash;
    END LOOP;
    -- The old head goes into the new installation chain, so an anchor
    -- published before this migration can still be matched to it.
    IF n > 0 THEN
        INSERT INTO audit_events (actor, action, object_type, object_key, detail)
        VALUES ('piao migrate', 'audit.chain_split', 'audit_chain', 'installazione',
                jsonb_build_object('previous_head', n::text || ':' || encode(last, 'hex'), 'events', n));
    END IF;
END $$;

-- One chain per ente; events with no ente (enti, global accounts) form the
-- installation chain, keyed 0 (ente ids start at 1). seq counts within its
-- chain. The key is an expression so that one indexed equality finds the
-- head of any chain, the installation's too (IS NULL would not give the
-- index's order).
DROP INDEX audit_events_seq_idx;
CREATE UNIQUE INDEX audit_events_chain_seq_idx ON audit_events ((coalesce(ente_id, 0)), seq) WHERE seq IS NOT NULL;

-- The time of an event is the database's, whatever the writer sent, and a
-- writer cannot choose its place in the chain.
CREATE OR REPLACE FUNCTION audit_events_unsealed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.at := now();
    NEW.seq := NULL;
    NEW.prev_hash := NULL;
    NEW.hash := NULL;
    RETURN NEW;
END $$;

-- Sealing is the only UPDATE let through, and only from audit_seal(), which
-- marks its own transaction: a writer with UPDATE rights (the owner) setting
-- seq/hash on an unsealed event is refused like any other change.
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND current_setting('piao.audit_sealing', true) = 'on'
       AND OLD.seq IS NULL AND NEW.seq IS NOT NULL AND NEW.hash IS NOT NULL
       AND (OLD.id, OLD.at, OLD.actor, OLD.action, OLD.ente_id, OLD.object_type, OLD.object_key, OLD.reason, OLD.detail)
           IS NOT DISTINCT FROM (NEW.id, NEW.at, NEW.actor, NEW.action, NEW.ente_id, NEW.object_type, NEW.object_key, NEW.reason, NEW.detail) THEN
        RETURN NEW; -- sealing
    END IF;
    RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;

-- Seals the committed, unsealed events chain by chain, in id order, each
-- after the last sealed event of its own chain; returns how many. It runs
-- with its owner's rights (the application role has no UPDATE on
-- audit_events) and a fixed search_path, so a caller cannot substitute the
-- objects it uses; the transaction-local mark lets the append-only trigger
-- tell sealing from any other UPDATE.
CREATE OR REPLACE FUNCTION audit_seal() RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    chain bigint;
    r audit_events;
    last_seq bigint;
    last_hash bytea;
    n integer := 0;
BEGIN
    PERFORM pg_advisory_xact_lock(7403541, 1);
    PERFORM set_config('piao.audit_sealing', 'on', true);
    FOR chain IN SELECT DISTINCT coalesce(e.ente_id, 0) FROM audit_events e WHERE e.seq IS NULL LOOP
        last_seq := NULL;
        last_hash := NULL;
        SELECT e.seq, e.hash INTO last_seq, last_hash FROM audit_events e
        WHERE coalesce(e.ente_id, 0) = chain AND e.seq IS NOT NULL ORDER BY e.seq DESC LIMIT 1;
        FOR r IN SELECT * FROM audit_events e WHERE coalesce(e.ente_id, 0) = chain AND e.seq IS NULL ORDER BY e.id FOR UPDATE LOOP
            r.seq := coalesce(last_seq, 0) + 1;
            r.prev_hash := last_hash;
            r.hash := audit_event_hash(r.prev_hash, r);
            UPDATE audit_events SET seq = r.seq, prev_hash = r.prev_hash, hash = r.hash WHERE id = r.id;
            last_seq := r.seq;
            last_hash := r.hash;
            n := n + 1;
        END LOOP;
    END LOOP;
    PERFORM set_config('piao.audit_sealing', '', true);
    RETURN n;
END $$;
REVOKE EXECUTE ON FUNCTION audit_seal() FROM PUBLIC;

-- Existing events are re-chained per ente, in id order.
ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update;
UPDATE audit_events SET seq = NULL, prev_hash = NULL, hash = NULL;
ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update;
SELECT audit_seal();
