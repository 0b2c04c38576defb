-- 0001_books: the shop's books. Money is integer paise (bigint); quantities are
-- integer milli-units of the product's own unit (1.5 kg of a "kg" product =
-- 1500); GST rates are basis points (500 = 5%). Ledgers and stock moves are
-- append-only; cached totals (customers.balance_paise, products.stock_milli)
-- are updated in the same transaction as the entries they summarise.
-- No extensions: fuzzy matching happens in Python.

CREATE TABLE shops (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name            text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    address         text NOT NULL DEFAULT '',
    state           text NOT NULL DEFAULT '',
    gstin           text CHECK (gstin IS NULL OR gstin ~ '^[0-9]{2}[A-Z0-9]{10}[0-9A-Z]{3}$'),
    settings        jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(settings) = 'object'),
    api_key_hash    text NOT NULL UNIQUE,
    created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE shop_phones (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    shop_id         bigint NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
    phone           text NOT NULL UNIQUE CHECK (phone ~ '^\+[1-9][0-9]{6,14}$'),
    role            text NOT NULL CHECK (role IN ('owner', 'staff')),
    pin_hash        text,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX shop_phones_shop_idx ON shop_phones (shop_id);

CREATE TABLE customers (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    shop_id         bigint NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
    name            text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    phone           text CHECK (phone IS NULL OR phone ~ '^\+[1-9][0-9]{6,14}$'),
    nicknames       text[] NOT NULL DEFAULT '{}',
    landmark        text NOT NULL DEFAULT '',
    name_roman      text NOT NULL DEFAULT '',
    name_devanagari text NOT NULL DEFAULT '',
    whatsapp_opt_in boolean NOT NULL DEFAULT false,
    balance_paise   bigint NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (shop_id, id)
);
CREATE UNIQUE INDEX customers_shop_phone_uq ON customers (shop_id, phone) WHERE phone IS NOT NULL;
CREATE INDEX customers_shop_idx ON customers (shop_id);

CREATE TABLE products (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    shop_id             bigint NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
    name                text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    aliases             text[] NOT NULL DEFAULT '{}',
    unit                text NOT NULL CHECK (unit IN ('kg', 'g', 'l', 'ml', 'piece', 'packet', 'dozen')),
    price_paise         bigint NOT NULL CHECK (price_paise >= 0),
    gst_rate_bp         integer NOT NULL DEFAULT 0 CHECK (gst_rate_bp BETWEEN 0 AND 2800),
    hsn                 text NOT NULL DEFAULT '' CHECK (hsn ~ '^[0-9]{0,8}$'),
    low_stock_milli     bigint NOT NULL DEFAULT 0 CHECK (low_stock_milli >= 0),
    stock_milli         bigint NOT NULL DEFAULT 0,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    UNIQUE (shop_id, id)
);
CREATE UNIQUE INDEX products_shop_name_uq ON products (shop_id, lower(name));

CREATE TABLE invoice_counters (
    shop_id         bigint NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
    fy              text NOT NULL CHECK (fy ~ '^[0-9]{2}-[0-9]{2}$'),
    last_no         integer NOT NULL CHECK (last_no > 0),
    PRIMARY KEY (shop_id, fy)
);

CREATE TABLE invoices (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    shop_id         bigint NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
    fy              text NOT NULL,
    seq             integer NOT NULL CHECK (seq > 0),
    invoice_no      text NOT NULL CHECK (length(invoice_no) <= 16 AND invoice_no ~ '^[A-Za-z0-9/-]+$'),
    customer_id     bigint,
    customer_name   text NOT NULL DEFAULT '',
    status          text NOT NULL DEFAULT 'issued' CHECK (status IN ('issued', 'cancelled')),
    payment_mode    text NOT NULL CHECK (payment_mode IN ('credit', 'cash', 'upi', 'card', 'cheque', 'bank')),
    with_gst        boolean NOT NULL,
    supply_type     text NOT NULL CHECK (supply_type IN ('intrastate', 'interstate')),
    subtotal_paise  bigint NOT NULL CHECK (subtotal_paise >= 0),
    cgst_paise      bigint NOT NULL CHECK (cgst_paise >= 0),
    sgst_paise      bigint NOT NULL CHECK (sgst_paise >= 0),
    igst_paise      bigint NOT NULL CHECK (igst_paise >= 0),
    round_off_paise bigint NOT NULL CHECK (round_off_paise BETWEEN -50 AND 50),
    total_paise     bigint NOT NULL CHECK (total_paise >= 0),
    issued_at       timestamptz NOT NULL DEFAULT now(),
    cancelled_at    timestamptz,
    UNIQUE (shop_id, fy, seq),
    UNIQUE (shop_id, invoice_no),
    FOREIGN KEY (shop_id, customer_id) REFERENCES customers (shop_id, id),
    CHECK (payment_mode <> 'credit' OR customer_id IS NOT NULL),
    CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL)),
    CHECK (total_paise = subtotal_paise + cgst_paise + sgst_paise + igst_paise + round_off_paise)
);
CREATE INDEX invoices_shop_issued_idx ON invoices (shop_id, issued_at);
CREATE INDEX invoices_customer_idx ON invoices (customer_id, id);

