"""Write RTP audio (and RFC 4733 DTMF) as a pcap file SIPp's `play_pcap_audio` replays.

Standard library only: the pcap file header, then per 20 ms packet an
Ethernet/IPv4/UDP/RTP frame with the pcap timestamp SIPp paces by. SIPp
rewrites the addresses and ports to the call's, so those here are placeholders.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

PCMU = 0
TELEPHONE_EVENT = 101
FRAME_SAMPLES = 160  # 20 ms at 8 kHz
MULAW_SILENCE = b"\xff" * FRAME_SAMPLES
_DTMF_EVENTS = {**{str(d): d for d in range(10)}, "*": 10, "#": 11}


@dataclass(frozen=True)
class RtpPacket:
    at_s: float  # when SIPp sends it, from the start of playback
    payload_type: int
    marker: bool
    timestamp: int
    payload: bytes


def _checksum(header: bytes) -> int:
    total = sum(struct.unpack(f"!{len(header) // 2}H", header))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def _frame(packet: RtpPacket, seq: int, ssrc: int) -> bytes:
    rtp = struct.pack("!BBHII", 0x80, (0x80 if packet.marker else 0) | packet.payload_type, seq & 0xFFFF,
                      packet.timestamp & 0xFFFFFFFF, ssrc) + packet.payload
    udp = struct.pack("!HHHH", 40000, 6000, 8 + len(rtp), 0) + rtp
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), seq & 0xFFFF, 0, 64, 17, 0,
                     bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
    ip = ip[:10] + struct.pack("!H", _checksum(ip)) + ip[12:]
    return b"\x02\x00\x00\x00\x00\x02" + b"\x02\x00\x00\x00\x00\x01" + b"\x08\x00" + ip + udp


def write_pcap(path: Path, packets: list[RtpPacket], ssrc: int = 0x45584352) -> Path:
    """The packets as a pcap (Ethernet link type), sequence numbers in order."""
    out = [struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)]
    for seq, packet in enumerate(packets, start=1):
        frame = _frame(packet, seq, ssrc)
        sec, usec = int(packet.at_s), round((packet.at_s % 1) * 1_000_000)
        out.append(struct.pack("<IIII", sec, min(usec, 999_999), len(frame), len(frame)) + frame)
    path.write_bytes(b"".join(out))
    return path


class RtpTrack:
    """A caller's outgoing audio, built up as 20 ms mu-law frames, silences and DTMF digits."""

    def __init__(self) -> None:
        self.packets: list[RtpPacket] = []
        self._t = 0.0  # seconds
        self._ts = 0  # RTP timestamp (8 kHz)
        self._marker = True

    @property
    def duration_s(self) -> float:
        return self._t

    def audio(self, frames: list[bytes]) -> RtpTrack:
        for frame in frames:
            self.packets.append(RtpPacket(self._t, PCMU, self._marker, self._ts, frame))
            self._marker = False
            self._t += 0.02
            self._ts += FRAME_SAMPLES
        return self

    def silence(self, seconds: float) -> RtpTrack:
        return self.audio([MULAW_SILENCE] * round(seconds / 0.02))

    def digit(self, digit: str, duration_ms: int = 160) -> RtpTrack:
        """RFC 4733: marker on the first packet, one timestamp for the event, duration growing by 160,
        three end packets; then audio resumes after it."""
        event, steps = _DTMF_EVENTS[digit], max(1, duration_ms // 20)
        for i in range(1, steps + 1):
            end = i == steps
            for _ in range(3 if end else 1):
                payload = struct.pack("!BBH", event, (0x80 if end else 0) | 10, i * FRAME_SAMPLES)
                self.packets.append(RtpPacket(self._t, TELEPHONE_EVENT, i == 1, self._ts, payload))
            self._t += 0.02
        self._ts += steps * FRAME_SAMPLES
        self._marker = True
        return self
