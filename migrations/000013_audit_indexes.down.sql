DROP INDEX audit_events_ente_idx;
DROP INDEX audit_events_indicator_idx;
