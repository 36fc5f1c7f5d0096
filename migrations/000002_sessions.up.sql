-- Server-side sessions (alexedwards/scs with pgxstore): the browser holds only a
-- random token; the data stays here and expires.
CREATE TABLE sessions (
    token  text PRIMARY KEY,
    data   bytea NOT NULL,
    expiry timestamptz NOT NULL
);
CREATE INDEX sessions_expiry_idx ON sessions (expiry);
