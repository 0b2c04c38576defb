"""Where call recordings live: S3 (any S3-compatible endpoint) or the local data dir.

Blocking boto3 and file hashing live here as plain functions; async callers
run them in a thread (`asyncio.to_thread`). Also the time-limited links
operators use: an S3 presigned URL, or an HMAC-signed local URL served by
`GET /recordings/{call_id}?expires=&sig=`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

CHUNK = 1024 * 1024


@dataclass(frozen=True)
class S3Config:
    endpoint_url: str = ""
    bucket: str = ""
    access_key_id: str = ""
    secret_access_key: str = ""
    region: str = "ap-south-1"

    @property
    def enabled(self) -> bool:
        """No bucket: the local file store is the store."""
        return bool(self.bucket)


def s3_client(cfg: S3Config) -> Any:
    """A boto3 S3 client for `cfg` (credentials from cfg, else boto3's usual chain)."""
    import boto3
    from botocore.config import Config

    kwargs: dict[str, Any] = {
        "region_name": cfg.region or None,
        "config": Config(retries={"max_attempts": 3, "mode": "standard"}, signature_version="s3v4"),
    }
    if cfg.endpoint_url:
        kwargs["endpoint_url"] = cfg.endpoint_url
    if cfg.access_key_id:
        kwargs["aws_access_key_id"] = cfg.access_key_id
        kwargs["aws_secret_access_key"] = cfg.secret_access_key
    return boto3.client("s3", **kwargs)


@dataclass(frozen=True)
class FileDigest:
    size: int
    sha256: str
    md5_b64: str


def digest_file(path: Path) -> FileDigest:
    """Size, sha256 (hex) and md5 (base64, for Content-MD5) in one pass."""
    sha, md5, size = hashlib.sha256(), hashlib.md5(usedforsecurity=False), 0
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            sha.update(chunk)
            md5.update(chunk)
            size += len(chunk)
    return FileDigest(size=size, sha256=sha.hexdigest(), md5_b64=base64.b64encode(md5.digest()).decode())


def object_key(shop_id: int | None, call_id: int) -> str:
    return f"recordings/shop-{shop_id if shop_id is not None else 'none'}/call-{call_id}.wav"


def remote_matches(client: Any, bucket: str, key: str, digest_size: int, sha256: str) -> bool:
    """True when the object exists with our size and sha256 metadata."""
    from botocore.exceptions import ClientError

    try:
        head = client.head_object(Bucket=bucket, Key=key)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return False
        raise
    meta = {k.lower(): v for k, v in (head.get("Metadata") or {}).items()}
    return int(head.get("ContentLength", -1)) == digest_size and meta.get("sha256") == sha256


def put_verified(client: Any, bucket: str, key: str, path: Path, digest: FileDigest) -> None:
    """Upload with Content-MD5 (the server rejects a corrupted body), then check
    size and sha256 with head_object. Raises on any mismatch."""
    with path.open("rb") as fh:
        client.put_object(
            Bucket=bucket,
            Key=key,
            Body=fh,
            ContentLength=digest.size,
            ContentMD5=digest.md5_b64,
            ContentType="audio/wav",
            Metadata={"sha256": digest.sha256},
        )
    if not remote_matches(client, bucket, key, digest.size, digest.sha256):
        raise RuntimeError(f"uploaded object {key} does not match the local file")


def presigned_url(client: Any, bucket: str, key: str, expires_in_s: int) -> str:
    url: str = client.generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=expires_in_s
    )
    return url


def _local_sig(call_id: int, expires: int, secret: str) -> str:
    msg = f"recording:{call_id}:{expires}".encode()
    return hmac.new(secret.encode(), msg, hashlib.sha256).hexdigest()


def signed_local_path(call_id: int, secret: str, expires_in_s: int, now: float | None = None) -> str:
    """`/recordings/<id>?expires=<unix>&sig=<hmac>`: valid until `expires`."""
    if not secret:
        raise ValueError("APP_SECRET is needed to sign recording links")
    expires = int((now if now is not None else time.time()) + expires_in_s)
    query = urlencode({"expires": expires, "sig": _local_sig(call_id, expires, secret)})
    return f"/recordings/{call_id}?{query}"


def local_signature_ok(call_id: int, expires: int, sig: str, secret: str, now: float | None = None) -> bool:
    """Constant-time check of a signed local link, and that it has not expired."""
    if not secret or not sig:
        return False
    if expires < (now if now is not None else time.time()):
        return False
    return hmac.compare_digest(_local_sig(call_id, expires, secret), sig)
