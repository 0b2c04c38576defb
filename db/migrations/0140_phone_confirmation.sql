-- 0140_phone_confirmation: a customer's WhatsApp number is confirmed before reminders
-- and khata entry notes go to it (issue 10: one shop's key could otherwise push
-- messages to any number it invents).
--
-- customers.phone_confirmed: true once the customer answered the confirmation
-- message ("Reply YES ...", via 'customer') or the shop owner confirmed the number
-- (via 'owner', by phone, chat or the API). Changing the phone resets it.
-- Existing rows: a customer already opted in to WhatsApp with a phone was entered by
-- the shop on purpose before this rule existed, so they count as confirmed
-- (via 'existing'); everyone else starts unconfirmed.
ALTER TABLE customers
    ADD COLUMN phone_confirmed     boolean NOT NULL DEFAULT false,
    ADD COLUMN phone_confirmed_via text CHECK (phone_confirmed_via IN ('customer', 'owner', 'existing')),
    ADD COLUMN phone_confirmed_at  timestamptz;

UPDATE customers
   SET phone_confirmed = true, phone_confirmed_via = 'existing', phone_confirmed_at = now()
 WHERE whatsapp_opt_in AND phone IS NOT NULL;

-- phone_confirmations: each confirmation message sent to a customer's number, and
-- its answer. requested -> sending -> sent (or failed / unknown / not_sent) ->
-- confirmed when the customer replies YES.
CREATE TABLE phone_confirmations (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    shop_id      bigint NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
    customer_id  bigint NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    phone        text NOT NULL CHECK (phone ~ '^\+[1-9][0-9]{6,14}$'),
    status       text NOT NULL DEFAULT 'sending'
                 CHECK (status IN ('sending', 'sent', 'failed', 'unknown', 'not_sent', 'confirmed')),
    wamid        text UNIQUE,
    error        text,
    requested_at timestamptz NOT NULL DEFAULT now(),
    answered_at  timestamptz,
    reply_wamid  text UNIQUE
);
CREATE INDEX phone_confirmations_customer_idx ON phone_confirmations (customer_id, requested_at DESC);
CREATE INDEX phone_confirmations_phone_idx ON phone_confirmations (phone, requested_at DESC);
CREATE INDEX phone_confirmations_shop_sent_idx ON phone_confirmations (shop_id, requested_at);

ALTER TABLE whatsapp_outbox
    ADD COLUMN phone_confirmation_id bigint UNIQUE REFERENCES phone_confirmations(id) ON DELETE SET NULL;
