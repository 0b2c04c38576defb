-- A CallSid gets one stream token, ever: a replayed signed voice webhook must not mint a second one.
DELETE FROM call_stream_tokens a
 USING call_stream_tokens b
 WHERE a.call_sid = b.call_sid AND (a.created_at, a.token_hash) < (b.created_at, b.token_hash);
DROP INDEX IF EXISTS call_stream_tokens_call_idx;
CREATE UNIQUE INDEX call_stream_tokens_one_per_call ON call_stream_tokens (call_sid);
-- The sweep closes calls whose stream never came (status 'ringing' long after they started).
CREATE INDEX IF NOT EXISTS calls_ringing_idx ON calls (started_at) WHERE status = 'ringing';
