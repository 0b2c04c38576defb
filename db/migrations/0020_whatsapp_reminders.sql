-- 0020_whatsapp_reminders: what the reminder worker and the WhatsApp webhook need
-- beyond the books' `reminders` table.
--
-- reminders: when the send started (to find ones stuck in `sending` after a
-- worker died), the amount actually put in the message, the vendor error, and
-- when delivery/read were reported.
ALTER TABLE reminders
    ADD COLUMN sending_at       timestamptz,
    ADD COLUMN message_amount_paise bigint CHECK (message_amount_paise IS NULL OR message_amount_paise > 0),
    ADD COLUMN error_code       text,
    ADD COLUMN error_title      text,
    ADD COLUMN delivered_at     timestamptz,
    ADD COLUMN read_at          timestamptz;

CREATE INDEX reminders_scheduled_due_idx ON reminders (due_at) WHERE status = 'scheduled';
CREATE INDEX reminders_sending_idx ON reminders (sending_at) WHERE status = 'sending';

-- Every WhatsApp status callback, stored once per (wamid, status) whether or not
-- the wamid is known yet; a reminder learns its wamid later and replays these.
CREATE TABLE whatsapp_status_events (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    wamid           text NOT NULL CHECK (length(wamid) BETWEEN 1 AND 200),
    status          text NOT NULL CHECK (length(status) BETWEEN 1 AND 40),
    reminder_id     bigint REFERENCES reminders(id) ON DELETE SET NULL,
    callback_data   text,
    occurred_at     timestamptz,
    error_code      text,
    error_title     text,
    error_message   text,
    received_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (wamid, status)
);
CREATE INDEX whatsapp_status_events_reminder_idx ON whatsapp_status_events (reminder_id);

-- The local outbox: with no WhatsApp settings, messages are stored here instead of
-- leaving the machine. One message per reminder at most.
CREATE TABLE whatsapp_outbox (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    shop_id         bigint NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
    reminder_id     bigint UNIQUE REFERENCES reminders(id) ON DELETE SET NULL,
    wamid           text NOT NULL UNIQUE,
    to_phone        text NOT NULL,
    template_name   text NOT NULL,
    language        text NOT NULL,
    parameters      jsonb NOT NULL DEFAULT '[]'::jsonb,
    payload         jsonb NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX whatsapp_outbox_shop_idx ON whatsapp_outbox (shop_id, id);
