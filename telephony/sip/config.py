"""Plain configuration for the direct SIP listener, built by `app` from Settings."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from telephony.call_config import CallConfig

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class Listen:
    """Where SIP is answered: SIP_LISTEN `udp:HOST:PORT` (UDP only: what trunks and PBXs send by default)."""

    transport: str
    host: str
    port: int


def parse_listen(value: str) -> Listen | None:
    """`udp:0.0.0.0:5060` -> Listen; '' -> None (SIP off). Raise ValueError on anything else."""
    value = value.strip()
    if not value:
        return None
    transport, _, rest = value.partition(":")
    host, _, port = rest.rpartition(":")
    if transport.lower() != "udp" or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"SIP_LISTEN must look like udp:0.0.0.0:5060, not {value!r}")
    return Listen("udp", host.strip("[]"), int(port))


def parse_networks(value: str) -> tuple[Network, ...]:
    """SIP_TRUSTED_PEERS: comma-separated CIDRs (a bare address is a /32 or /128)."""
    return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in value.split(",") if part.strip())


def parse_port_range(value: str) -> tuple[int, int]:
    """SIP_RTP_PORTS `40000-40999` -> (40000, 1000): the first port and how many."""
    low, _, high = value.partition("-")
    first, last = int(low), int(high or low)
    if not 1024 <= first <= last < 65536:
        raise ValueError(f"SIP_RTP_PORTS must look like 40000-40999, not {value!r}")
    return first, last - first + 1


@dataclass(frozen=True, kw_only=True)
class SipConfig(CallConfig):
    """The listener, who may call (trusted CIDRs and/or a digest user), and the RTP ports, on the shared config."""

    listen: Listen
    trusted_peers: tuple[Network, ...] = ()
    username: str = ""
    password: str = ""
    rtp_first_port: int = 40000
    rtp_port_count: int = 1000
    public_address: str = ""  # the address put in SDP/Contact when behind NAT ('' = the bound one)

    @property
    def digest_enabled(self) -> bool:
        return bool(self.username and self.password)
