-- 0002_append_only: issued documents and ledgers are never rewritten.
-- Ledger entries, stock moves, payments and invoice lines reject UPDATE and
-- DELETE; an invoice may only move from issued to cancelled (setting
-- cancelled_at), nothing else about it changes. Corrections are reversal
-- entries. (Dropping a whole shop still works: row triggers are skipped by
-- TRUNCATE and by dropping the database; a shop's rows are never deleted
-- piecemeal.) plpgsql is built in, no extension needed.

CREATE FUNCTION execora_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$;

CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION execora_append_only();
CREATE TRIGGER stock_moves_append_only BEFORE UPDATE OR DELETE ON stock_moves
    FOR EACH ROW EXECUTE FUNCTION execora_append_only();
CREATE TRIGGER payments_append_only BEFORE UPDATE OR DELETE ON payments
    FOR EACH ROW EXECUTE FUNCTION execora_append_only();
CREATE TRIGGER invoice_lines_append_only BEFORE UPDATE OR DELETE ON invoice_lines
    FOR EACH ROW EXECUTE FUNCTION execora_append_only();

CREATE FUNCTION execora_invoice_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'invoices are never deleted; cancel instead' USING ERRCODE = 'restrict_violation';
    END IF;
    IF OLD.status <> 'issued' OR NEW.status <> 'cancelled'
       OR (to_jsonb(NEW) - 'status' - 'cancelled_at') <> (to_jsonb(OLD) - 'status' - 'cancelled_at') THEN
        RAISE EXCEPTION 'an issued invoice may only be cancelled' USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER invoices_guard BEFORE UPDATE OR DELETE ON invoices
    FOR EACH ROW EXECUTE FUNCTION execora_invoice_guard();
