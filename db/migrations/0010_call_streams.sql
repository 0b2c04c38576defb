-- 0010_call_streams: what the live call path adds to 0001's calls/call_turns.
-- Stream tokens live here (not in a process's memory) so any app process can
-- take the WebSocket that another process's webhook answered.

CREATE TABLE call_stream_tokens (
    token_hash  text PRIMARY KEY CHECK (length(token_hash) = 64),
    call_sid    text NOT NULL REFERENCES calls(call_sid) ON DELETE CASCADE,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX call_stream_tokens_call_idx ON call_stream_tokens (call_sid);
CREATE INDEX call_stream_tokens_expires_idx ON call_stream_tokens (expires_at);

ALTER TABLE calls
    ADD COLUMN IF NOT EXISTS stream_sid           text,
    ADD COLUMN IF NOT EXISTS caller_role          text,
    ADD COLUMN IF NOT EXISTS ended_reason         text,
    ADD COLUMN IF NOT EXISTS recording_duration_s double precision,
    ADD COLUMN IF NOT EXISTS recording_size_bytes bigint;

ALTER TABLE call_turns
    ADD COLUMN IF NOT EXISTS source     text NOT NULL DEFAULT 'speech',
    ADD COLUMN IF NOT EXISTS confidence double precision;
