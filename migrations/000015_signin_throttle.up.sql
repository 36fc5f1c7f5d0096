-- Sign-in throttling out of the audit trail (issue 13). One row per key, not
-- one per attempt: 'acct:USERNAME|ADDRESS' holds the growing backoff of an
-- account from one address, 'addr:ADDRESS' the coarse limit of an address.
-- Refused attempts only bump a counter; rows are pruned once quiet.
DROP TABLE sign_in_failures;

CREATE TABLE sign_in_throttle (
    key             text PRIMARY KEY,
    username        text NOT NULL DEFAULT '', -- '' for an address row
    failures        int NOT NULL DEFAULT 0,    -- attempts since the last lock, success or quiet window
    lock_level      int NOT NULL DEFAULT 0,    -- locks so far: the next one lasts base × 2^lock_level
    locked_until    timestamptz,
    refused         bigint NOT NULL DEFAULT 0, -- attempts refused while locked (not failures)
    last_failure_at timestamptz,
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sign_in_throttle_username_idx ON sign_in_throttle (username) WHERE username <> '';
CREATE INDEX sign_in_throttle_updated_idx ON sign_in_throttle (updated_at);

-- sign_in_reserve reserves one attempt before the password is hashed, counting
-- it as a failure until the application reports success (Store.ReleaseSignIn). Locked keys refuse
-- without counting or extending the lock. Rows are locked address first, then
-- account, in every caller, so concurrent reservations cannot deadlock.
CREATE FUNCTION sign_in_reserve(p_account text, p_username text, p_address text, p_max_account int, p_base interval,
        p_cap interval, p_max_address int, p_address_lock interval, p_window interval, p_forget interval)
    RETURNS TABLE (allowed boolean, retry_after_seconds int, account_locked boolean, address_locked boolean)
    LANGUAGE plpgsql AS $$
DECLARE
    a sign_in_throttle;
    d sign_in_throttle;
    t timestamptz := clock_timestamp();
BEGIN
    INSERT INTO sign_in_throttle (key) VALUES (p_address) ON CONFLICT (key) DO NOTHING;
    SELECT * INTO d FROM sign_in_throttle WHERE key = p_address FOR UPDATE;
    -- a locked address is refused before any account row is written, so
    -- spraying usernames from it adds no rows
    IF d.locked_until > t THEN
        UPDATE sign_in_throttle SET refused = refused + 1 WHERE key = p_address;
        RETURN QUERY SELECT false, ceil(extract(epoch FROM d.locked_until - t))::int, false, false;
        RETURN;
    END IF;
    INSERT INTO sign_in_throttle (key, username) VALUES (p_account, p_username) ON CONFLICT (key) DO NOTHING;
    SELECT * INTO a FROM sign_in_throttle WHERE key = p_account FOR UPDATE;
    IF a.locked_until > t THEN
        UPDATE sign_in_throttle SET refused = refused + 1 WHERE key = p_account;
        RETURN QUERY SELECT false, ceil(extract(epoch FROM a.locked_until - t))::int, false, false;
        RETURN;
    END IF;
    -- a quiet window forgets failures; a long quiet spell forgets past locks
    IF a.last_failure_at IS NULL OR a.last_failure_at < t - p_window THEN a.failures := 0; END IF;
    IF a.last_failure_at IS NULL OR a.last_failure_at < t - p_forget THEN a.lock_level := 0; END IF;
    IF d.last_failure_at IS NULL OR d.last_failure_at < t - p_window THEN d.failures := 0; END IF;
    a.failures := a.failures + 1;
    d.failures := d.failures + 1;
    account_locked := a.failures >= p_max_account;
    address_locked := d.failures >= p_max_address;
    IF account_locked THEN
        a.locked_until := t + least(p_base * power(2, least(a.lock_level, 30)), p_cap);
        a.lock_level := a.lock_level + 1;
        a.failures := 0;
    END IF;
    IF address_locked THEN
        d.locked_until := t + p_address_lock;
        d.failures := 0;
    END IF;
    UPDATE sign_in_throttle SET failures = a.failures, lock_level = a.lock_level, locked_until = a.locked_until,
        last_failure_at = t, updated_at = t WHERE key = p_account;
    UPDATE sign_in_throttle SET failures = d.failures, locked_until = d.locked_until, last_failure_at = t, updated_at = t
        WHERE key = p_address;
    allowed := true;
    -- when this attempt starts a lock: how long it lasts (for the audit trail)
    retry_after_seconds := CASE WHEN account_locked THEN ceil(extract(epoch FROM a.locked_until - t))::int ELSE 0 END;
    RETURN NEXT;
END;
$$;

-- Single sign-on identities: an account is bound to the provider's issuer and
-- subject at its first SSO sign-in and matched by them afterwards, so an
-- e-mail registered elsewhere cannot capture the person's sign-in.
ALTER TABLE users ADD COLUMN sso_issuer text, ADD COLUMN sso_subject text,
    ADD CONSTRAINT users_sso_identity_check CHECK ((sso_issuer IS NULL) = (sso_subject IS NULL));
CREATE UNIQUE INDEX users_sso_identity_idx ON users (sso_issuer, sso_subject) WHERE sso_subject IS NOT NULL;
