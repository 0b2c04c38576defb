-- 0021_recording_uploads: where a call's recording ended up and how we checked it.
-- recording_status (books' column) moves to 'uploaded' once the object is verified
-- on S3 (size + sha256) and the local WAV is gone; with no S3 it stays local.
ALTER TABLE calls
    ADD COLUMN IF NOT EXISTS recording_size_bytes      bigint CHECK (recording_size_bytes IS NULL OR recording_size_bytes >= 0),
    ADD COLUMN IF NOT EXISTS recording_sha256          text CHECK (recording_sha256 IS NULL OR recording_sha256 ~ '^[0-9a-f]{64}$'),
    ADD COLUMN IF NOT EXISTS recording_bucket          text,
    ADD COLUMN IF NOT EXISTS recording_object_key      text,
    ADD COLUMN IF NOT EXISTS recording_uploaded_at     timestamptz,
    ADD COLUMN IF NOT EXISTS recording_upload_attempts integer NOT NULL DEFAULT 0,
    ADD COLUMN IF NOT EXISTS recording_error           text;
