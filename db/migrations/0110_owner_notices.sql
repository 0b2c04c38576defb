-- Messages the platform sends a shop's owner about the shop itself (a PIN lock-out
-- began). The row is the truth, written in the transaction that caused it; the
-- RQ job only delivers it (WhatsApp, or the local outbox without WhatsApp settings).
CREATE TABLE owner_notices (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    shop_id     bigint NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
    kind        text NOT NULL CHECK (kind IN ('pin_lockout')),
    -- One notice per shop, kind and bucket (the hour): an attacker cycling calling
    -- numbers cannot turn lock-outs into a stream of messages to the owner.
    bucket      text NOT NULL,
    to_phone    text NOT NULL,
    parameters  jsonb NOT NULL DEFAULT '[]'::jsonb,
    status      text NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'sent', 'failed', 'unknown')),
    wamid       text UNIQUE,
    error       text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    sent_at     timestamptz,
    UNIQUE (shop_id, kind, bucket)
);
CREATE INDEX owner_notices_pending_idx ON owner_notices (created_at) WHERE status = 'pending';

ALTER TABLE whatsapp_outbox ADD COLUMN owner_notice_id bigint UNIQUE REFERENCES owner_notices(id) ON DELETE SET NULL;
