-- 0080_call_carrier: a call row records its carrier.
-- 0030 added calls.channel (default 'twilio') for "which way a call came in": the carrier for a
-- phone call (twilio, exotel, plivo, later sip), 'chat' for a typed session. It stays the one
-- written value; `carrier` is derived from it (NULL for chat), so the two can never disagree.
UPDATE calls SET channel = lower(channel) WHERE channel <> lower(channel);
ALTER TABLE calls ALTER COLUMN channel SET DEFAULT 'twilio';
ALTER TABLE calls ADD CONSTRAINT calls_channel_name CHECK (channel ~ '^[a-z][a-z0-9_]{1,23}$');
COMMENT ON COLUMN calls.channel IS 'the carrier a call came through (twilio, exotel, plivo, sip) or chat';
-- Exotel and Plivo ids share calls.call_sid (unique) with Twilio's CallSids: a start naming another
-- carrier's call is refused by the call core (calls.channel must match the stream's carrier).
ALTER TABLE calls ADD COLUMN IF NOT EXISTS carrier text
    GENERATED ALWAYS AS (CASE WHEN channel = 'chat' THEN NULL ELSE channel END) STORED;
CREATE INDEX IF NOT EXISTS calls_shop_channel_idx ON calls (shop_id, channel, started_at DESC);
