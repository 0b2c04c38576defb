-- 0130_whatsapp_inbound: what comes in on the shop's WhatsApp number.
--
-- entry_disputes: a customer answered an entry note with "galat" / "wrong" (or the
-- note's quick-reply button). One dispute per ledger entry, stored once per inbound
-- message id (Meta redelivers webhooks); told_at is set when the owner has been told
-- at the start of a call or chat.
CREATE TABLE entry_disputes (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    shop_id         bigint NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
    customer_id     bigint NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    ledger_entry_id bigint NOT NULL UNIQUE REFERENCES ledger_entries(id) ON DELETE CASCADE,
    entry_note_id   bigint REFERENCES entry_notes(id) ON DELETE SET NULL,
    message_id      text NOT NULL UNIQUE,
    body            text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL DEFAULT now(),
    told_at         timestamptz
);
CREATE INDEX entry_disputes_untold_idx ON entry_disputes (shop_id, created_at) WHERE told_at IS NULL;
CREATE INDEX entry_disputes_customer_idx ON entry_disputes (shop_id, customer_id, created_at);

-- whatsapp_inbound: owner/staff messages taken for the conversation, once per message
-- id; the row is claimed before the conversation runs so a redelivery runs nothing.
CREATE TABLE whatsapp_inbound (
    message_id  text PRIMARY KEY,
    shop_id     bigint NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
    from_phone  text NOT NULL,
    kind        text NOT NULL,
    status      text NOT NULL DEFAULT 'received' CHECK (status IN ('received', 'done', 'failed')),
    reply_wamid text,
    error       text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    done_at     timestamptz
);
CREATE INDEX whatsapp_inbound_shop_idx ON whatsapp_inbound (shop_id, created_at);

-- Status callbacks tagged document:<id> / entry_note:<id> move those rows forward too.
ALTER TABLE documents DROP CONSTRAINT IF EXISTS documents_status_check;
ALTER TABLE documents ADD CONSTRAINT documents_status_check
    CHECK (status IN ('requested', 'ready', 'sent', 'delivered', 'read', 'failed', 'unknown'));
ALTER TABLE documents ADD COLUMN delivered_at timestamptz, ADD COLUMN read_at timestamptz;
ALTER TABLE entry_notes DROP CONSTRAINT IF EXISTS entry_notes_status_check;
ALTER TABLE entry_notes ADD CONSTRAINT entry_notes_status_check
    CHECK (status IN ('pending', 'sending', 'sent', 'delivered', 'read', 'failed', 'unknown', 'skipped'));
ALTER TABLE entry_notes ADD COLUMN delivered_at timestamptz, ADD COLUMN read_at timestamptz;
