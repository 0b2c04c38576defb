"""Who may place a SIP call: a trusted peer (SIP_TRUSTED_PEERS) or a digest user (SIP_USERNAME/PASSWORD).

Decided on the INVITE, before any media or pipeline exists. Digest (RFC 2617/
7616 with MD5, as SIP trunks and PBXs send it) is checked here because pjsua2
has no server-side challenge: the nonce is stateless (a timestamp signed with
the app secret, valid five minutes), so any process could check it. The
`Authorization` parameters are split with the standard library's
`urllib.request.parse_http_list`/`parse_keqv_list`.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import ipaddress
import time
import urllib.request
from dataclasses import dataclass

from telephony.sip.config import SipConfig

REALM = "execora"
NONCE_TTL_S = 300


class Verdict(enum.Enum):
    ALLOW = "allow"
    CHALLENGE = "challenge"  # 401 with a fresh nonce
    FORBID = "forbid"  # 403


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    why: str
    challenge: str = ""  # the WWW-Authenticate value for a 401


def peer_trusted(cfg: SipConfig, host: str) -> bool:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return any(address in net for net in cfg.trusted_peers)


def make_nonce(secret: str, now: float | None = None) -> str:
    stamp = str(int(now if now is not None else time.time()))
    sig = hmac.new(secret.encode(), stamp.encode(), hashlib.sha256).hexdigest()[:32]
    return f"{stamp}.{sig}"


def nonce_fresh(secret: str, nonce: str, now: float | None = None) -> bool:
    stamp, _, sig = nonce.partition(".")
    if not stamp.isdigit():
        return False
    good = hmac.new(secret.encode(), stamp.encode(), hashlib.sha256).hexdigest()[:32]
    age = (now if now is not None else time.time()) - int(stamp)
    return hmac.compare_digest(sig, good) and -5 <= age <= NONCE_TTL_S


def challenge(secret: str, *, stale: bool = False) -> str:
    value = f'Digest realm="{REALM}", nonce="{make_nonce(secret)}", algorithm=MD5, qop="auth"'
    return value + ", stale=true" if stale else value


def _md5(text: str) -> str:
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def digest_params(header: str) -> dict[str, str]:
    """The key="value" pairs of an `Authorization: Digest ...` value ({} when it is not Digest)."""
    scheme, _, rest = header.strip().partition(" ")
    if scheme.lower() != "digest":
        return {}
    return {k.lower(): v for k, v in urllib.request.parse_keqv_list(urllib.request.parse_http_list(rest)).items()}


def digest_valid(cfg: SipConfig, header: str, method: str, now: float | None = None) -> tuple[bool, bool]:
    """(valid, stale): whether `header` proves SIP_USERNAME's password for `method`; stale = a good answer
    to an expired nonce (the caller may retry at once)."""
    p = digest_params(header)
    needed = ("username", "realm", "nonce", "uri", "response")
    if not all(p.get(k) for k in needed) or p["realm"] != REALM:
        return False, False
    if not hmac.compare_digest(p["username"].encode(), cfg.username.encode()):
        return False, False
    ha1 = _md5(f"{cfg.username}:{REALM}:{cfg.password}")
    ha2 = _md5(f"{method}:{p['uri']}")
    if p.get("qop"):
        expected = _md5(f"{ha1}:{p['nonce']}:{p.get('nc', '')}:{p.get('cnonce', '')}:{p['qop']}:{ha2}")
    else:
        expected = _md5(f"{ha1}:{p['nonce']}:{ha2}")
    if not hmac.compare_digest(expected, p["response"].lower()):
        return False, False
    fresh = nonce_fresh(cfg.app_secret, p["nonce"], now)
    return fresh, not fresh


def decide(cfg: SipConfig, host: str, authorization: str, method: str = "INVITE") -> Decision:
    """Allow a trusted peer or a proven digest user; challenge when digest is on; otherwise forbid."""
    if peer_trusted(cfg, host):
        return Decision(Verdict.ALLOW, "trusted peer")
    if not cfg.digest_enabled:
        return Decision(Verdict.FORBID, "peer not in SIP_TRUSTED_PEERS")
    if authorization:
        valid, stale = digest_valid(cfg, authorization, method)
        if valid:
            return Decision(Verdict.ALLOW, "digest user")
        if not stale:
            return Decision(Verdict.FORBID, "wrong digest credential")
        return Decision(Verdict.CHALLENGE, "stale nonce", challenge(cfg.app_secret, stale=True))
    return Decision(Verdict.CHALLENGE, "no credential", challenge(cfg.app_secret))
