"""The caller and dialled numbers of an INVITE: the user parts of P-Asserted-Identity (else From) and To.

pjsua2 parses the message; this only reads the user part of a header value
it hands us (`sip:+919876543210@trunk;user=phone` -> `+919876543210`), and
the call id our rows use.
"""

from __future__ import annotations

import hashlib
import re

_USER_RE = re.compile(r"<?(?:sips?|tel):([^@;>]+)", re.IGNORECASE)
_PHONE_CHARS = re.compile(r"[\s().-]")


def user_part(uri: str) -> str:
    """The number (user part) of a SIP/tel URI or name-addr, with visual separators dropped ('' if none)."""
    match = _USER_RE.search(uri)
    return _PHONE_CHARS.sub("", match.group(1)) if match else ""


def header_value(message: str, name: str) -> str:
    """The first value of header `name` in a whole message as pjsua2 gives it ('' when absent).

    Header names are case-insensitive; only the header block (before the blank line) is looked at.
    """
    head = message.split("\r\n\r\n", 1)[0]
    prefix = name.lower() + ":"
    for line in head.split("\r\n")[1:]:
        if line.lower().startswith(prefix):
            return line[len(prefix):].strip()
    return ""


def caller_number(message: str, remote_uri: str) -> str:
    """P-Asserted-Identity's user part when the trunk asserted one, else From's."""
    return user_part(header_value(message, "P-Asserted-Identity")) or user_part(remote_uri)


def call_sid_for(sip_call_id: str) -> str:
    """A calls.call_sid for a SIP Call-ID (any characters, any length): `sip-` + 32 hex of its SHA-256."""
    return "sip-" + hashlib.sha256(sip_call_id.encode()).hexdigest()[:32]
