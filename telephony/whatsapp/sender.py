"""WhatsApp Cloud API sender: one template message per call, classified for retry.

The Cloud API has no idempotency key, so the caller must know whether a
failed request could still have produced a message. `send_template` never
raises for vendor trouble; it answers a `SendResult` whose `outcome` says:

- ACCEPTED: the API returned a message id (wamid), whatever the HTTP status;
- RETRYABLE: nothing can have been sent (connection refused / connect
  timeout, 429, 5xx without a message id, or a throttling / temporary
  error code such as 130429 or 131056): safe to try again later;
- REJECTED: the API refused the message (4xx): do not retry;
- UNKNOWN: the request may have reached the API (read timeout, connection
  dropped mid-answer, 2xx without an id): never resend, reconcile from the
  status webhook.
"""

from __future__ import annotations

import enum
import functools
import logging
import ssl
from dataclasses import dataclass
from typing import Any, Protocol

import httpx

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WhatsAppConfig:
    """Where and how to reach the Cloud API (built from Settings by the entry point)."""

    api_base_url: str = "https://graph.facebook.com"
    api_version: str = "v21.0"
    access_token: str = ""
    phone_number_id: str = ""
    timeout_s: float = 10.0

    @property
    def enabled(self) -> bool:
        """True when messages should really leave the machine."""
        return bool(self.access_token and self.phone_number_id)

    @property
    def messages_url(self) -> str:
        version = self.api_version if self.api_version.startswith("v") else f"v{self.api_version}"
        return f"{self.api_base_url.rstrip('/')}/{version}/{self.phone_number_id}/messages"


@dataclass(frozen=True)
class TemplateMessage:
    """An approved template with positional body parameters."""

    to: str  # digits only, country code first (919876543210)
    template_name: str
    language: str
    parameters: tuple[str, ...]
    callback_data: str = ""
    # Payloads of the template's quick-reply buttons, in order (they come back as `button.payload`).
    button_payloads: tuple[str, ...] = ()

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": self.to,
            "type": "template",
            "template": {
                "name": self.template_name,
                "language": {"code": self.language},
                "components": [
                    {
                        "type": "body",
                        "parameters": [{"type": "text", "text": p} for p in self.parameters],
                    }
                ],
            },
        }
        for index, button in enumerate(self.button_payloads):
            body["template"]["components"].append({
                "type": "button", "sub_type": "quick_reply", "index": str(index),
                "parameters": [{"type": "payload", "payload": button}],
            })
        if self.callback_data:
            body["biz_opaque_callback_data"] = self.callback_data
        return body


class OutgoingMessage(Protocol):
    """Any message body the API takes (a template, a free-form text): `to` and its JSON."""

    @property
    def to(self) -> str: ...

    def payload(self) -> dict[str, Any]: ...


class SendOutcome(enum.StrEnum):
    ACCEPTED = "accepted"
    RETRYABLE = "retryable"
    REJECTED = "rejected"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class SendResult:
    outcome: SendOutcome
    wamid: str | None = None
    http_status: int | None = None
    error_code: str | None = None
    error_title: str | None = None


def mask_phone(phone: str) -> str:
    """Last four digits only, for logs."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    return f"***{digits[-4:]}" if digits else "***"


def _json_or_none(response: httpx.Response) -> dict[str, Any] | None:
    try:
        data = response.json()
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _wamid_of(data: dict[str, Any] | None) -> str | None:
    if not data:
        return None
    messages = data.get("messages")
    if isinstance(messages, list) and messages and isinstance(messages[0], dict):
        wamid = messages[0].get("id")
        if isinstance(wamid, str) and wamid:
            return wamid
    return None


def _error_of(data: dict[str, Any] | None, status: int) -> tuple[str, str]:
    error = data.get("error") if data else None
    if isinstance(error, dict):
        code = str(error.get("code", status))
        title = str(error.get("error_user_title") or error.get("message") or error.get("type") or "error")
        return code, title[:300]
    return str(status), f"HTTP {status}"


# Cloud API error codes that refuse a message for now, not for good (throttling,
# temporary outages): nothing was sent, so trying later is safe. Meta often
# answers these with HTTP 400, so the code decides, not the status.
RETRYABLE_ERROR_CODES = frozenset(
    {"1", "2", "4", "17", "341", "80007", "130429", "131000", "131016", "131048", "131056", "133004"}
)


def classify_response(response: httpx.Response) -> SendResult:
    """Turn an HTTP answer into a SendResult (pure; tested on its own)."""
    data = _json_or_none(response)
    status = response.status_code
    wamid = _wamid_of(data)
    if wamid:
        return SendResult(SendOutcome.ACCEPTED, wamid=wamid, http_status=status)
    code, title = _error_of(data, status)
    if status == 429 or status >= 500 or (status >= 400 and code in RETRYABLE_ERROR_CODES):
        return SendResult(SendOutcome.RETRYABLE, http_status=status, error_code=code, error_title=title)
    if 200 <= status < 300:
        return SendResult(
            SendOutcome.UNKNOWN, http_status=status, error_code="no_message_id", error_title="2xx without id"
        )
    return SendResult(SendOutcome.REJECTED, http_status=status, error_code=code, error_title=title)


@functools.cache
def shared_ssl_context() -> ssl.SSLContext:
    """One verified TLS context per process: loading the CA bundle costs ~100 ms,
    too much to pay per job. The worker warms it before forking work-horses."""
    return ssl.create_default_context()


class WhatsAppSender:
    """Sends template messages; owns (or borrows) one httpx.AsyncClient."""

    def __init__(self, config: WhatsAppConfig, client: httpx.AsyncClient | None = None) -> None:
        self._config = config
        self._own_client = client is None
        self._client = client or httpx.AsyncClient(
            timeout=httpx.Timeout(config.timeout_s), verify=shared_ssl_context()
        )

    async def aclose(self) -> None:
        if self._own_client:
            await self._client.aclose()

    async def __aenter__(self) -> WhatsAppSender:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def send_template(self, message: TemplateMessage | OutgoingMessage) -> SendResult:
        """POST one template message; never raises for network or API errors."""
        headers = {"Authorization": f"Bearer {self._config.access_token}"}
        try:
            response = await self._client.post(
                self._config.messages_url, json=message.payload(), headers=headers
            )
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            # The request never reached the API: nothing can have been sent.
            log.warning("whatsapp send to %s: not connected (%s)", mask_phone(message.to), type(exc).__name__)
            return SendResult(SendOutcome.RETRYABLE, error_code="connect", error_title=type(exc).__name__)
        except httpx.TransportError as exc:
            # Read timeout, dropped connection...: the API may have accepted it.
            log.warning("whatsapp send to %s: outcome unknown (%s)", mask_phone(message.to), type(exc).__name__)
            return SendResult(SendOutcome.UNKNOWN, error_code="transport", error_title=type(exc).__name__)
        result = classify_response(response)
        log.info(
            "whatsapp send to %s: %s (HTTP %s)", mask_phone(message.to), result.outcome.value, response.status_code
        )
        return result
