-- 0040_books_additions: what the books lacked for the whole shop by phone.
-- * customer_changes: every change to a customer, append-only (field, old -> new, via).
-- * price tiers: retail is products.price_paise; wholesale/dealer prices live in
--   product_prices; each customer has a default tier.
-- * discounts: an invoice's discount before tax, per line (pro rata when on the whole
--   bill); taxable_paise is already net of it, so the existing total checks still hold.
-- * customers.email: where documents go (dictated on a call or given to the API).
-- * stock moves outside sales carry a reason (damaged, returned, own_use, other, count).

CREATE TABLE customer_changes (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    shop_id         bigint NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
    customer_id     bigint NOT NULL,
    field           text NOT NULL CHECK (field ~ '^[a-z_]{1,40}$'),
    old_value       jsonb,
    new_value       jsonb,
    via             text NOT NULL DEFAULT 'api' CHECK (via ~ '^[a-z_]{1,20}$'),
    changed_at      timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (shop_id, customer_id) REFERENCES customers (shop_id, id)
);
CREATE INDEX customer_changes_customer_idx ON customer_changes (customer_id, id);
CREATE TRIGGER customer_changes_append_only BEFORE UPDATE OR DELETE ON customer_changes
    FOR EACH ROW EXECUTE FUNCTION execora_append_only();

ALTER TABLE customers ADD COLUMN price_tier text NOT NULL DEFAULT 'retail'
    CHECK (price_tier IN ('retail', 'wholesale', 'dealer'));

ALTER TABLE customers ADD COLUMN email text
    CHECK (email IS NULL OR (length(email) <= 254 AND email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'));

CREATE TABLE product_prices (
    shop_id         bigint NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
    product_id      bigint NOT NULL,
    tier            text NOT NULL CHECK (tier IN ('wholesale', 'dealer')),
    price_paise     bigint NOT NULL CHECK (price_paise >= 0),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (product_id, tier),
    FOREIGN KEY (shop_id, product_id) REFERENCES products (shop_id, id)
);

ALTER TABLE invoices ADD COLUMN discount_paise bigint NOT NULL DEFAULT 0 CHECK (discount_paise >= 0);
ALTER TABLE invoices ADD COLUMN price_tier text NOT NULL DEFAULT 'retail'
    CHECK (price_tier IN ('retail', 'wholesale', 'dealer'));
ALTER TABLE invoice_lines ADD COLUMN discount_paise bigint NOT NULL DEFAULT 0 CHECK (discount_paise >= 0);

ALTER TABLE stock_moves ADD COLUMN reason text
    CHECK (reason IS NULL OR reason IN ('damaged', 'returned', 'own_use', 'other', 'count'));
