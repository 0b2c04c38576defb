-- 0030_call_channel: which way a call came in (twilio, chat, and later exotel,
-- plivo, sip), so the dashboard and the API can tell a typed session from a call.
ALTER TABLE calls ADD COLUMN IF NOT EXISTS channel text NOT NULL DEFAULT 'twilio';
