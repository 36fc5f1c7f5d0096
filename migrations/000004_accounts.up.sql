-- People: accounts with argon2id password hashes, an access role, the ente they
-- belong to (none for a global administrator), and for dirigenti and referenti
-- the manager position (roles table) whose objectives they report on.
CREATE TABLE users (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ente_id         bigint REFERENCES enti (id) ON DELETE CASCADE,
    username        text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9][a-z0-9._-]{1,62}$'),
    display_name    text NOT NULL CHECK (length(btrim(display_name)) BETWEEN 1 AND 200),
    email           text NOT NULL DEFAULT '' CHECK (email = '' OR (length(email) <= 254 AND email ~ '^[^@[:space:]]+@[^@[:space:]]+$')),
    -- '' = no password: the account signs in only through single sign-on
    password_hash   text NOT NULL DEFAULT '' CHECK (password_hash = '' OR password_hash LIKE '$argon2id$%'),
    access_role     text NOT NULL CHECK (access_role IN ('amministratore', 'segretario', 'dirigente', 'referente', 'oiv', 'lettore')),
    position_id     bigint REFERENCES roles (id) ON DELETE RESTRICT,
    active          boolean NOT NULL DEFAULT true,
    -- bumped by "esci da tutti i dispositivi": sessions carrying an older epoch end
    session_epoch   int NOT NULL DEFAULT 1,
    last_sign_in_at timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CHECK (ente_id IS NOT NULL OR access_role = 'amministratore'),
    CHECK ((access_role IN ('dirigente', 'referente')) = (position_id IS NOT NULL))
);
CREATE UNIQUE INDEX users_email_idx ON users (lower(email)) WHERE email <> '';

-- Failed sign-ins, for throttling per account and per address.
CREATE TABLE sign_in_failures (
    id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username text NOT NULL,
    address  text NOT NULL,
    at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sign_in_failures_username_idx ON sign_in_failures (username, at);
CREATE INDEX sign_in_failures_address_idx ON sign_in_failures (address, at);
