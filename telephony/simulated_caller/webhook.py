"""The simulated caller's voice webhook: the signed POST Twilio makes when a call comes in.

Kept apart from the stream because it is plain HTTP with its own failure
modes (a forged signature is refused with 403, an unknown caller gets a
`<Say>` instead of a `<Stream>`), and tests drive it on its own. Options are
passed in on every call: a test may swap the caller's options between posts.
"""

from __future__ import annotations

import httpx

from telephony.simulated_caller import protocol as tw
from telephony.simulated_caller.options import CallerOptions


def signing_url(options: CallerOptions) -> str:
    """The URL the server checks the signature against (its public base, not the one dialled)."""
    base = (options.public_base_url or options.server_url).rstrip("/")
    return base + options.voice_path


async def post_voice_webhook(
    options: CallerOptions,
    call_sid: str,
    *,
    signature: str | None = None,
    extra_form: dict[str, str] | None = None,
) -> tw.Answer:
    """POST the signed voice webhook and parse the TwiML answer (raises on HTTP errors)."""
    form = tw.voice_webhook_form(call_sid, options.account_sid, options.from_number, options.to_number)
    form.update(extra_form or {})
    sig = signature if signature is not None else tw.sign_webhook(signing_url(options), form, options.auth_token)
    url = options.server_url.rstrip("/") + options.voice_path
    async with httpx.AsyncClient(timeout=10.0) as client:
        response = await client.post(url, data=form, headers={"X-Twilio-Signature": sig})
    response.raise_for_status()
    return tw.parse_twiml(response.text)
