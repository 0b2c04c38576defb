-- 0011_call_login_attempts: DTMF shop-code + PIN logins from unregistered phones.
-- Every attempt is written before its PIN is checked (ok = false until it
-- verifies), so guessing is throttled per CallSid and per shop code across
-- every app process. No foreign keys: a failed attempt has no call row, and
-- the shop code is whatever the caller keyed in (it may name no shop).

CREATE TABLE call_login_attempts (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    call_sid    text NOT NULL CHECK (length(call_sid) BETWEEN 1 AND 64),
    shop_code   text NOT NULL CHECK (length(shop_code) <= 16),
    ok          boolean NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX call_login_attempts_call_idx ON call_login_attempts (call_sid);
CREATE INDEX call_login_attempts_code_idx ON call_login_attempts (shop_code, created_at) WHERE NOT ok;
CREATE INDEX call_login_attempts_created_idx ON call_login_attempts (created_at);
