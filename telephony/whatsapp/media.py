"""WhatsApp Cloud API documents: upload the file as media, then send a `document` message.

`POST /{phone-number-id}/media` (multipart: messaging_product=whatsapp, type,
file) answers `{"id": "<media id>"}`; the message is then
`{"type": "document", "document": {"id": <media id>, "filename", "caption"}}`
on the usual `/messages` endpoint. An upload sends nothing to anybody, so any
failed upload is safe to repeat; the message send is classified exactly like a
template send (`sender.classify_response`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import httpx

from telephony.whatsapp.sender import (
    SendOutcome,
    SendResult,
    WhatsAppConfig,
    classify_response,
    mask_phone,
    shared_ssl_context,
)

log = logging.getLogger(__name__)


def media_url(config: WhatsAppConfig) -> str:
    return config.messages_url.rsplit("/", 1)[0] + "/media"


@dataclass(frozen=True)
class DocumentMessage:
    to: str  # digits only, country code first
    media_id: str
    filename: str
    caption: str = ""
    callback_data: str = ""

    def payload(self) -> dict[str, Any]:
        document: dict[str, Any] = {"id": self.media_id, "filename": self.filename}
        if self.caption:
            document["caption"] = self.caption
        body: dict[str, Any] = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": self.to,
            "type": "document",
            "document": document,
        }
        if self.callback_data:
            body["biz_opaque_callback_data"] = self.callback_data
        return body


@dataclass(frozen=True)
class UploadResult:
    media_id: str | None
    retryable: bool = False
    error: str = ""


class WhatsAppMedia:
    """Uploads media and sends document messages; owns (or borrows) one httpx.AsyncClient."""

    def __init__(self, config: WhatsAppConfig, client: httpx.AsyncClient | None = None) -> None:
        self._config = config
        self._own_client = client is None
        self._client = client or httpx.AsyncClient(
            timeout=httpx.Timeout(max(config.timeout_s, 30.0)), verify=shared_ssl_context()
        )

    async def __aenter__(self) -> WhatsAppMedia:
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._own_client:
            await self._client.aclose()

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._config.access_token}"}

    async def upload(self, content: bytes, filename: str, mime_type: str) -> UploadResult:
        """Upload one file; never raises for network or API errors."""
        try:
            response = await self._client.post(
                media_url(self._config),
                data={"messaging_product": "whatsapp", "type": mime_type},
                files={"file": (filename, content, mime_type)},
                headers=self._headers(),
            )
        except httpx.TransportError as exc:
            return UploadResult(None, retryable=True, error=type(exc).__name__)
        try:
            data = response.json()
        except ValueError:
            data = None
        media_id = data.get("id") if isinstance(data, dict) else None
        if response.status_code < 300 and isinstance(media_id, str) and media_id:
            return UploadResult(media_id)
        retryable = response.status_code == 429 or response.status_code >= 500
        return UploadResult(None, retryable=retryable, error=f"upload HTTP {response.status_code}")

    async def send_document(self, message: DocumentMessage) -> SendResult:
        """POST one document message; never raises for network or API errors."""
        try:
            response = await self._client.post(
                self._config.messages_url, json=message.payload(), headers=self._headers()
            )
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            return SendResult(SendOutcome.RETRYABLE, error_code="connect", error_title=type(exc).__name__)
        except httpx.TransportError as exc:
            return SendResult(SendOutcome.UNKNOWN, error_code="transport", error_title=type(exc).__name__)
        result = classify_response(response)
        log.info("whatsapp document to %s: %s (HTTP %s)", mask_phone(message.to), result.outcome.value,
                 response.status_code)
        return result
