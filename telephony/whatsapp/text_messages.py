"""Free-form messages to the owner (inside WhatsApp's 24-hour window): text, or text with
two reply buttons for a read-back ("Haan" / "Nahi").

Sent through `WhatsAppSender.send_template` (it posts any message's `payload()`).
The buttons' ids come back as `interactive.button_reply.id`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

YES_ID, NO_ID = "confirm_yes", "confirm_no"
TEXT_LIMIT = 4096
BUTTON_BODY_LIMIT = 1024


@dataclass(frozen=True)
class TextMessage:
    to: str  # digits only
    body: str
    confirm_buttons: bool = False
    callback_data: str = ""
    language: str = "hinglish"

    @property
    def template_name(self) -> str:
        """How the local outbox files it (a free-form message has no template)."""
        return "interactive" if self.confirm_buttons else "text"

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": self.to}
        if self.confirm_buttons:
            yes, no = ("हाँ", "नहीं") if self.language == "hi" else (("Yes", "No") if self.language == "en"
                                                                     else ("Haan", "Nahi"))
            body["type"] = "interactive"
            body["interactive"] = {
                "type": "button",
                "body": {"text": self.body[:BUTTON_BODY_LIMIT]},
                "action": {"buttons": [{"type": "reply", "reply": {"id": YES_ID, "title": yes}},
                                       {"type": "reply", "reply": {"id": NO_ID, "title": no}}]},
            }
        else:
            body["type"] = "text"
            body["text"] = {"preview_url": False, "body": self.body[:TEXT_LIMIT]}
        if self.callback_data:
            body["biz_opaque_callback_data"] = self.callback_data
        return body
