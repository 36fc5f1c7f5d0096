-- Reading the trail at scale (the load benchmark's 150,000 imported values):
-- an indicator's history on the entry page, and the ente's newest events on
-- the OIV's audit page, without scanning every ente's events.
CREATE INDEX audit_events_indicator_idx ON audit_events (ente_id, (detail->>'indicator'), id) WHERE object_type = 'measurement';
CREATE INDEX audit_events_ente_idx ON audit_events (ente_id, id);
