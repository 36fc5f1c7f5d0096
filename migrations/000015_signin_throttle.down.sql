DROP INDEX IF EXISTS users_sso_identity_idx;
ALTER TABLE users DROP CONSTRAINT IF EXISTS users_sso_identity_check, DROP COLUMN IF EXISTS sso_issuer,
    DROP COLUMN IF EXISTS sso_subject;
DROP FUNCTION IF EXISTS sign_in_reserve(text, text, text, int, interval, interval, int, interval, interval, interval);
DROP TABLE IF EXISTS sign_in_throttle;
CREATE TABLE sign_in_failures (
    id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username text NOT NULL,
    address  text NOT NULL,
    at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sign_in_failures_username_idx ON sign_in_failures (username, at);
CREATE INDEX sign_in_failures_address_idx ON sign_in_failures (address, at);
