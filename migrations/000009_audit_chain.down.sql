DROP TRIGGER audit_events_no_truncate ON audit_events;
DROP TRIGGER audit_events_no_update ON audit_events;
DROP TRIGGER audit_events_chain ON audit_events;
DROP FUNCTION audit_events_append_only();
DROP FUNCTION audit_events_chain();
DROP INDEX audit_events_seq_idx;
ALTER TABLE audit_events DROP COLUMN hash, DROP COLUMN prev_hash, DROP COLUMN seq;
DROP FUNCTION audit_event_hash(bytea, audit_events);