CREATE TABLE invoice_lines (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    invoice_id          bigint NOT NULL REFERENCES invoices(id) ON DELETE CASCADE,
    line_no             integer NOT NULL CHECK (line_no > 0),
    product_id          bigint NOT NULL REFERENCES products(id),
    description         text NOT NULL,
    hsn                 text NOT NULL DEFAULT '',
    quantity            numeric(14, 3) NOT NULL CHECK (quantity > 0),
    unit                text NOT NULL,
    qty_milli           bigint NOT NULL CHECK (qty_milli > 0),
    unit_price_paise    bigint NOT NULL CHECK (unit_price_paise >= 0),
    taxable_paise       bigint NOT NULL CHECK (taxable_paise >= 0),
    gst_rate_bp         integer NOT NULL CHECK (gst_rate_bp >= 0),
    cgst_paise          bigint NOT NULL CHECK (cgst_paise >= 0),
    sgst_paise          bigint NOT NULL CHECK (sgst_paise >= 0),
    igst_paise          bigint NOT NULL CHECK (igst_paise >= 0),
    total_paise         bigint NOT NULL CHECK (total_paise = taxable_paise + cgst_paise + sgst_paise + igst_paise),
    UNIQUE (invoice_id, line_no)
);
CREATE INDEX invoice_lines_product_idx ON invoice_lines (product_id);

CREATE TABLE stock_moves (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    shop_id         bigint NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
    product_id      bigint NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('opening', 'purchase', 'sale', 'adjustment', 'reversal')),
    qty_milli       bigint NOT NULL CHECK (qty_milli <> 0),
    invoice_line_id bigint REFERENCES invoice_lines(id),
    reversal_of     bigint UNIQUE REFERENCES stock_moves(id),
    note            text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (shop_id, product_id) REFERENCES products (shop_id, id),
    CHECK ((kind = 'reversal') = (reversal_of IS NOT NULL)),
    CHECK (kind <> 'sale' OR (qty_milli < 0 AND invoice_line_id IS NOT NULL)),
    CHECK (kind <> 'purchase' OR qty_milli > 0)
);
CREATE INDEX stock_moves_product_idx ON stock_moves (product_id);

CREATE TABLE payments (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    shop_id         bigint NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
    customer_id     bigint NOT NULL,
    amount_paise    bigint NOT NULL CHECK (amount_paise > 0),
    mode            text NOT NULL CHECK (mode IN ('cash', 'upi', 'card', 'cheque', 'bank')),
    note            text NOT NULL DEFAULT '',
    received_at     timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (shop_id, customer_id) REFERENCES customers (shop_id, id)
);
CREATE INDEX payments_shop_received_idx ON payments (shop_id, received_at);

CREATE TABLE ledger_entries (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    shop_id         bigint NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
    customer_id     bigint NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('sale_credit', 'payment', 'udhaar', 'opening_balance', 'reversal')),
    -- Positive: the customer owes more; negative: the customer owes less.
    amount_paise    bigint NOT NULL CHECK (amount_paise <> 0),
    note            text NOT NULL DEFAULT '',
    invoice_id      bigint REFERENCES invoices(id),
    payment_id      bigint REFERENCES payments(id),
    reversal_of     bigint UNIQUE REFERENCES ledger_entries(id),
    created_at      timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (shop_id, customer_id) REFERENCES customers (shop_id, id),
    CHECK (kind <> 'sale_credit' OR (amount_paise > 0 AND invoice_id IS NOT NULL)),
    CHECK (kind <> 'payment' OR (amount_paise < 0 AND payment_id IS NOT NULL)),
    CHECK (kind <> 'udhaar' OR amount_paise > 0),
    CHECK ((kind = 'reversal') = (reversal_of IS NOT NULL))
);
CREATE INDEX ledger_entries_customer_idx ON ledger_entries (customer_id, id);

CREATE TABLE reminders (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    shop_id             bigint NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
    customer_id         bigint NOT NULL,
    amount_paise        bigint CHECK (amount_paise IS NULL OR amount_paise > 0),
    due_at              timestamptz NOT NULL,
    status              text NOT NULL DEFAULT 'scheduled' CHECK (status IN (
                            'scheduled', 'sending', 'sent', 'delivered', 'read', 'failed',
                            'cancelled', 'skipped_paid', 'unknown')),
    whatsapp_message_id text UNIQUE,
    attempts            integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error          text,
    sent_at             timestamptz,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (shop_id, customer_id) REFERENCES customers (shop_id, id)
);
CREATE INDEX reminders_shop_due_idx ON reminders (shop_id, due_at);
CREATE INDEX reminders_customer_status_idx ON reminders (customer_id, status);

CREATE TABLE calls (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    shop_id             bigint REFERENCES shops(id) ON DELETE CASCADE,
    call_sid            text NOT NULL UNIQUE,
    from_phone          text NOT NULL DEFAULT '',
    to_phone            text NOT NULL DEFAULT '',
    status              text NOT NULL DEFAULT 'ringing',
    started_at          timestamptz NOT NULL DEFAULT now(),
    ended_at            timestamptz,
    language            text,
    recording_path      text,
    recording_status    text
);
CREATE INDEX calls_shop_started_idx ON calls (shop_id, started_at);

CREATE TABLE call_turns (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    call_id     bigint NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
    turn_no     integer NOT NULL CHECK (turn_no >= 0),
    heard       text NOT NULL DEFAULT '',
    intent      text,
    entities    jsonb NOT NULL DEFAULT '{}'::jsonb,
    action      text,
    result      jsonb,
    reply       text NOT NULL DEFAULT '',
    timings     jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (call_id, turn_no)
);

CREATE TABLE idempotency_keys (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    shop_id     bigint NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
    key         text NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
    action      text NOT NULL,
    result      jsonb,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (shop_id, key)
);
