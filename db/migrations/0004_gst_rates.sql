-- 0004_gst_rates: GST rates change by date (the 22 Sep 2025 revision moved many
-- groceries). products.gst_rate_bp is the rate until the first scheduled change;
-- an invoice issued on Asia/Kolkata date D uses the row with the latest
-- effective_from <= D, else products.gst_rate_bp.
CREATE TABLE product_gst_rates (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    shop_id         bigint NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
    product_id      bigint NOT NULL,
    rate_bp         integer NOT NULL CHECK (rate_bp BETWEEN 0 AND 2800),
    effective_from  date NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (shop_id, product_id) REFERENCES products (shop_id, id),
    UNIQUE (product_id, effective_from)
);
