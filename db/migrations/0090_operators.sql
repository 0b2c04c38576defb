-- 0090_operators: the people who sign in to the dashboard, what they did, and what they corrected.
-- An operator is a platform admin (every shop, read only: shop_id NULL) or a shop's owner
-- (read and correct) or staff (read). Passwords are argon2id hashes; the TOTP secret is optional.
-- `session_epoch` moves when the password changes or the account is disabled, ending its sessions.

CREATE TABLE operators (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email          text NOT NULL CHECK (length(email) BETWEEN 3 AND 254 AND email = lower(email)),
    password_hash  text NOT NULL,
    role           text NOT NULL CHECK (role IN ('admin', 'owner', 'staff')),
    shop_id        bigint REFERENCES shops(id) ON DELETE CASCADE,
    totp_secret    text,
    disabled       boolean NOT NULL DEFAULT false,
    session_epoch  integer NOT NULL DEFAULT 0,
    created_at     timestamptz NOT NULL DEFAULT now(),
    CHECK ((role = 'admin') = (shop_id IS NULL))
);
CREATE UNIQUE INDEX operators_email_idx ON operators (email);
CREATE INDEX operators_shop_idx ON operators (shop_id);

-- Append-only: every sign-in (accepted or refused) and every correction. `actor` is the email as
-- typed (a refused sign-in may name no operator); `shop_id` is the shop the action touched.
CREATE TABLE audit_log (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    operator_id  bigint REFERENCES operators(id) ON DELETE SET NULL,
    actor        text NOT NULL DEFAULT '',
    action       text NOT NULL,
    shop_id      bigint REFERENCES shops(id) ON DELETE CASCADE,
    details      jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_created_idx ON audit_log (created_at DESC, id DESC);
CREATE INDEX audit_log_shop_idx ON audit_log (shop_id, created_at DESC);

-- What an operator corrected from a call's turn: `target` names the booking reversed
-- ('invoice:123'); once per target, so a double-clicked form reverses nothing twice.
CREATE TABLE turn_corrections (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    shop_id         bigint NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
    call_id         bigint NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
    turn_no         integer NOT NULL,
    target          text NOT NULL CHECK (length(target) BETWEEN 1 AND 100),
    kind            text NOT NULL,
    operator_id     bigint REFERENCES operators(id) ON DELETE SET NULL,
    operator_email  text NOT NULL,
    reason          text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
    details         jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (shop_id, target)
);
CREATE INDEX turn_corrections_call_idx ON turn_corrections (call_id, turn_no);
