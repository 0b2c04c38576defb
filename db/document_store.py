"""Where built documents live: S3 (any S3-compatible endpoint) or the local data dir, and the
signed, expiring links that hand them out.

Blocking boto3 and file I/O are plain functions; async callers run them in a
thread. A local link is `/documents/<id>?expires=<unix>&sig=<hmac>` served by
the app (`app.api.document_links`); on S3 the link is a presigned GET URL.
The HMAC covers the document id and the expiry under its own purpose prefix,
so a recording link's signature never opens a document.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from db.recording_store import S3Config, presigned_url, s3_client


@dataclass(frozen=True)
class StoredDocument:
    key: str
    size: int
    sha256: str


def document_key(shop_id: int, document_id: int, filename: str) -> str:
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in filename)
    return f"documents/shop-{shop_id}/doc-{document_id}-{safe}"


def _local_path(root: Path, key: str) -> Path:
    """The key's file under `root`; refuses anything that would leave it."""
    path = (root / key).resolve()
    if not path.is_relative_to(root.resolve()):
        raise ValueError("document key outside the store")
    return path


def put_document(s3: S3Config, root: Path, key: str, content: bytes, content_type: str) -> StoredDocument:
    """Store `content` under `key` (S3 when configured, else the file `root/key`, written whole
    through a temporary name so a reader never sees half a file). Same bytes twice: same result."""
    sha = hashlib.sha256(content).hexdigest()
    if s3.enabled:
        client = s3_client(s3)
        client.put_object(Bucket=s3.bucket, Key=key, Body=content, ContentType=content_type,
                          Metadata={"sha256": sha})
    else:
        path = _local_path(root, key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".part")
        tmp.write_bytes(content)
        tmp.replace(path)
    return StoredDocument(key=key, size=len(content), sha256=sha)


def read_document(s3: S3Config, root: Path, key: str) -> bytes:
    """The stored bytes (the worker reads them back to upload them to WhatsApp)."""
    if s3.enabled:
        obj = s3_client(s3).get_object(Bucket=s3.bucket, Key=key)
        data: bytes = obj["Body"].read()
        return data
    return _local_path(root, key).read_bytes()


def local_file(root: Path, key: str) -> Path | None:
    """The local file for `key`, or None when it is not there."""
    try:
        path = _local_path(root, key)
    except ValueError:
        return None
    return path if path.is_file() else None


def _sig(document_id: int, expires: int, secret: str) -> str:
    return hmac.new(secret.encode(), f"document:{document_id}:{expires}".encode(), hashlib.sha256).hexdigest()


def signed_path(document_id: int, secret: str, expires_in_s: int, now: float | None = None) -> str:
    """`/documents/<id>?expires=<unix>&sig=<hmac>`: valid until `expires`."""
    if not secret:
        raise ValueError("APP_SECRET is needed to sign document links")
    expires = int((now if now is not None else time.time()) + expires_in_s)
    return f"/documents/{document_id}?" + urlencode({"expires": expires, "sig": _sig(document_id, expires, secret)})


def signature_ok(document_id: int, expires: int, sig: str, secret: str, now: float | None = None) -> bool:
    """Constant-time check of a signed link, and that it has not expired."""
    if not secret or not sig:
        return False
    if expires < (now if now is not None else time.time()):
        return False
    return hmac.compare_digest(_sig(document_id, expires, secret), sig)


def link_for(s3: S3Config, document_id: int, key: str, secret: str, expires_in_s: int) -> str:
    """A presigned S3 URL, or the app's signed local path."""
    if s3.enabled:
        return presigned_url(s3_client(s3), s3.bucket, key, expires_in_s)
    return signed_path(document_id, secret, expires_in_s)
