-- An ente's slug is its public address (/enti/{slug}/…, /opendata/{slug}/…)
-- and never changes: links, crawlers and the open-data catalogue keep it.
-- The server also relies on it to remember which ente a slug names
-- (internal/store/public_version.go), so the database refuses the change.
CREATE FUNCTION ente_slug_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the slug of ente % cannot change (% → %)', OLD.id, OLD.slug, NEW.slug
        USING ERRCODE = 'integrity_constraint_violation';
END $$;

CREATE TRIGGER ente_slug_fixed BEFORE UPDATE OF slug ON enti
    FOR EACH ROW WHEN (OLD.slug IS DISTINCT FROM NEW.slug) EXECUTE FUNCTION ente_slug_fixed();
