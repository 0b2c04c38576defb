-- DTMF logins use a random, non-sequential 9-digit shop code (never the shop id), and every
-- attempt records the calling number so failures are also counted per number.
ALTER TABLE shops ADD COLUMN login_code text NOT NULL
    DEFAULT (100000000 + floor(random() * 900000000))::bigint::text;
CREATE UNIQUE INDEX shops_login_code_idx ON shops (login_code);
ALTER TABLE call_login_attempts ADD COLUMN from_phone text NOT NULL DEFAULT '';
CREATE INDEX call_login_attempts_from_idx ON call_login_attempts (from_phone, created_at);
