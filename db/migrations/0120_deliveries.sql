-- 0120_deliveries: what goes out to customers and owners beyond reminders.
--
-- documents: a document the worker builds and delivers (an invoice PDF to the
-- customer, the month's GST CSV or P&L PDF to the owner). The row is the truth,
-- written before the job is enqueued: requested -> ready (stored) -> sent
-- (handed to WhatsApp or the local outbox), or failed / unknown.
CREATE TABLE documents (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    shop_id       bigint NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
    kind          text NOT NULL CHECK (kind IN ('invoice_pdf', 'gst_csv', 'pnl_pdf')),
    invoice_id    bigint REFERENCES invoices(id) ON DELETE CASCADE,
    month         text CHECK (month IS NULL OR month ~ '^[0-9]{4}-[0-9]{2}$'),
    to_phone      text,
    status        text NOT NULL DEFAULT 'requested'
                  CHECK (status IN ('requested', 'ready', 'sent', 'failed', 'unknown')),
    storage_key   text,
    content_type  text,
    filename      text,
    size_bytes    bigint,
    sha256        text,
    media_id      text,
    wamid         text UNIQUE,
    error         text,
    attempts      integer NOT NULL DEFAULT 0,
    created_at    timestamptz NOT NULL DEFAULT now(),
    ready_at      timestamptz,
    sent_at       timestamptz,
    CHECK ((kind = 'invoice_pdf') = (invoice_id IS NOT NULL)),
    CHECK ((kind = 'invoice_pdf') OR month IS NOT NULL)
);
CREATE INDEX documents_shop_idx ON documents (shop_id, id);
CREATE INDEX documents_open_idx ON documents (created_at) WHERE status IN ('requested', 'ready');

-- entry_notes: the WhatsApp note a customer gets for a khata entry, written in the
-- transaction that posts the entry (one per entry), delivered by a job.
CREATE TABLE entry_notes (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    shop_id         bigint NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
    customer_id     bigint NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    ledger_entry_id bigint NOT NULL UNIQUE REFERENCES ledger_entries(id) ON DELETE CASCADE,
    kind            text NOT NULL,
    to_phone        text NOT NULL,
    parameters      jsonb NOT NULL DEFAULT '[]'::jsonb,
    status          text NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'unknown', 'skipped')),
    wamid           text UNIQUE,
    error           text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    sending_at      timestamptz,
    sent_at         timestamptz
);
CREATE INDEX entry_notes_pending_idx ON entry_notes (created_at) WHERE status = 'pending';
CREATE INDEX entry_notes_shop_sending_idx ON entry_notes (shop_id, sending_at);

ALTER TABLE whatsapp_outbox
    ADD COLUMN document_id   bigint UNIQUE REFERENCES documents(id) ON DELETE SET NULL,
    ADD COLUMN entry_note_id bigint UNIQUE REFERENCES entry_notes(id) ON DELETE SET NULL;
