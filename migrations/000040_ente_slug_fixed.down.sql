DROP TRIGGER IF EXISTS ente_slug_fixed ON enti;
DROP FUNCTION IF EXISTS ente_slug_fixed();
