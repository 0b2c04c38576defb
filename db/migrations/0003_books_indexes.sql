-- 0003_books_indexes: indexes for the lookups the books make as they grow.
CREATE INDEX stock_moves_invoice_line_idx ON stock_moves (invoice_line_id) WHERE invoice_line_id IS NOT NULL;
CREATE INDEX ledger_entries_invoice_idx ON ledger_entries (invoice_id) WHERE invoice_id IS NOT NULL;
CREATE INDEX ledger_entries_shop_created_idx ON ledger_entries (shop_id, created_at);
CREATE INDEX payments_customer_idx ON payments (customer_id);
CREATE INDEX customers_shop_balance_idx ON customers (shop_id, balance_paise) WHERE balance_paise > 0;
